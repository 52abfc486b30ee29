import { performance } from 'node:perf_hooks';
import { type Ticks, TICKS_PER_MS } from './ticks.js';

/** Where the stub reads "now": real time, or a frozen instant from `--clock`. */
export interface Clock {
  now(): Ticks;
  readonly frozen: boolean;
}

/** Real time with sub-millisecond ticks, like DateTime.UtcNow's 7 digits. */
export function realClock(): Clock {
  return {
    frozen: false,
    now() {
      const ms = performance.timeOrigin + performance.now();
      return BigInt(Math.round(ms * 10_000));
    },
  };
}

export function frozenClock(at: Ticks): Clock {
  return { frozen: true, now: () => at };
}

/** Parses the `--clock` value (any ISO 8601 time JavaScript's Date reads). */
export function parseClockOption(value: string): Ticks {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--clock: not an ISO 8601 time: ${value}`);
  // Keep sub-millisecond digits the user wrote (".1234567").
  const fraction = /\.(\d{4,7})/.exec(value)?.[1];
  const extra = fraction ? BigInt(fraction.padEnd(7, '0').slice(3)) : 0n;
  return BigInt(ms) * TICKS_PER_MS + extra;
}
