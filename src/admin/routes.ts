// The /__admin API (README, admin API): the journal, verification, state and
// health. Input is checked against schemas/admin/*; errors are problem+json.
import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import type { Verification } from '../generated/admin/verify.js';
import type { StubState } from '../generated/admin/state.js';
import type { QueuedFault } from '../generated/admin/queued-fault.js';
import { ClockError } from '../core/clock.js';
import { explainErrors } from '../core/schema-errors.js';
import { DEFAULT_SESSION } from '../core/sessions.js';
import type { ApiName } from '../core/record.js';
import { adminViewOf, type Stub } from '../stub.js';
import { jsonNesting } from '../core/body.js';
import { showEntry, SHOWN_DEPTH, type StoredEntry } from '../journal/entry.js';
import { toHar } from '../journal/har.js';
import type { JournalCall } from '../journal/journal.js';
import { compileMatcher, type Matcher, MatcherError, nearMisses, viewOf } from '../journal/matcher.js';
import { patternBudget, PatternCostError, requestBudget } from '../journal/pattern.js';
import { openApiDocument, requestOrigin } from '../openapi.js';
import { changeProviderState, ProviderStateError, type ProviderStateChange } from '../pact/provider-states.js';
import { pactFileName, pactNameProblem, toPact } from '../pact/export.js';
import { addLiveRoutes } from './live.js';
import { sendReadme, sendWelcome } from './welcome.js';
import { invalid, matcherProblem, Problem, sendProblem } from './problem.js';
import { namedSession } from './session.js';
import { addWelloTaskRoutes } from './wello-tasks.js';
import { StoreUnavailableError } from '../store/redis/connect.js';

// The store's answers (stub.admin) are MaybePromise: `v instanceof Promise ? await v : v` keeps a handler
// synchronous with the memory store, exactly as before, and awaits a shared store's.

const ADMIN_BODY_LIMIT = '1mb';
/** What GET /__admin/requests (and its .jsonl and .har) reads from the query. */
const LISTING_QUERY = ['session', 'api', 'method', 'path', 'status', 'limit'];

const megabytes = (n: number) => Math.round((n / 1048576) * 10) / 10;

/** What the process holds now (the journal is the part that grows). */
function memory() {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: megabytes(rss), heapUsedMb: megabytes(heapUsed) };
}

