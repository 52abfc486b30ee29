// Portal data the APIs look up, loaded once from a fixtures directory and
// checked against schemas/fixtures/*.schema.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OnlyofficeFixtures } from './generated/fixtures/onlyoffice.js';
import type { WelloFixtures } from './generated/fixtures/wello.js';
import { explainErrors } from './core/schema-errors.js';
import type { SchemaRegistry } from './core/schemas.js';

export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface Fixtures {
  onlyoffice: OnlyofficeFixtures;
  wello: WelloFixtures;
}

function loadFile<T>(registry: SchemaRegistry, dir: string, file: string, schema: string): T {
  const path = join(dir, file);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`fixture ${path}: ${(error as Error).message}`);
  }
  const validate = registry.validator(schema);
  if (!validate(data)) {
    // Explained from the schema: the rule "exactly one default" reads as such, not as ajv's "contains" count.
    const [first] = explainErrors(registry, schema, validate.errors ?? [], data);
    const field = first?.instancePath || '/';
    const message = first?.message ?? 'is invalid';
    throw new Error(`fixture ${path}: field ${field}${message.startsWith('must') ? ' ' : ': '}${message}`);
  }
  return deepFreeze(data) as T;
}

/** Fixtures never change while served (a reload replaces them whole); frozen, their rendered JSON can be kept. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function loadFixtures(registry: SchemaRegistry, dir = DEFAULT_FIXTURES_DIR): Fixtures {
  return {
    onlyoffice: loadFile<OnlyofficeFixtures>(registry, dir, 'onlyoffice.json', 'fixtures/onlyoffice'),
    wello: loadFile<WelloFixtures>(registry, dir, 'wello.json', 'fixtures/wello'),
  };
}
