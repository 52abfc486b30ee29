// POST api/2.0/crm/task: the checks in the real server's order, then the
// TaskWrapper (docs/fidelity.md, ONLYOFFICE: Errors: create-task checks; The task in the response).
import type { Ticks } from '../../core/ticks.js';
import type { Bound } from './binder.js';
import { formatApiDateTime } from './api-datetime.js';
import { checkTaskValues } from './task-checks.js';
import type { Portal, PortalUser } from './portal.js';
import type { OnlyofficeTaskEntity } from './task-entity.js';

export interface CreateTaskInput {
  bound: Bound;
  caller: PortalUser;
  now: Ticks;
  nextTaskId: () => number;
  /** Saves the task (SaveOrUpdateTask); returns how many tasks its category holds now, this one included. */
  save: (task: OnlyofficeTaskEntity) => number;
}

/** The created task as a TaskWrapper object, not yet ordered or trimmed. */
export function createTask(portal: Portal, { bound, caller, now, nextTaskId, save }: CreateTaskInput): Record<string, unknown> {
  // Binding runs before the method body (ApiManager.InvokeMethod calls BuildCallingArguments first): a value
  // that did not convert is the answer, before any check below (docs/fidelity.md, ONLYOFFICE: Binding).
  const bindingFailure = bound.failures[0];
  if (bindingFailure) throw bindingFailure.error;
  const v = bound.values;
  const categoryId = (v.categoryId as number | undefined) ?? 0;
  const { title, deadlineTicks, category, entityType } = checkTaskValues(portal, {
    title: v.title as string | undefined,
    deadline: v.deadline as string | undefined,
    categoryId,
    entityTypeText: v.entityType as string | undefined,
  });
  const entityId = (v.entityId as number | undefined) ?? 0;
  const entityTitle = entityType && entityId > 0 ? portal.entityTitle(entityType, entityId) : undefined;
  // SaveOrUpdateTask gives the id; ToTaskWrapper then builds the category with ToTaskCategoryWrapper, whose
  // RelativeItemsCount is ListItemDao.GetRelativeItemsCount(TaskCategory, id): a count of crm_task rows in the
  // category, read after the save, so it includes this task (CRMApi.Tasks.cs, CreateTask; CRMApi.ListItem.cs).
  const id = nextTaskId();
  const responsibleId = v.responsibleId as string | undefined;
  const contactId = (v.contactId as number | undefined) ?? 0;
  const saved = save({
    id,
    title,
    description: (v.description as string | undefined) ?? null,
    deadline: String(deadlineTicks),
    responsibleId: responsibleId ?? '00000000-0000-0000-0000-000000000000',
    categoryId,
    contactId,
    entityType: entityType ?? null,
    entityId,
    alertValue: (v.alertValue as number | undefined) ?? 0,
    isClosed: false,
    createdBy: caller.id,
    created: String(now),
  });
  // A fixture's relativeItemsCount stands for the tasks the portal held before the stub started.
  const relativeItemsCount = (category.relativeItemsCount ?? 0) + saved;

  return {
    createBy: caller,
    created: formatApiDateTime(now, portal.utcOffsetMinutes),
    contact: portal.contact(contactId),
    title,
    description: v.description,
    deadLine: formatApiDateTime(deadlineTicks, portal.utcOffsetMinutes),
    alertValue: v.alertValue,
    responsible: portal.userById(responsibleId),
    isClosed: false,
    category: { ...category, relativeItemsCount },
    entity: entityTitle === undefined ? undefined : { entityType, entityId, entityTitle },
    canEdit: true,
    id,
  };
}
