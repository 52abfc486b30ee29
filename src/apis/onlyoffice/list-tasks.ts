// GET api/2.0/crm/task/filter: CRMApi.Tasks.cs GetAllTasks over TaskDao.GetTasks / GetCrudeTasks / GetTasksCount /
// WhereConditional (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { parseApiDateTime } from './api-datetime.js';
import { type ListContext, type ListNumbers, listNumbers, smartPage, smartSort } from './api-context.js';
import type { Bound } from './binder.js';
import { OnlyofficeError } from './errors.js';
import type { Portal } from './portal.js';
import type { OnlyofficeTaskEntity } from './task-entity.js';
import type { TaskLookups } from './task-lookups.js';
import { wholeSecond } from './task-wrapper.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** TaskSortedByType (WEBCRM/Core/Enums/SortedByTypeEnum.cs), in its order: a number parses to its position [inferred]. */
const SORTED_BY = ['title', 'category', 'deadline', 'contact', 'contactmanager', 'id'] as const;
type SortedBy = (typeof SORTED_BY)[number];

/**
 * How GetAllTasks orders: a TaskSortedByType name (any letter case) or number in the asked direction; nothing asked,
 * the deadline ascending whatever sortOrder says; anything else `null`, left to the generic SmartList. A number
 * that is no member parses but is not "defined": WhereConditional then uses the default order, still paged.
 */
type OrderBy = { by: SortedBy | 'default'; ascending: boolean } | null;

/** Web.CRM.Classes.EnumExtension.TryParse(sortBy, ignoreCase) as Enum.Parse reads it: trimmed, a name or an Int32. */
export function orderByOf(sortBy: string | undefined, descending: boolean): OrderBy {
  if (sortBy === undefined || sortBy === '') return { by: 'default', ascending: true };
  const text = sortBy.trim();
  const name = SORTED_BY.find((n) => n === text.toLowerCase());
  if (name) return { by: name, ascending: !descending };
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    if (n < -2147483648 || n > 2147483647) return null;
    return { by: SORTED_BY[n] ?? 'default', ascending: !descending };
  }
  return null;
}

/** MySQL's default collation (utf8_general_ci) compares letters without case [inferred: by their upper case]. */
function sqlCompare(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const bigCompare = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A LIKE pattern's match, with `%` (any run) and `_` (one character) as wildcards and `\` escaping (MySQL's),
 * without case. `anchored`: at the start (`kw%`); else after a space (`% kw%`). Segments between `%` are found
 * leftmost, which is exact because the pattern ends in `%`.
 */
function likeMatches(text: string, keyword: string, anchored: boolean): boolean {
  const segments: { chars: string[] }[] = [{ chars: [] }];
  for (let i = 0; i < keyword.length; i++) {
    const c = keyword[i]!;
    if (c === '\\' && i + 1 < keyword.length) segments.at(-1)!.chars.push(`=${keyword[++i]!.toLowerCase()}`);
    else if (c === '%') segments.push({ chars: [] });
    else if (c === '_') segments.at(-1)!.chars.push('_');
    else segments.at(-1)!.chars.push(`=${c.toLowerCase()}`);
  }
  const hay = text.toLowerCase();
  const at = (seg: string[], pos: number) => seg.every((c, k) => pos + k < hay.length && (c === '_' || hay[pos + k] === c.slice(1)));
  let pos: number;
  const [head, ...rest] = segments;
  if (anchored) {
    if (!at(head!.chars, 0)) return false;
    pos = head!.chars.length;
  } else {
    const first = ['= ', ...head!.chars];
    let found = -1;
    for (let p = 0; p + first.length <= hay.length; p++) if (at(first, p)) { found = p; break; }
    if (found < 0) return false;
    pos = found + first.length;
  }
  for (const { chars } of rest) {
    if (chars.length === 0) continue;
    let found = -1;
    for (let p = pos; p + chars.length <= hay.length; p++) if (at(chars, p)) { found = p; break; }
    if (found < 0) return false;
    pos = found + chars.length;
  }
  return true;
}

/** GetCrudeTasks without the full-text index: every keyword is a word prefix of the title or the description (AbstractDao.BuildLike). */
function searchMatches(task: OnlyofficeTaskEntity, keywords: readonly string[]): boolean {
  const columns = [task.title, task.description ?? ''];
  return keywords.every((kw) => columns.some((text) => likeMatches(text, kw, true) || likeMatches(text, kw, false)));
}

export interface ListTasksInput {
  bound: Bound;
  ctx: ListContext;
  tasks: readonly OnlyofficeTaskEntity[];
  /** The list wrappers of tasks (ToTaskListWrapper), for the SmartList's sort by a wrapper member. */
  wrap: (task: OnlyofficeTaskEntity) => Record<string, unknown>;
  /** The TaskWrapper's members, the ones left out as defaults included. */
  wrapperKeys: readonly string[];
}

export interface ListTasksResult extends ListNumbers {
  items: Record<string, unknown>[];
}

