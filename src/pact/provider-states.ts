// POST /__admin/provider-states: Pact's provider-state change protocol. A
// verifier given `providerStatesSetupUrl` POSTs, before each interaction,
// {"state": name, "params": {...}, "action": "setup"} (pact_ffi's
// HttpRequestProviderStateExecutor with the state in the body, which is how
// pact-js 17 sets it up: pactffiVerifierSetProviderState(url, teardown: true,
// body: true)) and, after it, the same with "action": "teardown". The older
// pact-provider-verifier sent {"consumer", "state", "states": [...], "params"}
// with no action: read as a setup.
//
// taskstub has no named states: every setup is a reset of the session the
// verifier's traffic uses plus the params, so any state name is accepted
// (a pact written for the real provider names its own). The answer is the
// session's state after setup, which the verifier keeps for `fromProviderState`
// expressions (`${id2Next}`, `${taskIdNext}`, `${session}`, `${clock}`).
//
// params.tasks makes tasks exist before the interaction: each is created through
// its API's own create (stub.respond, as a real call in that session), so it is
// checked and filled exactly as a real create, and the session's journal is then
// cleared, so that the verifier's traffic is all it records. pact_ffi resolves a
// `${name}` expression against the answer's top-level keys only (pact_models'
// MapValueResolver looks the name up in the map as it is; `${tasks.wello.0}`
// finds nothing, test/pact-verify.test.ts shows it), so besides the lists
// `tasks.onlyoffice` and `tasks.wello` the answer has the flat keys
// onlyofficeTaskId, onlyofficeTaskId2, ... and welloTaskId, welloTaskId2, ....
//
// Teardown changes nothing: the next interaction's setup resets anyway, and a
// reset on teardown would empty the journal a failing verification is
// debugged from.
import { welloDispatcher, DispatchError } from '../apis/wello/dispatch.js';
import { parseClockOption } from '../core/clock.js';
import type { CoreRequest } from '../core/http.js';
import { SESSION_HEADER } from '../core/sessions.js';
import type { ProviderStateChange } from '../generated/admin/provider-state.js';
import type { StubState } from '../generated/admin/state.js';
import type { MaybePromise } from '../store/async-store.js';
import { type AdminView, drive, step } from '../store/admin-view.js';
import { adminViewOf, type Stub } from '../stub.js';

export type { ProviderStateChange };

export type ProviderStateParams = NonNullable<ProviderStateChange['params']>;

/** A params value the route refuses (a 400): the caller's mistake, said in words. */
export class ProviderStateError extends Error {
  override name = 'ProviderStateError';
}

export type ProviderStateTasks = NonNullable<ProviderStateParams['tasks']>;

/** The ids of the tasks a setup created, per API, in the order given. */
export interface CreatedTasks {
  onlyoffice: number[];
  wello: string[];
}

export interface ProviderStateResult extends StubState {
  session: string;
  /** The state names this change was for (`state`, or the older `states`). */
  states: string[];
  action: 'setup' | 'teardown';
  /** With params.tasks: their ids. Flat keys (onlyofficeTaskId, onlyofficeTaskId2, welloTaskId, ...) name them one by one. */
  tasks?: CreatedTasks;
  [flat: `${'onlyoffice' | 'wello'}TaskId${string}`]: number | string;
}

/** The state names a change is for: `state`, or the older `states`. */
export function stateNames(change: ProviderStateChange): string[] {
  return change.state !== undefined ? [change.state] : (change.states ?? []);
}

/** The answer's flat key for the n-th task (0-based) of an API: welloTaskId, welloTaskId2, ... (fromProviderState reads top-level keys only). */
export const flatTaskKey = (api: 'onlyoffice' | 'wello', index: number): string => `${api}TaskId${index === 0 ? '' : index + 1}`;

/**
 * The credentials the creates are made with. Any token passes ONLYOFFICE (src/apis/onlyoffice/auth.ts); a Basic
 * login the Wello fixtures do not know is the first contact's (src/apis/wello/directory.ts contactFor), the one
 * the fixtures' test credential names, so the tasks carry that contact and company.
 */
