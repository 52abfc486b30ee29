// ApiDateTime, as ASC.Specific reads and writes it (docs/fidelity.md, ONLYOFFICE: Dates).
import { daysInMonth, formatOffset, partsAt, type Ticks, ticksFromParts } from '../../core/ticks.js';

// One pattern for the seven accepted formats: the time part uses either all
// colons or all hyphens (backreference \5); fractions have exactly 3 or 7
// digits; K is Z, an offset, or nothing (the portal's local time); or a bare
// yyyy-MM-dd.
const API_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})([:-])(\d{2})\5(\d{2})(?:\.(\d{3}|\d{7}))?(Z|[+-]\d{2}:\d{2})?)?$/;

function offsetFromK(k: string | undefined, portalOffsetMinutes: number): number | undefined {
  if (k === undefined) return portalOffsetMinutes;
  if (k === 'Z') return 0;
  const hours = Number(k.slice(1, 3));
  const minutes = Number(k.slice(4, 6));
  if (hours > 14 || minutes > 59) return undefined;
  return (k.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** The instant a deadline names, or undefined when the real server would answer `invalid date time format`. */
export function parseApiDateTime(value: string, portalOffsetMinutes = 0): Ticks | undefined {
  const m = API_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetFromK(m[9], portalOffsetMinutes);
  if (offset === undefined) return undefined;
  const fractionTicks = m[8] ? Number(m[8].padEnd(7, '0')) : 0;
  return ticksFromParts({ year, month, day, hour, minute, second, fractionTicks }, offset);
}

export function isApiDateTime(value: string): boolean {
  return parseApiDateTime(value) !== undefined;
}

/** `yyyy-MM-ddTHH:mm:ss.fffffff` plus Z or the portal's offset: always 7 digits. */
export function formatApiDateTime(ticks: Ticks, portalOffsetMinutes = 0): string {
  const p = partsAt(ticks, portalOffsetMinutes);
  return `${p.date}T${p.time}.${p.fraction7}${formatOffset(portalOffsetMinutes)}`;
}
