// Instants are kept as .NET-style ticks (100 ns) since the Unix epoch, in a
// bigint, so that a date sent with 7 fraction digits comes back with the same 7.

export type Ticks = bigint;

export const TICKS_PER_MS = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, .NET's
 * (H. Hinnant's days_from_civil): exact for years 1-9999, without a Date
 * (Date.UTC reads years 0-99 as 1900-1999) and in plain integer arithmetic.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Builds an instant from calendar fields read as UTC, minus an offset in minutes (fields already checked). */
export function ticksFromParts(
  parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; fractionTicks: number },
  offsetMinutes: number,
): Ticks {
  // Whole seconds fit a double exactly (years 1-9999 are about 3.2e11 s); ticks need the bigint.
  const seconds = daysFromCivil(parts.year, parts.month, parts.day) * 86_400 + parts.hour * 3600 + (parts.minute - offsetMinutes) * 60 + parts.second;
  return BigInt(seconds) * TICKS_PER_SECOND + BigInt(parts.fractionTicks);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/** Days in a month (1-12) of the proleptic Gregorian calendar, as .NET counts them. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// The date and time of the last few whole seconds formatted: every answer
// writes `created` (now) and usually a deadline, so the same seconds recur.
const SECOND_CACHE_SIZE = 8;
const secondCache = new Map<bigint, { date: string; time: string }>();

function dateAndTime(seconds: bigint): { date: string; time: string } {
  let cached = secondCache.get(seconds);
  if (cached === undefined) {
    const date = new Date(Number(seconds) * 1000);
    cached = {
      date: `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`,
      time: `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`,
    };
    if (secondCache.size >= SECOND_CACHE_SIZE) secondCache.delete(secondCache.keys().next().value!);
    secondCache.set(seconds, cached);
  }
  return cached;
}

/** Calendar fields of an instant seen at a UTC offset, with the 7-digit fraction. */
export function partsAt(ticks: Ticks, offsetMinutes: number) {
  const local = offsetMinutes === 0 ? ticks : ticks + BigInt(offsetMinutes) * TICKS_PER_MINUTE;
  const seconds = floorDiv(local, TICKS_PER_SECOND);
  const fraction = Number(local - seconds * TICKS_PER_SECOND);
  const { date, time } = dateAndTime(seconds);
  return { date, time, fraction7: pad(fraction, 7) };
}

/** "Z" for UTC, otherwise "+hh:mm" / "-hh:mm" as .NET's K specifier writes it. */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}