const CREDENTIALS = { onlyoffice: 'taskstub-provider-state', wello: `Basic ${Buffer.from('provider-state:provider-state@taskstub').toString('base64')}` };

/** Checks params.tasks before anything changes: ONLYOFFICE ids in increasing order (the schema checked the shape). */
function checkTasks(tasks: ProviderStateTasks | undefined): void {
  let last = 0;
  for (const [i, task] of (tasks?.onlyoffice ?? []).entries()) {
    if (task.id === undefined) continue;
    if (task.id <= last) throw new ProviderStateError(`params.tasks.onlyoffice[${i}].id (${task.id}) must be greater than the id before it (${last}): ids are issued in increasing order`);
    last = task.id;
  }
}

/** What the API said when it refused a create: its error message(s), else its body's start. */
function refusal(status: number, body: string): string {
  let said: string | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string }; Message?: string; ModelState?: Record<string, string[]> };
    const state = parsed.ModelState ? Object.entries(parsed.ModelState).map(([key, messages]) => `${key}: ${messages.join(' ')}`) : [];
    said = parsed.error?.message ?? (parsed.Message !== undefined ? [parsed.Message, ...state].join(' ') : undefined);
  } catch {
    // not JSON (ONLYOFFICE's 401 is the text "Unauthorized"): the text below
  }
  return `${status} ${said ?? (body.length > 200 ? `${body.slice(0, 200)}...` : body)}`;
}

