// The journal as a Pact V4 file (GET /__admin/requests.pact, `taskstub pact`):
// one "Synchronous/HTTP" interaction per recorded call, answered as it was,
// with matching rules on every value the server makes up (matchers.ts), so
// that the pact verifies against a fresh stub and against the real server.
//
// What is left out, and why (each listed in metadata.taskstub.skipped):
// - calls that got a fault (X-Stub-Fault, a queued one): the stub forced that
//   answer; the real server would not give it;
// - calls refused for their X-Stub-Session header: a stub-only error;
// - entries that cannot be read (journal.ts's placeholders).
// Failed calls (4xx) are kept, answered as they were: how the API refuses a
// request is part of the contract a consumer relies on.
import { header } from '../core/http.js';
import { SESSION_HEADER, sessionNameProblem } from '../core/sessions.js';
import { MASK, render, shownHeaders, type StoredEntry } from '../journal/entry.js';
import { taskstubVersion } from '../version.js';
import { followTasks, type HeldState } from './held-tasks.js';
import { type FieldRule, fieldRules, list, type MatcherList, pactPath, regex, rootOf, welloLocation, xmlMatcher } from './matchers.js';

export interface PactBody {
  content: unknown;
  contentType: string;
  encoded: false | 'base64';
}

export interface PactProviderState {
  name: string;
  params?: Record<string, unknown>;
}

export interface PactInteraction {
  type: 'Synchronous/HTTP';
  description: string;
  pending: false;
  providerStates?: PactProviderState[];
  comments?: { text: string[] };
  request: {
    method: string;
    path: string;
    query?: Record<string, string[]>;
    headers?: Record<string, string[]>;
    body?: PactBody;
    /** The path made from the provider state's answer (pact_ffi's ProviderState generator): the task's id in the verifier's session. */
    generators?: { path: { type: 'ProviderState'; expression: string; dataType: 'STRING' } };
  };
  response: {
    status: number;
    headers?: Record<string, string[]>;
    body?: PactBody;
    matchingRules?: { body?: Record<string, MatcherList>; header?: Record<string, MatcherList> };
  };
}

export interface SkippedCall {
  call: number;
  reason: string;
}

export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata: { pactSpecification: { version: '4.0' }; taskstub: { version: string; skipped: SkippedCall[] } };
}

/** The provider state a journal export gives each call: a reset session (the provider-state route) with the counters the call used. */
export const JOURNAL_STATE = 'a fresh session';
/** The state of a call that reads, changes or deletes tasks: a reset session holding the tasks the earlier calls left (held-tasks.ts). */
export const JOURNAL_STATE_WITH_TASKS = 'a session holding the tasks earlier calls made';

/**
 * In place of a credential the API refused (a 401): not the journal's `****`, which a verifier's request
 * filter fills with a working credential (request-filter.ts), but a value no server accepts (not base64,
 * so neither API reads it as Basic), so the interaction is refused again, as recorded.
 */
export const REFUSED_CREDENTIAL = 'refused-credential';

/** Request headers a pact leaves out: the transport's, the HTTP client's own, and taskstub's X-Stub-* (stub-only). */
const REQUEST_HEADERS_LEFT_OUT = new Set([
  'host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'expect', 'accept-encoding',
  'user-agent', 'accept-language', 'sec-fetch-mode', 'x-stub-session', 'x-stub-fault', 'x-stub-delay', 'traceparent',
]);
/** Answer headers a pact leaves out: the transport's and CORS (which depends on the caller's Origin, not the API). */
const RESPONSE_HEADERS_LEFT_OUT = /^(content-length|connection|keep-alive|transfer-encoding|date|etag|vary|x-powered-by|access-control-.*)$/;

