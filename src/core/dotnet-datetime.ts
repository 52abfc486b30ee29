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
