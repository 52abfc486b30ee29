// A typed client for test suites: `import { connect } from 'taskstub/client'`.
// It speaks only HTTP to the admin API, so it works against a stub in another
// process, a container, or one started in process with createApp().listen(0).
import type { JournalEntry } from '../journal/entry.js';
import type { Matcher } from '../journal/matcher.js';
import type { Mismatch, NearMiss } from '../journal/matcher.js';
import { diffSubset, isSubset } from '../journal/subset.js';
import type { StubState } from '../generated/admin/state.js';
import { networkErrorReason } from '../core/network-error.js';
import type { PactFile } from '../pact/export.js';
import type { ProviderStateChange, ProviderStateResult } from '../pact/provider-states.js';
export { pactRequestFilter, type CredentialFill, type PactRequestFilterOptions } from '../pact/request-filter.js';
export type { PactFile, ProviderStateChange, ProviderStateResult };
import type { OnlyofficeTaskWrapper } from '../generated/onlyoffice/task-wrapper.js';
import type { WelloCreatedTask } from '../generated/wello/task-response.js';

export type { JournalEntry, Matcher, NearMiss, StubState, OnlyofficeTaskWrapper, WelloCreatedTask };

export interface ConnectOptions {
  /** Scope every query, verification and reset to this X-Stub-Session. */
  session?: string;
  /** Sent as `Authorization: Bearer <token>` when the stub requires an admin token. */
  adminToken?: string;
}

export interface RequestFilter extends Omit<Matcher, 'body'> {
  /** Only the newest n entries (still oldest first). */
  limit?: number;
}

export interface RequestList {
  requests: JournalEntry[];
  total: number;
  evicted: number;
}

export type Expected = number | { atLeast?: number; atMost?: number };

/**
 * verify() found too few or too many calls. The message says what was
 * expected, the matcher and the nearest misses with what differs, as WireMock
 * prints them; `actual` and `nearMisses` (closest first) are there to assert on.
 */
export class VerificationError extends Error {
  constructor(
    message: string,
    readonly actual: number,
    readonly nearMisses: NearMiss[],
  ) {
    super(message);
    this.name = 'VerificationError';
  }
}

/** No answer from the stub at all: not started, already stopped, wrong port or host. `cause` is fetch's own error. */
export class StubUnreachableError extends Error {
  constructor(
    readonly url: string,
    /** What went wrong, in words ("connection refused"), or the underlying message. */
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(`cannot reach the stub at ${url} (${reason})`, options);
    this.name = 'StubUnreachableError';
  }
}

/** The admin API answered, but not with success: `status`, and the problem+json body when it sent one. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem: { title?: string; detail?: string; [key: string]: unknown } | undefined,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

const plural = (n: number) => `${n} ${n === 1 ? 'request' : 'requests'}`;

function describeExpected(expected: Expected): string {
  if (typeof expected === 'number') return `exactly ${plural(expected)}`;
  const { atLeast, atMost } = expected;
  if (atLeast !== undefined && atMost !== undefined) return atLeast === atMost ? `exactly ${plural(atLeast)}` : `between ${atLeast} and ${plural(atMost)}`;
  if (atMost !== undefined) return `at most ${plural(atMost)}`;
  return `at least ${plural(atLeast ?? 1)}`;
}

/** A value as a JS literal ({api: 'wello', body: {id: 5}}): shorter than JSON for a reader, still unambiguous. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([key, v]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}: ${literal(v)}`);
    return `{${fields.join(', ')}}`;
  }
  return String(value);
}

const MATCHER_SHOWN = 400;

function shown(matcher: Matcher): string {
  const text = literal(Object.fromEntries(Object.entries(matcher).filter(([, v]) => v !== undefined)));
  return text.length > MATCHER_SHOWN ? `${text.slice(0, MATCHER_SHOWN)}…}` : text;
}

/** What differs, field by field; a body by the same subset rule the stub matched with, each difference at its path. */
function differences(mismatch: Mismatch): string[] {
  if (mismatch.field === 'body') return diffSubset(mismatch.expected, mismatch.actual).map((d) => `${d.path}: ${d.problem}`);
  return [`${mismatch.field}: expected ${JSON.stringify(mismatch.expected)}, got ${JSON.stringify(mismatch.actual)}`];
}

