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
