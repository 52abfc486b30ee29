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

/** Parses a clock value (any ISO 8601 time JavaScript's Date reads), keeping up to 7 fraction digits. */
export function parseClockOption(value: string): Ticks {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--clock: not an ISO 8601 time: ${value}`);
  const fraction = /\.(\d{4,7})/.exec(value)?.[1];
  const extra = fraction ? BigInt(fraction.padEnd(7, '0').slice(3)) : 0n;
  return BigInt(ms) * TICKS_PER_MS + extra;
}

/** ISO 8601 in UTC with 7 fraction digits, for the admin API and the journal. */
export function formatIso(ticks: Ticks): string {
  const ms = Number(ticks / TICKS_PER_MS);
  const sub = String(ticks % TICKS_PER_MS).padStart(4, '0');
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${sub}Z`);
}
