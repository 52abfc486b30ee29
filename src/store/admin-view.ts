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
  health(): MaybePromise<StoreHealth>;
  /** Every change from now on (the live page); `afterId`: the last id the caller has. */
  subscribe(afterId: number, listener: JournalListener): () => void;
}

/** Calls `then` with the value, at once when it is not a promise (the memory store's answers). */
export function after<T, R>(value: MaybePromise<T>, then: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}
