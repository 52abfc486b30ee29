// A stored task (task-entity.ts) as a TaskWrapper again: CRMApi.Tasks.cs ToTaskWrapper for the single-task routes,
// ToTaskListWrapper for the list (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { parseGuid } from '../../core/guid.js';
import type { Ticks } from '../../core/ticks.js';
import { formatApiDateTime } from './api-datetime.js';
import { OnlyofficeError } from './errors.js';
import type { Category, Portal } from './portal.js';
import type { OnlyofficeTaskEntity } from './task-entity.js';

const TICKS_PER_SECOND = 10_000_000n;
const HALF_SECOND = TICKS_PER_SECOND / 2n;

/**
 * An instant as a MySQL `datetime` column keeps it: whole seconds, the fraction rounded to the nearest second
 * (MySQL rounds a fractional value stored in a column without fractional digits) [inferred].
 */
export function wholeSecond(ticks: Ticks): Ticks {
  let rest = ticks % TICKS_PER_SECOND;
  if (rest < 0n) rest += TICKS_PER_SECOND;
  const floor = ticks - rest;
  return rest >= HALF_SECOND ? floor + TICKS_PER_SECOND : floor;
}

/** How a task is shown: as read from the row (every route but the update's answer) or as the update holds it in memory. */
export interface TaskView {
  created: Ticks;
  deadline: Ticks;
  /** undefined is left out of the answer; a read-back has "" for a NULL column (TaskDao.ToTask: Convert.ToString). */
  description: string | undefined;
}

/** The task as TaskDao.GetByID reads it back: `created` and `deadline` in whole seconds, a NULL description as "". */
export function readBack(task: OnlyofficeTaskEntity): TaskView {
  return { created: wholeSecond(BigInt(task.created)), deadline: wholeSecond(BigInt(task.deadline)), description: task.description ?? '' };
}

/** The members every wrapper has, whatever its category: TaskWrapper's constructor, then the contact and entity lookups. */
function wrapperOf(portal: Portal, task: OnlyofficeTaskEntity, view: TaskView, category: Record<string, unknown>): Record<string, unknown> {
  const entityTitle = task.entityType && task.entityId > 0 ? portal.entityTitle(task.entityType, task.entityId) : undefined;
  return {
    createBy: portal.userById(parseGuid(task.createdBy) ?? task.createdBy),
    created: formatApiDateTime(view.created, portal.utcOffsetMinutes),
    contact: task.contactId > 0 ? portal.contact(task.contactId) : undefined,
    title: task.title,
    description: view.description,
    deadLine: formatApiDateTime(view.deadline, portal.utcOffsetMinutes),
    alertValue: task.alertValue,
    responsible: portal.userById(parseGuid(task.responsibleId) ?? task.responsibleId),
    isClosed: task.isClosed,
    category,
    entity: entityTitle === undefined ? undefined : { entityType: task.entityType, entityId: task.entityId, entityTitle },
    // One admin-like caller: CRMSecurity.CanEdit is always true (docs/fidelity.md, Known divergences).
    canEdit: true,
    id: task.id,
  };
}

/**
 * ToTaskWrapper: the category as GetTaskCategoryByID gives it, a TaskCategoryWrapper whose relativeItemsCount is
 * counted now (`count`: the tasks of the category the session holds). A category that is gone is the 404 that
 * GetTaskCategoryByID throws (CRMApi.ListItem.cs).
 */
export function toTaskWrapper(portal: Portal, task: OnlyofficeTaskEntity, view: TaskView, count: (categoryId: number) => number): Record<string, unknown> {
  const category = portal.category(task.categoryId);
  if (!category) throw new OnlyofficeError('notFound');
  return wrapperOf(portal, task, view, categoryWrapper(category, count(category.id)));
}

/** TaskCategoryWrapper: the fixture's count stands for the tasks the portal held before the stub started. */
export function categoryWrapper(category: Category, held: number): Record<string, unknown> {
  return { ...category, relativeItemsCount: (category.relativeItemsCount ?? 0) + held };
}

/**
 * ToTaskListWrapper: the category as a TaskCategoryBaseWrapper (no relativeItemsCount), left out when the
 * category is gone (`categories.ContainsKey`). `baseCategory` gives one frozen object per category, so that
 * its JSON is written once.
 */
export function toTaskListWrapper(portal: Portal, task: OnlyofficeTaskEntity, baseCategory: (id: number) => Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return wrapperOf(portal, task, readBack(task), baseCategory(task.categoryId) as Record<string, unknown>);
}
