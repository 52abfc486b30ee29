// The bounded journal: the newest `limit` entries in a ring, and how many
// were evicted, overall and per session (DESIGN principle 4).
import type { StoredEntry } from './entry.js';

export interface Journal {
  readonly limit: number;
  add(entry: Omit<StoredEntry, 'id'>): StoredEntry;
  /** Entries oldest first, optionally of one session. */
  entries(session?: string): StoredEntry[];
  evicted(session?: string): number;
  clear(session?: string): void;
  /** Calls `listener` on every change (for the live page); returns the unsubscribe. */
  subscribe(listener: JournalListener): () => void;
  /** Tells every listener the server is shutting down (live streams end, so that it can). */
  endSubscriptions(): void;
}

export type JournalEvent = { kind: 'added'; entry: StoredEntry } | { kind: 'cleared'; session?: string } | { kind: 'closing' };
export type JournalListener = (event: JournalEvent) => void;

export function createJournal(limit: number): Journal {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--journal-limit must be a positive integer, not ${limit}`);
  let ring: (StoredEntry | undefined)[] = new Array<StoredEntry | undefined>(limit);
  let start = 0;
  let size = 0;
  let nextId = 1;
  let evictedTotal = 0;
  const evictedBySession = new Map<string, number>();
  const listeners = new Set<JournalListener>();
  const emit = (event: JournalEvent) => {
    for (const listener of listeners) listener(event);
  };

  const all = (): StoredEntry[] => {
    const out: StoredEntry[] = [];
    for (let k = 0; k < size; k++) out.push(ring[(start + k) % limit]!);
    return out;
  };

  function refill(entries: StoredEntry[]): void {
    ring = new Array<StoredEntry | undefined>(limit);
    entries.forEach((e, k) => (ring[k] = e));
    start = 0;
    size = entries.length;
  }

  return {
    limit,
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
      if (size === limit) {
        const old = ring[start]!;
        evictedTotal++;
        evictedBySession.set(old.session, (evictedBySession.get(old.session) ?? 0) + 1);
        ring[start] = entry;
        start = (start + 1) % limit;
      } else {
        ring[(start + size) % limit] = entry;
        size++;
      }
      if (listeners.size > 0) emit({ kind: 'added', entry });
      return entry;
    },
    entries: (session) => (session === undefined ? all() : all().filter((e) => e.session === session)),
    evicted: (session) => (session === undefined ? evictedTotal : (evictedBySession.get(session) ?? 0)),
    clear(session) {
      if (session === undefined) {
        refill([]);
        evictedTotal = 0;
        evictedBySession.clear();
      } else {
        const kept = all().filter((e) => e.session !== session);
        evictedTotal -= evictedBySession.get(session) ?? 0;
        evictedBySession.delete(session);
        refill(kept);
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
