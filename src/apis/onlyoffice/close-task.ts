// PUT api/2.0/crm/task/{taskid}/close and /reopen: CRMApi.Tasks.cs CloseTask and ReOpenTask over TaskDao.CloseTask
// and OpenTask (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { OnlyofficeError } from './errors.js';
import type { Portal } from './portal.js';
import { type TaskRouteInput, taskIdOf } from './task-routes.js';
import { readBack, toTaskWrapper } from './task-wrapper.js';

/** Sets is_closed and answers the task as read again; closing a closed task (or reopening an open one) is a 200 again. */
export function setTaskClosed(portal: Portal, { bound, tasks }: TaskRouteInput, closed: boolean): Record<string, unknown> {
  const id = taskIdOf(bound);
  if (id <= 0) throw new OnlyofficeError('invalidArgument');
  const task = tasks.get(id);
  // The DAO's GetByID is null: `throw new ArgumentException()`, so a missing task is a 400 here, not a 404.
  if (!task) throw new OnlyofficeError('invalidArgument');
  const saved = task.isClosed === closed ? task : { ...task, isClosed: closed };
  if (saved !== task) tasks.put(saved);
  return toTaskWrapper(portal, saved, readBack(saved), (category) => tasks.countIn(category));
}