/** The message of a failed verification, e.g. "Expected exactly 1 request matching {...} but found 0.\nNearest misses:\n  1. POST /api/Task (session s) 201: ..." */
export function verificationMessage(matcher: Matcher, expected: Expected, actual: number, nearMisses: readonly NearMiss[]): string {
  const head = `Expected ${describeExpected(expected)} matching ${shown(matcher)} but found ${actual}.`;
  const wanted = typeof expected === 'number' ? expected : (expected.atLeast ?? (expected.atMost === undefined ? 1 : 0));
  // Too many found: the calls that missed say nothing about it.
  if (actual > wanted) return head;
  if (nearMisses.length === 0) return `${head}\nNo other requests were recorded${matcher.session ? ` in session ${JSON.stringify(matcher.session)}` : ''}.`;
  const lines = nearMisses.map(
    (miss, i) => `  ${i + 1}. ${miss.method} ${miss.path} (session ${miss.session}) ${miss.status}: ${miss.mismatches.flatMap(differences).join('; ')}`,
  );
  return `${head}\nNearest misses:\n${lines.join('\n')}`;
}

export interface TaskstubClient {
  readonly url: string;
  readonly session: string | undefined;
  /** Headers that put a call into this client's session (spread them into your requests). */
  readonly headers: Record<string, string>;
  requests(filter?: RequestFilter): Promise<RequestList>;
  count(matcher?: Matcher): Promise<number>;
  /** Resolves when as many calls match as expected (default: at least one); rejects with a VerificationError otherwise. */
  verify(matcher: Matcher, expected?: Expected): Promise<void>;
  /** Polls until at least `count` calls match (default 1), or rejects after `timeoutMs` (default 5000). */
  waitFor(matcher: Matcher, options?: { count?: number; timeoutMs?: number; intervalMs?: number }): Promise<JournalEntry[]>;
  /** Clears the journal, counters and random stream of this client's session (of every session without one). */
  reset(): Promise<void>;
  state(): Promise<StubState>;
  setState(state: Omit<StubState, 'session'>): Promise<StubState>;
  /** The recorded calls (of this client's session, else every session's) as a Pact V4 file; `api` keeps one API's. */
  pact(options: { consumer: string; provider: string; api?: 'onlyoffice' | 'wello' }): Promise<PactFile>;
  /**
   * What a Pact verifier's provider-state call does: a setup resets this client's session (the default without one) and applies
   * `params` (counters, clock, `tasks` created through each API); the answer has the created ids (`tasks`, `welloTaskId`, ...).
   */
  providerState(change: ProviderStateChange): Promise<ProviderStateResult>;
  /** The ONLYOFFICE tasks this client's session holds (the default session without one), oldest first, as GET task/{id} reads them. */
  onlyofficeTasks(): Promise<OnlyofficeTaskWrapper[]>;
  /** The Wello tasks this client's session holds, oldest first, as GET api/Task(<guid>) reads them. */
  welloTasks(): Promise<WelloCreatedTask[]>;
}

