// One journal entry: kept compact while stored (raw bytes, the answer's
// text), rendered as JSON only when someone reads it.
import { formatIso } from '../core/clock.js';
import { XMLParser } from 'fast-xml-parser';
import { jsonNesting, xmlNesting } from '../core/body.js';
import { header, mediaType, type CoreRequest, type RequestHeaders } from '../core/http.js';
import type { CallRecord, CoreResult } from '../core/record.js';
import type { Ticks } from '../core/ticks.js';
import type { Fault } from '../generated/admin/fault.js';
import { contractWarnings, type ContractWarning } from './warnings.js';

export interface StoredEntry {
  readonly id: number;
  readonly session: string;
  readonly time: Ticks;
  readonly request: CoreRequest;
  readonly result: CoreResult;
  readonly durationMs: number;
  /** The fault the call got, if any. */
  readonly fault?: Fault | undefined;
  /** Set when the stored bytes could not be decoded: why. The rest is a placeholder (journal.ts). */
  readonly unreadable?: string;
  /** The parsed request body, computed on first use. */
  parsedBody?: ParsedBody;
}

export interface ParsedBody {
  body: unknown;
  /** The body as text when it did not parse. */
  rawBody?: string;
}

/** The entry as the admin API, the exports and the journal file show it. */
export interface JournalEntry {
  id: number;
  session: string;
  time: string;
  api: CallRecord['api'];
  operation: string;
  request: { method: string; path: string; query: Record<string, string>; headers: RequestHeaders; body: unknown; rawBody?: string };
  response: { status: number; headers: Record<string, string>; body: unknown };
  valid: boolean;
  errors: CallRecord['errors'];
  /** Which of `errors` the real server would not reject the call for (warnings.ts). */
  warnings: ContractWarning[];
  issued: CallRecord['issued'];
  durationMs: number;
  fault?: Fault;
}

/**
 * What stands in for an entry that cannot be shown (its bytes did not decode,
 * or it did not render): every listing, export and stream shows it in the
 * entry's place instead of failing as a whole, and no matcher selects it.
 */
export interface UnshownEntry {
  id: number;
  session: string;
  time?: string;
  api?: string;
  error: string;
}

/**
 * Bodies nested deeper than this are shown as their text (`rawBody`): the
 * deeper of the two APIs' limits (Wello's 256), so that every body an API
 * reads shows parsed, and nothing that renders, matches or exports an entry
 * walks a tree deep enough to overflow the stack.
 */
export const SHOWN_DEPTH = 256;

// Reads XML for display only: attributes kept, entities never expanded; depth checked first (SHOWN_DEPTH).
const xmlReader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, processEntities: false, ignoreDeclaration: true, maxNestedTags: 1000 });

const JSON_TYPE = /^(application|text)\/([\w.+-]*\+)?json$/;
const XML_TYPE = /^(application|text)\/([\w.+-]*\+)?xml$/;

/**
 * Parses a body by its Content-Type: JSON, XML or form fields; anything else,
 * a body that fails, or one nested deeper than SHOWN_DEPTH stays text.
 */
export function parseBody(contentType: string | undefined, bytes: Buffer): ParsedBody {
  if (bytes.length === 0) return { body: null };
  const text = bytes.toString('utf8');
  const type = mediaType(contentType);
  try {
    if (JSON_TYPE.test(type)) {
      if (jsonNesting(text, SHOWN_DEPTH)) return { body: null, rawBody: text };
      return { body: JSON.parse(text) as unknown };
    }
    if (XML_TYPE.test(type)) {
      if (/<!DOCTYPE|<!ENTITY/i.test(text) || xmlNesting(text, SHOWN_DEPTH)) return { body: null, rawBody: text };
      return { body: xmlReader.parse(text, true) as unknown };
    }
    if (type === 'application/x-www-form-urlencoded') return { body: Object.fromEntries(new URLSearchParams(text)) };
  } catch {
    // Falls through: the raw text is what there is to show.
  }
  return { body: null, rawBody: text };
}

export function parseRequestBody(request: CoreRequest): ParsedBody {
  return parseBody(header(request.headers, 'content-type'), request.body);
}

