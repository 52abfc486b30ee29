// The bounded journal: the newest `limit` entries in a ring, within a byte
// budget, and how many were evicted, overall and per session (CONTRIBUTING.md,
// principle 4). Entries are
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
  /** The byte budget: the most bytes of entries held (and the most the ring's buffer grows to). */
  readonly maxBytes: number;
  /** Bytes of the entries held (as stored: request, answer, verdict). */
  readonly bytes: number;
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
  /** Drops a session's entries, counted as evicted (its session was evicted from the session store). */
  evictSession(session: string): void;
  /** A session evicted earlier is made again: its eviction count is a held session's now, not one to forget. */
  sessionMade(session: string): void;
  /** Calls `listener` on every change (for the live page); returns the unsubscribe. */
  subscribe(listener: JournalListener): () => void;
  /** Tells every listener the server is shutting down (live streams end, so that it can). */
  endSubscriptions(): void;
}

export type JournalEvent = { kind: 'added'; entry: StoredEntry } | { kind: 'cleared'; session?: string } | { kind: 'closing' };
export type JournalListener = (event: JournalEvent) => void;

export interface JournalOptions {
  /** The byte budget (default: none). */
  maxBytes?: number;
  /**
   * How many evicted sessions' eviction counts are kept (so that a session that calls again after its
   * eviction still reads how many of its calls were evicted); the oldest are forgotten. Default 10,000.
   */
  evictedSessionsKept?: number;
}

const reasonOf = (error: unknown) => `its stored bytes could not be read (${error instanceof Error ? error.message : String(error)})`;

/** What a call whose bytes do not decode shows of itself: nothing that a matcher could select. */
const UNREADABLE_SUMMARY: CallSummary = { api: '' as CallSummary['api'], operation: '', method: '', path: '', status: 0 };

function unreadableEntry(id: number, session: string, error: unknown): StoredEntry {
  const request = { method: '', path: '', query: {}, headers: {}, body: Buffer.alloc(0) };
  const record = { api: UNREADABLE_SUMMARY.api, operation: '', valid: false, errors: [], issued: {} };
  return { id, session, time: 0n as StoredEntry['time'], request, result: { response: { status: 0, headers: {}, body: '' }, record }, durationMs: 0, unreadable: reasonOf(error) };
}

interface SessionTally {
  held: number;
  evicted: number;
  /** At most the id of its oldest entry held (not moved when that one is dropped), and the id of its newest: where evictSession looks. */
  first: number;
  last: number;
}

