// DateTime as Json.NET and DataContractSerializer read and write it: an ISO
// 8601 time whose zone decides its Kind (Z: Utc; an offset: Local, moved to
// the server's zone; none: Unspecified), kept to 7 fraction digits.
import { daysInMonth, formatOffset, partsAt, type Ticks, ticksFromParts } from './ticks.js';

export type DateKind = 'utc' | 'local' | 'unspecified';

/** A DateTime value; JSON.stringify writes it as Json.NET does. */
export class DotNetDateTime {
  constructor(
    readonly ticks: Ticks,
    readonly kind: DateKind,
  ) {}

  toJSON(): string {
    return formatJsonNetDate(this);
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function parseDotNetDateTime(text: string): DotNetDateTime | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const [h, mm] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (h > 14 || mm > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (h * 60 + mm);
  }
  const fractionTicks = m[7] ? Number(m[7].padEnd(7, '0')) : 0;
  const kind: DateKind = zone === undefined ? 'unspecified' : zone.toUpperCase() === 'Z' ? 'utc' : 'local';
  return new DotNetDateTime(ticksFromParts({ year, month, day, hour, minute, second, fractionTicks }, offset), kind);
}

export function isDotNetDateTime(text: string): boolean {
  return parseDotNetDateTime(text) !== undefined;
}

/** The server's zone: the stub answers as a server running on UTC, as the seed's `+00:00` shows. */
const SERVER_OFFSET_MINUTES = 0;

/** Json.NET's "yyyy-MM-ddTHH:mm:ss.FFFFFFFK": trailing fraction zeros dropped; Z, +00:00 or nothing by Kind. */
export function formatJsonNetDate({ ticks, kind }: DotNetDateTime): string {
  const p = partsAt(ticks, SERVER_OFFSET_MINUTES);
  const fraction = p.fraction7.replace(/0+$/, '');
  const zone = kind === 'utc' ? 'Z' : kind === 'local' ? (SERVER_OFFSET_MINUTES === 0 ? '+00:00' : formatOffset(SERVER_OFFSET_MINUTES)) : '';
  return `${p.date}T${p.time}${fraction ? `.${fraction}` : ''}${zone}`;
}

/** The seed's XML form: UTC, exactly 3 fraction digits (truncated), and Z (docs/fidelity.md, Wello: Serialization). */
export function formatXmlDate({ ticks }: DotNetDateTime): string {
  const p = partsAt(ticks, 0);
  return `${p.date}T${p.time}.${p.fraction7.slice(0, 3)}Z`;
}

/** DateTime's range in Unix-epoch ticks: 0001-01-01T00:00:00 to 9999-12-31T23:59:59.9999999. */
const MIN_TICKS = -621_355_968_000_000_000n;
const MAX_TICKS = 2_534_023_007_999_999_999n;

/**
 * Json.NET DateTimeUtils.TryParseMicrosoftDate / TryParseDateTimeMicrosoft: `/Date(ms)/`
 * (the JSON text `"\/Date(ms)\/"`), ms since the epoch with an optional `-`; an offset
 * `+hh[mm]` or `-hh[mm]` after them makes the Kind Local (utc.ToLocalTime(): the offset's
 * value is not used), else Utc.
 */
function parseMicrosoftDate(text: string): DotNetDateTime | undefined {
  if (text.length < 9 || !text.startsWith('/Date(') || !text.endsWith(')/')) return undefined;
  const inner = text.slice(6, -2);
  // IndexOf('+', 7, …) then '-': a sign at the first place is the number's own.
  let at = inner.indexOf('+', 1);
  if (at < 0) at = inner.indexOf('-', 1);
  const digits = at < 0 ? inner : inner.slice(0, at);
  if (at >= 0 && !/^\d{2}(\d{2})?/.test(inner.slice(at + 1))) return undefined;
  if (!/^-?\d{1,19}$/.test(digits)) return undefined;
  const ticks = BigInt(digits) * 10_000n;
  if (ticks < MIN_TICKS || ticks > MAX_TICKS) return undefined;
  return new DotNetDateTime(ticks, at < 0 ? 'utc' : 'local');
}

// [assumption] The culture-invariant forms of DateTime.TryParse(s, InvariantCulture,
// RoundtripKind) that the stub reads besides ISO 8601: month/day/year (the invariant
// culture's short date, MM/dd/yyyy) or year/month/day, with an optional time
// H:mm[:ss[.fffffff]] and AM/PM. DateTime.Parse reads far more (month names, RFC 1123,
// a time alone); those are refused here (docs/fidelity.md, Known divergences).
const INVARIANT = /^(\d{1,4})\/(\d{1,2})\/(\d{1,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(?:\s*([AaPp][Mm]))?)?$/;

function parseInvariant(text: string): DotNetDateTime | undefined {
  const m = INVARIANT.exec(text.trim());
  if (!m) return undefined;
  const yearFirst = m[1]!.length > 2;
  if (!yearFirst && m[3]!.length === 3) return undefined;
  const [year, month, day] = yearFirst ? [Number(m[1]), Number(m[2]), Number(m[3])] : [Number(m[3]), Number(m[1]), Number(m[2])];
  // Two-digit years: GregorianCalendar.TwoDigitYearMax 2029, so 30-99 are 1930-1999.
  const windowed = !yearFirst && m[3]!.length <= 2 ? (year < 30 ? 2000 + year : 1900 + year) : year;
  let hour = Number(m[4] ?? 0);
  const designator = m[8]?.toUpperCase();
  if (designator) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (designator === 'PM' ? 12 : 0);
  }
  const [minute, second] = [Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (windowed < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(windowed, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const fractionTicks = m[7] ? Number(m[7].padEnd(7, '0')) : 0;
  return new DotNetDateTime(ticksFromParts({ year: windowed, month, day, hour, minute, second, fractionTicks }, 0), 'unspecified');
}

// [assumption] DateTime.TryParse with the invariant culture also reads English month names
// (its DateTimeFormatInfo's MonthNames and AbbreviatedMonthNames, any letter case), a leading
// day name, an optional time with AM/PM, and a zone: `GMT` or `Z` (Utc, as RFC 1123 writes
// it) or an offset (Local, moved to the server's zone), as DateTimeStyles.RoundtripKind keeps
// them. Forms read: `1 Dec 2026`, `Dec 1, 2026`, `December 1 2026`, `Tue, 01 Dec 2026 10:00:00 GMT`.
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = /^(?:(?:sun|mon|tue|wed|thu|fri|sat)(?:day|sday|nesday|rsday|urday)?|tues|thur|thurs)\.?,?\s+/i;
const NAMED =
  /^(?:(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})|([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}))(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(?:\s*([AaPp][Mm]))?)?(?:\s*(GMT|Z|[+-]\d{2}(?::?\d{2})?))?$/i;

function monthOf(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => m === lower || (lower.length === 3 && m.startsWith(lower)) || (lower === 'sept' && m === 'september'));
  return index < 0 ? undefined : index + 1;
}

function parseNamedMonth(text: string): DotNetDateTime | undefined {
  const m = NAMED.exec(text.trim().replace(DAYS, ''));
  if (!m) return undefined;
  const month = monthOf(m[2] ?? m[4]!);
  if (month === undefined) return undefined;
  const [day, year] = m[1] !== undefined ? [Number(m[1]), Number(m[3])] : [Number(m[5]), Number(m[6])];
  let hour = Number(m[7] ?? 0);
  const designator = m[11]?.toUpperCase();
  if (designator) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (designator === 'PM' ? 12 : 0);
  }
  const [minute, second] = [Number(m[8] ?? 0), Number(m[9] ?? 0)];
  if (year < 1 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[12]?.toUpperCase();
  let offset = 0;
  if (zone !== undefined && zone !== 'GMT' && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const [h, mm] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5) || 0)];
    if (h > 14 || mm > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (h * 60 + mm);
  }
  const fractionTicks = m[10] ? Number(m[10].padEnd(7, '0')) : 0;
  const kind: DateKind = zone === undefined ? 'unspecified' : zone === 'GMT' || zone === 'Z' ? 'utc' : 'local';
  return new DotNetDateTime(ticksFromParts({ year, month, day, hour, minute, second, fractionTicks }, offset), kind);
}

/**
 * A JSON string for a DateTime member, as Json.NET's JsonReader.ReadDateTimeString reads
 * it with default settings: DateTimeUtils.TryParseDateTime (`/Date(…)/`, then ISO 8601),
 * then DateTime.TryParse with the invariant culture (ISO-like forms as parseDotNetDateTime
 * reads them, and the forms of parseInvariant and parseNamedMonth).
 */
export function parseJsonNetDateTime(text: string): DotNetDateTime | undefined {
  if (text.startsWith('/')) return parseMicrosoftDate(text);
  return parseDotNetDateTime(text) ?? parseInvariant(text) ?? parseNamedMonth(text);
}
