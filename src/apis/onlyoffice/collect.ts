// Stage 1 of ONLYOFFICE's binding: the request's values as one name/value
// collection (docs/fidelity.md, ONLYOFFICE: Binding). Follows
// ASC.Api/Impl/ApiArgumentBuilder.cs, GetRequestParams and FillCollectionFromXElement:
// the query string first, then the body; a JSON body goes through Json.NET's
// JsonConvert.DeserializeXNode(body, "request") and the elements are read back as text.
import { parseJson } from '../../core/body.js';
import { OnlyofficeError } from './errors.js';
import { JsonNumber, jsonNetNumberText, parseJsonWithNumbers, xmlConvertDouble } from './json-source.js';

/**
 * Names match in any letter case (a NameValueCollection), and a name keeps
 * every value added under it, in order: the binder takes the first.
 */
export type Collected = Map<string, string[]>;

export function add(collected: Collected, name: string, value: string): void {
  const key = name.toLowerCase();
  const values = collected.get(key);
  if (values) values.push(value);
  else collected.set(key, [value]);
}

/**
 * The query string's values, then the body's (GetRequestParams: `collection.Add(request.QueryString)` first). The
 * query is every value of each name (query-string.ts), or one value per name where only that is known.
 */
export function collectRequest(query: Collected | Readonly<Record<string, string>>, body: Collected): Collected {
  const pairs = query instanceof Map ? query : undefined;
  if (pairs ? pairs.size === 0 : isEmpty(query as Record<string, string>)) return body;
  const collected: Collected = new Map();
  addQuery(collected, query);
  for (const [key, values] of body) for (const value of values) add(collected, key, value);
  return collected;
}

/** Adds the query's values to a collection, in order. */
export function addQuery(collected: Collected, query: Collected | Readonly<Record<string, string>>): void {
  if (query instanceof Map) for (const [key, values] of query) for (const value of values) add(collected, key, value);
  else for (const name in query) if (Object.hasOwn(query, name)) add(collected, name, query[name]!);
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const name in record) if (Object.hasOwn(record, name)) return false;
  return true;
}

// ---- Json.NET's reader: which strings become dates (DateTimeUtils.TryParseDateTime) ----

/** The server's own time zone (TimeZoneInfo.Local), which Json.NET converts offset dates to: UTC [inferred]. */
export const SERVER_UTC_OFFSET_MINUTES = 0;

