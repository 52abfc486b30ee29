// The admin API's view of the shared store (src/store/admin-view.ts): every
// read awaited from Redis, entries decoded here with the stub's own recheck.
import type { ApiName } from '../../core/record.js';
import { formatIso, parseClockOption } from '../../core/clock.js';
import { type CallSummary, decodeEntry, decodeRequest, decodeSummary, type Recheck } from '../../journal/codec.js';
import { type ParsedBody, parseRequestBody, type StoredEntry } from '../../journal/entry.js';
import type { JournalCall, JournalListener } from '../../journal/journal.js';
import type { AdminView, StoreHealth } from '../admin-view.js';
import type { RedisStore, SharedCall } from './index.js';

const UNREADABLE: CallSummary = { api: '' as CallSummary['api'], operation: '', method: '', path: '', status: 0 };
const reasonOf = (error: unknown) => `its stored bytes could not be read (${error instanceof Error ? error.message : String(error)})`;

/** A stored call as the journal's matchers see it (journal.ts's JournalCall), decoded as far as it is looked at. */
export function sharedJournalCall(call: SharedCall, recheck: Recheck): JournalCall {
  let summary: CallSummary & { unreadable?: string };
  try {
    summary = decodeSummary(call.bytes);
  } catch (error) {
    summary = { ...UNREADABLE, unreadable: reasonOf(error) };
  }
  let entry: StoredEntry | undefined;
  let body: ParsedBody | undefined;
  return {
    id: call.id,
    session: call.session,
    ...summary,
    body() {
      if (body) return body;
      try {
        body = parseRequestBody(decodeRequest(call.bytes));
      } catch {
        body = { body: undefined };
      }
      return body;
    },
    entry: () => (entry ??= sharedEntry(call, recheck)),
  };
}

export function sharedEntry(call: SharedCall, recheck: Recheck): StoredEntry {
  try {
    return { id: call.id, session: call.session, ...decodeEntry(call.bytes, recheck) };
  } catch (error) {
    const request = { method: '', path: '', query: {}, headers: {}, body: Buffer.alloc(0) };
    const record = { api: UNREADABLE.api, operation: '', valid: false, errors: [], issued: {} };
    return { id: call.id, session: call.session, time: 0n as StoredEntry['time'], request, result: { response: { status: 0, headers: {}, body: '' }, record }, durationMs: 0, unreadable: reasonOf(error) };
  }
}

export interface RedisAdminDeps {
  store: RedisStore;
  recheck: Recheck;
  maxBytes: number;
  /** The tasks a session holds on one API, read through the shared path's read pass. */
  storedTasks(session: string, api: ApiName): Promise<string[]>;
  /** A change of a session's tasks, run through the shared path's change pass. */
  changeTasks<R>(session: string, go: () => R): Promise<R>;
}

export function createRedisAdminView({ store, recheck, maxBytes, storedTasks, changeTasks }: RedisAdminDeps): AdminView {
  /** The live subscriptions (each one's end, and its listener), for endSubscriptions. */
  const live = new Map<() => void, JournalListener>();
  const entries = (calls: SharedCall[]) => calls.map((call) => sharedEntry(call, recheck));
  return {
    calls: async (session) => (await store.journal.calls(session)).map((call) => sharedJournalCall(call, recheck)),
    evicted: (session) => store.journal.evicted(session),
    get: async (id) => {
      const call = await store.journal.get(id);
      return call && sharedEntry(call, recheck);
    },
    newest: async (count, afterId, session) => entries(await store.journal.calls(session, { afterId, limit: count, newest: true })),
    clearJournal: (session) => store.journal.clear(session),
    addFault: (fault, session) => store.faults.add(session === undefined ? fault : { ...fault, match: { ...fault.match, session } }),
    listFaults: (session) => store.faults.list(session),
    clearFaults: (session) => store.faults.clear(session),
    reset: (session) => store.reset(session),
    async state(session) {
      const [s, global] = await Promise.all([store.state.get(session), store.state.globalClock()]);
      const clock = s.clock ?? global;
      return { session, id2Next: s.id2Next, taskIdNext: s.taskIdNext, clock: clock === undefined ? null : formatIso(clock) };
    },
    async setState(session, state) {
      const clock = state.clock === undefined ? undefined : state.clock === null ? null : parseClockOption(state.clock);
      await store.state.set(session, {
        ...(state.id2Next === undefined ? {} : { id2Next: state.id2Next }),
        ...(state.taskIdNext === undefined ? {} : { taskIdNext: state.taskIdNext }),
        ...(clock === undefined ? {} : { clock }),
      });
    },
    storedTasks,
    changeTasks,
    async health(): Promise<StoreHealth> {
      const [, entriesHeld, bytes, evicted, tasks, clock] = await Promise.all([
        store.ping(),
        store.journal.size(),
        store.journal.bytes(),
        store.journal.evicted(),
        store.taskHealth(),
        store.state.globalClock(),
      ]);
      return { reachable: true, clockFrozen: clock !== undefined, journal: { entries: entriesHeld, limit: store.journal.limit, evicted, bytes, maxBytes }, tasks };
    },
    subscribe(afterId, listener: JournalListener) {
      const unsubscribe = store.journal.subscribe(afterId, (event) => {
        listener(event.kind === 'added' ? { kind: 'added', entry: sharedEntry(event.call, recheck) } : event);
      });
      const end = () => {
        live.delete(end);
        void unsubscribe();
      };
      live.set(end, listener);
      return end;
    },
    endSubscriptions() {
      // A stream that waits on XREAD BLOCK would otherwise hold the server open until the shutdown grace cuts it.
      for (const [end, listener] of [...live]) {
        listener({ kind: 'closing' });
        end();
      }
    },
  };
}
