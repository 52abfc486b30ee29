// The shared store: every piece of state that N replicas must agree on, in one
// Redis (or Valkey), behind async methods. A call costs two round trips (the
// request path is src/store/redis/shared-path.ts): `begin` before rendering
// (ids, draw indices, clock, fault claim, room, and the reads the call makes)
// and `commit` after (task writes, tokens, the journal entry).
import type { Redis } from 'ioredis';
import type { Ticks } from '../../core/ticks.js';
import type { Fault } from '../../generated/admin/fault.js';
import type { CallView } from '../../journal/matcher.js';
import type { BeginResult as ProposedBeginResult } from '../async-store.js';
import { DEFAULT_MAX_TASKS, type StoredTask } from '../task-table.js';
import { type ConnectOptions, guarded, openClient, parseRedisUrl, type RedisTarget, StoreUnavailableError } from './connect.js';
import { type ScriptedRedis, script, type StoreContext } from './context.js';
import { FaultMirror, parseFaultList, RedisFaults, type SharedFault } from './faults.js';
import { type JournalLimits, RedisJournal } from './journal.js';
import { type CounterBases, RedisState, RedisTokens } from './state.js';
import { RedisTaskTable, type SharedTaskKind } from './tasks.js';
import { TickBatch } from './tick-batch.js';

export { StoreUnavailableError, StoreUrlError, parseRedisUrl } from './connect.js';
export { FaultMirror, RedisFaults, type SharedFault, type FaultSnapshot } from './faults.js';
export { RedisJournal, type SharedCall, type SharedJournalEvent, type SharedJournalListener, type Unsubscribe, type CallRange } from './journal.js';
export { RedisState, RedisTokens, type SessionState, type SessionStateChange } from './state.js';
export { RedisTaskTable, type SharedTaskKind } from './tasks.js';

/** What a validated call takes, known once it has validated (issue #18: two round trips a create, begin and record). */
export interface BeginNeeds {
  /** ONLYOFFICE task ids (HINCRBY taskIdNext). */
  onlyofficeTaskId?: number;
  /** Wello id2 values. */
  welloId2?: number;
  /** GUID draws (guidFor in src/store/draws.ts, from the first index answered). */
  guids?: number;
  /** Token draws (tokenSeedFor). */
  tokens?: number;
  /** Refuse (answer "full", taking nothing) when the session's table of this API is at --max-tasks; else reserve one room there, given back by commit (or release). */
  taskRoom?: SharedTaskKind<StoredTask>['api'];
  /** Reads answered in the same step (after the draws), in order: BeginResult.reads. */
  reads?: readonly BeginRead[];
}

/** One read begin makes: a task (its JSON), a count by index key, a table's size, every task (JSON, oldest first), or a token's login. */
export type BeginRead =
  | { what: 'get'; api: SharedTaskKind<StoredTask>['api']; id: string }
  | { what: 'count'; api: SharedTaskKind<StoredTask>['api']; key: string }
  | { what: 'size'; api: SharedTaskKind<StoredTask>['api'] }
  | { what: 'values'; api: SharedTaskKind<StoredTask>['api'] }
  | { what: 'token'; token: string };

/** A read's answer: JSON or null (get), a number (count, size), JSON strings (values), a login or null (token). */
export type BeginReadAnswer = string | number | null | string[];

/** What a call leaves, given to commit. */
export interface CommitWrites {
  /** The api begin reserved a room in (BeginNeeds.taskRoom), given back first. */
  reserved?: string | undefined;
  /** fresh: a put whose id no task can have (a GUID just drawn), so commit does not look for one. */
  tasks: readonly ({ op: 'put'; api: string; id: string; json: string; key: string | undefined; fresh?: boolean } | { op: 'delete'; api: string; id: string })[];
  tokens: readonly { token: string; login: string }[];
}

export interface BeginFaults {
  /** The version of the replica's fault mirror. */
  seen: number;
  /** The fault the replica chose from its mirror for this call, if any. */
  candidate?: number;
}

