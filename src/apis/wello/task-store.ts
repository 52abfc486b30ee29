// The Wello tasks a session created, as the create answered them: what GET api/Task(<guid>) and the TaskView
// routes read back, and what a dispatcher changes (PATCH /__admin/wello/tasks/<guid>). A session starts with the
// fixtures' `tasks` (fixtures/wello.json), the tasks the ServiceDesk held before (docs/fidelity.md, Wello:
// Read-back routes).
import type { TaskKind } from '../../core/sessions.js';
import { parseGuid } from '../../core/guid.js';
import type { WelloFixtures } from '../../generated/fixtures/wello.js';
import { type Field, type Task, emptyTask } from './fields.js';
import { readJsonTask } from './read-task.js';

/** A created task: every member of the contract, its id a GUID. */
export type StoredWelloTask = Task & { readonly id: string };

/** The kind without initial tasks (what a table of a stub without fixture tasks holds). */
export const WELLO_TASKS: TaskKind<StoredWelloTask> = { api: 'wello' };

/**
 * A fixture task as the store holds it: read as a JSON create body is (so its dates and GUIDs are the create's
 * values), every member present; the type, status and priority the fixtures' defaults when not given, and
 * `archived` its status's unless given. Its id2 is as given (0 when not): the session's id2 counter is not moved.
 */
function fixtureTask(given: object, fields: readonly Field[], fixtures: WelloFixtures, empty: Readonly<Task>): StoredWelloTask {
  const read = readJsonTask(JSON.stringify(given), fields);
  const task: Task = { ...empty };
  for (const [name, value] of read.values) task[name] = value;
  const guid = (id: string) => parseGuid(id) ?? id;
  const theDefault = <T extends { id: string; default?: boolean }>(list: readonly T[]) => list.find((x) => x.default) ?? list[0]!;
  task.task_type_id ??= guid(theDefault(fixtures.taskTypes).id);
  task.task_priority_id ??= guid(theDefault(fixtures.taskPriorities).id);
  task.task_status_id ??= guid(theDefault(fixtures.taskStatuses).id);
  const status = fixtures.taskStatuses.find((s) => guid(s.id) === task.task_status_id);
  task.archived ??= status?.archived ?? false;
  task.id2 ??= 0;
  return task as StoredWelloTask;
}

const KINDS = new WeakMap<WelloFixtures, TaskKind<StoredWelloTask>>();

/** The kind the Wello API and the admin API both use, so that whichever first makes a session's table fills it. */
export function welloTaskKind(fixtures: WelloFixtures, fields: readonly Field[]): TaskKind<StoredWelloTask> {
  let kind = KINDS.get(fixtures);
  if (!kind) {
    const given = fixtures.tasks ?? [];
    if (given.length === 0) kind = WELLO_TASKS;
    else {
      const empty = emptyTask(fields);
      // Read once; each session gets its own copies (a session changes its own tasks, never another's).
      const tasks = given.map((t) => fixtureTask(t, fields, fixtures, empty));
      kind = { api: 'wello', initial: () => tasks.map((t) => ({ ...t })) };
    }
    KINDS.set(fixtures, kind);
  }
  return kind;
}