export function listTasks(portal: Portal, lookups: TaskLookups, { bound, ctx, tasks, wrap, wrapperKeys }: ListTasksInput): ListTasksResult {
  const failure = bound.failures[0];
  if (failure) throw failure.error;
  const v = bound.values;
  const entityTypeText = ((v.entityType as string | undefined) ?? '').toLowerCase();
  if (entityTypeText && entityTypeText !== 'contact' && entityTypeText !== 'opportunity' && entityTypeText !== 'case') throw new OnlyofficeError('invalidArgument');

  // WhereConditional's filters.
  const responsibleId = v.responsibleid as string | undefined;
  const categoryId = (v.categoryid as number | undefined) ?? 0;
  const isClosed = v.isClosed as boolean | undefined;
  const from = v.fromDate === undefined ? undefined : parseApiDateTime(v.fromDate as string, portal.utcOffsetMinutes);
  const to = v.toDate === undefined ? undefined : parseApiDateTime(v.toDate as string, portal.utcOffsetMinutes);
  const entityId = (v.entityid as number | undefined) ?? 0;
  // entityType=contact: a company's tasks and its persons' (EntityType.Company); anyone else's own (Person).
  let contactIds: Set<number> | undefined;
  if (entityId > 0 && entityTypeText === 'contact') {
    contactIds = new Set([entityId]);
    if (lookups.isCompany(entityId)) for (const person of lookups.personsOf(entityId)) contactIds.add(person);
  }
  // GetCrudeTasks: trimmed, split on spaces.
  const keywords = (ctx.filterValue ?? '').trim().split(' ').filter(Boolean);

  const matches = tasks.filter((task) => {
    if (responsibleId && responsibleId !== EMPTY_GUID && task.responsibleId.toLowerCase() !== responsibleId) return false;
    if (entityId > 0) {
      if (contactIds && !contactIds.has(task.contactId)) return false;
      if ((entityTypeText === 'opportunity' || entityTypeText === 'case') && (task.entityType !== entityTypeText || task.entityId !== entityId)) return false;
    }
    if (isClosed !== undefined && task.isClosed !== isClosed) return false;
    if (categoryId > 0 && task.categoryId !== categoryId) return false;
    if (from !== undefined || to !== undefined) {
      const deadline = wholeSecond(BigInt(task.deadline));
      if (from !== undefined && deadline < from) return false;
      if (to !== undefined && deadline > to) return false;
    }
    return keywords.length === 0 || searchMatches(task, keywords);
  });

  const orderBy = orderByOf(ctx.sortBy, ctx.descending);
  const sorted = sortTasks(lookups, matches, orderBy ?? { by: 'default', ascending: true });
  const { specifiedCount: count, startIndex } = ctx;
  if (orderBy) {
    // The DAO's page: OFFSET startIndex, LIMIT count + 1 ("+1 added to see if it's last page"); SetDataPaginated
    // sets the context's StartIndex to 0, so the SmartList only takes `count` of them.
    const rows = sorted.slice(startIndex, startIndex + count + 1);
    const total = rows.length < count + 1 ? startIndex + rows.length : matches.length;
    const returned = smartPage(rows, 0, count);
    return { items: returned.map(wrap), ...listNumbers(ctx, returned.length, rows.length, 0, total) };
  }
  // An unknown sortBy: every match, in the default order; the total the same way (startIndex added on the
  // "last page", as the method computes it); then the SmartList sorts by the wrapper member and pages.
  const total = sorted.length < count + 1 ? startIndex + sorted.length : sorted.length;
  const wrapped = smartSort(sorted.map(wrap), ctx.sortBy, ctx.descending, wrapperKeys);
  const returned = smartPage(wrapped, startIndex, count);
  return { items: returned, ...listNumbers(ctx, returned.length, sorted.length, startIndex, total) };
}

/** ORDER BY is_closed ASC, then WhereConditional's keys for the sort asked. */
function sortTasks(lookups: TaskLookups, tasks: readonly OnlyofficeTaskEntity[], { by, ascending }: { by: SortedBy | 'default'; ascending: boolean }): OnlyofficeTaskEntity[] {
  const sign = ascending ? 1 : -1;
  // The column's whole seconds, read once per task.
  const deadlines = new Map(tasks.map((t) => [t, wholeSecond(BigInt(t.deadline))]));
  const deadline = (a: OnlyofficeTaskEntity, b: OnlyofficeTaskEntity) => bigCompare(deadlines.get(a)!, deadlines.get(b)!);
  const title = (a: OnlyofficeTaskEntity, b: OnlyofficeTaskEntity) => sqlCompare(a.title, b.title);
  /** "case when x is null [or x = ''] then 1 else 0 end, x <dir>": the empty ones last in either direction. */
  const emptyLast = (x: string | undefined, y: string | undefined) => {
    const ex = !x;
    const ey = !y;
    if (ex || ey) return ex === ey ? 0 : ex ? 1 : -1;
    return sign * sqlCompare(x!, y!);
  };
  const compare = (a: OnlyofficeTaskEntity, b: OnlyofficeTaskEntity): number => {
    switch (by) {
      case 'title':
        return sign * title(a, b) || deadline(a, b);
      case 'deadline':
        return sign * deadline(a, b) || title(a, b);
      case 'category':
        return sign * (a.categoryId - b.categoryId) || deadline(a, b) || title(a, b);
      case 'contactmanager': {
        const [na, nb] = [lookups.userNames(a.responsibleId), lookups.userNames(b.responsibleId)];
        return emptyLast(na?.lastName, nb?.lastName) || emptyLast(na?.firstName, nb?.firstName) || deadline(a, b) || title(a, b);
      }
      case 'contact':
        return emptyLast(lookups.contactName(a.contactId), lookups.contactName(b.contactId)) || deadline(a, b) || title(a, b);
      case 'id':
        return sign * (a.id - b.id);
      default:
        return deadline(a, b) || title(a, b);
    }
  };
  // Ties keep the table's order (creation order) [assumption: MySQL gives no order to rows that tie].
  return [...tasks].sort((a, b) => Number(a.isClosed) - Number(b.isClosed) || compare(a, b));
}
