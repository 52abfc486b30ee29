// PROPOSED (issue #18, not used yet): the Store interface once a shared store
// answers. src/store/store.ts is synchronous, which a Redis-backed store cannot
// be; this is the shape both can implement. Results are MaybePromise, so the
// memory store keeps answering synchronously (the create path stays as fast:
// `const r = store.beginCall(...); const values = r instanceof Promise ? await r : r`),
// while src/store/redis/ answers with promises.
//
// What changes for the callers (the next step, in stub.handle):
// - A create makes two store calls: beginCall before rendering (the ids, draw
//   indices and clock it needs, and the claim of the queued fault its replica
//   chose) and record after (the encodeEntry bytes). Everything the call needs
//   is known once it has validated: a Wello create takes id2 and one GUID
//   unless an id is given, an ONLYOFFICE create a task id, an authentication
//   one token.
// - GUIDs and tokens come from counter-based draws (src/store/draws.ts) on the
//   indices begin hands out, in both stores, so that a session's bytes do not
//   depend on the store or the number of replicas (a one-time change of the
//   GUIDs a given --seed produces).
// - Fault matching stays in each process (FaultMirror in src/store/redis/faults.ts):
//   begin claims the fault the mirror chose, or answers "stale" with the queue.
// - Reads (journal listings, faults, tokens, state, tasks) are awaited by the
//   admin routes; the live page reads the journal's subscription.
import type { Ticks } from '../core/ticks.js';
import type { CallView, Matcher } from '../journal/matcher.js';
import type { Fault } from '../generated/admin/fault.js';
import type { QueuedFault } from '../generated/admin/queued-fault.js';
import type { ApiName } from '../core/record.js';
import type { TaskHealth } from './store.js';
import type { StoredTask } from './task-table.js';

export type MaybePromise<T> = T | Promise<T>;

/** What a validated call takes from its session. */
export interface BeginNeeds {
  onlyofficeTaskId?: number;
  welloId2?: number;
  guids?: number;
  tokens?: number;
  /** Answer "full", taking nothing, when the session's table of this API is at --max-tasks. */
  taskRoom?: ApiName;
}

export type BeginResult =
  | {
      kind: 'ok';
      onlyofficeTaskId: number | undefined;
      welloId2: number | undefined;
      /** First indices for guidFor / tokenSeedFor. */
      guidDraw: number | undefined;
      tokenDraw: number | undefined;
      /** The call's frozen instant (own clock, else the global one), or undefined for real time. */
      clock: Ticks | undefined;
      /** The queued fault this call gets, if its claim succeeded. */
      fault: Fault | undefined;
    }
  | { kind: 'full' };

export interface SharedCall {
  id: number;
  session: string;
  /** encodeEntry's bytes: the caller decodes them with its own recheck. */
  bytes: Buffer;
}

export type SharedJournalEvent = { kind: 'added'; call: SharedCall } | { kind: 'cleared'; session?: string };

export interface SharedJournal {
  readonly limit: number;
  record(session: string, bytes: Uint8Array): MaybePromise<number>;
  page(session?: string, range?: { afterId?: number; limit?: number; newest?: boolean }): MaybePromise<{ calls: SharedCall[]; evicted: number }>;
  get(id: number): MaybePromise<SharedCall | undefined>;
  evicted(session?: string): MaybePromise<number>;
  size(): MaybePromise<number>;
  bytes(): MaybePromise<number>;
  clear(session?: string): MaybePromise<void>;
  /** Every call after `afterId`, then each new one and each clear; the returned function ends it. */
  subscribe(afterId: number, listener: (event: SharedJournalEvent) => void): () => MaybePromise<void>;
}

export interface SharedFaults {
  add(queued: QueuedFault): MaybePromise<{ id: number; match: Matcher; fault: Fault; remaining: number }>;
  list(session?: string): MaybePromise<{ id: number; match: Matcher; fault: Fault; remaining: number }[]>;
  clear(session?: string): MaybePromise<void>;
}

export interface SharedTokens {
  remember(token: string, login: string): MaybePromise<void>;
  loginOf(token: string): MaybePromise<string | undefined>;
  size(): MaybePromise<number>;
}

export interface SharedState {
  get(session: string): MaybePromise<{ taskIdNext: number; id2Next: number; clock: Ticks | undefined }>;
  set(session: string, change: { taskIdNext?: number; id2Next?: number; clock?: Ticks | null }): MaybePromise<void>;
}

export interface SharedTaskTable<T extends StoredTask> {
  readonly limit: number;
  size(): MaybePromise<number>;
  get(id: T['id']): MaybePromise<T | undefined>;
  /** TaskLimitError past the limit, checked atomically. */
  put(task: T): MaybePromise<void>;
  delete(id: T['id']): MaybePromise<T | undefined>;
  values(): MaybePromise<T[]>;
  countIn(key: number | string): MaybePromise<number>;
}

export interface SharedStore {
  readonly kind: string;
  /**
   * One round trip before rendering. `call` is what fault matchers look at; `needs` is asked again with the
   * fault the store chose (a status or reset fault: the call is not processed and takes nothing).
   */
  beginCall(session: string, call: CallView, needs: (fault: Fault | undefined) => BeginNeeds): MaybePromise<BeginResult>;
  readonly journal: SharedJournal;
  readonly faults: SharedFaults;
  readonly tokens: SharedTokens;
  readonly state: SharedState;
  tasks<T extends StoredTask>(session: string, kind: { api: ApiName; index?: (task: T) => number | string | undefined }): SharedTaskTable<T>;
  reset(session?: string): MaybePromise<void>;
  taskHealth(): MaybePromise<TaskHealth>;
  /** Health: the store answers (ms), or throws StoreUnavailableError. */
  ping(): MaybePromise<number>;
  close(): MaybePromise<void>;
}
