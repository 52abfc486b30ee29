// The fields the server fills when a task is created (docs/fidelity.md, Wello: Success).
import { DotNetDateTime } from '../../core/dotnet-datetime.js';
import { EMPTY_GUID } from '../../core/guid.js';
import type { Ticks } from '../../core/ticks.js';
import type { Directory } from './directory.js';
import { WelloError } from './errors.js';
import type { Task, TaskValue } from './fields.js';

export interface CreateInput {
  /** emptyTask(fields), made once. */
  empty: Readonly<Task>;
  values: Map<string, TaskValue>;
  login: string | undefined;
  now: Ticks;
  nextId2: () => number;
  newGuid: () => string;
}

function givenGuid(value: TaskValue | undefined): string | undefined {
  return typeof value === 'string' && value !== EMPTY_GUID ? value : undefined;
}

export function createWelloTask(directory: Directory, input: CreateInput): Task {
  const { values, now } = input;
  const typeId = givenGuid(values.get('task_type_id'));
  const priorityId = givenGuid(values.get('task_priority_id'));
  // 422 for a foreign key that does not exist [doc: the vendor's status list].
  if (typeId && !directory.hasType(typeId)) throw new WelloError('unknownForeignKey', `task_type_id '${typeId}'.`);
  if (priorityId && !directory.hasPriority(priorityId)) throw new WelloError('unknownForeignKey', `task_priority_id '${priorityId}'.`);

  const contact = directory.contactFor(input.login);
  const status = directory.defaultStatus;
  // Server-written times are the server's local time, as the seed's `+00:00` shows.
  const nowLocal = new DotNetDateTime(now, 'local');
  const task: Task = { ...input.empty };
  for (const [name, value] of values) task[name] = value;
  task.id = givenGuid(values.get('id')) ?? input.newGuid();
  task.task_type_id = typeId ?? directory.defaultType;
  // "When adding a task, the default task_status will be used" (seed).
  task.task_status_id = status.id;
  task.task_priority_id = priorityId ?? directory.defaultPriority;
  task.contact_id = contact.id;
  task.company_id = contact.companyId;
  task.date_create = values.get('date_create') ?? nowLocal;
  task.modified_dateutc = nowLocal;
  task.archived = status.archived;
  task.created_by_servicedesk_api = true;
  task.id2 = input.nextId2();
  return task;
}
