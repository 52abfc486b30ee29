// Converts request fields to the method's parameter types, as ASC.Api's binder
// does: each parameter by name (any letter case), from the body and then the
// query string; the .NET type comes from the request schema. A value that
// does not convert is remembered, and the parameter gets its default, so the
// method's own checks still run first (docs/fidelity.md, ONLYOFFICE: Errors, create-task checks 1-5).
import type { JsonSchema } from '../../core/schemas.js';
import { parseGuid } from '../../core/guid.js';
import { OnlyofficeError } from './errors.js';

export type Fields = Record<string, unknown>;

export interface Bound {
  values: Record<string, string | number | boolean | undefined>;
  /** Every value that did not convert, in parameter order. */
  failures: { field: string; error: OnlyofficeError }[];
}

const INT32 = { min: -2147483648, max: 2147483647 };

type Converted = { ok: true; value: string | number | boolean | undefined } | { ok: false; error: OnlyofficeError };

function toInt32(raw: unknown): Converted {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) value = Number(raw.trim());
  else return { ok: false, error: new OnlyofficeError('notAnInteger') };
  if (!Number.isInteger(value)) return { ok: false, error: new OnlyofficeError('notAnInteger') };
  if (value < INT32.min || value > INT32.max) return { ok: false, error: new OnlyofficeError('intOverflow') };
  return { ok: true, value };
}

function toBoolean(raw: unknown): Converted {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  if (typeof raw === 'number') return { ok: true, value: raw !== 0 };
  if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
  }
  return { ok: false, error: new OnlyofficeError('notABoolean') };
}

function toGuid(raw: unknown): Converted {
  const value = typeof raw === 'string' ? parseGuid(raw) : undefined;
  return value ? { ok: true, value } : { ok: false, error: new OnlyofficeError('notAGuid') };
}

function toText(raw: unknown): Converted {
  if (typeof raw === 'string') return { ok: true, value: raw };
  if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: String(raw) };
  return { ok: false, error: new OnlyofficeError('notAString') };
}

function convert(raw: unknown, schema: JsonSchema): Converted {
  if (raw === undefined || raw === null) return { ok: true, value: undefined };
  // Form and XML values are strings; an empty one is an absent parameter.
  if (raw === '' && schema.type !== 'string') return { ok: true, value: undefined };
  if (schema.type === 'integer') return toInt32(raw);
  if (schema.type === 'boolean') return toBoolean(raw);
  if (schema.format === 'guid') return toGuid(raw);
  return toText(raw);
}

/** A field by its exact name, or else in any letter case (the first such one). */
function field(fields: Fields, name: string, lower: string): unknown {
  if (Object.hasOwn(fields, name)) return fields[name];
  for (const key in fields) if (Object.hasOwn(fields, key) && key.toLowerCase() === lower) return fields[key];
  return undefined;
}

/** Binds `body` fields (then `query` ones) to the parameters the schema lists. */
export function bindParameters(schema: JsonSchema, body: Fields, query: Fields): Bound {
  const values: Bound['values'] = {};
  const failures: Bound['failures'] = [];
  for (const name in schema.properties) {
    const property = schema.properties[name]!;
    const lower = name.toLowerCase();
    let raw = field(body, name, lower);
    if (raw === undefined) raw = field(query, name, lower);
    const converted = convert(raw, property);
    if (converted.ok) values[name] = converted.value;
    else failures.push({ field: name, error: converted.error });
  }
  return { values, failures };
}
