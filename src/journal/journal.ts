// The bounded journal: the newest `limit` entries in a ring, and how many
// were evicted, overall and per session (CONTRIBUTING.md, principle 4). Entries are
// held as bytes outside the V8 heap (record-ring.ts, codec.ts) and decoded
// when read, as far as the reader looks.
import { ByteWriter } from './bytes.js';
import { type CallSummary, decodeEntry, decodeRequest, decodeSummary, encodeEntry, type Recheck } from './codec.js';
import { type ParsedBody, parseRequestBody, requestBody, type StoredEntry } from './entry.js';
import { RecordRing } from './record-ring.js';

/**
 * A held call as the matchers see it: the summary is read from the head of
 * its bytes; the whole entry is decoded only when asked for. Valid until the
 * journal next changes (admin handlers use it synchronously).
 */
export interface JournalCall extends CallSummary {
  readonly id: number;
  readonly session: string;
  /** Set when the stored bytes could not be read: why. No matcher selects such a call; views show it as an UnshownEntry. */
  readonly unreadable?: string;
  /** The request body parsed by its Content-Type (what body matchers compare), decoding the request alone. */
  body(): ParsedBody;
  entry(): StoredEntry;
}

export interface Journal {
  readonly limit: number;
  /** Stores a copy of the call; returns the entry as given, with its id (for the live page and the journal file). */
  add(entry: Omit<StoredEntry, 'id'>): StoredEntry;
  /** How many entries are held. */
  readonly size: number;
  /** Entries oldest first, optionally of one session. */
  entries(session?: string): StoredEntry[];
  /** The same calls, each decoded only as far as it is looked at. */
  calls(session?: string): JournalCall[];
  /** The entry with this id, if it is still held. */
  get(id: number): StoredEntry | undefined;
  /** The newest `count` entries with an id above `afterId`, oldest first. */
  newest(count: number, afterId: number): StoredEntry[];
  evicted(session?: string): number;
  clear(session?: string): void;
  /** Calls `listener` on every change (for the live page); returns the unsubscribe. */
  subscribe(listener: JournalListener): () => void;
  /** Tells every listener the server is shutting down (live streams end, so that it can). */
  endSubscriptions(): void;
}

export type JournalEvent = { kind: 'added'; entry: StoredEntry } | { kind: 'cleared'; session?: string } | { kind: 'closing' };
export type JournalListener = (event: JournalEvent) => void;

const reasonOf = (error: unknown) => `its stored bytes could not be read (${error instanceof Error ? error.message : String(error)})`;

/** What a call whose bytes do not decode shows of itself: nothing that a matcher could select. */
const UNREADABLE_SUMMARY: CallSummary = { api: '' as CallSummary['api'], operation: '', method: '', path: '', status: 0 };

function unreadableEntry(id: number, session: string, error: unknown): StoredEntry {
  const request = { method: '', path: '', query: {}, headers: {}, body: Buffer.alloc(0) };
  const record = { api: UNREADABLE_SUMMARY.api, operation: '', valid: false, errors: [], issued: {} };
  return { id, session, time: 0n as StoredEntry['time'], request, result: { response: { status: 0, headers: {}, body: '' }, record }, durationMs: 0, unreadable: reasonOf(error) };
}