export function requestBody(entry: StoredEntry): ParsedBody {
  entry.parsedBody ??= parseRequestBody(entry.request);
  return entry.parsedBody;
}

/** What stands in for a credential in the journal's views. */
export const MASK = '****';

/**
 * Request headers as the journal shows them. Credentials are masked unless
 * --journal-secrets: the scheme of an Authorization header stays (tests can
 * still see that Basic or Bearer was sent), the secret does not; cookies keep
 * their names. Masked when shown, not when stored, so the hot path pays nothing.
 */
export function shownHeaders(headers: RequestHeaders, secrets: boolean): RequestHeaders {
  if (secrets) return headers;
  const shown: RequestHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') shown[name] = maskCredential(String(value));
    else if (lower === 'cookie') shown[name] = String(value).replace(/=[^;]*/g, `=${MASK}`);
    else shown[name] = value;
  }
  return shown;
}

function maskCredential(value: string): string {
  const m = /^(\S+)\s+\S/.exec(value.trim());
  return m ? `${m[1]} ${MASK}` : MASK;
}

/** The stored entry as JSON; `secrets` shows credentials unmasked (--journal-secrets); `bodies: false` leaves both bodies out (null). */
export function render(entry: StoredEntry, secrets = false, bodies = true): JournalEntry {
  if (entry.unreadable !== undefined) throw new Error(entry.unreadable);
  const { request, result } = entry;
  const parsed = bodies ? requestBody(entry) : { body: null };
  const responseBody = bodies ? parseBody(result.response.headers['content-type'], Buffer.from(result.response.body)) : { body: null };
  return {
    id: entry.id,
    session: entry.session,
    time: formatIso(entry.time),
    api: result.record.api,
    operation: result.record.operation,
    request: {
      method: request.method,
      path: request.path,
      query: request.query,
      headers: shownHeaders(request.headers, secrets),
      body: parsed.body,
      ...(parsed.rawBody === undefined ? {} : { rawBody: parsed.rawBody }),
    },
    response: { status: result.response.status, headers: result.response.headers, body: responseBody.rawBody ?? responseBody.body },
    valid: result.record.valid,
    errors: result.record.errors,
    warnings: contractWarnings(result.record),
    issued: result.record.issued,
    durationMs: entry.durationMs,
    ...(entry.fault ? { fault: entry.fault } : {}),
  };
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The entry's id, session and, where they can be read, its time and API: what an UnshownEntry keeps. */
function identity(entry: StoredEntry): Omit<UnshownEntry, 'error'> {
  const out: Omit<UnshownEntry, 'error'> = { id: entry.id, session: entry.session };
  if (entry.unreadable !== undefined) return out;
  try {
    out.time = formatIso(entry.time);
    // A CheckedLater result knows its API without running the deferred check (which may be what failed).
    const { api } = 'api' in entry.result ? (entry.result as { api: string }) : entry.result.record;
    out.api = api;
  } catch {
    // what could be read is kept
  }
  return out;
}

export function unshownEntry(entry: StoredEntry, error: unknown): UnshownEntry {
  return { ...identity(entry), error: `this entry could not be shown: ${reasonOf(error)}` };
}

/**
 * The entry as one line of JSON, whatever it holds: rendered in full; else
 * (a body that cannot be serialized) with both bodies left out and an
 * `error` saying why; else as an UnshownEntry. Every view of the journal
 * (listings, exports, the journal file) goes through this, so one bad entry
 * never breaks a read or the process.
 */
export function showEntry(entry: StoredEntry, secrets = false, extra?: (shown: JournalEntry) => Record<string, unknown>): string {
  let first: unknown;
  try {
    const shown = render(entry, secrets);
    return JSON.stringify(extra ? { ...shown, ...extra(shown) } : shown);
  } catch (error) {
    first = error;
  }
  try {
    const shown = render(entry, secrets, false);
    return JSON.stringify({ ...shown, error: `this entry could not be shown in full (its bodies are left out): ${reasonOf(first)}` });
  } catch {
    return JSON.stringify(unshownEntry(entry, first));
  }
}
