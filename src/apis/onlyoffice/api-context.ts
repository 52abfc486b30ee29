// The generic list parameters every ONLYOFFICE route reads (ASC.Api/Impl/ApiContext.cs, constructor), and what the
// generic SmartList does with a list the method did not page itself (ASC.Api/Collections/CompiledSmartList.cs,
// SmartList.cs; ApiSmartListResponceFilter.cs), and the envelope numbers ApiHttpHandlerBase.PostProcessResponse
// writes (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { type QueryInput, requestValue } from './query-string.js';

/** `ItemsPerPage` of the portal's API configuration (web.autofac.config maxPage): the cap and the default of `count`. */
export const ITEMS_PER_PAGE = 1000;

export interface ListContext {
  /** `SpecifiedCount`: min(count, ITEMS_PER_PAGE); ITEMS_PER_PAGE when missing or not an unsigned integer. */
  specifiedCount: number;
  /** `StartIndex`: the request's, at least 0. */
  startIndex: number;
  sortBy: string | undefined;
  /** `sortOrder` is exactly "descending" (case-sensitive). */
  descending: boolean;
  /** `FilterValue`: the first value (of `filterValue[]`, else `filterValue` split on commas). */
  filterValue: string | undefined;
}

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

/** `ulong.TryParse` (NumberStyles.Integer): white space around, a `+` sign, or `-0`; undefined when it fails. */
function parseUInt64(text: string): bigint | undefined {
  const t = text.trim();
  if (/^-0+$/.test(t)) return 0n;
  if (!/^\+?\d+$/.test(t)) return undefined;
  const value = BigInt(t.replace('+', ''));
  return value <= UINT64_MAX ? value : undefined;
}

/** `long.TryParse`. */
function parseInt64(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const value = BigInt(t.replace('+', ''));
  return value <= INT64_MAX && value >= -INT64_MAX - 1n ? value : undefined;
}

export function listContext(query: QueryInput): ListContext {
  const count = requestValue(query, 'count');
  const parsedCount = count ? parseUInt64(count) : undefined;
  const specifiedCount = parsedCount === undefined ? ITEMS_PER_PAGE : Number(parsedCount < BigInt(ITEMS_PER_PAGE) ? parsedCount : BigInt(ITEMS_PER_PAGE));
  const start = requestValue(query, 'startIndex');
  const parsedStart = start === undefined ? undefined : parseInt64(start);
  // Past 2^53 a JavaScript number loses digits; no list is that long.
  const startIndex = parsedStart === undefined || parsedStart < 0n ? 0 : Number(parsedStart > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : parsedStart);
  return {
    specifiedCount,
    startIndex,
    sortBy: requestValue(query, 'sortBy'),
    descending: requestValue(query, 'sortOrder') === 'descending',
    filterValue: requestValue(query, 'filterValue'),
  };
}

/** The envelope's list numbers, each left out when 0 or absent (except total, which the list route always sets). */
export interface ListNumbers {
  count: number;
  startIndex: number;
  nextIndex: number | undefined;
  total: number | undefined;
}

/**
 * PostProcessResponse: `count` is what is returned; `nextIndex` is written when a full page was returned and the
 * list held more than a page past the context's StartIndex, and is `SpecifiedStartIndex + SpecifiedCount + 1`:
 * one past the real next offset.
 */
export function listNumbers(ctx: ListContext, returned: number, beforeFilter: number, contextStartIndex: number, total: number | undefined): ListNumbers {
  const more = returned === ctx.specifiedCount && beforeFilter - contextStartIndex > ctx.specifiedCount;
  return { count: returned, startIndex: ctx.startIndex, nextIndex: more ? ctx.startIndex + ctx.specifiedCount + 1 : undefined, total };
}

/**
 * String order as .NET's Comparer<string>.Default gives it (the culture's; the portal's is en-US) [inferred]:
 * ICU's root collation.
 */
const cultureOrder = new Intl.Collator('en-US');

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return cultureOrder.compare(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** A key of `value` in any letter case (GetPropertyInfo: OrdinalIgnoreCase), among `keys` when given. */
function memberOf(value: Record<string, unknown>, keys: readonly string[] | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return (keys ?? Object.keys(value)).find((key) => key.toLowerCase() === lower);
}

/**
 * CompiledSmartList's sort: by the member `sortBy` names (a dotted path, any letter case); items whose path
 * passes through a null, or ends on one, are dropped (GetNullCheck); stable (LINQ OrderBy). A path that names no
 * member, or ends on an object (a user, the category), leaves the order as it is [assumption: the compiled sort
 * does not compile, or cannot compare]. `keys` are the members of the top object, with those the answer leaves
 * out (false, 0).
 */
export function smartSort<T extends Record<string, unknown>>(items: readonly T[], sortBy: string | undefined, descending: boolean, keys: readonly string[]): T[] {
  if (!sortBy) return [...items];
  const path = sortBy.split('.');
  const NAMES_NOTHING = Symbol('no such member');
  const valueAt = (item: T): unknown => {
    let node: unknown = item;
    for (let i = 0; i < path.length; i++) {
      if (node === null || node === undefined) return undefined;
      if (typeof node !== 'object') return NAMES_NOTHING;
      const member = memberOf(node as Record<string, unknown>, i === 0 ? keys : undefined, path[i]!);
      if (member === undefined) return NAMES_NOTHING;
      node = (node as Record<string, unknown>)[member];
    }
    return node;
  };
  const values = items.map((item) => ({ item, value: valueAt(item) }));
  if (values.some(({ value }) => value === NAMES_NOTHING || (value !== null && typeof value === 'object'))) return [...items];
  const sign = descending ? -1 : 1;
  return values
    .filter(({ value }) => value !== null && value !== undefined)
    .sort((x, y) => sign * compareValues(x.value, y.value))
    .map(({ item }) => item);
}

/** SmartList's paging after its sort: skip StartIndex, then take SpecifiedCount when it is above 0. */
export function smartPage<T>(items: readonly T[], startIndex: number, specifiedCount: number): T[] {
  const skipped = startIndex > 0 ? items.slice(startIndex) : [...items];
  return specifiedCount > 0 ? skipped.slice(0, specifiedCount) : skipped;
}
