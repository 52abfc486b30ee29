// Writes objects the way the real servers' DataContract serializers do: keys
// in the schema's property order; a required property is always written
// (null when it has no value: EmitDefaultValue = true), any other one is left
// out when null, false or 0 (EmitDefaultValue = false).
import { type JsonSchema, type SchemaRegistry, schemaId } from './schemas.js';

export interface Shape {
  readonly keys: readonly { name: string; required: boolean; child: Shape | undefined }[];
}

function follow(registry: SchemaRegistry, node: JsonSchema, baseId: string): { node: JsonSchema; baseId: string } {
  let current = { node, baseId };
  while (current.node.$ref && !current.node.properties) {
    const next = registry.resolveRef(current.node.$ref, current.baseId);
    current = { node: next.schema, baseId: next.baseId };
  }
  return current;
}

function buildShape(registry: SchemaRegistry, node: JsonSchema, baseId: string): Shape | undefined {
  const resolved = follow(registry, node, baseId);
  const properties = resolved.node.properties;
  if (!properties) return undefined;
  const required = new Set(resolved.node.required ?? []);
  return {
    keys: Object.entries(properties).map(([name, child]) => ({
      name,
      required: required.has(name),
      child: buildShape(registry, child, resolved.baseId),
    })),
  };
}

/** The key order of a schema's objects, computed once per schema. */
export function shapeOf(registry: SchemaRegistry, name: string): Shape {
  const id = schemaId(name);
  const shape = buildShape(registry, registry.get(id), id);
  if (!shape) throw new Error(`${name} does not describe an object`);
  return shape;
}

function isDefault(value: unknown): boolean {
  return value === false || value === 0;
}

/** A copy of `value` with the shape's keys in order and emitted-default rules applied; unknown keys are dropped. */
export function renderByShape(shape: Shape, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, required, child } of shape.keys) {
    const field = value[name] ?? null;
    if (!required && (field === null || isDefault(field))) continue;
    out[name] = child && field !== null && typeof field === 'object' && !Array.isArray(field) ? renderByShape(child, field as Record<string, unknown>) : field;
  }
  return out;
}

/** Characters JSON.stringify escapes: quotes, backslashes, controls and lone surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify's text for a value, without its call for the common plain strings and numbers. */
export function jsonValue(value: unknown): string {
  if (typeof value === 'string') return NEEDS_JSON_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/**
 * The same rules as renderByShape, written straight to JSON text by a writer
 * compiled once per schema. A frozen value (fixture data: users, categories)
 * is written once and its text kept, so a response is mostly copied, not
 * serialized, on the hot path.
 */
export function jsonWriter(shape: Shape): (value: Readonly<Record<string, unknown>>) => string {
  const written = new WeakMap<object, string>();
  const keys = shape.keys.map((k) => ({ name: k.name, required: k.required, prefix: `${JSON.stringify(k.name)}:`, write: k.child && jsonWriter(k.child) }));
  // Parts joined once: a flat string, not a rope of concatenations kept alive by the journal.
  const write = (value: Readonly<Record<string, unknown>>): string => {
    const parts: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const { name, required, prefix, write: child } = keys[i]!;
      const field = value[name] ?? null;
      if (!required && (field === null || isDefault(field))) continue;
      const text = child && field !== null && typeof field === 'object' && !Array.isArray(field) ? child(field as Record<string, unknown>) : jsonValue(field);
      parts.push(prefix + text);
    }
    return `{${parts.join(',')}}`;
  };
  return (value) => {
    if (!Object.isFrozen(value)) return write(value);
    let text = written.get(value);
    if (text === undefined) written.set(value, (text = write(value)));
    return text;
  };
}
