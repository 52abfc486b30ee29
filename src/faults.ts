// Faults on purpose: a delay, a forced status with the API's own error body,
// an empty body, or a connection reset. Asked for per request (headers
// X-Stub-Fault and X-Stub-Delay) or queued through POST /__admin/faults for
// the next n calls that match.
import type { Fault } from './generated/admin/fault.js';
import type { QueuedFault } from './generated/admin/queued-fault.js';
import { type CoreRequest, header, type RequestHeaders } from './core/http.js';
import { parseBody } from './journal/entry.js';
import { type CallView, type CompiledMatcher, compileMatcher, type Matcher } from './journal/matcher.js';
import { type PatternBudget, patternBudget, PatternCostError } from './journal/pattern.js';

export type { Fault };

export const FAULT_HEADER = 'x-stub-fault';
export const DELAY_HEADER = 'x-stub-delay';
export const MAX_DELAY_MS = 60_000;

export class FaultHeaderError extends Error {}

/**
 * The fault a request's own headers ask for: `X-Stub-Fault: 503` (or
 * `status=503`), `empty` or `reset`; `X-Stub-Delay: <ms>`.
 */
export function faultFromHeaders(headers: RequestHeaders): Fault | undefined {
  const fault: Fault = {};
  const kind = header(headers, FAULT_HEADER)?.trim().toLowerCase();
  if (kind) {
    const status = /^(?:status\s*[=:]\s*)?(\d{3})$/.exec(kind)?.[1];
    if (status !== undefined && Number(status) >= 400 && Number(status) <= 599) fault.status = Number(status);
    else if (kind === 'empty') fault.empty = true;
    else if (kind === 'reset') fault.reset = true;
    else throw new FaultHeaderError(`X-Stub-Fault: expected a status from 400 to 599, "empty" or "reset", not "${kind}"`);
  }
  const delay = header(headers, DELAY_HEADER)?.trim();
  if (delay) {
    if (!/^\d+$/.test(delay) || Number(delay) > MAX_DELAY_MS) throw new FaultHeaderError(`X-Stub-Delay: expected milliseconds from 0 to ${MAX_DELAY_MS}, not "${delay}"`);
    fault.delayMs = Number(delay);
  }
  return Object.keys(fault).length > 0 ? fault : undefined;
}

/** What a queued fault's matcher sees of an API call (no status yet: the call is not answered). */
export function faultCallView(req: CoreRequest, api: string, session: string): CallView {
  return {
    session,
    api: api as CallView['api'],
    method: req.method,
    path: req.path,
    status: undefined,
    body: () => parseBody(header(req.headers, 'content-type'), req.body).body,
  };
}

export interface QueuedFaultState {
  id: number;
  match: Matcher;
  fault: Fault;
  remaining: number;
}

export interface FaultQueue {
  /** Queues a fault; throws MatcherError (a 400 at the admin API) when its matcher cannot be used. */
  add(queued: QueuedFault): QueuedFaultState;
  /** Takes one use of the oldest queued fault that matches the call, if any. */
  take(call: CallView): Fault | undefined;
  list(session?: string): QueuedFaultState[];
  /** Removes the queued faults of one session (those whose matcher names it), or all. */
  clear(session?: string): void;
}

/**
 * Whether a queued fault's matcher selects this call. It runs on every API
 * call, so it was compiled when queued; a pattern that would cost more than
 * what is left of the call's budget does not fire (the call is answered normally).
 */
export function selects(matcher: CompiledMatcher, call: CallView, budget: PatternBudget): boolean {
  try {
    return matcher.matches(call, budget);
  } catch (error) {
    if (error instanceof PatternCostError) return false;
    throw error;
  }
}

export function createFaultQueue(): FaultQueue {
  let queue: QueuedFaultState[] = [];
  /** Each queued fault's matcher, compiled once when queued. */
  const matchers = new WeakMap<QueuedFaultState, CompiledMatcher>();
  let nextId = 1;
  return {
    add({ match = {}, fault, times = 1 }) {
      const matcher = compileMatcher(match, '/match');
      const state = { id: nextId++, match, fault, remaining: times };
      matchers.set(state, matcher);
      queue.push(state);
      return state;
    },
    take(call) {
      if (queue.length === 0) return undefined;
      // One budget for the whole queue: however many faults are queued, their patterns spend at most MAX_PATTERN_STEPS on one call.
      const budget = patternBudget();
      const found = queue.find((q) => selects(matchers.get(q) as CompiledMatcher, call, budget));
      if (!found) return undefined;
      found.remaining--;
      if (found.remaining === 0) queue = queue.filter((q) => q !== found);
      return found.fault;
    },
    list: (session) => (session === undefined ? [...queue] : queue.filter((q) => q.match.session === session)),
    clear(session) {
      queue = session === undefined ? [] : queue.filter((q) => q.match.session !== session);
    },
  };
}