const JSON_TYPE = /^(application|text)\/([\w.+-]*\+)?json\b/i;
const XML_TYPE = /^(application|text)\/([\w.+-]*\+)?xml\b/i;
/** What pact_ffi compares as JSON; `text/json` (Wello answers it to a text/json request) it compares as text. */
const PACT_JSON_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** A matcher's pattern for a JSON value written in place, unanchored. */
function inlinePattern(matcher: FieldRule['matcher'], value: unknown): string {
  if (matcher.match === 'integer') return '-?\\d+';
  if (matcher.match === 'regex') return `"${matcher.regex.replace(/^\^/, '').replace(/\$$/, '')}"`;
  return typeof value === 'string' ? '"(?:[^"\\\\]|\\\\.)*"' : typeof value === 'boolean' ? '(?:true|false)' : escapeRegex(JSON.stringify(value));
}

/**
 * A JSON answer that Pact compares as text (text/json): one regex for the whole body (a matcher at `$`),
 * the literal text with each made-up top-level value replaced by its pattern. Undefined when a rule is not
 * at the top level or its value cannot be found in the text (then the body stays literal).
 */
function wholeBodyPattern(text: string, rules: readonly FieldRule[], body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const pieces: { at: number; length: number; pattern: string }[] = [];
  for (const rule of rules) {
    if (rule.path.length !== 1) return undefined;
    const key = rule.path[0]!;
    const value = (body as Record<string, unknown>)[key];
    const written = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    const at = text.indexOf(written);
    if (at < 0) return undefined;
    const valueAt = at + JSON.stringify(key).length + 1;
    pieces.push({ at: valueAt, length: written.length - (valueAt - at), pattern: inlinePattern(rule.matcher, value) });
  }
  pieces.sort((a, b) => a.at - b.at);
  let pattern = '^';
  let from = 0;
  for (const piece of pieces) {
    pattern += escapeRegex(text.slice(from, piece.at)) + piece.pattern;
    from = piece.at + piece.length;
  }
  return `${pattern}${escapeRegex(text.slice(from))}$`;
}

/** Content-Type -> Content-Type, www-authenticate -> WWW-Authenticate: as the APIs name them. */
function headerName(name: string): string {
  if (name.toLowerCase() === 'www-authenticate') return 'WWW-Authenticate';
  return name.toLowerCase().replace(/(^|-)(\w)/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** The value with every object's keys in byte order, as pact_ffi (serde_json) writes a JSON body it sends. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(object).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((key) => [key, sortedKeys(object[key])]));
}

/**
 * A body as Pact carries it. An answer's JSON as JSON (compared as JSON, with the rules). A request is sent
 * as written: pact_ffi sends a JSON body with its keys sorted and no spacing, and the servers' messages name
 * positions (Json.NET's `line 1, position 26`) and read `1.0` and `1` differently, so a request's JSON is
 * JSON in the file only when that gives the same bytes, else base64 (the bytes). XML, forms and text as text:
 * Pact compares XML as XML, with the rules on element text.
 */
function pactBody(bytes: Buffer, contentType: string | undefined, exact: boolean): PactBody | undefined {
  if (bytes.length === 0) return undefined;
  const type = contentType ?? 'application/octet-stream';
  const text = bytes.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(bytes);
  if (isText && JSON_TYPE.test(type)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!exact || JSON.stringify(sortedKeys(parsed)) === text) return { content: parsed, contentType: type, encoded: false };
    } catch {
      // not JSON after all: sent as bytes below
    }
  } else if (isText && !/\bcharset=(?!utf-?8\b)/i.test(type)) {
    return { content: text, contentType: type, encoded: false };
  }
  return { content: bytes.toString('base64'), contentType: type, encoded: 'base64' };
}

function requestHeaders(entry: StoredEntry, secrets: boolean): Record<string, string[]> {
  const shown = shownHeaders(entry.request.headers, secrets);
  const refused = entry.result.response.status === 401;
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(shown)) {
    if (value === undefined || REQUEST_HEADERS_LEFT_OUT.has(name.toLowerCase())) continue;
    let values = Array.isArray(value) ? value.map(String) : [String(value)];
    if (refused && !secrets && name.toLowerCase() === 'authorization') values = values.map((v) => v.replace(MASK, REFUSED_CREDENTIAL));
    out[headerName(name)] = values;
  }
  return out;
}

