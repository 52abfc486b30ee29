// The pure core of taskstub: options in, a request handler out. No Express,
// no sockets: both HTTP adapters call `handle` and do what its result says.
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import bytes from 'bytes';
import type { Api, HandleOptions } from './core/api.js';
import { CallClock, createClock, formatIso, parseClockOption } from './core/clock.js';
import type { CoreRequest } from './core/http.js';
import type { ApiName, CoreResult } from './core/record.js';
import { compileNow, loadSchemas } from './core/schemas.js';
import { DEFAULT_MAX_SESSIONS, DEFAULT_SESSION, sessionName, sessionNameProblem, SESSION_HEADER } from './core/sessions.js';
import { showEntry } from './journal/entry.js';
import { openJournalFile, type JournalFileStatus } from './journal/file.js';
import type { Journal } from './journal/journal.js';
import { createMemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import type { AdminView } from './store/admin-view.js';
import type { RedisStore } from './store/redis/index.js';
import { createRedisAdminView } from './store/redis/admin-view.js';
import { createSharedPath, SwappableTokens } from './store/redis/shared-path.js';
import { type Fault, faultCallView, faultFromHeaders, FaultHeaderError, type FaultQueue } from './faults.js';
import type { StubState } from './generated/admin/state.js';
import type { AuthMode, StubContext } from './context.js';
import { DEFAULT_FIXTURES_DIR, loadFixtures } from './fixtures.js';
import { createOnlyofficeApi } from './apis/onlyoffice/index.js';
import { FORMATS } from './formats.js';
import { createWelloApi } from './apis/wello/index.js';

export interface StubOptions {
  /** How many journal entries to keep (the newest); default 10000. */
  journalLimit?: number;
  /** The journal's byte budget (bytes, or a string like "256mb"): the oldest entries go past it; default 256 MB. */
  journalMaxBytes?: number | string;
  /** How many named sessions to keep (the least recently used is evicted); default 10000. */
  maxSessions?: number;
  /** Append every journal entry to this JSON Lines file. */
  journalFile?: string;
  /** Show credentials (Authorization, cookies) unmasked in the journal, its exports and its file. */
  journalSecrets?: boolean;
  /** Seeds every session's random stream; omitted: a random seed, reported by /__admin/health. */
  seed?: number;
  /** An ISO 8601 time to freeze the clock at; omitted: real time. */
  clock?: string;
  /** The fixtures directory (default: the shipped fixtures/). */
  fixtures?: string;
  auth?: AuthMode;
  /** The first ONLYOFFICE task id of every session (default 1). */
  taskIdBase?: number;
  /** The first Wello id2 of every session (default 1). */
  id2Base?: number;
  /** The most tasks one session holds on one API (default 10000); a create past it is refused in the API's error shape. */
  maxTasks?: number;
  /**
   * A connected shared store (--store redis://…; RedisStore.connect): sessions, journal, faults, tokens and
   * tasks live there, and `respond` answers with a promise. Omitted: the in-memory store, answering synchronously.
   */
  sharedStore?: RedisStore;
}

/** What the core decided about one call: the answer, what to record, and what the adapter must do. */
export interface StubResult extends CoreResult {
  /** Wait this long before answering (a delay fault). */
  delayMs?: number;
  /** Drop the connection instead of answering (a reset fault). */
  reset?: boolean;
}

export interface Stub {
  readonly context: StubContext;
  /** Everything remembered between calls: sessions, journal, faults, tokens, tasks. */
  readonly store: Store;
  readonly seed: number;
  readonly journal: Journal;
  /** --journal-secrets: credentials are shown in the journal's views. */
  readonly journalSecrets: boolean;
  readonly faults: FaultQueue;
  /** The tasks a session holds on one API, each as the API's JSON (empty for a session not held: reading makes none). */
  storedTasks(session: string, api: ApiName): string[];
  /** Whether an API answers requests to this path. */
  owns(path: string): boolean;
  /** The answer to an API request, recorded in the journal; undefined when no API owns the path. */
  handle(req: CoreRequest, flags?: { bodyTooLarge?: boolean }): StubResult | undefined;
  /**
   * What the HTTP adapters call: `handle` with the memory store (synchronous, as fast as before); with a shared
   * store a promise (one begin and one record round trip), a 503 in the API's own shape while it is unreachable.
   */
  respond(req: CoreRequest, flags?: { bodyTooLarge?: boolean }): StubResult | Promise<StubResult> | undefined;
  /** The admin API's reads and writes of the store (synchronous with the memory store). */
  readonly admin: AdminView;
  /** The shared store, when there is one. */
  readonly shared: RedisStore | undefined;
  /** Clears the journal, counters, random stream and queued faults of one session, or of all. */
  reset(session?: string): void;
  state(session: string): StubState;
  setState(session: string, state: Omit<StubState, 'session'>): void;
  /** Loads the fixtures again (for --watch); keeps the journal, counters and sessions. Throws, keeping the old ones, when a file is bad. */
  reloadFixtures(): void;
  /** --journal-file: whether every call reached it, and how many did not; undefined without one. */
  journalFileStatus(): JournalFileStatus | undefined;
  /** Writes what the journal file still holds and closes it. */
  close(): Promise<void>;
}

export const DEFAULT_JOURNAL_LIMIT = 10_000;
/**
 * 256 MB: 10,000 ordinary calls (about 1.4 KB each) take 14 MB, so the entry limit binds first; only
 * calls averaging over 26 KB reach the budget, which keeps 10,000 calls of 1 MB bodies (10 GB) within
 * what a CI runner or a container can hold.
 */
export const DEFAULT_JOURNAL_MAX_BYTES = '256mb';

/** --journal-max-bytes: a whole number of bytes, or a size like "256mb"; at least 1 byte. */
export function journalMaxBytes(value: number | string | undefined): number {
  // bytes.parse alone reads "12xb" as 12 (parseInt): only a number with an optional unit is a size.
  const text = String(value ?? DEFAULT_JOURNAL_MAX_BYTES).trim();
  const parsed = typeof value === 'number' ? value : /^\d+(\.\d+)?\s*([kmgtp]?b)?$/i.test(text) ? bytes.parse(text) : null;
  if (parsed === null || !Number.isInteger(parsed) || parsed < 1) throw new Error(`--journal-max-bytes: expected a size such as 268435456 or 256mb, not ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Compiled at start so that the first create pays nothing: the two request
 * schemas. The rest (responses, admin, scenarios) compile on first use;
 * test/schemas.test.ts compiles every shipped schema, so a broken one fails
 * CI rather than a request.
 */
const START_SCHEMAS = ['onlyoffice/create-task-request', 'wello/task'];

/** A bad X-Stub-Fault or X-Stub-Delay header: the caller's mistake, said in the admin API's problem+json. */
function faultHeaderProblem(error: FaultHeaderError) {
  const body = { type: 'https://taskstub.local/problems/invalidRequest', title: 'The fault headers are invalid', status: 400, detail: error.message };
  return { status: 400, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, body: JSON.stringify(body) };
}

export function createStub(options: StubOptions = {}): Stub {
  const registry = loadSchemas(FORMATS);
  compileNow(registry, START_SCHEMAS);
  const seed = options.seed ?? randomInt(2 ** 31);
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const fixturesDir = options.fixtures ?? DEFAULT_FIXTURES_DIR;
  // The global clock: --clock, and the default session's; other sessions follow it unless they set their own.
  const globalClock = createClock(options.clock === undefined ? undefined : parseClockOption(options.clock));
  // ONLYOFFICE owns /api/2.0/ and is asked first; Wello answers the rest of /api/.
  const buildApis = (): Api[] => [createOnlyofficeApi(context), createWelloApi(context)];
  let apis: Api[] = [];
  // A call whose check the API deferred is checked again, by the API that answered it, when it is read.
  const recheck = (name: ApiName, operation: string, request: CoreRequest) => {
    const api = apis.find((a) => a.name === name);
    if (!api?.check) throw new Error(`the ${name} API recorded a deferred check it cannot make`);
    return api.check(operation, request);
  };
  const memoryStore = createMemoryStore({
    seed,
    bases: { onlyofficeTaskId: options.taskIdBase ?? 1, welloId2: options.id2Base ?? 1 },
    clock: globalClock,
    journalLimit: options.journalLimit ?? DEFAULT_JOURNAL_LIMIT,
    journal: { maxBytes: journalMaxBytes(options.journalMaxBytes) },
    maxSessions,
    maxTasks: options.maxTasks,
    check: (name, operation, request) => recheck(name as ApiName, operation, request),
  });
  const shared = options.sharedStore;
  // With a shared store the APIs' tokens go to each call's stand-ins (src/store/redis/overlay.ts).
  const sharedTokens = shared ? new SwappableTokens(memoryStore.tokens) : undefined;
  const store: Store = sharedTokens ? { ...memoryStore, kind: shared!.kind, tokens: sharedTokens } : memoryStore;
  const { journal, faults } = store;
  const context: StubContext = {
    registry,
    store,
    sessions: store.sessions,
    clock: new CallClock(globalClock),
    fixtures: loadFixtures(registry, fixturesDir),
    auth: options.auth ?? 'required',
  };
  apis = buildApis();
  const journalSecrets = options.journalSecrets ?? false;
  const file = options.journalFile === undefined ? undefined : openJournalFile(options.journalFile);

  /** The fault this call gets: from its own headers, else the oldest queued one that matches. */
  function faultFor(req: CoreRequest, api: Api, session: string): Fault | undefined {
    return (
      faultFromHeaders(req.headers) ??
      faults.take(faultCallView(req, api.name, session))
    );
  }

  function answer(api: Api, req: CoreRequest, session: string, flags: HandleOptions): { result: StubResult; fault?: Fault } {
    let fault: Fault | undefined;
    try {
      fault = faultFor(req, api, session);
    } catch (error) {
      if (!(error instanceof FaultHeaderError)) throw error;
      const result: StubResult = api.handle(req, { ...flags, dropped: true });
      result.response = faultHeaderProblem(error);
      return { result };
    }
    if (!fault) return { result: api.handle(req, flags) };
    const result: StubResult = api.handle(req, { ...flags, forcedStatus: fault.status, dropped: fault.reset });
    if (fault.empty) result.response = { ...result.response, body: '' };
    if (fault.reset) result.reset = true;
    if (fault.delayMs) result.delayMs = fault.delayMs;
    return { result, fault };
  }

  const sharedPath = shared
    ? createSharedPath({ store: shared, seed, context, tokens: sharedTokens!, faultHeaderProblem, recorded: (entry) => file?.append(() => showEntry(entry, journalSecrets)) })
    : undefined;

  const stub: Stub = {
    context,
    store,
    shared,
    seed,
    journal,
    journalSecrets,
    faults,
    owns: (path) => apis.some((a) => a.owns(path)),
    storedTasks(session, name) {
      const held = context.sessions.find(session);
      const api = apis.find((a) => a.name === name);
      return held && api ? api.storedTasks(held) : [];
    },
    respond(req, flags) {
      if (!sharedPath) return stub.handle(req, flags);
      const api = apis.find((a) => a.owns(req.path));
      return api ? (sharedPath.answer(api, req, flags) as Promise<StubResult>) : undefined;
    },
    handle(req, flags = {}) {
      if (sharedPath) throw new Error('with a shared store, calls are answered by respond(), which answers a promise');
      const api = apis.find((a) => a.owns(req.path));
      if (!api) return undefined;
      const started = performance.now();
      const named = sessionName(req.headers[SESSION_HEADER]);
      // A name too long (or with control characters) is the caller's 400, in the API's own error shape; the call is recorded in the default session.
      const badSession = named === DEFAULT_SESSION ? undefined : sessionNameProblem(named);
      // An API call is what makes a session (or marks it used): the one place besides PUT /__admin/state and a queued fault.
      const { name: session, clock } = context.sessions.get(badSession === undefined ? named : DEFAULT_SESSION);
      const time = clock.now();
      // The API reads this call's instant from context.clock: its session's time, the same as the journal's.
      context.clock.begin(time);
      let answered: ReturnType<typeof answer>;
      try {
        answered = badSession === undefined ? answer(api, req, session, flags) : { result: api.handle(req, { ...flags, invalidSession: badSession }) };
      } finally {
        context.clock.end();
      }
      const { result, fault } = answered;
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const entry = journal.add({ session, time, request: req, result, durationMs, fault });
      // showEntry never throws: an entry that cannot be serialized is written with its bodies left out and an error.
      file?.append(() => showEntry(entry, journalSecrets));
      return result;
    },
    reset: (session) => store.reset(session),
    state(session) {
      // A read: an unknown session is shown as it would start, and not made.
      const s = context.sessions.view(session);
      const clock = s.clock.frozen ? formatIso(s.clock.now()) : null;
      return { session, id2Next: s.peek('welloId2'), taskIdNext: s.peek('onlyofficeTaskId'), clock };
    },
    setState(session, state) {
      // The clock is read first: a bad one changes nothing.
      const clock = state.clock === undefined || state.clock === null ? state.clock : parseClockOption(state.clock);
      const s = context.sessions.get(session);
      if (state.id2Next !== undefined) s.set('welloId2', state.id2Next);
      if (state.taskIdNext !== undefined) s.set('onlyofficeTaskId', state.taskIdNext);
      // The default session's clock is the global one; another session's null follows it again.
      if (clock !== undefined) s.clock.set(clock ?? undefined);
    },
    reloadFixtures() {
      context.fixtures = loadFixtures(registry, fixturesDir);
      apis = buildApis();
    },
    journalFileStatus: () => file?.status(),
    close: async () => file?.close(),
    admin: undefined as unknown as AdminView,
  };
  (stub as { admin: AdminView }).admin = shared
    ? createRedisAdminView({
        store: shared,
        recheck,
        maxBytes: journalMaxBytes(options.journalMaxBytes),
        storedTasks: (session, name) => sharedPath!.read(session, () => stub.storedTasks(session, name)),
        changeTasks: (session, go) => sharedPath!.change(session, go),
      })
    : memoryAdminView(stub);
  return stub;
}

/** What the admin routes read the store through: the shared store's view, or one over this stub's own journal and faults. */
export function adminViewOf(stub: Stub): AdminView {
  return stub.shared ? stub.admin : memoryAdminView(stub);
}

/**
 * The memory store's admin view: every answer synchronous, exactly what the admin routes read before. Made from
 * the stub the router is given (adminViewOf), so that a stub with parts replaced (tests) is read as given.
 */
export function memoryAdminView(stub: Stub): AdminView {
  const { journal, faults, context } = stub;
  return {
    calls: (session) => journal.calls(session),
    evicted: (session) => journal.evicted(session),
    get: (id) => journal.get(id),
    newest: (count, afterId, session) =>
      session === undefined
        ? journal.newest(count, afterId)
        : journal
            .calls(session)
            .filter((call) => call.id > afterId)
            .slice(-count)
            .map((call) => call.entry()),
    clearJournal: (session) => journal.clear(session),
    addFault(fault, session) {
      // A fault queued for a session makes it (or marks it used), as a call in it would: evicting it drops the fault.
      if (session !== undefined) context.sessions.get(session);
      return faults.add(session === undefined ? fault : { ...fault, match: { ...fault.match, session } });
    },
    listFaults: (session) => faults.list(session),
    clearFaults: (session) => faults.clear(session),
    reset: (session) => stub.reset(session),
    state: (session) => stub.state(session),
    setState: (session, state) => stub.setState(session, state),
    storedTasks: (session, api) => stub.storedTasks(session, api),
    changeTasks: (_session, go) => go(),
    health: () => ({
      reachable: true,
      clockFrozen: context.sessions.clock.frozen,
      journal: { entries: journal.size, limit: journal.limit, evicted: journal.evicted(), bytes: journal.bytes, maxBytes: journal.maxBytes },
      sessions: { count: context.sessions.size, max: context.sessions.max, evicted: context.sessions.evicted },
      tasks: stub.store.taskHealth(),
    }),
    subscribe: (_afterId, listener) => journal.subscribe(listener),
    endSubscriptions: () => journal.endSubscriptions(),
  };
}
