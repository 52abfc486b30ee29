// What the single-task routes share: the stored tasks of the caller's session and the route's taskid
// (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import type { TaskTable } from '../../store/task-table.js';
import type { Bound } from './binder.js';
import type { OnlyofficeTaskEntity } from './task-entity.js';

export interface TaskRouteInput {
  bound: Bound;
  tasks: TaskTable<OnlyofficeTaskEntity>;
}

/** The bound taskid, after the binding's first failure (a route id past Int32 is its OverflowException, 400). */
export function taskIdOf(bound: Bound): number {
  const failure = bound.failures[0];
  if (failure) throw failure.error;
  return (bound.values.taskid as number | undefined) ?? 0;
}
