// What kind of value an answer holds, for the recorder: which values the
// server made up (GUIDs, dates, tokens, ids), so that a recorded scenario
// checks their form rather than their text and a later request that reuses
// one refers to it; and the "format" the drift report compares between the
// real server and the stub (a GUID's letter case, a date's form, an integer
// or its text).

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 forms as both servers write them: a date, a time with 0 to 7 fraction digits, an optional Z or offset. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
/** The form Microsoft's old JSON serializers write: /Date(1764583200000+0300)/. */
const MS_DATE = /^\/Date\(-?\d+(?:[+-]\d{4})?\)\/$/;
/** Keys whose integer values are counters the server hands out (a task's id, Wello's id2, how many items a category has). */
const ID_KEY = /^(?:id\d*|.*(?:Id|_id|ID)|.*count|.*Count|.*number|.*Number)$/;
const TOKEN_KEY = /token|ticket|secret|session/i;

export const isGuid = (value: string): boolean => GUID.test(value);
export const isDate = (value: string): boolean => ISO_DATE.test(value) || MS_DATE.test(value);

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&');
}

/** A GUID's case, which a client comparing text would trip on. */
function guidCase(value: string): 'lower' | 'upper' | 'mixed' {
  const letters = value.replace(/[^a-f]/gi, '');
  if (letters === letters.toLowerCase()) return 'lower';
  return letters === letters.toUpperCase() ? 'upper' : 'mixed';
}

/**
 * A date's form: its digits as `d`, everything else as written
 * ("dddd-dd-ddTdd:dd:dd.dddddddZ"); an offset's sign as `±`. Two servers
 * agree on a form when a client's parser would read both the same way.
 */
export function dateForm(value: string): string {
  if (MS_DATE.test(value)) return `/Date(ms${/[+-]\d{4}\)/.test(value) ? '±hhmm' : ''})/`;
  // A fraction's length is not its form: Json.NET and DataContractSerializer drop trailing zeros (`FFFFFFF`), so one
  // answer's .2090451 and the next one's .209045 are the same form. ApiDateTime's fixed 7 digits are the response
  // schema's to check.
  return value.replace(/\.\d{1,7}(?=$|Z|[+-]\d{2}:?\d{2}$)/, '.f').replace(/\d/g, 'd').replace(/[+-](?=dd:?dd$)/, '±').replace('.f', '.fraction');
}

/** The form of a leaf value, as the drift report compares it. */
export function valueFormat(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string') return typeof value;
  if (isGuid(value)) return `GUID (${guidCase(value)} case)`;
  if (isDate(value)) return `date ${dateForm(value)}`;
  if (/^-?\d+$/.test(value)) return 'integer text';
  return 'text';
}

/** A pattern a value of the same form matches, anchored: what a recorded scenario expects in place of a made-up value. */
export function formPattern(value: string): string {
  if (isGuid(value)) {
    const hex = { lower: '[0-9a-f]', upper: '[0-9A-F]', mixed: '[0-9a-fA-F]' }[guidCase(value)];
    return `^${hex}{8}-${hex}{4}-${hex}{4}-${hex}{4}-${hex}{12}$`;
  }
  if (MS_DATE.test(value)) return `^/Date\\(-?\\d+${/[+-]\d{4}\)/.test(value) ? '[+-]\\d{4}' : ''}\\)/$`;
  if (isDate(value)) {
    // Any fraction of 1-7 digits, or none, as dateForm says: a server that drops trailing zeros writes a shorter one now
    // and then, and none on a whole second.
    const fraction = /\.\d{1,7}(?=$|Z|[+-]\d{2}:?\d{2}$)/.exec(value);
    const [head, tail] = fraction ? [value.slice(0, fraction.index), value.slice(fraction.index + fraction[0].length)] : [value, ''];
    const pattern = (text: string) => escapeRegex(text.replace(/[+-](?=\d{2}:?\d{2}$)/, '±')).replace(/\d+/g, (digits) => `\\d{${digits.length}}`).replace('±', '[+-]');
    return `^${pattern(head)}${fraction ? '(?:\\.\\d{1,7})?' : ''}${pattern(tail)}$`;
  }
  return '^\\S+$';
}

export type MadeUp = 'guid' | 'date' | 'token' | 'id';

/**
 * What a request sent, lower-cased: `words`, every run of text in its path,
 * query and body (a GUID or date inside a longer text counts); `values`, its
 * whole values only (path segments, query values, the body's fields), so that
 * the 2 of a subject "Printer 2" does not make Wello's id2 2 an echo.
 */
export interface Sent {
  words: Set<string>;
  values: Set<string>;
}

/**
 * Whether the server made this value up rather than echoing it: a GUID, date
 * or token (a string at a key like `token`), or an integer counter (`id`,
 * `id2`, `...Id`, `...Count`; in XML its digits), that the request did not
 * send.
 */
export function madeUp(key: string, value: unknown, sent: Sent): MadeUp | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && ID_KEY.test(key) && !sent.values.has(String(value)) ? 'id' : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d+$/.test(value)) return ID_KEY.test(key) && !sent.values.has(value) ? 'id' : undefined;
  if (sent.words.has(value.toLowerCase())) return undefined;
  if (isGuid(value)) return 'guid';
  if (isDate(value)) return 'date';
  if (TOKEN_KEY.test(key) && /^\S{8,}$/.test(value)) return 'token';
  return undefined;
}

/** The body's whole values: JSON leaves, XML element text, form field values. */
function bodyValues(text: string): string[] {
  try {
    const leaves: string[] = [];
    JSON.parse(text, (_key, value: unknown) => {
      if (value === null || typeof value !== 'object') leaves.push(String(value));
      return value;
    });
    return leaves;
  } catch {
    // Not JSON.
  }
  if (/^\s*</.test(text)) return [...text.matchAll(/>([^<>]+)</g)].map((m) => m[1]!.trim());
  return [...new URLSearchParams(text).values()];
}

/** What a request sent (see Sent): its path, its decoded query, its body text. */
export function sentBy(path: string, query: string, body: string): Sent {
  const words = new Set<string>();
  const values = new Set<string>();
  for (const segment of path.toLowerCase().split(/[/()]/)) {
    if (!segment) continue;
    values.add(segment).add(segment.replace(/\.[a-z]+$/, ''));
    words.add(segment);
  }
  for (const value of new URLSearchParams(query).values()) values.add(value.toLowerCase());
  for (const value of bodyValues(body)) values.add(value.toLowerCase());
  for (const text of [path, query, body]) {
    const lower = text.toLowerCase();
    for (const word of lower.match(/[\w.:+-]+/g) ?? []) words.add(word);
    // A value inside quotes or tags: whole runs between them too.
    for (const run of lower.match(/[^\s"'<>&=,;(){}[\]]+/g) ?? []) words.add(run);
  }
  for (const value of values) words.add(value);
  return { words, values };
}
