// A typed client for test suites: `import { connect } from 'taskstub/client'`.
// It speaks only HTTP to the admin API, so it works against a stub in another
// process, a container, or one started in process with createApp().listen(0).
import type { JournalEntry } from '../journal/entry.js';
import type { Matcher } from '../journal/matcher.js';
import type { NearMiss } from '../journal/matcher.js';
import { isSubset } from '../journal/subset.js';
import type { StubState } from '../generated/admin/state.js';

export type { JournalEntry, Matcher, NearMiss, StubState };

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
}

export function connect(url: string, options: ConnectOptions = {}): TaskstubClient {
  const base = url.replace(/\/+$/, '');
  const { session } = options;
  const auth: Record<string, string> = options.adminToken ? { Authorization: `Bearer ${options.adminToken}` } : {};
  const scoped = <T extends Matcher>(matcher: T): T => (session && matcher.session === undefined ? { ...matcher, session } : matcher);
  const sessionQuery = session ? `?session=${encodeURIComponent(session)}` : '';

  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    const res = await fetch(`${base}/__admin${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T;
    if (!res.ok && res.status !== 409) throw new Error(`taskstub ${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return { status: res.status, data };
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
      const { status, data } = await call<{ detail: string; actual: number; nearMisses: NearMiss[] }>('POST', '/verify', { ...scoped(matcher), ...counts });
      if (status === 409) throw new VerificationError(data.detail, data.actual, data.nearMisses);
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
  };

  /** The listing filters by query string, which has no body: the body subset is applied here, by the stub's own rule. */
  async function matching({ body, ...filter }: Matcher): Promise<JournalEntry[]> {
    const { requests } = await client.requests(filter);
    return body === undefined ? requests : requests.filter((entry) => isSubset(body, entry.request.body));
  }

  return client;
}