/** The methods the router's own routes answer at this path (for 405 and Allow). */
function allowedMethods(router: Router, path: string): string[] {
  const methods = new Set<string>();
  for (const layer of router.stack as unknown as { route?: { path: string; methods: Record<string, boolean> }; match(path: string): unknown }[]) {
    if (layer.route && layer.route.path !== '/{*rest}' && layer.match(path)) for (const m of Object.keys(layer.route.methods)) methods.add(m.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

export function createAdminRouter(stub: Stub): Router {
  const router = express.Router();
  const { registry } = stub.context;
  const admin = adminViewOf(stub);
  /** Throws the problem when `value` breaks the schema. Compiled on first use: the admin schemas stay out of the start-up time. */
  function check(schema: string, value: unknown, message: string): void {
    const validate = registry.validator(schema);
    if (!validate(value)) throw invalid(message, explainErrors(registry, schema, validate.errors ?? [], value));
  }

  /**
   * Calls matching the matcher, oldest first (decoded only as far as the matcher looks). `total`: what the body's
   * patterns may spend over the whole request (a PatternCostError, a 400, past it).
   */
  async function select(matcher: Matcher, total = requestBudget()): Promise<JournalCall[]> {
    const compiled = compileMatcher(matcher); // its patterns checked (a 400) before any call is looked at, and compiled once for all of them
    // A call whose bytes cannot be read matches nothing it would have to be read for: only a matcher that names no more than a session.
    const anyCall = Object.keys(matcher).every((key) => key === 'session');
    const read = admin.calls(matcher.session);
    const calls = read instanceof Promise ? await read : read;
    return calls.filter((call) => (call.unreadable === undefined ? compiled.matches(viewOf(call), patternBudget(total)) : anyCall));
  }

  /** A matcher from ?session= (or X-Stub-Session) &api=&method=&path=&status=, checked like a JSON one. */
  function queryMatcher(req: Request, extraQuery: readonly string[] = []): Matcher {
    const matcher: Record<string, unknown> = {};
    const session = namedSession(req);
    if (session !== undefined) matcher.session = session;
    // A misspelt filter would otherwise be ignored and list every call.
    const unknown = Object.keys(req.query).find((name) => !LISTING_QUERY.includes(name) && !extraQuery.includes(name));
    if (unknown !== undefined) throw invalid(`unknown query parameter ${JSON.stringify(unknown)}; known: ${[...LISTING_QUERY, ...extraQuery].join(', ')}`);
    for (const name of ['api', 'method', 'path', 'status'] as const) {
      const value = req.query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw invalid(`${name} must be given once`);
      matcher[name] = name === 'status' && /^\d+$/.test(value) ? Number(value) : value;
    }
    check('admin/matcher', matcher, 'The query does not describe a matcher.');
    return matcher as Matcher;
  }

  /** A body's matcher scoped to the session the call names (its own `session`, ?session= or X-Stub-Session). */
  function scoped<T extends { session?: string }>(req: Request, body: T): T {
    const session = namedSession(req, body.session);
    return session === undefined ? body : { ...body, session };
  }

  function bodyMatcher(req: Request): Matcher {
    const body: unknown = req.body ?? {};
    check('admin/matcher', body, 'The body is not a matcher.');
    return scoped(req, body as Matcher);
  }

  async function listing(req: Request, extraQuery: readonly string[] = []): Promise<{ entries: StoredEntry[]; total: number; evicted: number }> {
    const matcher = queryMatcher(req, extraQuery);
    const limitText = req.query.limit;
    let calls = await select(matcher);
    const total = calls.length;
    if (limitText !== undefined) {
      if (typeof limitText !== 'string' || !/^\d+$/.test(limitText) || Number(limitText) < 1) throw invalid('limit must be a positive integer');
      // The newest `limit` entries, still oldest first.
      calls = calls.slice(-Number(limitText));
    }
    const evicted = admin.evicted(matcher.session);
    return { entries: calls.map((call) => call.entry()), total, evicted: evicted instanceof Promise ? await evicted : evicted };
  }

  // Nested past SHOWN_DEPTH, a matcher could not be compared or echoed (JSON.stringify, subset matching) without
  // overflowing the stack: refused before it is parsed (a 400 problem, by the handler below), like an API body.
  const refuseDeepJson = (_req: unknown, _res: unknown, raw: Buffer) => {
    const deep = jsonNesting(raw.toString('utf8'), SHOWN_DEPTH);
    if (deep) throw new Error(`An admin request body may nest at most ${SHOWN_DEPTH} levels deep (line ${deep.line}, position ${deep.position}).`);
  };
  router.use(express.json({ limit: ADMIN_BODY_LIMIT, strict: false, type: () => true, verify: refuseDeepJson }));

  router.get('/', sendWelcome);
  router.get('/readme', sendReadme);

  // Liveness for a container's HEALTHCHECK: open even with an admin token (token.ts), so it says only that the stub answers.
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/health', async (_req, res) => {
    const read = admin.health();
    let health: Awaited<typeof read>;
    try {
      health = read instanceof Promise ? await read : read;
    } catch (error) {
      // A shared store that does not answer: 503, so that a readiness probe drains this replica.
      if (!(error instanceof StoreUnavailableError)) throw error;
      res.status(503).json({ status: 'unavailable', seed: stub.seed, store: 'unreachable', detail: error.message, memory: memory() });
      return;
    }
    // A journal file that lost calls is a broken promise (nothing lost): the stub still answers, degraded.
    const journalFile = stub.journalFileStatus();
    res.json({
      status: journalFile && !journalFile.ok ? 'degraded' : 'ok',
      seed: stub.seed,
      // The global clock; sessions with their own say so in GET /__admin/state.
      clock: health.clockFrozen ? 'frozen' : 'real',
      journal: health.journal,
      // Named sessions (the default one is always kept and not counted); evicted: least recently used, to stay within max.
      ...(health.sessions ? { sessions: health.sessions } : {}),
      // Created tasks in all sessions; full: session and API pairs whose next create is refused (--max-tasks) until a reset.
      tasks: health.tasks,
      store: stub.store.kind,
      // With a shared store, which replica answered (a process; a --workers worker).
      ...(stub.shared ? { replica: { pid: process.pid, ...(process.env.TASKSTUB_WORKER ? { worker: Number(process.env.TASKSTUB_WORKER) } : {}) } } : {}),
      ...(journalFile ? { journalFile } : {}),
      memory: memory(),
    });
  });

  addLiveRoutes(router, stub);

  router.get('/openapi.json', (req, res) => {
    // servers: the URL this stub was reached at, so a generated client calls it.
    res.json(openApiDocument(registry, { serverUrl: requestOrigin(req.protocol, req.get('host')) }));
  });

  router.get('/requests', async (req, res) => {
    const { entries, total, evicted } = await listing(req);
    // Each entry is made JSON on its own (showEntry): one that cannot be shown is a stub in its place, not a 500 for the listing.
    const requests = entries.map((e) => showEntry(e, stub.journalSecrets)).join(',');
    res.type('application/json; charset=utf-8').send(`{"requests":[${requests}],"total":${total},"evicted":${evicted}}`);
  });

  router.get('/requests.jsonl', async (req, res) => {
    const { entries } = await listing(req);
    res.type('application/jsonl; charset=utf-8').send(entries.map((e) => `${showEntry(e, stub.journalSecrets)}\n`).join(''));
  });

  router.get('/requests.har', async (req, res) => {
    const { entries } = await listing(req);
    res.type('application/json; charset=utf-8').attachment('taskstub.har').send(JSON.stringify(toHar(entries, stub.journalSecrets)));
  });

  // The journal as a Pact V4 file (src/pact/export.ts), filtered as the listing is.
  router.get('/requests.pact', async (req, res) => {
    const names = (['consumer', 'provider'] as const).map((what) => {
      const problem = pactNameProblem(what, req.query[what]);
      if (problem !== undefined) throw invalid(`${problem}: /__admin/requests.pact?consumer=C&provider=P`);
      return req.query[what] as string;
    });
    const [consumer, provider] = names as [string, string];
    const { entries } = await listing(req, ['consumer', 'provider']);
    const pact = toPact(entries, { consumer, provider, secrets: stub.journalSecrets });
    res.type('application/json; charset=utf-8').attachment(pactFileName(consumer, provider)).send(JSON.stringify(pact, null, 2));
  });

  router.post('/requests/count', async (req, res) => {
    res.json({ count: (await select(bodyMatcher(req))).length });
  });

  router.delete('/requests', async (req, res) => {
    const done = admin.clearJournal(namedSession(req));
    if (done instanceof Promise) await done;
    res.json({ ok: true });
  });

  router.post('/verify', async (req, res) => {
    const body: unknown = req.body ?? {};
    check('admin/verify', body, 'The body is not a verification: a matcher with count, atLeast or atMost.');
    const { count, atLeast, atMost, ...matcher } = scoped(req, body as Verification & Matcher);
    const total = requestBudget();
    const selected = await select(matcher, total);
    const actual = selected.length;
    const expected = count !== undefined ? { count } : atLeast === undefined && atMost === undefined ? { atLeast: 1 } : { atLeast, atMost };
    const ok =
      count !== undefined ? actual === count : (expected.atLeast === undefined || actual >= expected.atLeast) && (atMost === undefined || actual <= atMost);
    if (ok) {
      res.json({ ok: true, actual });
      return;
    }
    const read = admin.calls(matcher.session);
    const scope = read instanceof Promise ? await read : read;
    throw new Problem('verificationFailed', `Expected ${JSON.stringify(expected)} matching calls, found ${actual}.`, {
      ok: false,
      expected,
      actual,
      nearMisses: nearMisses(matcher, scope.filter((call) => call.unreadable === undefined), total),
    });
  });

  router.post('/faults', async (req, res) => {
    const body: unknown = req.body ?? {};
    check('admin/queued-fault', body, 'The body is not a queued fault: {match?, fault, times?}.');
    const fault = body as QueuedFault;
    const added = admin.addFault(fault, namedSession(req, fault.match?.session));
    res.status(201).json(added instanceof Promise ? await added : added);
  });

  router.get('/faults', async (req, res) => {
    const faults = admin.listFaults(namedSession(req));
    res.json({ faults: faults instanceof Promise ? await faults : faults });
  });

  router.delete('/faults', async (req, res) => {
    const done = admin.clearFaults(namedSession(req));
    if (done instanceof Promise) await done;
    res.json({ ok: true });
  });

  router.post('/reset', async (req, res) => {
    const done = admin.reset(namedSession(req));
    if (done instanceof Promise) await done;
    res.json({ ok: true });
  });

  // The tasks a session created (read back by the APIs' own routes too); reading makes no session.
  router.get('/tasks', async (req, res) => {
    const unknown = Object.keys(req.query).find((name) => name !== 'session' && name !== 'api');
    if (unknown !== undefined) throw invalid(`unknown query parameter ${JSON.stringify(unknown)}; known: session, api`);
    const api = req.query.api;
    if (api !== undefined && api !== 'onlyoffice' && api !== 'wello') throw invalid('api must be onlyoffice or wello');
    const session = namedSession(req) ?? DEFAULT_SESSION;
    const apis: ApiName[] = api === undefined ? ['onlyoffice', 'wello'] : [api];
    const lists: string[] = [];
    for (const name of apis) {
      const read = admin.storedTasks(session, name);
      lists.push(`${JSON.stringify(name)}:[${(read instanceof Promise ? await read : read).join(',')}]`);
    }
    res.type('application/json; charset=utf-8').send(`{"session":${JSON.stringify(session)},${lists.join(',')}}`);
  });

  // Pact's provider-state change protocol (src/pact/provider-states.ts): setup resets the session and applies params.
  router.post('/provider-states', async (req, res) => {
    const body: unknown = req.body ?? {};
    check('admin/provider-state', body, 'The body is not a provider state change: {state, params, action}.');
    const change = body as ProviderStateChange;
    const session = namedSession(req, change.params?.session) ?? DEFAULT_SESSION;
    try {
      const changed = changeProviderState(stub, session, change);
      res.json(changed instanceof Promise ? await changed : changed);
    } catch (error) {
      if (error instanceof ClockError) throw invalid(error.message.replace(/^--clock: /, 'params.clock: '));
      if (error instanceof ProviderStateError) throw invalid(error.message);
      throw error;
    }
  });

  addWelloTaskRoutes(router, stub);

  router.get('/state', async (req, res) => {
    const state = admin.state(namedSession(req) ?? DEFAULT_SESSION);
    res.json(state instanceof Promise ? await state : state);
  });

  router.put('/state', async (req, res) => {
    const body: unknown = req.body ?? {};
    check('admin/state', body, 'The body is not a state: id2Next, taskIdNext, clock.');
    const { session: bodySession, ...state } = body as StubState;
    const session = namedSession(req, bodySession) ?? DEFAULT_SESSION;
    try {
      const done = admin.setState(session, state);
      if (done instanceof Promise) await done;
    } catch (error) {
      if (error instanceof ClockError) throw invalid(error.message.replace(/^--clock: /, 'clock: '));
      throw error;
    }
    const shown = admin.state(session);
    res.json(shown instanceof Promise ? await shown : shown);
  });

  router.all('/{*rest}', (req, res) => {
    const allowed = allowedMethods(router, req.path);
    if (allowed.length === 0) throw new Problem('notFound', `${req.method} ${req.originalUrl} is not an admin route.`);
    res.set('Allow', allowed.join(', '));
    throw new Problem('methodNotAllowed', `${req.path} answers ${allowed.join(', ')}, not ${req.method}.`);
  });

  const problems: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof Problem) return sendProblem(res, error);
    if (error instanceof MatcherError || error instanceof PatternCostError) return sendProblem(res, matcherProblem(error));
    if (error instanceof StoreUnavailableError) return sendProblem(res, new Problem('storeUnavailable', error.message));
    const status = (error as { status?: number }).status;
    if (status === 413) return sendProblem(res, new Problem('payloadTooLarge', `An admin request body is at most ${ADMIN_BODY_LIMIT}.`));
    if (status && status >= 400 && status < 500) return sendProblem(res, invalid((error as Error).message));
    next(error);
  };
  router.use(problems);
  return router;
}
