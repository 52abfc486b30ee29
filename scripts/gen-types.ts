// Writes src/generated/**: TypeScript types derived from schemas/ (so that no
// field list is written twice). `npm run gen:types`; a test fails when stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedTypes, GENERATED_DIR } from './schema-types.js';

for (const [file, source] of await generatedTypes()) {
  const path = join(GENERATED_DIR, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, source);
  process.stdout.write(`wrote ${path}\n`);
}
