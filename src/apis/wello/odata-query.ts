// The OData system query options of GET api/TaskView, and one page of a list as ASP.NET OData's EnableQuery gives
// it (docs/fidelity.md, Wello: Read-back routes): filter, count, order, skip, top, then the server's page size.
import { compileFilter, compileOrderBy, type Comparator, type FilterOptions, ODataQueryError, type Predicate } from './odata-filter.js';
import type { TaskValue } from './fields.js';

/**
 * Every list is paged, 100 items a page on Wello (HelpGuide Paging, general API host [doc]); the ServiceDesk host's
 * own page size is not documented, so the stub takes the general API's [assumption].
 */
export const PAGE_SIZE = 100;

/** The options the stub reads; any other `$` option is refused, as EnableQuery refuses what it does not support. */
const SUPPORTED = new Set(['$filter', '$orderby', '$top', '$skip', '$count']);

export interface ListQuery {
  filter?: Predicate;
  orderBy?: Comparator;
  top?: number;
  skip: number;
  count: boolean;
}

/** ODataLib's reading of $top and $skip: a non-negative Int32 [inferred: ODataUriParser.ParseTop's message]. */
function nonNegative(option: '$top' | '$skip', text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2147483647) {
    throw new ODataQueryError(`Invalid value '${text}' for ${option} query option found. The ${option} query option requires a non-negative integer value.`);
  }
  return Number(text);
}

/** The query options of one request, checked; an ODataQueryError (a 400) when one cannot be used. */
export function readListQuery(query: Readonly<Record<string, string>>, options: FilterOptions): ListQuery {
  for (const name of Object.keys(query)) {
    // Names without `$` are the application's own, which OData leaves alone; the system options are case-sensitive.
    if (name.startsWith('$') && !SUPPORTED.has(name)) throw new ODataQueryError(`The query parameter '${name}' is not supported.`);
  }
  const list: ListQuery = { skip: 0, count: false };
  if (query.$filter !== undefined) list.filter = compileFilter(query.$filter, options);
  if (query.$orderby !== undefined) list.orderBy = compileOrderBy(query.$orderby, options);
  if (query.$top !== undefined) list.top = nonNegative('$top', query.$top);
  if (query.$skip !== undefined) list.skip = nonNegative('$skip', query.$skip);
  if (query.$count !== undefined) {
    if (query.$count !== 'true' && query.$count !== 'false') throw new ODataQueryError(`'${query.$count}' is not a valid count option.`);
    list.count = query.$count === 'true';
  }
  return list;
}

export interface Page<T> {
  items: T[];
  /** How many matched the filter, before $skip and $top: `@odata.count` when $count=true. */
  matched: number;
  /** The query of the next page (`$skip` moved on, `$top` what remains), when more items remain than one page holds. */
  next?: Record<string, string>;
}

/** One page: filter, order (stable: equal items keep their creation order), skip, then at most $top and the page size. */
export function pageOf<T extends Readonly<Record<string, TaskValue>>>(all: readonly T[], list: ListQuery, query: Readonly<Record<string, string>>): Page<T> {
  let items = list.filter ? all.filter(list.filter) : [...all];
  const matched = items.length;
  if (list.orderBy) items.sort(list.orderBy);
  items = items.slice(list.skip);
  const wanted = list.top === undefined ? items.length : Math.min(list.top, items.length);
  if (wanted <= PAGE_SIZE) return { items: items.slice(0, wanted), matched };
  // ASP.NET OData's next-page link keeps the other options and moves $skip on; a $top left over shrinks by the page.
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) if (name !== '$skip' && name !== '$top') next[name] = value;
  if (list.top !== undefined) next.$top = String(list.top - PAGE_SIZE);
  next.$skip = String(list.skip + PAGE_SIZE);
  return { items: items.slice(0, PAGE_SIZE), matched, next };
}