export function connect(url: string, options: ConnectOptions = {}): TaskstubClient {
  const base = url.replace(/\/+$/, '');
  // "localhost:4010" parses as a URL of scheme "localhost:": only http(s) reaches a stub.
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) throw new TypeError(`connect: ${JSON.stringify(url)} is not an http(s) URL (e.g. http://127.0.0.1:4010)`);
  const { session } = options;
  const auth: Record<string, string> = options.adminToken ? { Authorization: `Bearer ${options.adminToken}` } : {};
  const scoped = <T extends Matcher>(matcher: T): T => (session && matcher.session === undefined ? { ...matcher, session } : matcher);
  const sessionQuery = session ? `?session=${encodeURIComponent(session)}` : '';

  /** One admin call. Throws StubUnreachableError without an answer, AdminApiError for any status but `allowed`'s. */
  async function call<T>(method: string, path: string, body?: unknown, allowed: readonly number[] = []): Promise<{ status: number; data: T }> {
    const what = `taskstub ${method} /__admin${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}/__admin${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (error) {
      throw new StubUnreachableError(base, networkErrorReason(error), { cause: error });
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      const type = res.headers.get('content-type') ?? 'no content type';
      throw new AdminApiError(`${what}: ${res.status} with ${type}, not the admin API's JSON: is ${base} a taskstub?`, res.status, undefined);
    }
    const problem = data as { detail?: string } | undefined;
    if (res.status === 401) {
      const why = options.adminToken
        ? 'the stub refused the admin token given to connect(): it is not the one the stub was started with (--admin-token or TASKSTUB_ADMIN_TOKEN)'
        : 'the stub requires an admin token: connect(url, { adminToken }) with the one it was started with (--admin-token or TASKSTUB_ADMIN_TOKEN)';
      throw new AdminApiError(`${what}: 401, ${why}`, 401, problem);
    }
    if (!res.ok && !allowed.includes(res.status)) throw new AdminApiError(`${what}: ${res.status} ${problem?.detail ?? text.slice(0, 500)}`, res.status, problem);
    return { status: res.status, data: data as T };
  }

  const client: TaskstubClient = {
    url: base,
    session,
    headers: session ? { 'X-Stub-Session': session } : {},
    async requests(filter = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(scoped(filter))) if (value !== undefined) query.set(key, String(value));
      const text = query.toString();
      return (await call<RequestList>('GET', `/requests${text ? `?${text}` : ''}`)).data;
    },
    async count(matcher = {}) {
      return (await call<{ count: number }>('POST', '/requests/count', scoped(matcher))).data.count;
    },
    async verify(matcher, expected = { atLeast: 1 }) {
      const counts = typeof expected === 'number' ? { count: expected } : expected;
      const asked = scoped(matcher);
      const { status, data } = await call<{ actual: number; nearMisses: NearMiss[] }>('POST', '/verify', { ...asked, ...counts }, [409]);
      if (status === 409) throw new VerificationError(verificationMessage(asked, expected, data.actual, data.nearMisses), data.actual, data.nearMisses);
    },
    async waitFor(matcher, { count = 1, timeoutMs = 5000, intervalMs = 50 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await client.count(matcher);
        if (found >= count) return matching(matcher);
        if (Date.now() >= deadline) throw new Error(`taskstub: ${found} of ${count} matching calls after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    async reset() {
      await call('POST', `/reset${sessionQuery}`);
    },
    async state() {
      return (await call<StubState>('GET', `/state${sessionQuery}`)).data;
    },
    async setState(state) {
      return (await call<StubState>('PUT', '/state', session ? { ...state, session } : state)).data;
    },
    async pact({ consumer, provider, api }) {
      const query = new URLSearchParams({ consumer, provider, ...(api ? { api } : {}), ...(session ? { session } : {}) });
      return (await call<PactFile>('GET', `/requests.pact?${query}`)).data;
    },
    async providerState(change) {
      return (await call<ProviderStateResult>('POST', `/provider-states${sessionQuery}`, change)).data;
    },
    async onlyofficeTasks() {
      return (await call<{ onlyoffice: OnlyofficeTaskWrapper[] }>('GET', `/tasks?api=onlyoffice${session ? `&session=${encodeURIComponent(session)}` : ''}`)).data.onlyoffice;
    },
    async welloTasks() {
      return (await call<{ wello: WelloCreatedTask[] }>('GET', `/tasks?api=wello${session ? `&session=${encodeURIComponent(session)}` : ''}`)).data.wello;
    },
  };

  /** The listing filters by query string, which has no body: the body subset is applied here, by the stub's own rule. */
  async function matching({ body, ...filter }: Matcher): Promise<JournalEntry[]> {
    const { requests } = await client.requests(filter);
    return body === undefined ? requests : requests.filter((entry) => isSubset(body, entry.request.body));
  }

  return client;
}
