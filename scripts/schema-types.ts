import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCHEMAS = join(ROOT, 'schemas');
export const GENERATED_DIR = join(ROOT, 'src', 'generated');

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? schemaFiles(join(dir, e.name)) : e.name.endsWith('.schema.json') ? [join(dir, e.name)] : []))
    .sort();
}

const BANNER = '// Generated from schemas/ by `npm run gen:types`. Do not edit.\n/* eslint-disable */';

/** [relative output file, TypeScript source] for every schema file. */
export async function generatedTypes(): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const file of schemaFiles(SCHEMAS)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as JSONSchema;
    const source = await compile(schema, basename(file, '.schema.json'), {
      cwd: dirname(file),
      bannerComment: BANNER,
      additionalProperties: false,
      format: true,
    });
    out.push([relative(SCHEMAS, file).replace(/\.schema\.json$/, '.ts'), source]);
  }
  return out;
}
