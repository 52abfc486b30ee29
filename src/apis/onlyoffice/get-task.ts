// GET api/2.0/crm/task/{taskid}: CRMApi.Tasks.cs GetTaskByID (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { OnlyofficeError } from './errors.js';
import type { Portal } from './portal.js';
import { type TaskRouteInput, taskIdOf } from './task-routes.js';
import { readBack, toTaskWrapper } from './task-wrapper.js';

export function getTask(portal: Portal, { bound, tasks }: TaskRouteInput): Record<string, unknown> {
  const id = taskIdOf(bound);
  // 1. taskid <= 0: ArgumentException. 2. No such task: ItemNotFoundException(), 404 "Not found".
  if (id <= 0) throw new OnlyofficeError('invalidArgument');
  const task = tasks.get(id);
  if (!task) throw new OnlyofficeError('notFound');
  // 3. CRMSecurity.CanAccessTo: always true for the stub's one admin-like caller.
  return toTaskWrapper(portal, task, readBack(task), (category) => tasks.countIn(category));
}
