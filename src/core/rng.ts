import { createGeneratorSync, type Random } from 'json-schema-faker';
import type { JsonSchema } from './schemas.js';

/** Generates values from a schema, from one seeded random stream. */
export interface Generator {
  generate(schema: JsonSchema): unknown;
}

// FNV-1a over the text: a stable 32-bit seed per (app seed, session name), so a
// session's stream never depends on what other sessions did (CONTRIBUTING.md, principle 3).
export function deriveSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${stream}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number) => HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;

/** A version-4 GUID in .NET's lower-case "D" form from four random 32-bit words. */
export function guidFromWords(a: number, b: number, c: number, d: number): string {
  const h = hex8(a) + hex8((b & 0xffff0fff) | 0x4000) + hex8((c & 0x3fffffff) | 0x80000000) + hex8(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** json-schema-faker's format for "guid", drawing from the generator's own stream. */
function guid(random: Random): string {
  const word = () => random.int(0, 0xffff) * 0x10000 + random.int(0, 0xffff);
  return guidFromWords(word(), word(), word(), word());
}

/** One json-schema-faker instance of its own (never the module-global configuration). */
export function createGenerator(seed: number): Generator {
  const faker = createGeneratorSync({ seed, alwaysFakeOptionals: true, failOnInvalidTypes: true, formats: { guid } });
  return { generate: (schema) => faker.generate(schema as Parameters<typeof faker.generate>[0]) };
}

/**
 * sfc32: a small, fast seeded generator of 32-bit words, for the values made
 * on every request (GUIDs), where json-schema-faker's machinery would cost
 * more than the rest of the request.
 */
export function createWords(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}