/** One API call in the session, made as a caller would make it (stub.respond: a promise with a shared store); the answer's status and body. */
function* send(stub: Stub, session: string, api: 'onlyoffice' | 'wello', method: string, path: string, body?: unknown): Generator<unknown, { status: number; body: string }, unknown> {
  const request: CoreRequest = {
    method,
    path,
    query: {},
    headers: {
      authorization: CREDENTIALS[api],
      [SESSION_HEADER]: session,
      // A fault from the headers (a zero delay, which changes nothing) is taken in place of a queued one, so a
      // fault queued for the verifier's traffic is not spent on the setup (src/stub.ts faultFor).
      'x-stub-delay': '0',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
  };
  const result = yield* step(stub.respond(request));
  if (!result) throw new Error(`no API answers ${path}`);
  return { status: result.response.status, body: result.response.body };
}

/** Creates the tasks in `session` (just reset), in order; throws ProviderStateError naming the first one refused. */
function* createTasks(stub: Stub, admin: AdminView, session: string, tasks: ProviderStateTasks): Generator<unknown, CreatedTasks, unknown> {
  const created: CreatedTasks = { onlyoffice: [], wello: [] };
  for (const [i, task] of (tasks.onlyoffice ?? []).entries()) {
    const { id, isClosed, ...fields } = task;
    const name = `params.tasks.onlyoffice[${i}]`;
    if (id !== undefined) yield* step(admin.setState(session, { taskIdNext: id }));
    const answer = yield* send(stub, session, 'onlyoffice', 'POST', '/api/2.0/crm/task', fields);
    if (answer.status !== 201) throw new ProviderStateError(`${name}: ONLYOFFICE refused the create: ${refusal(answer.status, answer.body)}`);
    const taskId = (JSON.parse(answer.body) as { response: { id: number } }).response.id;
    if (isClosed) {
      const closed = yield* send(stub, session, 'onlyoffice', 'PUT', `/api/2.0/crm/task/${taskId}/close`);
      if (closed.status !== 200) throw new ProviderStateError(`${name}: ONLYOFFICE refused to close it: ${refusal(closed.status, closed.body)}`);
    }
    created.onlyoffice.push(taskId);
  }
  for (const [i, task] of (tasks.wello ?? []).entries()) {
    const { dispatch, ...fields } = task;
    const name = `params.tasks.wello[${i}]`;
    const answer = yield* send(stub, session, 'wello', 'POST', '/api/Task', fields);
    if (answer.status !== 201) throw new ProviderStateError(`${name}: Wello refused the create: ${refusal(answer.status, answer.body)}`);
    const guid = (JSON.parse(answer.body) as { id: string }).id;
    if (dispatch !== undefined) {
      try {
        yield* step(admin.changeTasks(session, () => welloDispatcher(stub.context).update(session, guid, dispatch)));
      } catch (error) {
        if (!(error instanceof DispatchError)) throw error;
        throw new ProviderStateError(`${name}.dispatch: ${error.message}${error.errors.length ? ` ${error.errors.map((e) => `At ${e.pointer}: ${e.message}`).join(' ')}` : ''}`);
      }
    }
    created.wello.push(guid);
  }
  return created;
}

/** The highest id2 a setup's Wello tasks hold (0 without any), from the session's store. */
function* highestId2(admin: AdminView, session: string): Generator<unknown, number, unknown> {
  const tasks = yield* step(admin.storedTasks(session, 'wello'));
  return tasks.reduce((max, json) => Math.max(max, (JSON.parse(json) as { id2?: number }).id2 ?? 0), 0);
}

/**
 * Applies one state change to `session` (the route has resolved it from ?session=, the header or params.session)
 * and says the session's state after it. Throws ClockError for a bad clock (before anything changed: the
 * clock is read first) and ProviderStateError for params it cannot apply (the session then left reset, or as
 * it was when the params were refused before the reset). Synchronous with the memory store; with a shared store
 * a promise (the session's reset, state and journal in Redis, the creates through stub.respond).
 */
export function changeProviderState(stub: Stub, session: string, change: ProviderStateChange): MaybePromise<ProviderStateResult> {
  return drive(providerStateSteps(stub, adminViewOf(stub), session, change));
}

function* providerStateSteps(stub: Stub, admin: AdminView, session: string, change: ProviderStateChange): Generator<unknown, ProviderStateResult, unknown> {
  const action = change.action ?? 'setup';
  const params: ProviderStateParams = change.params ?? {};
  let created: CreatedTasks | undefined;
  if (action === 'setup') {
    const { id2Next, taskIdNext, clock, tasks } = params;
    // Checked before the reset, so a refused change leaves the session as it was.
    if (typeof clock === 'string') parseClockOption(clock);
    checkTasks(tasks);
    yield* step(admin.reset(session));
    // The clock first, so that the tasks are created at the state's time.
    if (clock !== undefined) yield* step(admin.setState(session, { clock }));
    if (tasks !== undefined) {
      try {
        created = yield* createTasks(stub, admin, session, tasks);
        const { taskIdNext: issuedTo, id2Next: id2To } = yield* step(admin.state(session));
        if (taskIdNext !== undefined && issuedTo !== undefined && created.onlyoffice.length && taskIdNext < issuedTo) throw new ProviderStateError(`params.taskIdNext (${taskIdNext}) would issue an id a task of params.tasks holds (the next free one is ${issuedTo})`);
        if (id2Next !== undefined && created.wello.length && id2Next <= (yield* highestId2(admin, session))) throw new ProviderStateError(`params.id2Next (${id2Next}) would issue an id2 a task of params.tasks holds (the next free one is ${id2To})`);
      } catch (error) {
        yield* step(admin.reset(session));
        throw error;
      }
      // The setup's calls are not the verifier's: only its traffic is recorded. The counters stay where the creates left them.
      yield* step(admin.clearJournal(session));
    }
    // Last, so that id2Next/taskIdNext name the next ids the verifier's calls get.
    yield* step(admin.setState(session, { ...(id2Next !== undefined ? { id2Next } : {}), ...(taskIdNext !== undefined ? { taskIdNext } : {}) }));
  }
  const result: ProviderStateResult = { ...(yield* step(admin.state(session))), session, states: stateNames(change), action };
  if (created) {
    result.tasks = created;
    created.onlyoffice.forEach((id, i) => (result[flatTaskKey('onlyoffice', i) as `onlyofficeTaskId`] = id));
    created.wello.forEach((id, i) => (result[flatTaskKey('wello', i) as `welloTaskId`] = id));
  }
  return result;
}