interface JsonNetDate {
  /** Seconds since 0001-01-01T00:00:00 in the date's own clock. */
  ms: number;
  /** The fraction of the second in 100 ns ticks (0-9,999,999). */
  fraction: number;
  kind: 'utc' | 'local' | 'unspecified';
  /** `yyyy-MM-ddTHH:mm:ss` when the clock time is written back as read (no zone shift, no hour 24): no Date needed. */
  head?: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const two = (s: string, i: number): number | undefined => (isDigit(s[i]) && isDigit(s[i + 1]) ? Number(s.slice(i, i + 2)) : undefined);
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (year: number, month: number): number => (month === 2 ? (isLeap(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!);
const MIN_MS = utcMs(1, 1, 1, 0, 0, 0);
const MAX_MS = utcMs(9999, 12, 31, 23, 59, 59);

function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** Json.NET's DateTimeParser.Parse (Utilities/DateTimeParser.cs): yyyy-MM-ddTHH:mm:ss[.f{1,7}][Z|±hh[[:]mm]]. */
function parseIso(s: string): JsonNetDate | undefined {
  const year = isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) ? Number(s.slice(0, 4)) : undefined;
  const month = two(s, 5);
  const day = two(s, 8);
  if (year === undefined || year < 1 || s[4] !== '-' || month === undefined || month < 1 || month > 12) return undefined;
  if (s[7] !== '-' || day === undefined || day < 1 || day > daysIn(year, month) || s[10] !== 'T') return undefined;
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if (hour === undefined || hour > 24 || s[13] !== ':' || minute === undefined || minute >= 60) return undefined;
  if (s[16] !== ':' || second === undefined || second >= 60 || (hour === 24 && (minute !== 0 || second !== 0))) return undefined;
  let i = 19;
  let fraction = 0;
  if (s[i] === '.') {
    let digits = 0;
    while (++i < s.length && digits < 7 && isDigit(s[i])) {
      fraction = fraction * 10 + Number(s[i]);
      digits++;
    }
    if (digits === 0) return undefined;
    fraction *= 10 ** (7 - digits);
    if (hour === 24 && fraction !== 0) return undefined;
  }
  // ParseZone, as written: a sign needs two digits after it; a minute part may follow with or without a colon.
  let zone: 'utc' | 'east' | 'west' | undefined;
  let zoneHour = 0;
  let zoneMinute = 0;
  if (i < s.length) {
    const c = s[i];
    if (c === 'Z' || c === 'z') {
      zone = 'utc';
      i++;
    } else {
      const h = i + 2 < s.length ? two(s, i + 1) : undefined;
      if (h !== undefined && (c === '+' || c === '-')) {
        zone = c === '+' ? 'east' : 'west';
        zoneHour = h;
        i += 3;
      }
      if (i < s.length) {
        if (s[i] === ':') i++;
        const m = i + 1 < s.length ? two(s, i) : undefined;
        if (m !== undefined) {
          zoneMinute = m;
          i += 2;
        }
      }
    }
  }
  if (i !== s.length) return undefined;
  // The usual case, a Z or no zone before hour 24: the date is written back with the same clock time.
  if (hour !== 24 && (zone === 'utc' || zone === undefined)) return { ms: 0, fraction, kind: zone === 'utc' ? 'utc' : 'unspecified', head: s.slice(0, 19) };
  let ms = utcMs(year, month, day, hour === 24 ? 0 : hour, minute, second) + (hour === 24 ? 86_400_000 : 0);
  if (zone === 'utc') return { ms, fraction, kind: 'utc' };
  if (zone === undefined) return { ms, fraction, kind: 'unspecified' };
  ms += (zone === 'east' ? -1 : 1) * (zoneHour * 60 + zoneMinute) * 60_000;
  // To UTC, then ToLocalTime(); out of range, Json.NET clamps to an Unspecified date (not modelled: left as text).
  if (ms < MIN_MS || ms > MAX_MS) return undefined;
  return { ms: ms + SERVER_UTC_OFFSET_MINUTES * 60_000, fraction, kind: 'local' };
}

/** `/Date(ms)/` or `/Date(ms±hhmm)/` (DateTimeUtils.TryParseMicrosoftDate, TryParseDateTimeMicrosoft). */
function parseMicrosoft(s: string): JsonNetDate | undefined {
  const inner = s.slice(6, -2);
  // The first '+' after the first digit, else the first '-': an offset, read but only to mark the date local.
  let sign = inner.indexOf('+', 1);
  if (sign === -1) sign = inner.indexOf('-', 1);
  const digits = sign === -1 ? inner : inner.slice(0, sign);
  if (!/^-?\d{1,19}$/.test(digits)) return undefined;
  if (sign !== -1 && (two(inner, sign + 1) === undefined || (inner.length - sign > 3 && two(inner, sign + 3) === undefined))) return undefined;
  const ms = Number(digits); // JavaScript ticks are milliseconds since 1970, as Date's
  if (!Number.isSafeInteger(ms) || ms < MIN_MS || ms > MAX_MS + 999) return undefined;
  const whole = Math.floor(ms / 1000) * 1000;
  const fraction = (ms - whole) * 10_000;
  return sign === -1 ? { ms: whole, fraction, kind: 'utc' } : { ms: whole + SERVER_UTC_OFFSET_MINUTES * 60_000, fraction, kind: 'local' };
}

/** What Json.NET's reader takes for a date (DateParseHandling.DateTime, its default), or undefined for a plain string. */
export function readJsonNetDate(s: string): JsonNetDate | undefined {
  if (s[0] === '/') return s.length >= 9 && s.startsWith('/Date(') && s.endsWith(')/') ? parseMicrosoft(s) : undefined;
  if (s.length >= 19 && s.length <= 40 && isDigit(s[0]) && s[10] === 'T') return parseIso(s);
  return undefined;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * XmlConvert.ToString(date, XmlDateTimeSerializationMode.<kind>): `yyyy-MM-ddTHH:mm:ss.FFFFFFF`
 * (trailing fraction zeros dropped, no dot for a whole second), then `Z` (UTC),
 * the server's offset (local), or nothing (unspecified).
 */
export function xmlConvertDate(date: JsonNetDate): string {
  const d = new Date(date.ms);
  const text =
    date.head ??
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const fraction = date.fraction === 0 ? '' : `.${pad(date.fraction, 7).replace(/0+$/, '')}`;
  if (date.kind === 'utc') return `${text}${fraction}Z`;
  if (date.kind === 'unspecified') return `${text}${fraction}`;
  const offset = SERVER_UTC_OFFSET_MINUTES;
  const sign = offset < 0 ? '-' : '+';
  return `${text}${fraction}${sign}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`;
}

/** A JSON string as the XML text DeserializeXNode writes for it: unchanged, or a date written back by XmlConvert. */
export function jsonNetString(s: string): string {
  // Fast refusal: Json.NET looks at a string only if it starts with '/' or has a 'T' at index 10.
  if (s[0] !== '/' && s[10] !== 'T') return s;
  const date = readJsonNetDate(s);
  return date ? xmlConvertDate(date) : s;
}

/** Thrown when a number JSON.parse gave cannot be written back without its source text (json-source.ts). */
export const NEEDS_SOURCE = Symbol('the number needs its source text');

/**
 * A number JSON.parse gave, as DeserializeXNode writes it, or undefined when its
 * source text decides. An integer under 1e15 is the same digits whether Json.NET
 * read an Int64 (`100`) or a Double (`1e2`, `100.0`: "R" writes `100`); a number
 * with a fraction can only have been a Double, which JSON.parse reads the same
 * [inferred: .NET's parser rounds correctly]. The rest (integers past 1e15, where
 * `1e15` is `1E+15` but `1000000000000000` is digits; integers past 2^53, which
 * JSON.parse rounds; `-0`, which is `0` as an integer and `-0` as a Double;
 * infinities) need the source (json-source.ts, jsonNetNumberText).
 */
export function xmlConvertNumber(n: number): string | undefined {
  if (Number.isInteger(n)) return Math.abs(n) < 1e15 && !Object.is(n, -0) ? String(n) : undefined;
  return Number.isFinite(n) ? xmlConvertDouble(n) : undefined;
}

function numberText(value: number | JsonNumber): string {
  if (value instanceof JsonNumber) return jsonNetNumberText(value);
  const text = xmlConvertNumber(value);
  if (text === undefined) throw NEEDS_SOURCE;
  return text;
}

/**
 * A member name as an element name. Json.NET encodes what is not an XML name
 * character (XmlConvert.EncodeName: `my key` is `my_x0020_key`, `1` is `_x0031_`),
 * so such a name only stops matching a parameter; but EncodeName keeps `:`, and
 * the XDocument element then refuses it (XName: XmlConvert.VerifyNCName), as it
 * refuses an empty name (XName.Get). Either fails DeserializeXNode: 400 with that
 * exception's message [inferred: the .NET wording] (docs/fidelity.md, ONLYOFFICE: Binding).
 */
function checkElementName(name: string): void {
  if (name === '') throw new OnlyofficeError('jsonEmptyName');
  const colon = name.indexOf(':');
  if (colon === 0) throw new OnlyofficeError('jsonNameStartColon');
  if (colon > 0) throw new OnlyofficeError('jsonNameColon');
}

/** Names that ReadElement does not make elements of: attributes, text, the declaration, Json.NET's $ names. */
const notAnElement = (name: string): boolean => name.startsWith('@') || name.startsWith('#') || name.startsWith('$') || name === '?xml';

/** Json.NET still reads what no parameter looks at: its names and numbers fail the same way (see checkElementName, numberText). */
function checkTree(value: unknown): void {
  if (typeof value === 'number' || value instanceof JsonNumber) numberText(value);
  else if (Array.isArray(value)) for (const item of value) checkTree(item);
  else if (value !== null && typeof value === 'object') {
    for (const name in value as Record<string, unknown>) {
      if (!notAnElement(name)) checkElementName(name);
      checkTree((value as Record<string, unknown>)[name]);
    }
  }
}

/**
 * A JSON body as FillCollectionFromXElement reads DeserializeXNode's document:
 * JSON.parse first; the source-keeping reader only when a number needs it.
 * Whitespace alone is no document, so no values [inferred: Json.NET reads no token
 * and returns null]; so is `null` [inferred: XmlNodeConverter.ReadJson returns null
 * for a Null token]; an array or a scalar is JsonSerializationException
 * `XmlNodeConverter can only convert JSON that begins with an object.`
 */
export function readJsonBody(text: string): Collected {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    if (/^[ \t\r\n]*$/.test(text)) return new Map();
    throw error;
  }
  if (value === null) return new Map();
  if (typeof value !== 'object' || Array.isArray(value)) throw new OnlyofficeError('jsonNotObject', rootTokenWhere(text));
  try {
    return jsonToXNodeValues(value as Record<string, unknown>);
  } catch (error) {
    if (error !== NEEDS_SOURCE) throw error;
  }
  return jsonToXNodeValues(parseJsonWithNumbers(text) as Record<string, unknown>);
}

/** `Path '', line L, position P.` after the first token, as Json.NET's reader stands when ReadJson refuses it. */
function rootTokenWhere(text: string): string {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  for (; i < text.length && ' \t\r\n'.includes(text[i]!); i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  if (text[i] === '[') {
    i++;
  } else if (text[i] === '"') {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  } else {
    while (i < text.length && !' \t\r\n,]}'.includes(text[i]!)) i++;
  }
  return `Path '', line ${line}, position ${i - lineStart}.`;
}

// ---- DeserializeXNode + FillCollectionFromXElement ----

/** The text of an element written for a JSON value that has no child elements, or undefined when it has some. */
function leafText(value: unknown): string | undefined {
  if (value === null) return ''; // an empty element
  if (typeof value === 'string') return jsonNetString(value);
  if (typeof value === 'number' || value instanceof JsonNumber) return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.length === 0 ? '' : undefined; // a nested array: <x><x>…</x></x>
  // An object: `@name` members become attributes and `#text`/`#cdata-section` text; anything else an element.
  let text = '';
  for (const key in value as Record<string, unknown>) {
    const member = (value as Record<string, unknown>)[key];
    if (key.startsWith('@') || key.startsWith('$') || key === '?xml') continue;
    if (key === '#text' || key === '#cdata-section') {
      text += typeof member === 'string' ? member : (leafText(member) ?? '');
      continue;
    }
    if (key.startsWith('#')) continue;
    return undefined; // an element child: checkTree reads the rest
  }
  return text;
}

/**
 * The collection ApiArgumentBuilder builds from a JSON object body: each member
 * an element under <request>; a value with no child elements is added by name
 * with its text; an array adds one element per item (each item's text, so the
 * binder takes the first); an object with child elements adds only
 * bracketed names (`title[a]`), never its own (FillCollectionFromXElement).
 */
export function jsonToXNodeValues(body: Record<string, unknown>): Collected {
  const collected: Collected = new Map();
  for (const name in body) {
    if (!Object.hasOwn(body, name) || notAnElement(name)) continue;
    if (name.length === 0 || name.includes(':')) checkElementName(name);
    const value = body[name];
    if (!Array.isArray(value)) {
      // One element (the usual flat body): added when it has no child elements.
      const text = leafText(value);
      if (text !== undefined) add(collected, name, text);
      else checkTree(value);
      continue;
    }
    const texts = value.map(leafText);
    if (texts.includes(undefined)) checkTree(value);
    // A group of several elements counts only if none has children ("simple collection"); one alone if it has none.
    // Otherwise only bracketed names (`title[a]`) are added, which no parameter has: the name stays absent.
    if (texts.every((t) => t !== undefined)) for (const t of texts) add(collected, name, t!);
  }
  return collected;
}

/** An element parsed from text/xml: its text when it has no child elements, else undefined. */
function xmlLeafText(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node === null || typeof node !== 'object') return '';
  let text = '';
  for (const key in node as Record<string, unknown>) {
    if (key.startsWith('@')) continue;
    const member = (node as Record<string, unknown>)[key];
    if (key === '#text') text += typeof member === 'string' ? member : '';
    else return undefined;
  }
  return text;
}

/** A text/xml body's root children, read by FillCollectionFromXElement as for JSON (no date round trip: the text is the value). */
export function xmlToValues(root: unknown): Collected {
  const collected: Collected = new Map();
  if (root === null || typeof root !== 'object') return collected;
  for (const name in root as Record<string, unknown>) {
    if (name.startsWith('@') || name === '#text') continue;
    const value = (root as Record<string, unknown>)[name];
    const texts = (Array.isArray(value) ? value : [value]).map(xmlLeafText);
    if (texts.every((t) => t !== undefined)) for (const t of texts) add(collected, name, t!);
  }
  return collected;
}
