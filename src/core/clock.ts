import { performance } from 'node:perf_hooks';
import { type Ticks, TICKS_PER_MS } from './ticks.js';

/** Where the stub reads "now": real time, or a frozen instant (`--clock`, or set through the admin API). */
export interface Clock {
  now(): Ticks;
  readonly frozen: boolean;
  /** Freezes the clock at an instant, or lets it run in real time again (undefined). */
  set(at: Ticks | undefined): void;
}

/** Real time with sub-millisecond ticks, like DateTime.UtcNow's 7 digits. */
function realNow(): Ticks {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 10_000));
}

export function createClock(frozenAt?: Ticks): Clock {
  let at = frozenAt;
  return {
    now: () => at ?? realNow(),
    get frozen() {
      return at !== undefined;
    },
    set(value) {
      at = value;
    },
  };
}

/**
 * A session's clock: frozen at the session's own instant when it has one,
 * else the global clock (`--clock`, or the default session's, set through
 * PUT /__admin/state). `set(undefined)` drops the own instant, so the session
 * follows the global clock again. Reading it is a field read and, without an
 * own instant, the global clock's read.
 */
export class SessionClock implements Clock {
  #own: Ticks | undefined = undefined;
  constructor(private readonly global: Clock) {}
  now(): Ticks {
    return this.#own ?? this.global.now();
  }
  get frozen(): boolean {
    return this.#own !== undefined || this.global.frozen;
  }
  set(at: Ticks | undefined): void {
    this.#own = at;
  }
}

/**
 * What the APIs read as "now" (StubContext.clock): the instant of the call
 * being answered, read once from its session's clock by stub.handle, so the
 * journal's time and the answer's dates are one instant. The APIs answer
 * synchronously, so no other call can begin in between. Outside a call it
 * reads the global clock.
 */
export class CallClock {
  #at: Ticks | undefined = undefined;
  constructor(private readonly outside: Clock) {}
  now(): Ticks {
    return this.#at ?? this.outside.now();
  }
  /** The call answered from now on happens at `at`. */
  begin(at: Ticks): void {
    this.#at = at;
  }
  end(): void {
    this.#at = undefined;
  }
}

/** A clock value that is not a time both APIs can write. */
export class ClockError extends Error {}

// .NET's DateTime.MinValue and MaxValue, as ticks since the Unix epoch: no answer can carry a time outside them.
const MIN_TICKS = -621_355_968_000_000_000n;
const MAX_TICKS = 2_534_023_007_999_999_999n;

/** Parses a clock value (any ISO 8601 time JavaScript's Date reads, in years 1-9999), keeping up to 7 fraction digits. */
export function parseClockOption(value: string): Ticks {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ClockError(`--clock: not an ISO 8601 time: ${value}`);
  const fraction = /\.(\d{4,7})/.exec(value)?.[1];
  const extra = fraction ? BigInt(fraction.padEnd(7, '0').slice(3)) : 0n;
  const ticks = BigInt(ms) * TICKS_PER_MS + extra;
  if (ticks < MIN_TICKS || ticks > MAX_TICKS) throw new ClockError(`--clock: ${value} is outside the years 1-9999 that .NET's DateTime holds`);
  return ticks;
}

/** ISO 8601 in UTC with 7 fraction digits, for the admin API and the journal. */
export function formatIso(ticks: Ticks): string {
  const ms = Number(ticks / TICKS_PER_MS);
  const sub = String(ticks % TICKS_PER_MS).padStart(4, '0');
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${sub}Z`);
}
