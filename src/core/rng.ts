import { createGeneratorSync, type Random } from 'json-schema-faker';
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

/** A version-4 GUID in .NET's lower-case "D" form, from the generator's own stream. */
function guid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + random.int(0, 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** One json-schema-faker instance of its own (never the module-global configuration). */
export function createGenerator(seed: number): Generator {
  const faker = createGeneratorSync({ seed, alwaysFakeOptionals: true, failOnInvalidTypes: true, formats: { guid } });
  return { generate: (schema) => faker.generate(schema as Parameters<typeof faker.generate>[0]) };
}
