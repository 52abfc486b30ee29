// DELETE api/2.0/crm/task/{taskid}: CRMApi.Tasks.cs DeleteTask (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { OnlyofficeError } from './errors.js';
import type { Portal } from './portal.js';
import { type TaskRouteInput, taskIdOf } from './task-routes.js';
import { readBack, toTaskWrapper } from './task-wrapper.js';

/** 200 with the deleted task ("Returns: Deleted task"); its category's relativeItemsCount no longer counts it. */
export function deleteTask(portal: Portal, { bound, tasks }: TaskRouteInput): Record<string, unknown> {
  const id = taskIdOf(bound);
  if (id <= 0) throw new OnlyofficeError('invalidArgument');
  const task = tasks.get(id);
  if (!task) throw new OnlyofficeError('notFound');
  tasks.delete(id);
  // The wrapper is made after TaskDao.DeleteTask, from the row read before it.
  return toTaskWrapper(portal, task, readBack(task), (category) => tasks.countIn(category));
}
