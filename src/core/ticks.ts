// Instants are kept as .NET-style ticks (100 ns) since the Unix epoch, in a
// bigint, so that a date sent with 7 fraction digits comes back with the same 7.

export type Ticks = bigint;

export const TICKS_PER_MS = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;

export function ticksFromMs(ms: number): Ticks {
  return BigInt(Math.trunc(ms)) * TICKS_PER_MS;
}

/** Builds an instant from calendar fields read as UTC, minus an offset in minutes. */
export function ticksFromParts(
  parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; fractionTicks: number },
  offsetMinutes: number,
): Ticks {
  const ms = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return ticksFromMs(ms) + BigInt(parts.fractionTicks) - BigInt(offsetMinutes) * TICKS_PER_MINUTE;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/** Calendar fields of an instant seen at a UTC offset, with the 7-digit fraction. */
export function partsAt(ticks: Ticks, offsetMinutes: number) {
  const local = ticks + BigInt(offsetMinutes) * TICKS_PER_MINUTE;
  const seconds = floorDiv(local, TICKS_PER_SECOND);
  const fraction = Number(local - seconds * TICKS_PER_SECOND);
  const date = new Date(Number(seconds) * 1000);
  return {
    date: `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`,
    time: `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`,
    fraction7: pad(fraction, 7),
  };
}

/** "Z" for UTC, otherwise "+hh:mm" / "-hh:mm" as .NET's K specifier writes it. */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}
