// Which tasks a session held when a call was made, followed through the
// calls themselves, so that an exported read-back, change or delete gets a
// provider state that makes those tasks again (params.tasks, provider-states.ts)
// and a path that names them through the state's answer (a ProviderState
// generator: the verifier's fresh session has its own GUIDs).
//
// Followed per session and API, from the calls being exported, oldest first:
// - ONLYOFFICE: a create (201) adds a task with the fields it was sent (query
//   and body, the query's first, as the binder reads them), pinned to the id it
//   got; an update (200, a full replace: UpdateTask takes every field) replaces
//   them; close and reopen set isClosed; a delete (200) removes it.
// - Wello: a create (201, or 204 with return=minimal) adds a task with the body
//   it was sent, and its own id if it gave one (else the server's GUID, named
//   through the generator).
// What the calls do not show is not followed: a dispatcher's change to a Wello
// task (PATCH /__admin/wello/tasks/{id} is no API call), tasks whose create was
// cleared from the journal or evicted, and fixture tasks (every session has them).
import type { ApiName } from '../core/record.js';
import type { JournalEntry } from '../journal/entry.js';
import { flatTaskKey } from './provider-states.js';
import { GUID, rootOf } from './matchers.js';

type Fields = Record<string, unknown>;

interface HeldTask {
  /** The ONLYOFFICE id or Wello GUID the recorded call got. */
  id: number | string;
  /** What the state's create sends (ONLYOFFICE: with `id` pinning the counter, `isClosed`). */
  fields: Fields;
}

/** What a call's provider state makes, and the path generator that reaches the tasks through its answer. */
export interface HeldState {
  tasks?: { onlyoffice?: Fields[]; wello?: Fields[] };
  /** `/api/Task(${welloTaskId})`: the path with the task's id as the state's answer names it. */
  pathExpression?: string;
}

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value);
/** The keys params.tasks reads itself (provider-states.ts): a caller's own are not sent on. */
const STATE_KEYS = { onlyoffice: ['id', 'isClosed'], wello: ['dispatch'] };

/** The caller's fields of a parsed body: an XML root's members without its attributes, and without the keys the state reads. */
function bodyFields(body: unknown, xml: boolean, api: ApiName): Fields {
  const { top } = rootOf(body, xml);
  if (!isObject(top)) return {};
  return Object.fromEntries(Object.entries(top).filter(([key]) => !key.startsWith('@') && !key.startsWith('?') && !STATE_KEYS[api].includes(key)));
}

const ONLYOFFICE_TASK_PATH = /^(\/api\/2\.0\/crm\/task\/)(\d+)(?=$|[/.])/i;
const WELLO_TASK_PATH = new RegExp(`^(/api/Task(?:View)?\\()(${GUID})(?=\\))`, 'i');

export interface TaskFollower {
  /** The state this call needs (before its own effect), then follows its effect. Call once per call, oldest first. */
  next(entry: JournalEntry): HeldState;
}

export function followTasks(): TaskFollower {
  const held = new Map<string, HeldTask[]>();
  const listOf = (session: string, api: ApiName) => {
    const key = `${api}\u0000${session}`;
    let list = held.get(key);
    if (!list) held.set(key, (list = []));
    return list;
  };

  function stateFor(entry: JournalEntry, list: HeldTask[]): HeldState {
    // A create needs nothing before it (the ONLYOFFICE category count it answers is matched), and a long journal
    // of creates would otherwise make each setup create every task before it.
    const created = entry.operation === 'createTask' && entry.response.status < 300;
    if (list.length === 0 || created || entry.operation === 'authenticate') return {};
    const api = entry.api as ApiName;
    let fields = list.map((task) => task.fields);
    if (api === 'onlyoffice') {
      // Pinned ids must rise (the counter only goes up); if a PUT /__admin/state made them not, the tasks take the next ids.
      const ids = list.map((task) => task.id as number);
      if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) fields = fields.map((task) => Object.fromEntries(Object.entries(task).filter(([key]) => key !== 'id')));
    }
    const state: HeldState = { tasks: { [api]: fields } };
    const match = (api === 'onlyoffice' ? ONLYOFFICE_TASK_PATH : WELLO_TASK_PATH).exec(entry.request.path);
    if (match) {
      const index = list.findIndex((task) => String(task.id).toLowerCase() === match[2]!.toLowerCase());
      if (index >= 0) state.pathExpression = `${match[1]}\${${flatTaskKey(api, index)}}${entry.request.path.slice(match[0].length)}`;
    }
    return state;
  }

  function follow(entry: JournalEntry, list: HeldTask[]): void {
    const { status } = entry.response;
    if (status < 200 || status > 299 || entry.fault) return;
    const xml = /xml/i.test(String(entry.request.headers['content-type'] ?? ''));
    if (entry.api === 'wello') {
      const guid = entry.issued.guids?.[0];
      if (entry.operation !== 'createTask' || guid === undefined) return;
      const fields = bodyFields(entry.request.body, xml, 'wello');
      const given = typeof fields.id === 'string' && fields.id !== '';
      if (!given) delete fields.id;
      list.push({ id: guid, fields });
      return;
    }
    // ONLYOFFICE binds the query string first, then the body (the first value wins); ?fields= trims the answer.
    const sent = (): Fields => {
      const query = Object.fromEntries(Object.entries(entry.request.query).filter(([name]) => !/^fields(\[\])?$/i.test(name) && !STATE_KEYS.onlyoffice.includes(name)));
      return { ...bodyFields(entry.request.body, xml, 'onlyoffice'), ...query };
    };
    const pathId = Number(ONLYOFFICE_TASK_PATH.exec(entry.request.path)?.[2]);
    const task = list.find((t) => t.id === pathId);
    switch (entry.operation) {
      case 'createTask': {
        const id = entry.issued.taskId;
        if (id !== undefined) list.push({ id, fields: { ...sent(), id } });
        return;
      }
      case 'updateTask':
        if (task) task.fields = { ...sent(), id: task.id, ...(task.fields.isClosed ? { isClosed: true } : {}) };
        return;
      case 'closeTask':
      case 'reopenTask':
        if (task) {
          task.fields = { ...task.fields, isClosed: true };
          if (entry.operation === 'reopenTask') delete task.fields.isClosed;
        }
        return;
      case 'deleteTask':
        if (task) list.splice(list.indexOf(task), 1);
        return;
      default:
    }
  }

  return {
    next(entry) {
      if (entry.api !== 'onlyoffice' && entry.api !== 'wello') return {};
      const list = listOf(entry.session, entry.api);
      const state = stateFor(entry, list);
      follow(entry, list);
      return state;
    },
  };
}