/** Why this entry is not exported, or undefined. */
function leftOut(entry: StoredEntry): string | undefined {
  if (entry.unreadable !== undefined) return `the entry cannot be read: ${entry.unreadable}`;
  if (entry.fault) return 'it got a fault (the stub forced its answer; the real API would not give it)';
  const session = header(entry.request.headers, SESSION_HEADER);
  if (session !== undefined && sessionNameProblem(session.trim()) !== undefined) return 'it was refused for its X-Stub-Session header (a stub-only error)';
  return undefined;
}

export interface InteractionOptions {
  /** Show credentials unmasked (--journal-secrets). */
  secrets: boolean;
  description: string;
  state: PactProviderState;
  comments?: string[];
  /** The path as an expression on the provider state's answer (`/api/Task(${welloTaskId})`). */
  pathExpression?: string;
}

/** The state params that make a fresh session issue the ids this call got: the provider-state route applies them. */
export function counterParams(entry: StoredEntry): Record<string, number> {
  const issued = entry.result.record.issued;
  return { ...(issued.id2 !== undefined ? { id2Next: issued.id2 } : {}), ...(issued.taskId !== undefined ? { taskIdNext: issued.taskId } : {}) };
}

/** One recorded call as a Pact interaction; throws when the entry cannot be read (its caller skips it). */
export function toInteraction(entry: StoredEntry, options: InteractionOptions): PactInteraction {
  const shown = render(entry, options.secrets);
  const { request, result } = entry;
  const responseType = result.response.headers['content-type'];
  const xml = responseType !== undefined && XML_TYPE.test(responseType);

  const query = Object.keys(request.query).length ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]])) : undefined;
  const requestBody = pactBody(request.body, header(request.headers, 'content-type'), true);
  const responseHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(result.response.headers)) if (!RESPONSE_HEADERS_LEFT_OUT.test(name.toLowerCase())) responseHeaders[headerName(name)] = [value];
  const responseBody = pactBody(Buffer.from(result.response.body, 'utf8'), responseType, false);

  const bodyRules: Record<string, MatcherList> = {};
  const rules = fieldRules({ api: shown.api, operation: shown.operation, status: result.response.status, body: shown.response.body, requestBody: shown.request.body }, xml);
  const { root } = rootOf(shown.response.body, xml);
  const textJson = !xml && responseType !== undefined && JSON_TYPE.test(responseType) && !PACT_JSON_TYPE.test(responseType);
  if (textJson && rules.length) {
    const whole = wholeBodyPattern(result.response.body, rules, shown.response.body);
    if (whole !== undefined) bodyRules.$ = list(regex(whole));
  } else {
    for (const rule of rules) bodyRules[pactPath(rule.path, xml ? root : undefined)] = list(xml ? xmlMatcher(rule.matcher) : rule.matcher);
  }
  const headerRules: Record<string, MatcherList> = {};
  const location = result.response.headers.location;
  if (shown.api === 'wello' && location !== undefined) {
    const task = rootOf(shown.request.body, header(request.headers, 'content-type') !== undefined && XML_TYPE.test(header(request.headers, 'content-type')!)).top;
    const givenId = task !== null && typeof task === 'object' ? (task as Record<string, unknown>).id : undefined;
    headerRules.Location = list(regex(welloLocation(typeof givenId === 'string' && givenId !== '' && location.toLowerCase().includes(givenId.toLowerCase()) ? givenId : undefined)));
  }
  const matchingRules = {
    ...(Object.keys(bodyRules).length ? { body: bodyRules } : {}),
    ...(Object.keys(headerRules).length ? { header: headerRules } : {}),
  };

  const headers = requestHeaders(entry, options.secrets);
  return {
    type: 'Synchronous/HTTP',
    description: options.description,
    pending: false,
    providerStates: [options.state],
    ...(options.comments?.length ? { comments: { text: options.comments } } : {}),
    request: {
      method: request.method,
      path: request.path,
      ...(query ? { query } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(requestBody ? { body: requestBody } : {}),
      ...(options.pathExpression !== undefined ? { generators: { path: { type: 'ProviderState', expression: options.pathExpression, dataType: 'STRING' } } } : {}),
    },
    response: {
      status: result.response.status,
      ...(Object.keys(responseHeaders).length ? { headers: responseHeaders } : {}),
      ...(responseBody ? { body: responseBody } : {}),
      ...(Object.keys(matchingRules).length ? { matchingRules } : {}),
    },
  };
}