export type BeginResult =
  | {
      kind: 'ok';
      /** The first value of each counter taken (the call took `n` consecutive ones from it); undefined when none was asked. */
      onlyofficeTaskId: number | undefined;
      /** Every ONLYOFFICE task id taken: consecutive but for the ids the session's table held (skipped, as in memory). */
      onlyofficeTaskIds: number[];
      welloId2: number | undefined;
      /** The first draw index of each stream taken. */
      guidDraw: number | undefined;
      tokenDraw: number | undefined;
      /** The call's instant when its clock is frozen (the session's own, else the global one); undefined: real time. */
      clock: Ticks | undefined;
      /** The faults version after this call (one more than seen when its claim used the fault up). */
      faultsVersion: number;
      /** Whether the candidate's use was taken: the call gets that fault. */
      claimed: boolean;
      /** The claim used the fault's last use up. */
      exhausted: boolean;
      /** The answers to BeginNeeds.reads, in order. */
      reads: BeginReadAnswer[];
    }
  /** The mirror is out of date: nothing was taken; match again against `faults` and call again. */
  | { kind: 'stale'; faultsVersion: number; faults: SharedFault[] }
  /** The session's table of `taskRoom` is full: nothing was taken. */
  | { kind: 'full' };

/** What commit answers: the journal id, or the api whose table had no room for a put (nothing recorded). */
export type CommitResult = { kind: 'ok'; id: number } | { kind: 'full'; api: string };

export interface RedisStoreOptions extends ConnectOptions {
  /** First values of the id counters (--task-id-base, --id2-base; default 1): every replica must give the same. */
  bases?: Partial<CounterBases>;
  /** --journal-limit (default 10,000) and --journal-max-bytes (default: none). */
  journalLimit?: number;
  journalMaxBytes?: number;
  /** --max-tasks (default 10,000). */
  maxTasks?: number;
  /** Idle expiry of a session's keys, in seconds (default 24 h; 0: never). */
  sessionTtlSeconds?: number;
  /** The most tokens remembered (default 10,000). */
  maxTokens?: number;
}

/** Reads as the begin and reads scripts take them: what, api, arg. */
function readArgs(reads: readonly BeginRead[] = []): (string | number)[] {
  const args: (string | number)[] = [];
  for (const read of reads) {
    if (read.what === 'token') args.push('k', '', read.token);
    else if (read.what === 'get') args.push('g', read.api, read.id);
    else if (read.what === 'count') args.push('c', read.api, read.key);
    else args.push(read.what === 'size' ? 'z' : 'v', read.api, '');
  }
  return args;
}

export const DEFAULT_SESSION_TTL_SECONDS = 24 * 60 * 60;

/** How many times beginMatched re-matches after a stale answer before it gives up (each means the queue changed meanwhile). */
const MAX_STALE_RETRIES = 8;

export class RedisStore {
  readonly kind = 'redis';
  readonly journal: RedisJournal;
  readonly faults: RedisFaults;
  readonly tokens: RedisTokens;
  readonly state: RedisState;
  /** The URL connected to, its password hidden. */
  readonly url: string;
  readonly maxTasks: number;
  readonly #ctx: StoreContext;
  readonly #bases: CounterBases;
  /** begin and commit of the calls that reach them in one turn of the event loop, each sent as one script call. */
  readonly #begins: TickBatch<unknown[]>;
  readonly #commits: TickBatch<[string, number | string]>;
  #closed = false;

