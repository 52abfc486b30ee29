// What the admin API reads and writes of the store, each answer MaybePromise:
// the memory store answers synchronously (the admin routes behave exactly as
// before), a shared store with promises (src/store/redis/admin-view.ts).
import type { ApiName } from '../core/record.js';
import type { QueuedFault } from '../generated/admin/queued-fault.js';
import type { StubState } from '../generated/admin/state.js';
import type { QueuedFaultState } from '../faults.js';
import type { StoredEntry } from '../journal/entry.js';
import type { JournalCall, JournalListener } from '../journal/journal.js';
import type { MaybePromise } from './async-store.js';
import type { TaskHealth } from './store.js';

export interface StoreHealth {
  /** False: the store does not answer (health is a 503 with store "unreachable"). */
  reachable: boolean;
  clockFrozen: boolean;
  journal: { entries: number; limit: number; evicted: number; bytes: number; maxBytes: number };
  sessions?: { count: number; max: number; evicted: number };
  tasks: TaskHealth;
}

export interface AdminView {
  calls(session?: string): MaybePromise<JournalCall[]>;
  evicted(session?: string): MaybePromise<number>;
  get(id: number): MaybePromise<StoredEntry | undefined>;
  /** The newest `count` entries above `afterId` (of one session, or all), oldest first. */
  newest(count: number, afterId: number, session?: string): MaybePromise<StoredEntry[]>;
  clearJournal(session?: string): MaybePromise<void>;
  addFault(fault: QueuedFault, session: string | undefined): MaybePromise<QueuedFaultState>;
  listFaults(session?: string): MaybePromise<QueuedFaultState[]>;
  clearFaults(session?: string): MaybePromise<void>;
  reset(session?: string): MaybePromise<void>;
  state(session: string): MaybePromise<StubState>;
  setState(session: string, state: Omit<StubState, 'session'>): MaybePromise<void>;
  storedTasks(session: string, api: ApiName): MaybePromise<string[]>;
  /**
   * Runs `go`, a synchronous change of one session's tasks through the context's sessions (a dispatcher's
   * change): at once with the memory store; with a shared store against that session's tables in Redis, what it
   * reads fetched first and what it puts written after.
   */
  changeTasks<R>(session: string, go: () => R): MaybePromise<R>;
  health(): MaybePromise<StoreHealth>;
  /** Every change from now on (the live page); `afterId`: the last id the caller has. */
  subscribe(afterId: number, listener: JournalListener): () => void;
  /** Tells every subscriber the stub is closing (a 'closing' event: the live page ends its stream) and ends them. */
  endSubscriptions(): void;
}

/** Calls `then` with the value, at once when it is not a promise (the memory store's answers). */
export function after<T, R>(value: MaybePromise<T>, then: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/**
 * Runs steps that yield MaybePromise values (each `yield` answers the value, awaited when it is a promise):
 * synchronously to the end while none is a promise (the memory store: exactly as a plain function), else as a
 * promise from the first one on. A promise's rejection is thrown at its `yield`.
 */
export function drive<R>(steps: Generator<unknown, R, unknown>): MaybePromise<R> {
  let next = steps.next();
  while (!next.done) {
    if (next.value instanceof Promise) return finish(steps, next.value);
    next = steps.next(next.value);
  }
  return next.value;
}

async function finish<R>(steps: Generator<unknown, R, unknown>, first: Promise<unknown>): Promise<R> {
  let pending: unknown = first;
  for (;;) {
    let settled: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      settled = { ok: true, value: await pending };
    } catch (error) {
      settled = { ok: false, error };
    }
    const next = settled.ok ? steps.next(settled.value) : steps.throw(settled.error);
    if (next.done) return next.value;
    pending = next.value;
  }
}

/** One step for drive: `const v = yield* step(maybe)` is the value, typed. */
export function* step<T>(value: MaybePromise<T>): Generator<unknown, T, unknown> {
  return (yield value) as T;
}
