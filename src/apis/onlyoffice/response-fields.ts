// ?fields=: the answer's members trimmed to those named (docs/fidelity.md, ONLYOFFICE: Envelope).
import type { Shape } from '../../core/render.js';
import { type QueryInput, requestArray } from './query-string.js';

/**
 * The names asked for, as ApiContext's constructor reads them (ASC.Api/Impl/ApiContext.cs,
 * `Fields = GetRequestArray("fields")`): from the query string only; every `fields[]` before `fields`; a
 * single value is split on commas, with no trimming, unless it is empty (then it is the one name ""); several
 * values are the names as they are. The names are looked up as a NameValueCollection does, in any letter case.
 * Undefined when there is no filter.
 */
export function requestedFields(query: QueryInput): readonly string[] | undefined {
  return requestArray(query, 'fields');
}

/**
 * The envelope's shape with its `response` object limited to the members named, in any letter case
 * (SerializerContractResolver: a HashSet with StringIgnoreCaseComparer; members not named are left out of
 * the contract, so even `id`, always written otherwise, goes). Only the response's own type is filtered:
 * the objects inside it (users, category, contact) are written whole [inferred: their contracts come from
 * CamelCasePropertyNamesContractResolver's cache, shared by every request since the server started]. A
 * name with a dot (`contact.id`) is a name like any other, so it matches nothing.
 */
export function projectResponse(envelope: Shape, fields: readonly string[]): Shape {
  const wanted = new Set(fields.map((name) => name.toLowerCase()));
  return {
    keys: envelope.keys.map((key) =>
      key.name === 'response' && key.child ? { ...key, child: { keys: key.child.keys.filter((member) => wanted.has(member.name.toLowerCase())) } } : key,
    ),
  };
}

/** One cache key per set of names, whatever their order, case or repeats (FieldsResolverKey, the same idea). */
export function fieldsKey(fields: readonly string[]): string {
  return [...new Set(fields.map((name) => name.toLowerCase()))].sort().join(',');
}