export interface ExportOptions {
  consumer: string;
  provider: string;
  secrets?: boolean;
  /** The description and provider state of each call; default: the journal's (call id, JOURNAL_STATE with the counters). */
  describe?: (entry: StoredEntry) => { description: string; state: PactProviderState; comments?: string[] };
}

function journalDescription(entry: StoredEntry): { description: string; state: PactProviderState; comments: string[] } {
  const params = counterParams(entry);
  return {
    description: `call ${entry.id}: ${entry.request.method} ${entry.request.path} -> ${entry.result.response.status}`,
    state: { name: JOURNAL_STATE, ...(Object.keys(params).length ? { params } : {}) },
    comments: [`taskstub journal call ${entry.id}, session ${entry.session}`],
  };
}

/** A description unique within the file: Pact keys interactions by description and state. */
function unique(description: string, used: Set<string>): string {
  let candidate = description;
  for (let n = 2; used.has(candidate); n++) candidate = `${description} (${n})`;
  used.add(candidate);
  return candidate;
}

/** The entries, oldest first, as a Pact V4 file. One that cannot be exported is listed in metadata.taskstub.skipped, never a failed export. */
export function toPact(entries: readonly StoredEntry[], options: ExportOptions): PactFile {
  const interactions: PactInteraction[] = [];
  const skipped: SkippedCall[] = [];
  const used = new Set<string>();
  const describe = options.describe ?? journalDescription;
  // The tasks each call's session held (followed through every call, exported or not), for its provider state.
  const follower = followTasks();
  for (const entry of entries) {
    let held: HeldState = {};
    try {
      if (entry.unreadable === undefined) held = follower.next(render(entry));
    } catch {
      // an entry that cannot be rendered is skipped below, and changes no task
    }
    const reason = leftOut(entry);
    if (reason !== undefined) {
      skipped.push({ call: entry.id, reason });
      continue;
    }
    try {
      const { description, state: described, comments } = describe(entry);
      const state = held.tasks ? { name: described.name === JOURNAL_STATE ? JOURNAL_STATE_WITH_TASKS : described.name, params: { ...described.params, tasks: held.tasks } } : described;
      const shape = { state, ...(comments ? { comments } : {}), ...(held.pathExpression !== undefined ? { pathExpression: held.pathExpression } : {}) };
      interactions.push(toInteraction(entry, { secrets: options.secrets ?? false, description: unique(description, used), ...shape }));
    } catch (error) {
      skipped.push({ call: entry.id, reason: `it could not be exported: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return {
    consumer: { name: options.consumer },
    provider: { name: options.provider },
    interactions,
    metadata: { pactSpecification: { version: '4.0' }, taskstub: { version: taskstubVersion(), skipped } },
  };
}

/** The file name pact-js gives a pact: `<consumer>-<provider>.json`. */
export const pactFileName = (consumer: string, provider: string): string => `${consumer}-${provider}.json`;

/** Why a consumer or provider name cannot name a pact file (it would leave the --out directory, or is empty), or undefined. */
export function pactNameProblem(what: 'consumer' | 'provider', name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return `${what} is required (one non-empty name)`;
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') return `${what} ${JSON.stringify(name)} cannot be part of a file name (no / \\ or control characters)`;
  if (name.length > 200) return `${what} is at most 200 characters`;
  return undefined;
}