export function createJournal(limit: number, recheck: Recheck): Journal {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--journal-limit must be a positive integer, not ${limit}`);
  // Entries are stored as bytes (codec.ts) in a ring outside the V8 heap; the
  // id and session of each slot stay beside it, for filtering and eviction counts.
  const ring = new RecordRing(limit);
  const ids = new Float64Array(limit);
  let sessions: string[] = new Array<string>(limit);
  const writer = new ByteWriter();
  let nextId = 1;
  let evictedTotal = 0;
  const evictedBySession = new Map<string, number>();
  const listeners = new Set<JournalListener>();
  const emit = (event: JournalEvent) => {
    for (const listener of listeners) listener(event);
  };

  /** The entry held at age k; bytes that do not decode give a placeholder that says why (entry.ts, UnshownEntry), never a throw. */
  const entryAt = (k: number): StoredEntry => {
    const slot = ring.slot(k);
    try {
      return { id: ids[slot]!, session: sessions[slot]!, ...decodeEntry(ring.bytes(k), recheck) };
    } catch (error) {
      return unreadableEntry(ids[slot]!, sessions[slot]!, error);
    }
  };

  /** Bumped on every change, so that a JournalCall kept past one fails loudly instead of reading another entry. */
  let version = 0;

  function callAt(k: number): JournalCall {
    const slot = ring.slot(k);
    const seen = version;
    const current = () => {
      if (version !== seen) throw new Error('a JournalCall was used after the journal changed');
    };
    let entry: StoredEntry | undefined;
    let body: ParsedBody | undefined;
    let summary: CallSummary & { unreadable?: string };
    try {
      summary = decodeSummary(ring.bytes(k));
    } catch (error) {
      summary = { ...UNREADABLE_SUMMARY, unreadable: reasonOf(error) };
    }
    return {
      id: ids[slot]!,
      session: sessions[slot]!,
      ...summary,
      body() {
        current();
        if (body) return body;
        try {
          body = entry ? requestBody(entry) : parseRequestBody(decodeRequest(ring.bytes(k)));
        } catch {
          // Matches no body matcher: undefined is a subset of nothing.
          body = { body: undefined };
        }
        return body;
      },
      entry() {
        current();
        return (entry ??= entryAt(k));
      },
    };
  }

  function calls(session: string | undefined): JournalCall[] {
    const out: JournalCall[] = [];
    for (let k = 0; k < ring.size; k++) if (session === undefined || sessions[ring.slot(k)] === session) out.push(callAt(k));
    return out;
  }

  /** The age (0 the oldest) of the first entry whose id is above `id` (or at it, with `inclusive`); ids grow with age. */
  function firstAbove(id: number, inclusive = false): number {
    let low = 0;
    let high = ring.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = ids[ring.slot(mid)]!;
      if (inclusive ? at < id : at <= id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  return {
    limit,
    get size() {
      return ring.size;
    },
    get(id) {
      const k = firstAbove(id, true);
      return k < ring.size && ids[ring.slot(k)] === id ? entryAt(k) : undefined;
    },
    newest(count, afterId) {
      const out: StoredEntry[] = [];
      for (let k = Math.max(firstAbove(afterId), ring.size - count); k < ring.size; k++) out.push(entryAt(k));
      return out;
    },
    add(fields) {
      const entry: StoredEntry = {
        id: nextId++,
        session: fields.session,
        time: fields.time,
        request: fields.request,
        result: fields.result,
        durationMs: fields.durationMs,
        fault: fields.fault,
      };
      version++;
      if (ring.size === limit) {
        const old = sessions[ring.slot(0)]!;
        evictedTotal++;
        evictedBySession.set(old, (evictedBySession.get(old) ?? 0) + 1);
        ring.shift();
      }
      encodeEntry(writer, entry);
      const slot = ring.push(writer.bytes());
      ids[slot] = entry.id;
      sessions[slot] = entry.session;
      if (listeners.size > 0) emit({ kind: 'added', entry });
      return entry;
    },
    entries: (session) => calls(session).map((call) => call.entry()),
    calls,
    evicted: (session) => (session === undefined ? evictedTotal : (evictedBySession.get(session) ?? 0)),
    clear(session) {
      version++;
      const kept = ring.retain((k) => session !== undefined && sessions[ring.slot(k)] !== session);
      const keptIds = kept.map((slot) => ids[slot]!);
      const keptSessions = kept.map((slot) => sessions[slot]!);
      sessions = new Array<string>(limit);
      keptIds.forEach((id, slot) => {
        ids[slot] = id;
        sessions[slot] = keptSessions[slot]!;
      });
      if (session === undefined) {
        evictedTotal = 0;
        evictedBySession.clear();
      } else {
        evictedTotal -= evictedBySession.get(session) ?? 0;
        evictedBySession.delete(session);
      }
      emit(session === undefined ? { kind: 'cleared' } : { kind: 'cleared', session });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    endSubscriptions() {
      emit({ kind: 'closing' });
      listeners.clear();
    },
  };
}
