// The query string as ASP.NET reads it for ONLYOFFICE (HttpRequest.QueryString, an HttpValueCollection filled by
// FillFromString like a form: docs/fidelity.md, ONLYOFFICE: Binding): every value of every name, in order. The
// binder reads them all (ApiArgumentBuilder.GetRequestParams adds them, and Binder.Bind joins them when the first
// does not convert); ApiContext reads them with GetValues (`fields`, `count`, `startIndex`, `sortBy`, ...), so
// `?fields=id&fields=title` asks for both, and `?fields` (no `=`, a null name) asks for nothing.
import type { CoreRequest } from '../../core/http.js';
import { add, type Collected } from './collect.js';
import { collectForm } from './request-values.js';

const EMPTY: Collected = new Map();
const seen = new WeakMap<CoreRequest, Collected>();

/** Every value under each name (lower-cased), in the order sent; from the raw query string when the adapter kept it. */
export function queryValues(req: CoreRequest): Collected {
  if (req.rawQuery === undefined) {
    // A request built without its raw text (a test, a replay of an old entry): one value per name, as parsed.
    let collected: Collected | undefined;
    for (const name in req.query) if (Object.hasOwn(req.query, name)) add((collected ??= new Map()), name, req.query[name]!);
    return collected ?? EMPTY;
  }
  if (req.rawQuery === '') return EMPTY;
  let collected = seen.get(req);
  if (!collected) seen.set(req, (collected = collectForm(req.rawQuery)));
  return collected;
}

/** A query given as parsed pairs (one value per name, e.g. in a unit test) or as every value (queryValues). */
export type QueryInput = Collected | Readonly<Record<string, string>>;

function valuesOf(query: QueryInput, name: string): readonly string[] | undefined {
  const lower = name.toLowerCase();
  if (query instanceof Map) return query.get(lower);
  if (Object.hasOwn(query, name)) return [query[name]!];
  for (const key in query) if (key.toLowerCase() === lower) return [query[key]!];
  return undefined;
}

/**
 * ApiContext.GetRequestArray (ASC.Api/Impl/ApiContext.cs): `QueryString.GetValues(key + "[]")` if any, every value;
 * else `GetValues(key)`: one non-empty value is split on commas, several are returned as they are. Names match in
 * any letter case (NameValueCollection). Undefined when the query has no such name.
 */
export function requestArray(query: QueryInput, key: string): readonly string[] | undefined {
  const bracketed = valuesOf(query, `${key}[]`);
  if (bracketed !== undefined) return bracketed;
  const values = valuesOf(query, key);
  if (values === undefined) return undefined;
  return values.length === 1 && values[0] !== '' ? values[0]!.split(',') : values;
}

/** ApiContext.GetRequestValue: the first of GetRequestArray. */
export function requestValue(query: QueryInput, key: string): string | undefined {
  return requestArray(query, key)?.[0];
}
