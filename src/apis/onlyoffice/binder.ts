// Stage 2 of ONLYOFFICE's pipeline: the collected values (collect.ts) bound to
// the method's parameters, as ASC.Api/Impl/ApiArgumentBuilder.cs,
// BuildCallingArguments does it before the method runs (ApiManager.InvokeMethod).
// Each parameter, in the method's order, takes the first value under its name
// in any letter case, converted by its .NET TypeConverter (convert.ts). If that
// fails, Binder.Bind (ASC.Api/Utils/Binder.cs) tries again with every value
// under the name joined by commas (NameValueCollection's indexer): empty gives
// the type's default, anything else that fails is the ApiArgumentMismatchException
// the server answers 400 with (docs/fidelity.md, ONLYOFFICE: Binding).
import type { JsonSchema } from '../../core/schemas.js';
import { type Collected, collectRequest } from './collect.js';
import { type Converted, toApiDateTime, toBoolean, toGuid, toInt32 } from './convert.js';
import { OnlyofficeError } from './errors.js';
import { cookieValue } from './request-values.js';

export type { Collected } from './collect.js';

export interface Bound {
  values: Record<string, string | number | boolean | undefined>;
  /** Every value that did not convert, in parameter order; the server stops at the first (create-task.ts throws it). */
  failures: { field: string; error: OnlyofficeError }[];
}

type Value = string | number | boolean;

/** The parameter's .NET type, read from the request schema. */
function convert(text: string, schema: JsonSchema): Converted<Value> {
  if (schema.type === 'integer') return toInt32(text);
  if (schema.type === 'boolean') return toBoolean(text);
  if (schema.format === 'guid') return toGuid(text);
  if (schema.format === 'api-datetime') {
    // The text is kept: create-task.ts reads it in the portal's time zone.
    const date = toApiDateTime(text, 0);
    return date.ok ? { ok: true, value: text } : date;
  }
  return { ok: true, value: text }; // StringConverter: any text, the empty string included
}

function bindOne(values: string[], schema: JsonSchema): { ok: true; value: Value | undefined } | { ok: false; error: OnlyofficeError } {
  const first = convert(values[0]!, schema); // `values.First()`
  if (first.ok) return first;
  // Binder.Bind: the first non-empty of values[name], values[camelCase], values[lower]: all the same key here.
  const joined = values.join(',');
  if (joined === '') return { ok: true, value: undefined };
  const again = values.length === 1 ? first : convert(joined, schema);
  if (again.ok) return again;
  return { ok: false, error: new OnlyofficeError(again.error, again.detail) };
}

/**
 * Binds the parameters the schema lists from the query string's values, then
 * the body's (collected by collect.ts). A name with no value in that collection
 * falls back to `Request[name]` (BuildCallingArguments, for any method but GET):
 * HttpRequest's indexer looks in QueryString, Form, Cookies and ServerVariables.
 * The query string and the form are in the collection already, so only a
 * cookie can add a value; a non-empty one is converted once, with no Binder.Bind
 * retry, and a failure is the same 400. No server variable can answer: their
 * names are the fixed CGI ones (REMOTE_ADDR, CONTENT_TYPE, …) and `HTTP_`
 * followed by a header's name (HttpRequest.FillInServerVariablesCollection),
 * and no parameter of CreateTask has such a name. Otherwise the default.
 */
export function bindParameters(schema: JsonSchema, body: Collected, query: Collected | Readonly<Record<string, string>>, cookieHeader?: string): Bound {
  const collected = collectRequest(query, body);
  const values: Bound['values'] = {};
  const failures: Bound['failures'] = [];
  for (const name in schema.properties) {
    const property = schema.properties[name]!;
    const found = collected.get(name.toLowerCase());
    if (!found || found.length === 0) {
      const cookie = cookieValue(cookieHeader, name);
      if (!cookie) {
        values[name] = undefined;
        continue;
      }
      const converted = convert(cookie, property);
      if (converted.ok) values[name] = converted.value;
      else failures.push({ field: name, error: new OnlyofficeError(converted.error, converted.detail) });
      continue;
    }
    const bound = bindOne(found, property);
    if (bound.ok) values[name] = bound.value;
    else failures.push({ field: name, error: bound.error });
  }
  return { values, failures };
}
