// The shared journal: one Redis stream of encodeEntry bytes (src/journal/codec.ts)
// with dense global ids, a list of ids per session, exact eviction counts,
// and a live feed for the live page (XREAD BLOCK on a connection of its own).
import { guarded, storeError } from './connect.js';
import { eventsKey, globalsKey, journalKey, type ScriptedRedis, script, scriptBuffer, type StoreContext } from './context.js';

/** One held call as stored: the replica decodes `bytes` with decodeEntry and its own recheck. */
export interface SharedCall {
  id: number;
  session: string;
  bytes: Buffer;
}

export interface CallRange {
  /** Only calls with a greater id (default 0: all). */
  afterId?: number;
  /** At most this many (default: all). */
  limit?: number;
  /** With a limit: the newest `limit` (still oldest first) rather than the oldest. */
  newest?: boolean;
}

export type SharedJournalEvent = { kind: 'added'; call: SharedCall } | { kind: 'cleared'; session?: string };
export type SharedJournalListener = (event: SharedJournalEvent) => void;

/** Ends a subscription; resolves once its loop has stopped. `ready` resolves once it reads from the current position. */
export type Unsubscribe = (() => Promise<void>) & { readonly ready: Promise<void> };

export interface JournalLimits {
  /** The most entries held (--journal-limit). */
  limit: number;
  /** The most bytes of entries held (--journal-max-bytes; 0: none). */
  maxBytes: number;
}

/** How long one XREAD blocks (ms) before it is sent again: bounds how long a dead connection goes unnoticed. */
const BLOCK_MS = 2000;
/** The wait before a subscription reads again after a failure (Redis away). */
const RETRY_MS = 200;

const streamId = (id: Buffer | string) => Number(String(id).split('-', 1)[0]);

/** [id, [field, value, ...]] as XRANGE answers with Buffers: the fields are s (session) and b (bytes). */
function callOf(entry: [Buffer, Buffer[]]): SharedCall {
  const [id, fields] = entry;
  let session = '';
  let bytes: Buffer = Buffer.alloc(0);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toString();
    if (name === 's') session = fields[i + 1]!.toString();
    else if (name === 'b') bytes = fields[i + 1]!;
  }
  return { id: streamId(id), session, bytes };
}

export class RedisJournal {
  readonly #ctx: StoreContext;
  readonly #limits: JournalLimits;
  readonly #subscriptions = new Set<Unsubscribe>();

  constructor(ctx: StoreContext, limits: JournalLimits) {
    if (!Number.isInteger(limits.limit) || limits.limit < 1) throw new Error(`--journal-limit must be a positive integer, not ${limits.limit}`);
    this.#ctx = ctx;
    this.#limits = limits;
  }

  get limit(): number {
    return this.#limits.limit;
  }

  /** --journal-max-bytes (0: none). */
  get maxBytes(): number {
    return this.#limits.maxBytes;
  }

