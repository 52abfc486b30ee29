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
// Teardown changes nothing: the next interaction's setup resets anyway, and a
// reset on teardown would empty the journal a failing verification is
// debugged from.
import { parseClockOption } from '../core/clock.js';
import type { ProviderStateChange } from '../generated/admin/provider-state.js';
import type { StubState } from '../generated/admin/state.js';
import type { Stub } from '../stub.js';

export type { ProviderStateChange };

export type ProviderStateParams = NonNullable<ProviderStateChange['params']>;

/** A params value the route refuses (a 400): the caller's mistake, said in words. */
export class ProviderStateError extends Error {
  override name = 'ProviderStateError';
}

export interface ProviderStateResult extends StubState {
  session: string;
  /** The state names this change was for (`state`, or the older `states`). */
  states: string[];
  action: 'setup' | 'teardown';
}

/** The state names a change is for: `state`, or the older `states`. */
export function stateNames(change: ProviderStateChange): string[] {
  return change.state !== undefined ? [change.state] : (change.states ?? []);
}

/**
 * HOOK for `params.tasks` (tasks that should exist before the interaction), for the read-back routes of
 * issue #16. When stored tasks land: check the list here (shape, ids; throw ProviderStateError for a bad
 * one, before anything changes), create them in applyTasks, and drop this refusal. Until then a pact
 * that needs tasks is refused rather than verified against a session without them.
 */
function checkTasks(tasks: unknown): void {
  if (tasks === undefined) return;
  throw new ProviderStateError('params.tasks (tasks that should exist) is not supported yet: create them with API calls in earlier interactions, or set only id2Next, taskIdNext and clock');
}

/**
 * Applies one state change to `session` (the route has resolved it from ?session=, the header or params.session)
 * and says the session's state after it. Throws ClockError for a bad clock (before anything changed: the
 * clock is read first) and ProviderStateError for params it cannot apply.
 */
export function changeProviderState(stub: Stub, session: string, change: ProviderStateChange): ProviderStateResult {
  const action = change.action ?? 'setup';
  const params: ProviderStateParams = change.params ?? {};
  if (action === 'setup') {
    const { id2Next, taskIdNext, clock } = params;
    // Checked before the reset, so a refused change leaves the session as it was.
    if (typeof clock === 'string') parseClockOption(clock);
    checkTasks(params.tasks);
    stub.reset(session);
    // HOOK (issue #16, see checkTasks): create params.tasks in `session` here, after the reset and before the
    // counters are set, so that id2Next/taskIdNext still name the next ids issued.
    stub.setState(session, { ...(id2Next !== undefined ? { id2Next } : {}), ...(taskIdNext !== undefined ? { taskIdNext } : {}), ...(clock !== undefined ? { clock } : {}) });
  }
  return { ...stub.state(session), session, states: stateNames(change), action };
}
