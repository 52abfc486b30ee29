// What a dispatcher does to a task inside Wello, for the stub's admin API (PATCH /__admin/wello/tasks/<id>): the
// ServiceDesk API has no route to close or assign a task; "Task Closed … task.archived set to TRUE, task.date_closed
// filled" and assignment (date_assigned, assigned_to_user_id) happen in Wello and are seen through TaskView
// (HelpGuide LinkErp [doc]; docs/fidelity.md, Wello: Read-back routes). The change is a partial task, read as a
// create's JSON body is and checked against the task schema (schemas/wello/task.schema.json), merged into the
// stored task:
// - a new task_status_id sets `archived` from that status's flag in fixtures/wello.json, unless `archived` is given;
// - a task that becomes archived gets `date_closed` = now, unless the change gives one [doc: LinkErp];
// - `modified_dateutc` = now, unless the change gives one (the database fills it on every update [seed: the
//   schema's description]; a given one lets a test pin it) [assumption];
// - `id` cannot change (it is the key); `id2` and `created_by_servicedesk_api` cannot either (the server's own).
import { EMPTY_GUID, parseGuid } from '../../core/guid.js';
import { DotNetDateTime } from '../../core/dotnet-datetime.js';
import type { JsonSchema } from '../../core/schemas.js';
import { sessionNameProblem } from '../../core/sessions.js';
import type { StubContext } from '../../context.js';
import type { WelloFixtures } from '../../generated/fixtures/wello.js';
import { type Field, isDate, type Task, taskFields, type TaskValue } from './fields.js';
import { readJsonTask } from './read-task.js';
import { taskJsonWriter } from './serialize.js';
import { type StoredWelloTask, welloTaskKind } from './task-store.js';

/** What a change cannot be applied for: `pointer` names the member (JSON pointer into the body). */
export class DispatchError extends Error {
  constructor(
    readonly kind: 'invalid' | 'notFound',
    message: string,
    readonly errors: { pointer: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Members the server owns: a change naming them is refused. */
const FIXED = ['id2', 'created_by_servicedesk_api'];

export interface Dispatcher {
  /** Applies the change to the session's task and returns the task as JSON (the shape GET api/Task(<id>) answers). */
  update(session: string, id: string, change: unknown): string;
}

const DISPATCHERS = new WeakMap<WelloFixtures, Dispatcher>();

/** The dispatcher for the stub's current fixtures (--watch may replace them). */
export function welloDispatcher(ctx: StubContext): Dispatcher {
  const fixtures = ctx.fixtures.wello;
  let dispatcher = DISPATCHERS.get(fixtures);
  if (!dispatcher) {
    dispatcher = createDispatcher(ctx, fixtures);
    DISPATCHERS.set(fixtures, dispatcher);
  }
  return dispatcher;
}

function createDispatcher(ctx: StubContext, fixtures: WelloFixtures): Dispatcher {
  const schema: JsonSchema = ctx.registry.get('wello/task');
  const validate = ctx.registry.validator('wello/task');
  const fields: readonly Field[] = taskFields(schema);
  const names = new Set(fields.map((f) => f.name));
  const kind = welloTaskKind(fixtures, fields);
  const writeJson = taskJsonWriter(fields);
  const guid = (id: string) => parseGuid(id) ?? id;
  const statuses = new Map(fixtures.taskStatuses.map((s) => [guid(s.id), s]));
  const known = {
    task_status_id: new Set(statuses.keys()),
    task_type_id: new Set(fixtures.taskTypes.map((t) => guid(t.id))),
    task_priority_id: new Set(fixtures.taskPriorities.map((p) => guid(p.id))),
  };

  /** The change's members, converted as a create's JSON body is; a 400 naming every member that is wrong. */
  function read(change: unknown, id: string): Map<string, TaskValue> {
    if (change === null || typeof change !== 'object' || Array.isArray(change)) throw new DispatchError('invalid', 'The body must be a JSON object: the task members to change.');
    const body = change as Record<string, unknown>;
    const errors: { pointer: string; message: string }[] = [];
    for (const name of Object.keys(body)) {
      if (!names.has(name)) errors.push({ pointer: `/${name}`, message: `unknown task member "${name}"; known: ${[...names].join(', ')}` });
      else if (FIXED.includes(name)) errors.push({ pointer: `/${name}`, message: `${name} is the server's own and cannot be changed` });
    }
    const read = readJsonTask(JSON.stringify(body), fields);
    for (const [key, message] of read.modelState) errors.push({ pointer: key === 'task' ? '/' : `/${key.slice('task.'.length)}`, message });
    // The schema's rules (maxLength, subject's pattern) on what was given; `required` is for creates.
    const data: Record<string, unknown> = {};
    for (const [name, value] of read.values) data[name] = isDate(value) ? '2000-01-01' : value;
    if (!validate(data)) {
      for (const e of validate.errors ?? []) {
        const pointer = e.instancePath || '/';
        // One word per member: subject's minLength and pattern say the same.
        if (e.keyword !== 'required' && !errors.some((x) => x.pointer === pointer)) errors.push({ pointer, message: e.message ?? e.keyword });
      }
    }
    const newId = read.values.get('id');
    if (newId !== undefined && newId !== id) errors.push({ pointer: '/id', message: `id is the task's key and cannot change (the path names ${id})` });
    for (const [name, ids] of Object.entries(known)) {
      const value = read.values.get(name);
      if (typeof value === 'string' && value !== EMPTY_GUID && !ids.has(value)) errors.push({ pointer: `/${name}`, message: `${value} is not in fixtures/wello.json (${name === 'task_status_id' ? 'taskStatuses' : name === 'task_type_id' ? 'taskTypes' : 'taskPriorities'})` });
    }
    if (errors.length) throw new DispatchError('invalid', 'The body is not a partial Wello task.', errors);
    return read.values;
  }

  return {
    update(sessionName, idText, change) {
      const problem = sessionNameProblem(sessionName, 'session');
      if (problem) throw new DispatchError('invalid', problem);
      const id = parseGuid(idText);
      if (!id) throw new DispatchError('notFound', `No Wello task has the id ${JSON.stringify(idText)}: an id is a GUID.`);
      const values = read(change, id);
      // Fixture tasks exist in a session not made yet: look without making one, make it only to write.
      if (!ctx.sessions.view(sessionName).tasks(kind).get(id)) throw new DispatchError('notFound', `No Wello task ${id} in session "${sessionName}".`);
      const session = ctx.sessions.get(sessionName);
      const tasks = session.tasks(kind);
      const old = tasks.get(id)!;
      const now = new DotNetDateTime(session.clock.now(), 'local');
      const task: Task = { ...old };
      for (const [name, value] of values) task[name] = value;
      const status = values.get('task_status_id');
      if (typeof status === 'string' && !values.has('archived')) task.archived = statuses.get(status)?.archived ?? old.archived ?? null;
      if (task.archived === true && old.archived !== true && !values.has('date_closed')) task.date_closed = now;
      if (!values.has('modified_dateutc')) task.modified_dateutc = now;
      tasks.put(task as StoredWelloTask);
      return writeJson(task);
    },
  };
}
