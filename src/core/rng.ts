import { createGeneratorSync } from 'json-schema-faker';
import type { JsonSchema } from './schemas.js';

/** Generates values from a schema, from one seeded random stream. */
export interface Generator {
  generate(schema: JsonSchema): unknown;
}

// FNV-1a over the text: a stable 32-bit seed per (app seed, session name), so a
// session's stream never depends on what other sessions did (DESIGN principle 3).
export function deriveSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${stream}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** One json-schema-faker instance of its own (never the module-global configuration). */
export function createGenerator(seed: number): Generator {
  const faker = createGeneratorSync({ seed, alwaysFakeOptionals: true, failOnInvalidTypes: true });
  return { generate: (schema) => faker.generate(schema as Parameters<typeof faker.generate>[0]) };
}