  private constructor(client: Redis, target: RedisTarget, options: RedisStoreOptions) {
    const ttl = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`the session TTL must be a whole number of seconds, not ${ttl}`);
    this.#ctx = { client: client as ScriptedRedis, base: `${target.prefix}{t}:`, ttl };
    this.#bases = { onlyofficeTaskId: options.bases?.onlyofficeTaskId ?? 1, welloId2: options.bases?.welloId2 ?? 1 };
    const limits: JournalLimits = { limit: options.journalLimit ?? 10_000, maxBytes: options.journalMaxBytes ?? 0 };
    this.journal = new RedisJournal(this.#ctx, limits);
    this.faults = new RedisFaults(this.#ctx);
    this.tokens = new RedisTokens(this.#ctx, options.maxTokens);
    this.state = new RedisState(this.#ctx, this.#bases);
    this.maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
    this.url = target.display;
    const ctx = this.#ctx;
    this.#begins = new TickBatch((packed) => script(ctx, 'tsBegin', ...packed));
    this.#commits = new TickBatch((packed) => script(ctx, 'tsCommit', ...packed));
  }

  /** Connects to `redis://HOST:PORT[/DB]`, `rediss://…` or `redis+unix:///path.sock` (each with `?prefix=`, default "ts:"). */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const target = parseRedisUrl(url);
    const client = await openClient(target, options);
    try {
      return new RedisStore(client, target, options);
    } catch (error) {
      client.disconnect();
      throw error;
    }
  }

  /** The key prefix with its hash tag: every key this store writes starts with it. */
  get keyBase(): string {
    return this.#ctx.base;
  }

  /** Round-trip time to Redis in ms; StoreUnavailableError when it does not answer (what health reports). */
  async ping(): Promise<number> {
    const start = performance.now();
    await guarded(this.#ctx.client.ping());
    return performance.now() - start;
  }

  /**
   * One round trip before rendering: takes the ids and draw indices the call needs, claims one use of the
   * candidate fault, and reads the call's clock, atomically. Answers "stale" (taking nothing) when the
   * replica's fault mirror is older than the queue, and "full" when `taskRoom`'s table is at --max-tasks.
   */
  async begin(session: string, needs: BeginNeeds, faults: BeginFaults): Promise<BeginResult> {
    const n = (value: number | undefined) => {
      if (value === undefined) return 0;
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`begin: a count of ids is a whole number, not ${value}`);
      return value;
    };
    const reads = readArgs(needs.reads);
    const reply = await this.#begins.add([
      session,
      this.#ctx.ttl,
      String(faults.seen),
      faults.candidate === undefined ? '' : String(faults.candidate),
      n(needs.onlyofficeTaskId),
      n(needs.welloId2),
      n(needs.guids),
      n(needs.tokens),
      this.#bases.onlyofficeTaskId,
      this.#bases.welloId2,
      needs.taskRoom ?? '',
      this.maxTasks,
      Math.floor(Date.now() / 1000),
      reads.length / 3,
      ...reads,
    ]);
    if (reply[0] === 'stale') return { kind: 'stale', faultsVersion: Number(reply[1]), faults: parseFaultList(reply.map(String), 2) };
    if (reply[0] === 'full') return { kind: 'full' };
    const [, taskIds, id2, guid, token, clock, version, claimed, exhausted, answers] = reply as [string, number[], number, number, number, string, string, number, number, BeginReadAnswer[]];
    return {
      kind: 'ok',
      onlyofficeTaskId: needs.onlyofficeTaskId ? Number(taskIds[0]) : undefined,
      onlyofficeTaskIds: taskIds.map(Number),
      welloId2: needs.welloId2 ? Number(id2) : undefined,
      guidDraw: needs.guids ? Number(guid) : undefined,
      tokenDraw: needs.tokens ? Number(token) : undefined,
      clock: clock ? BigInt(clock) : undefined,
      faultsVersion: Number(version),
      claimed: Number(claimed) === 1,
      exhausted: Number(exhausted) === 1,
      reads: answers,
    };
  }

  /**
   * One round trip after a call answered: gives back the room begin reserved, applies its task writes and the
   * tokens it issued, and records its journal entry (encodeEntry's bytes), atomically. "full" when a put found
   * no room (a put begin was not asked room for): nothing recorded, the writes before it kept.
   */
  async commit(session: string, bytes: Uint8Array, writes: CommitWrites): Promise<CommitResult> {
    const args: (string | number | Uint8Array)[] = [
      session,
      bytes,
      this.journal.limit,
      this.journal.maxBytes,
      this.#ctx.ttl,
      this.maxTasks,
      this.tokens.max,
      writes.reserved ?? '',
      writes.tasks.length,
    ];
    for (const w of writes.tasks) {
      if (w.op === 'put') args.push(w.fresh ? 'n' : 'p', w.api, w.id, w.json, w.key ?? '');
      else args.push('d', w.api, w.id, '', '');
    }
    args.push(writes.tokens.length);
    for (const { token, login } of writes.tokens) args.push(token, login);
    const reply = await this.#commits.add(args);
    return reply[0] === 'ok' ? { kind: 'ok', id: Number(reply[1]) } : { kind: 'full', api: String(reply[1]) };
  }

