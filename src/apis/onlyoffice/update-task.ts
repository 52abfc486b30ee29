// PUT api/2.0/crm/task/{taskid}: CRMApi.Tasks.cs UpdateTask over TaskDao.SaveOrUpdateTask: a full replace, and an
// insert when no task has the id (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import type { Ticks } from '../../core/ticks.js';
import type { Portal, PortalUser } from './portal.js';
import { checkTaskValues } from './task-checks.js';
import type { OnlyofficeTaskEntity } from './task-entity.js';
import { type TaskRouteInput, taskIdOf } from './task-routes.js';
import { toTaskWrapper, wholeSecond } from './task-wrapper.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

export interface UpdateTaskInput extends TaskRouteInput {
  caller: PortalUser;
  now: Ticks;
  /** A new id for the insert branch (the session's counter); throws TaskLimitError when the session is full. */
  nextTaskId: () => number;
}

/** The task as UpdateTask holds it after the save: the values as sent (ToTaskWrapper of the in-memory task). */
export function updateTask(portal: Portal, { bound, tasks, caller, now, nextTaskId }: UpdateTaskInput): Record<string, unknown> {
  const taskid = taskIdOf(bound); // binding first, in the method's order: taskid, title, description, deadline, …
  const v = bound.values;
  const categoryId = (v.categoryid as number | undefined) ?? 0;
  // UpdateTask never checks taskid: `PUT task/0` inserts, as an unknown id does. Then CreateTask's checks.
  const { title, deadlineTicks, entityType } = checkTaskValues(portal, {
    title: v.title as string | undefined,
    deadline: v.deadline as string | undefined,
    categoryId,
    entityTypeText: v.entityType as string | undefined,
  });

  // The update branch keeps create_on, create_by and is_closed from the row (read back: whole seconds); the
  // insert branch (taskid 0 or no such row) sets them as a create does and takes a new auto-increment id.
  const old = taskid > 0 ? tasks.get(taskid) : undefined;
  const id = old ? old.id : nextTaskId();
  const task: OnlyofficeTaskEntity = {
    id,
    title,
    description: (v.description as string | undefined) ?? null,
    deadline: String(deadlineTicks),
    responsibleId: (v.responsibleid as string | undefined) ?? EMPTY_GUID,
    categoryId,
    contactId: (v.contactid as number | undefined) ?? 0,
    entityType: entityType ?? null,
    entityId: (v.entityid as number | undefined) ?? 0,
    alertValue: (v.alertValue as number | undefined) ?? 0,
    isClosed: old?.isClosed ?? false,
    createdBy: old?.createdBy ?? caller.id,
    created: old ? String(wholeSecond(BigInt(old.created))) : String(now),
  };
  tasks.put(task);
  // 4. CRMSecurity.DemandEdit on an existing task: always passes for the stub's one admin-like caller.
  return toTaskWrapper(portal, task, { created: BigInt(task.created), deadline: deadlineTicks, description: v.description as string | undefined }, (category) => tasks.countIn(category));
}