  /** Appends an entry (encodeEntry's bytes) and evicts the oldest past the limits: one round trip. Answers its dense global id. */
  async record(session: string, bytes: Uint8Array): Promise<number> {
    const id = await scriptBuffer<number>(this.#ctx, 'tsRecord', session, bytes, this.#limits.limit, this.#limits.maxBytes, this.#ctx.ttl);
    return Number(id);
  }

  /** Held calls oldest first, of one session or all. */
  async calls(session?: string, range: CallRange = {}): Promise<SharedCall[]> {
    return (await this.page(session, range)).calls;
  }

  /** The same, with the count of evicted calls read in the same snapshot (one session) or just after (all). */
  async page(session?: string, range: CallRange = {}): Promise<{ calls: SharedCall[]; evicted: number }> {
    const { afterId = 0, limit = 0, newest = false } = range;
    if (session !== undefined) {
      const reply = await scriptBuffer<Buffer[]>(this.#ctx, 'tsSessionCalls', session, afterId, limit, newest ? 1 : 0);
      const calls: SharedCall[] = [];
      for (let i = 1; i + 1 < reply.length; i += 2) calls.push({ id: Number(reply[i]!.toString()), session, bytes: reply[i + 1]! });
      return { calls, evicted: Number(reply[0]!.toString()) };
    }
    const key = journalKey(this.#ctx.base);
    const start = `${afterId + 1}-0`;
    const count = limit > 0 ? ['COUNT', limit] : [];
    const client = this.#ctx.client;
    const [entries, evicted] = await guarded(
      Promise.all([
        newest
          ? client.xrevrangeBuffer(key, '+', start, ...(count as ['COUNT', number])).then((list) => list.reverse())
          : client.xrangeBuffer(key, start, '+', ...(count as ['COUNT', number])),
        client.hget(globalsKey(this.#ctx.base), 'evicted'),
      ]),
    );
    return { calls: (entries as [Buffer, Buffer[]][]).map(callOf), evicted: Number(evicted ?? 0) };
  }

  /** The call with this id, if it is still held. */
  async get(id: number): Promise<SharedCall | undefined> {
    if (!Number.isSafeInteger(id) || id < 1) return undefined;
    const key = journalKey(this.#ctx.base);
    const [entry] = (await guarded(this.#ctx.client.xrangeBuffer(key, `${id}-0`, `${id}-0`))) as [Buffer, Buffer[]][];
    return entry ? callOf(entry) : undefined;
  }

  /** Calls evicted (past the limit or the byte budget), of one session or in all, since the last clear. */
  async evicted(session?: string): Promise<number> {
    if (session === undefined) return Number((await guarded(this.#ctx.client.hget(globalsKey(this.#ctx.base), 'evicted'))) ?? 0);
    const fields = await script<string[]>(this.#ctx, 'tsSessionFields', session);
    return Number(fields[3] ?? 0);
  }

  /** How many calls are held. */
  async size(): Promise<number> {
    return guarded(this.#ctx.client.xlen(journalKey(this.#ctx.base)));
  }

  /** Bytes of the entries held. */
  async bytes(): Promise<number> {
    return Number((await guarded(this.#ctx.client.hget(globalsKey(this.#ctx.base), 'bytes'))) ?? 0);
  }

  /** Forgets one session's calls or all (counted as evicted: none; the eviction counts go too). Ids keep growing. */
  async clear(session?: string): Promise<void> {
    await script(this.#ctx, 'tsClearJournal', session ?? '');
  }

  /**
   * Calls `listener` with every call recorded after `afterId` (by any replica), then each new one and each
   * clear, until unsubscribed or the store closes. Reads on a connection of its own (XREAD BLOCK holds it);
   * while Redis is away it tells `onError` and tries again, resuming after the last id it delivered.
   */
  subscribe(afterId: number, listener: SharedJournalListener, onError?: (error: unknown) => void): Unsubscribe {
    const ctx = this.#ctx;
    const journal = journalKey(ctx.base);
    const events = eventsKey(ctx.base);
    // The blocking read needs no command timeout (it waits by design); blockingTimeout still ends a read on a dead connection.
    const connection = ctx.client.duplicate({ commandTimeout: undefined, blockingTimeout: BLOCK_MS + 1000, lazyConnect: true }) as ScriptedRedis;
    connection.on('error', () => {});
    let stopped = false;
    let lastId = afterId;
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const loop = (async () => {
      let lastEvent: string | undefined;
      while (!stopped) {
        try {
          if (connection.status === 'wait') await connection.connect();
          if (lastEvent === undefined) {
            const [newestEvent] = await connection.xrevrange(events, '+', '-', 'COUNT', 1);
            lastEvent = newestEvent?.[0] ?? '0-0';
            markReady();
          }
          const reply = (await connection.xreadBuffer('COUNT', 256, 'BLOCK', BLOCK_MS, 'STREAMS', journal, events, `${lastId}-0`, lastEvent)) as
            | [Buffer, [Buffer, Buffer[]][]][]
            | null;
          if (reply === null || stopped) continue;
          // Clears and calls in journal order: a clear carries the last journal id when it happened.
          const ordered: { at: number; event: SharedJournalEvent }[] = [];
          for (const [name, entries] of reply) {
            if (name.toString() === journal) {
              for (const entry of entries) {
                const call = callOf(entry);
                ordered.push({ at: call.id, event: { kind: 'added', call } });
              }
            } else {
              for (const [id, fields] of entries) {
                lastEvent = id.toString();
                const field = (wanted: string) => {
                  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]!.toString() === wanted) return fields[i + 1]!.toString();
                  return undefined;
                };
                const session = field('s');
                ordered.push({ at: Number(field('at') ?? 0) + 0.5, event: session === undefined ? { kind: 'cleared' } : { kind: 'cleared', session } });
              }
            }
          }
          ordered.sort((a, b) => a.at - b.at);
          for (const { event } of ordered) {
            if (stopped) break;
            if (event.kind === 'added') lastId = Math.max(lastId, event.call.id);
            listener(event);
          }
        } catch (error) {
          if (stopped) break;
          onError?.(storeError(error));
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    })();
    const unsubscribe = Object.assign(
      async () => {
        if (!stopped) {
          stopped = true;
          markReady();
          // Rejects the pending XREAD, which ends the loop.
          connection.disconnect();
          this.#subscriptions.delete(unsubscribe);
        }
        await loop;
      },
      { ready },
    );
    this.#subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  /** Ends every subscription (the store is closing). */
  async endSubscriptions(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((unsubscribe) => unsubscribe()));
  }
}
