// fast-check arbitraries for create requests, generated from the request
// schemas (so a new field is fuzzed without touching this file), valid and
// then mutated, serialized in every form each API reads.
import fc from 'fast-check';
import type { JsonSchema, SchemaRegistry } from '../../src/core/schemas.js';

const GUID = fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase(), `{${id}}`));
const DATE = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true });

/** A value for a string format, valid by the API's own reading of it. */
const FORMATS: Record<string, fc.Arbitrary<string>> = {
  guid: GUID,
  // ApiDateTime reads ISO 8601 with or without the fraction and zone, and the seed's 2008-04-10T06-30-00.000Z (docs/fidelity.md, ONLYOFFICE).
  'api-datetime': DATE.chain((d) => {
    const iso = d.toISOString();
    return fc.constantFrom(iso, iso.slice(0, 19), iso.replace(/:/g, '-'), iso.slice(0, 10), iso.replace('Z', '+03:00'));
  }),
  'dotnet-datetime': DATE.chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 19), `${d.toISOString().slice(0, 19)}.1234567+00:00`)),
};

function resolve(registry: SchemaRegistry, schema: JsonSchema, baseId: string): { schema: JsonSchema; baseId: string } {
  return schema.$ref ? resolve(registry, ...(Object.values(registry.resolveRef(schema.$ref, baseId)) as [JsonSchema, string])) : { schema, baseId };
}

/** Values that satisfy `schema`. Read-only fields are left out, as a client would. */
export function valueFor(registry: SchemaRegistry, schema: JsonSchema, baseId: string): fc.Arbitrary<unknown> {
  const { schema: s, baseId: base } = resolve(registry, schema, baseId);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const types = (Array.isArray(s.type) ? s.type : [s.type ?? 'string']) as string[];
  const options = types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: (s.minimum as number | undefined) ?? -(2 ** 31), max: (s.maximum as number | undefined) ?? 2 ** 31 - 1 });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'object': {
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, property] of Object.entries(s.properties ?? {})) if (!property.readOnly) record[name] = valueFor(registry, property, base);
        const required = (s.required ?? []).filter((name) => name in record);
        return fc.record(record, { requiredKeys: required });
      }
      default:
        if (s.format && FORMATS[s.format]) return FORMATS[s.format]!;
        return fc.string({ minLength: (s.minLength as number | undefined) ?? 0, maxLength: (s.maxLength as number | undefined) ?? 40, unit: 'grapheme' });
    }
  });
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

/** One way of breaking a valid body. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'drop'; index: number }
  | { kind: 'retype'; index: number; value: unknown }
  | { kind: 'extra'; key: string; value: unknown };

const HOSTILE_KEYS = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$type', '');

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), index: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('extra' as const), key: fc.oneof(HOSTILE_KEYS, fc.string({ maxLength: 12 })), value: fc.jsonValue({ maxDepth: 3 }) }),
);

export function mutate(body: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const out = { ...body };
  const keys = Object.keys(out);
  if (m.kind === 'drop' && keys.length > 0) delete out[keys[m.index % keys.length]!];
  if (m.kind === 'retype' && keys.length > 0) out[keys[m.index % keys.length]!] = m.value;
  if (m.kind === 'extra') Object.defineProperty(out, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** What happens to the serialized bytes on the way. */
export type Damage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'bytes'; at: number; bytes: number[] };

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Damage>({ kind: 'none' }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }) }),
);

export function applyDamage(bytes: Buffer, d: Damage): Buffer {
  if (d.kind === 'none' || bytes.length === 0) return bytes;
  const at = d.at % bytes.length;
  if (d.kind === 'truncate') return bytes.subarray(0, at);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(d.bytes), bytes.subarray(at)]);
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A flat body as an XML document: the root, then the fields in the given order; null as i:nil. */
export function toXml(root: string, body: Record<string, unknown>, sorted: boolean): string {
  const keys = Object.keys(body).filter((k) => /^[A-Za-z_][\w.-]*$/.test(k));
  if (sorted) keys.sort();
  const fields = keys.map((k) => {
    const v = body[k];
    if (v === null) return `<${k} i:nil="true"/>`;
    return `<${k}>${xmlText(typeof v === 'object' ? JSON.stringify(v) : String(v))}</${k}>`;
  });
  return `<${root} xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${fields.join('')}</${root}>`;
}

export function toForm(body: Record<string, unknown>): string {
  const pairs = Object.entries(body).map(([k, v]): [string, string] => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]);
  return new URLSearchParams(pairs).toString();
}

/** How deep, and in what, a body nests: around each API's limit (ONLYOFFICE 64, Wello 256; the root is depth 1) and far past them. */
export interface Nesting {
  depth: number;
  /** Arrays, objects (`{"a":…}`), or both in turn. */
  shape: 'arrays' | 'objects' | 'mixed';
  /** As a field's value in an otherwise valid body, or as the whole body. */
  at: 'field' | 'root';
  /** Closed, or cut off inside the deepest level (a reader meets the limit before the end). */
  closed: boolean;
}

export const nesting: fc.Arbitrary<Nesting> = fc.record({
  depth: fc.oneof(fc.constantFrom(62, 63, 64, 65, 66, 254, 255, 256, 257, 258, 1000, 20_000), fc.integer({ min: 1, max: 400 })),
  shape: fc.constantFrom('arrays', 'objects', 'mixed'),
  at: fc.constantFrom('field', 'root'),
  closed: fc.boolean(),
});

/** `depth` levels of JSON containers. */
export function nestedJson({ depth, shape, closed }: Nesting): string {
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level++) {
    const object = shape === 'objects' || (shape === 'mixed' && level % 2 === 1);
    open += object ? '{"a":' : '[';
    close = (object ? '}' : ']') + close;
  }
  // The innermost object needs a value before its brace.
  const leaf = open.endsWith(':') ? '1' : '';
  return closed ? open + leaf + close : open;
}

/** `depth` levels of XML elements. */
export function nestedXml({ depth, closed }: Nesting): string {
  return '<n>'.repeat(depth) + (closed ? `x${'</n>'.repeat(depth)}` : '');
}

/** A body for `field` of a valid body, or the nesting alone at the root. */
export function nestedBody(body: Record<string, unknown>, field: string, n: Nesting, encoding: 'json' | 'xml', root: string): string {
  if (encoding === 'json') {
    const deep = nestedJson(n);
    if (n.at === 'root') return deep;
    const flat = JSON.stringify({ ...body, [field]: 0 });
    return flat.replace(`"${field}":0`, `"${field}":${deep}`);
  }
  if (n.at === 'root') return nestedXml(n);
  const flat = toXml(root, body, false);
  return flat.replace(`</${root}>`, `<${field}>${nestedXml(n)}</${field}></${root}>`);
}