  /** Reads of one session's tables and the tokens, in one consistent snapshot (the same reads begin makes). */
  async read(session: string, reads: readonly BeginRead[]): Promise<BeginReadAnswer[]> {
    const args = readArgs(reads);
    return script<BeginReadAnswer[]>(this.#ctx, 'tsReads', session, args.length / 3, ...args);
  }

  /** Gives back the room begin reserved for a call that ends without commit (it failed in between). */
  async release(session: string, api: string): Promise<void> {
    await script(this.#ctx, 'tsRelease', session, api);
  }

  /**
   * begin with the fault matching done against `mirror`: chooses the oldest queued fault that selects `call`,
   * asks what the call needs given that fault (a status or reset fault: nothing; an empty body or a delay:
   * what the call takes anyway), and on "stale" reloads the mirror from the answer and matches again.
   */
  async beginMatched(
    session: string,
    call: CallView,
    mirror: FaultMirror,
    needs: (fault: Fault | undefined) => BeginNeeds,
  ): Promise<{ result: Exclude<BeginResult, { kind: 'stale' }>; fault: Fault | undefined }> {
    for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
      const chosen = mirror.choose(call);
      const result = await this.begin(session, needs(chosen?.fault), { seen: mirror.version, candidate: chosen?.id });
      if (result.kind === 'stale') {
        mirror.replace({ version: result.faultsVersion, faults: result.faults });
        continue;
      }
      if (result.kind === 'ok' && chosen && result.claimed) {
        mirror.claimed(chosen.id, result.exhausted, result.faultsVersion);
        return { result, fault: chosen.fault };
      }
      return { result, fault: undefined };
    }
    throw new StoreUnavailableError(`the fault queue changed ${MAX_STALE_RETRIES + 1} times while one call was matched`);
  }

  /** This replica's copy of the fault queue, for beginCall. */
  readonly faultMirror = new FaultMirror();

  /**
   * beginMatched with this store's own mirror, answering as src/store/async-store.ts proposes: the ids and
   * draws taken, the call's clock, and the fault it gets.
   */
  async beginCall(session: string, call: CallView, needs: (fault: Fault | undefined) => BeginNeeds): Promise<ProposedBeginResult> {
    const { result, fault } = await this.beginMatched(session, call, this.faultMirror, needs);
    if (result.kind === 'full') return result;
    const { onlyofficeTaskId, welloId2, guidDraw, tokenDraw, clock } = result;
    return { kind: 'ok', onlyofficeTaskId, welloId2, guidDraw, tokenDraw, clock, fault };
  }

  /** The tasks a session created on one API. */
  tasks<T extends StoredTask>(session: string, kind: SharedTaskKind<T>): RedisTaskTable<T> {
    return new RedisTaskTable<T>(this.#ctx, session, kind, this.maxTasks);
  }

  /** The tasks held in every session (counted as they are put and deleted), and how many tables are full. */
  async taskHealth(): Promise<{ held: number; maxPerSession: number; full: number }> {
    const [held, full] = await guarded(this.#ctx.client.hmget(`${this.#ctx.base}g`, 'tasksHeld', 'tasksFull'));
    return { held: Number(held ?? 0), maxPerSession: this.maxTasks, full: Number(full ?? 0) };
  }

  /**
   * Forgets one session (its calls, counters, draws, own clock, tasks and queued faults) or all of them;
   * the global clock, the journal's id sequence and the issued tokens stay (as in the memory store). A
   * reset of all is one atomic step (a new key generation); the old generation's keys are then unlinked.
   */
  async reset(session?: string): Promise<void> {
    await script(this.#ctx, 'tsReset', session ?? '', this.maxTasks);
    if (session === undefined) await this.#unlinkOldGenerations();
  }

  /** Unlinks per-session keys of earlier generations (they would expire anyway): SCAN, never KEYS. */
  async #unlinkOldGenerations(): Promise<void> {
    const client = this.#ctx.client;
    const base = this.#ctx.base;
    const [gen, jgen] = (await guarded(client.hmget(`${base}g`, 'gen', 'jgen'))).map((v) => Number(v ?? 0));
    for (const [kind, current] of [
      ['s', gen],
      ['j', jgen],
    ] as const) {
      let cursor = '0';
      do {
        const [next, keys] = await guarded(client.scan(cursor, 'MATCH', `${base}${kind}:*`, 'COUNT', 1000));
        cursor = next;
        const old = keys.filter((key) => Number(key.slice(base.length + 2).split(':', 1)[0]) < current!);
        if (old.length > 0) await guarded(client.unlink(...old));
      } while (cursor !== '0');
    }
  }

  /** Ends every journal subscription and the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.journal.endSubscriptions();
    try {
      await this.#ctx.client.quit();
    } catch {
      this.#ctx.client.disconnect();
    }
  }

  /** For tests and tools: the underlying client (every key starts with keyBase). */
  get client(): Redis {
    return this.#ctx.client;
  }
}
