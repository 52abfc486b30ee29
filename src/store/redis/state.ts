// Issued tokens and each session's counters and clock, shared by every replica.
import type { Ticks } from '../../core/ticks.js';
import { DEFAULT_SESSION } from '../../core/sessions.js';
import { guarded } from './connect.js';
import { globalsKey, script, type StoreContext, tokensKey } from './context.js';

/**
 * 10,000 tokens, as the memory store keeps (src/store/memory.ts): far more than one test run logs in; the
 * oldest is forgotten first.
 */
export const MAX_TOKENS = 10_000;

/** ONLYOFFICE tokens and the login each was issued to. Global, as on the portal. */
export class RedisTokens {
  readonly #ctx: StoreContext;
  readonly #max: number;

  constructor(ctx: StoreContext, max = MAX_TOKENS) {
    this.#ctx = ctx;
    this.#max = max;
  }

  /** The most tokens remembered: the oldest is forgotten past it. */
  get max(): number {
    return this.#max;
  }

  async remember(token: string, login: string): Promise<void> {
    await script(this.#ctx, 'tsRememberToken', token, login, this.#max);
  }

  async loginOf(token: string): Promise<string | undefined> {
    return (await guarded(this.#ctx.client.hget(tokensKey(this.#ctx.base), token))) ?? undefined;
  }

  async size(): Promise<number> {
    return guarded(this.#ctx.client.hlen(tokensKey(this.#ctx.base)));
  }

  async clear(): Promise<void> {
    await guarded(this.#ctx.client.del(tokensKey(this.#ctx.base), `${tokensKey(this.#ctx.base)}:order`));
  }
}

/** What PUT/GET /__admin/state read and write of one session. */
export interface SessionState {
  taskIdNext: number;
  id2Next: number;
  /** The session's own frozen instant; for the default session, the global clock (undefined: real time). */
  clock: Ticks | undefined;
}

export interface SessionStateChange {
  taskIdNext?: number;
  id2Next?: number;
  /** An instant, or null to drop the session's own (the default session: let the global clock run). */
  clock?: Ticks | null;
}

export interface CounterBases {
  onlyofficeTaskId: number;
  welloId2: number;
}

const counter = (value: number | undefined, name: string): string => {
  if (value === undefined) return '';
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a whole number, not ${value}`);
  return String(value);
};

export class RedisState {
  readonly #ctx: StoreContext;
  readonly #bases: CounterBases;

  constructor(ctx: StoreContext, bases: CounterBases) {
    this.#ctx = ctx;
    this.#bases = bases;
  }

  /** A session's counters and clock; a session never seen reads as it would start (reading makes nothing). */
  async get(session: string): Promise<SessionState> {
    const [taskIdNext, id2Next, own, , global] = await script<string[]>(this.#ctx, 'tsSessionFields', session);
    const clock = session === DEFAULT_SESSION ? global : own;
    return {
      taskIdNext: taskIdNext ? Number(taskIdNext) : this.#bases.onlyofficeTaskId,
      id2Next: id2Next ? Number(id2Next) : this.#bases.welloId2,
      clock: clock ? BigInt(clock) : undefined,
    };
  }

  /** Sets a session's counters and clock (the default session's clock is the global one); makes the session. */
  async set(session: string, change: SessionStateChange): Promise<void> {
    const clock = change.clock === undefined ? '' : change.clock === null ? '-' : String(change.clock);
    await script(this.#ctx, 'tsSetState', session, this.#ctx.ttl, counter(change.taskIdNext, 'taskIdNext'), counter(change.id2Next, 'id2Next'), clock, Math.floor(Date.now() / 1000));
  }

  /** The global clock (--clock, or the default session's): a frozen instant, or undefined for real time. */
  async globalClock(): Promise<Ticks | undefined> {
    const value = await guarded(this.#ctx.client.hget(globalsKey(this.#ctx.base), 'clock'));
    return value ? BigInt(value) : undefined;
  }

  async setGlobalClock(at: Ticks | undefined): Promise<void> {
    const key = globalsKey(this.#ctx.base);
    await guarded(at === undefined ? this.#ctx.client.hdel(key, 'clock') : this.#ctx.client.hset(key, 'clock', String(at)));
  }

  /** Sets the global clock only when none is stored: what a replica started with --clock does, so that a restart does not undo a PUT /__admin/state. */
  async initGlobalClock(at: Ticks): Promise<boolean> {
    return (await guarded(this.#ctx.client.hsetnx(globalsKey(this.#ctx.base), 'clock', String(at)))) === 1;
  }
}
