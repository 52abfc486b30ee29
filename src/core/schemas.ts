// Loads every schemas/**/*.schema.json once into one ajv instance (CONTRIBUTING.md,
// principle 2). Everything that needs a schema asks this registry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const SCHEMA_BASE = 'https://taskstub.local/schemas/';
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $defs?: Record<string, JsonSchema>;
  readOnly?: boolean;
  [keyword: string]: unknown;
}

/** A string format checker, registered with ajv under its name. */
export type FormatCheck = (value: string) => boolean;

export interface SchemaRegistry {
  /** The schema with this id; `name` is either a full $id or "api/name" (e.g. "onlyoffice/task-wrapper"). */
  get(name: string): JsonSchema;
  validator(name: string): ValidateFunction;
  /** Follows a $ref found in a schema whose $id is `baseId`. */
  resolveRef(ref: string, baseId: string): { schema: JsonSchema; baseId: string };
}

export type ValidationError = ErrorObject;

/**
 * taskstub's own schema keywords, each a list: annotations that ajv accepts
 * in strict mode and never checks. `x-requiredNotEnforced` names fields the
 * seed calls required that the real server does not enforce
 * (src/journal/warnings.ts).
 */
export const ANNOTATION_KEYWORDS = ['x-requiredNotEnforced'] as const;

export function schemaId(name: string): string {
  return name.startsWith('https://') ? name : `${SCHEMA_BASE}${name}.schema.json`;
}

function listSchemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listSchemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

function pointer(schema: JsonSchema, fragment: string): JsonSchema {
  let node: unknown = schema;
  for (const raw of fragment.split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) throw new Error(`unresolvable $ref fragment #${fragment}`);
  }
  return node as JsonSchema;
}

export function loadSchemas(formats: Record<string, FormatCheck>, dir = SCHEMAS_DIR): SchemaRegistry {
  // validateSchema: false keeps the meta-schema check (a third of start-up) out
  // of every start; test/schemas.test.ts checks every shipped schema instead.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowMatchingProperties: true, validateSchema: false });
  addFormats.default(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'array' });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, { type: 'string', validate: check });

  const byId = new Map<string, JsonSchema>();
  for (const file of listSchemaFiles(dir)) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
    if (!schema.$id) throw new Error(`${file}: a schema needs an $id`);
    byId.set(schema.$id, schema);
    ajv.addSchema(schema);
  }
  const validators = new Map<string, ValidateFunction>();

  const get = (name: string): JsonSchema => {
    const schema = byId.get(schemaId(name));
    if (!schema) throw new Error(`no schema ${name}`);
    return schema;
  };

  return {
    get,
    validator(name) {
      const id = schemaId(name);
      let validate = validators.get(id);
      if (!validate) {
        validate = ajv.getSchema(id);
        if (!validate) throw new Error(`no schema ${name}`);
        validators.set(id, validate);
      }
      return validate;
    },
    resolveRef(ref, baseId) {
      const [path = '', fragment = ''] = ref.split('#');
      const targetId = path ? new URL(path, baseId).href : baseId;
      const root = get(targetId);
      return { schema: fragment ? pointer(root, fragment) : root, baseId: targetId };
    },
  };
}

/** Compiles these schemas now, so that their first request does not pay for it (and a broken one stops the start). */
export function compileNow(registry: SchemaRegistry, names: string[]): void {
  for (const name of names) registry.validator(name);
}
