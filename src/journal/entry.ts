// One journal entry: kept compact while stored (raw bytes, the answer's
// text), rendered as JSON only when someone reads it.
import { formatIso } from '../core/clock.js';
import { XMLParser } from 'fast-xml-parser';
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

// Reads XML for display only: attributes kept, entities never expanded.
const xmlReader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, processEntities: false, ignoreDeclaration: true });

const JSON_TYPE = /^(application|text)\/([\w.+-]*\+)?json$/;
const XML_TYPE = /^(application|text)\/([\w.+-]*\+)?xml$/;

/** Parses a body by its Content-Type: JSON, XML or form fields; anything else, or a body that fails, stays text. */
export function parseBody(contentType: string | undefined, bytes: Buffer): ParsedBody {
  if (bytes.length === 0) return { body: null };
  const text = bytes.toString('utf8');
  const type = mediaType(contentType);
  try {
    if (JSON_TYPE.test(type)) return { body: JSON.parse(text) as unknown };
    if (XML_TYPE.test(type)) {
      if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { body: null, rawBody: text };
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

/** The stored entry as JSON; `secrets` shows credentials unmasked (--journal-secrets). */
export function render(entry: StoredEntry, secrets = false): JournalEntry {
  const { request, result } = entry;
  const parsed = requestBody(entry);
  const responseBody = parseBody(result.response.headers['content-type'], Buffer.from(result.response.body));
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