export function createJournal(limit: number, recheck: Recheck, options: JournalOptions = {}): Journal {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--journal-limit must be a positive integer, not ${limit}`);
  const { maxBytes = Number.POSITIVE_INFINITY, evictedSessionsKept = 10_000 } = options;
  if (!(maxBytes >= 1) || (maxBytes !== Number.POSITIVE_INFINITY && !Number.isInteger(maxBytes))) {
    throw new Error(`--journal-max-bytes must be a positive whole number of bytes, not ${maxBytes}`);
  }
  // Entries are stored as bytes (codec.ts) in a ring outside the V8 heap; the
  // id and session of each slot stay beside it, for filtering and eviction counts.
  const ring = new RecordRing(limit, undefined, maxBytes);
  const ids = new Float64Array(limit);
  let sessions: string[] = new Array<string>(limit);
  // Entries of an evicted session: counted as evicted at once, invisible to every read, and left in the
  // ring, slot and bytes, until it drops them as the oldest (removing them there would compact the
  // whole buffer on every session eviction; a least recently used session's entries are mostly old).
  let dead = new Uint8Array(limit);
  let deadCount = 0;
  const writer = new ByteWriter();
  let nextId = 1;
  let evictedTotal = 0;
  // Per session: how many of its entries are held and how many were evicted. Bounded by the session
  // store (--max-sessions): a key is a session it holds, or one of the newest `evictedSessionsKept` it
  // evicted (`departed`, oldest first; sessionMade takes one back out).
  const tallies = new Map<string, SessionTally>();
  const departed = new Set<string>();
  // The last session added to: calls come in runs of one session, and a run then skips the lookup.
  let lastSession: string | undefined;
  let lastTally: SessionTally | undefined;
  function tallyOf(session: string): SessionTally {
    if (session === lastSession) return lastTally!;
    let tally = tallies.get(session);
    if (!tally) tallies.set(session, (tally = { held: 0, evicted: 0, first: 0, last: 0 }));
    lastSession = session;
    return (lastTally = tally);
  }
  function forget(session: string): void {
    tallies.delete(session);
    if (session === lastSession) lastSession = lastTally = undefined;
  }
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
    for (let k = 0; k < ring.size; k++) {
      const slot = ring.slot(k);
      if (dead[slot] === 0 && (session === undefined || sessions[slot] === session)) out.push(callAt(k));
    }
    return out;
  }

  /** Drops the oldest entry, counting it as evicted unless it was counted when its session was. */
  function dropOldest(): void {
    const slot = ring.slot(0);
    if (dead[slot] === 1) deadCount--;
    else {
      const tally = tallies.get(sessions[slot]!)!;
      tally.held--;
      tally.evicted++;
      evictedTotal++;
    }
    ring.shift();
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
    maxBytes,
    get bytes() {
      return ring.held;
    },
    get size() {
      return ring.size - deadCount;
    },
    get(id) {
      const k = firstAbove(id, true);
      return k < ring.size && ids[ring.slot(k)] === id && dead[ring.slot(k)] === 0 ? entryAt(k) : undefined;
    },
    newest(count, afterId) {
      const out: StoredEntry[] = [];
      for (let k = ring.size - 1, first = firstAbove(afterId); k >= first && out.length < count; k--) if (dead[ring.slot(k)] === 0) out.push(entryAt(k));
      return out.reverse();
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
      encodeEntry(writer, entry);
      const bytes = writer.bytes();
      // The oldest go until this one fits: the count limit, the byte budget, room in the buffer. An empty ring takes any entry.
      if (ring.size === limit) dropOldest();
      let slot: number;
      while ((slot = ring.tryPush(bytes)) < 0) dropOldest();
      ids[slot] = entry.id;
      sessions[slot] = entry.session;
      dead[slot] = 0;
      const tally = tallyOf(entry.session);
      if (tally.held++ === 0) tally.first = entry.id;
      tally.last = entry.id;
      if (listeners.size > 0) emit({ kind: 'added', entry });
      return entry;
    },
    entries: (session) => calls(session).map((call) => call.entry()),
    calls,
    evicted: (session) => (session === undefined ? evictedTotal : (tallies.get(session)?.evicted ?? 0)),
    clear(session) {
      version++;
      const kept = ring.retain((k) => session !== undefined && dead[ring.slot(k)] === 0 && sessions[ring.slot(k)] !== session);
      const keptIds = kept.map((slot) => ids[slot]!);
      const keptSessions = kept.map((slot) => sessions[slot]!);
      sessions = new Array<string>(limit);
      dead = new Uint8Array(limit);
      deadCount = 0;
      keptIds.forEach((id, slot) => {
        ids[slot] = id;
        sessions[slot] = keptSessions[slot]!;
      });
      if (session === undefined) {
        evictedTotal = 0;
        tallies.clear();
        lastSession = lastTally = undefined;
        departed.clear();
      } else {
        evictedTotal -= tallies.get(session)?.evicted ?? 0;
        forget(session);
        departed.delete(session);
      }
      emit(session === undefined ? { kind: 'cleared' } : { kind: 'cleared', session });
    },
    sessionMade(session) {
      departed.delete(session);
    },
    evictSession(session) {
      const tally = tallies.get(session);
      if (!tally) return;
      // Its entries lie between its first and last ids (a session used once: one slot), found by age until all are.
      let count = 0;
      for (let k = firstAbove(tally.first, true), end = firstAbove(tally.last, true); k <= end && k < ring.size && count < tally.held; k++) {
        const slot = ring.slot(k);
        if (dead[slot] === 0 && sessions[slot] === session) {
          dead[slot] = 1;
          count++;
        }
      }
      version++;
      deadCount += count;
      evictedTotal += count;
      tally.held = 0;
      tally.evicted += count;
      if (tally.evicted === 0) return forget(session);
      departed.delete(session);
      departed.add(session);
      if (departed.size > evictedSessionsKept) {
        const [oldest] = departed;
        departed.delete(oldest!);
        if (tallies.get(oldest!)?.held === 0) forget(oldest!);
      }
      // The live page drops the session's rows, as it does when a session is cleared.
      if (count > 0) emit({ kind: 'cleared', session });
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
