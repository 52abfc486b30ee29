#!/usr/bin/env node
// The command line: the only module that reads argv and env and listens.
import { readFileSync, watch, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_BODY_LIMIT } from './app.js';
import { isLoopbackHost } from './admin/token.js';
import { createRequestLogger, type RequestLogger } from './log.js';
import { bodyLimitBytes, createStubServer, shutDown, type Shutdown } from './server.js';
import { adminViewOf, createStub, DEFAULT_JOURNAL_LIMIT, DEFAULT_JOURNAL_MAX_BYTES, journalMaxBytes, type Stub } from './stub.js';
import { DEFAULT_MAX_SESSIONS } from './core/sessions.js';
import { DEFAULT_MAX_TASKS } from './store/task-table.js';
import type { RedisStore } from './store/redis/index.js';
import { connectSharedStore, DEFAULT_STORE, isClusterWorker, runPrimary, workersProblem } from './serve-shared.js';
import { DEFAULT_FIXTURES_DIR } from './fixtures.js';
import { parseClockOption } from './core/clock.js';
import { DEFAULT_TIMEOUT_MS as DEFAULT_REPLAY_TIMEOUT_MS } from './replay/defaults.js';
import type { ReplayOptions } from './replay/run.js';
import type { ApiChoice } from './validate.js';
import type { PactArgs } from './pact/cli.js';
import { taskstubVersion } from './version.js';

interface ServeArgs {
  port: number;
  host: string;
  seed: number | undefined;
  clock: string | undefined;
  fixtures: string | undefined;
  auth: 'required' | 'off';
  'body-limit': string;
  'journal-limit': number;
  'journal-max-bytes': number;
  'max-sessions': number;
  'max-tasks': number;
  'journal-file': string | undefined;
  'shutdown-grace': number;
  'journal-secrets': boolean;
  'admin-token': string | undefined;
  'admin-token-file': string | undefined;
  log: boolean;
  'low-memory': boolean;
  cors: 'on' | 'off';
  'cors-origin': string[] | undefined;
  'allowed-host': string[] | undefined;
  watch: boolean;
  store: string;
  workers: number;
  'session-ttl': string | undefined;
}

/** How long --shutdown-grace is by default: as long as a request may reasonably take, well under the 10 s a container runtime waits before SIGKILL. */
const DEFAULT_SHUTDOWN_GRACE_MS = 5000;
/** Once the connections are closed, how long the journal file may take to be written before the exit says it was not. */
const JOURNAL_CLOSE_MS = 5000;

/**
 * SIGTERM or Ctrl-C: stop accepting, let the requests being answered finish
 * within --shutdown-grace (a second signal ends it now), flush the journal file
 * and the log, then exit 0; 1 when the journal file lost calls, since the
 * README promises none is lost (README, Command line).
 */
function closeOnSignals(server: Server, stub: Stub, logger: RequestLogger | undefined, graceMs: number): void {
  let shutdown: Shutdown | undefined;
  const exit = (code: number, message?: string) => {
    if (message) process.stderr.write(`taskstub: ${message}\n`);
    logger?.flush();
    process.exit(code);
  };
  const close = () => {
    if (shutdown) return shutdown.cutNow();
    // Live page streams never end on their own: end them so that the server can close (the shared store's too).
    adminViewOf(stub).endSubscriptions();
    shutdown = shutDown(server, graceMs);
    shutdown.closed
      .then(async ({ cut }) => {
        if (cut) process.stderr.write(`taskstub: --shutdown-grace ${graceMs} ms over: closed ${cut === 1 ? '1 connection' : `${cut} connections`} still open\n`);
        const stuck = setTimeout(() => exit(1, `--journal-file: not written within ${JOURNAL_CLOSE_MS} ms of shutdown; calls may be missing from it`), JOURNAL_CLOSE_MS);
        await stub.close();
        clearTimeout(stuck);
        const file = stub.journalFileStatus();
        if (file && !file.ok) exit(1, `--journal-file ${file.path}: ${file.lostCalls === 1 ? '1 call' : `${file.lostCalls} calls`} not written (${file.error})`);
        exit(0);
      })
      .catch((error: Error) => exit(1, error.message));
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

/** --watch: load the fixtures again when a file in their directory changes; a bad file keeps the old data. */
function watchFixtures(stub: Stub, dir: string): void {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    try {
      stub.reloadFixtures();
      process.stderr.write('taskstub: fixtures reloaded\n');
    } catch (error) {
      process.stderr.write(`taskstub: fixtures not reloaded, keeping the old ones: ${(error as Error).message}\n`);
    }
  };
  // Editors write a file in several events: wait for them to settle.
  watch(dir, { persistent: false }, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, 100);
  });
}

/** A flag's value that must be a whole number above 0 (yargs' number type would make "abc" NaN and "1.5" 1.5). */
function positiveInteger(flag: string, value: string): number {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${flag}: expected a whole number above 0, not ${JSON.stringify(value)}`);
  return Number(text);
}

/** Beyond loopback the admin API (which can read and rewrite everything) needs a token: refuse to start without one. */
function checkExposure(args: ServeArgs): void {
  if (!isLoopbackHost(args.host) && !args['admin-token']) {
    throw new Error(`--host ${args.host} is reachable from other machines: give an admin token (--admin-token, TASKSTUB_ADMIN_TOKEN or --admin-token-file), or bind to 127.0.0.1`);
  }
}

/**
 * --admin-token-file: the token from a file (a Docker or Kubernetes secret), so it stays out of
 * the environment and the command line. Surrounding whitespace (the newline `echo` leaves) is
 * dropped, as the Bearer value is trimmed before it is compared (admin/token.ts).
 */
function readAdminTokenFile(args: ServeArgs): void {
  const path = args['admin-token-file'];
  if (path === undefined) return;
  if (args['admin-token']) throw new Error('give the admin token one way: --admin-token (TASKSTUB_ADMIN_TOKEN) or --admin-token-file (TASKSTUB_ADMIN_TOKEN_FILE), not both');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the admin token file ${path}: ${(error as Error).message}`);
  }
  const token = text.trim();
  if (!token) throw new Error(`the admin token file ${path} is empty`);
  if (/[\r\n]/.test(token)) throw new Error(`the admin token file ${path} holds more than one line`);
  args['admin-token'] = token;
}

function serve(args: ServeArgs): void {
  readAdminTokenFile(args);
  checkExposure(args);
  // --store redis://… and --workers (src/serve-shared.ts): refused before anything starts, connected before the stub is made.
  const workersRefused = workersProblem(args.workers, args.store);
  if (workersRefused) {
    process.stderr.write(`taskstub: ${workersRefused}\n`);
    process.exit(2);
  }
  if (args.workers > 1 && !isClusterWorker()) return runPrimary(args.workers, args.seed);
  if (args.store !== DEFAULT_STORE) {
    connectSharedStore({ store: args.store, clock: args.clock, journalLimit: args['journal-limit'], journalMaxBytes: args['journal-max-bytes'], maxTasks: args['max-tasks'], sessionTtl: args['session-ttl'] }).then(
      (shared) => serveWith(args, shared),
      fail,
    );
    return;
  }
  serveWith(args, undefined);
}

function serveWith(args: ServeArgs, shared: RedisStore | undefined): void {
  // V8 then collects the old generation sooner; little reaches it since the journal left the V8 heap (bench/README.md).
  if (args['low-memory']) setFlagsFromString('--heap-growing-percent=30');
  const logger = args.log ? createRequestLogger() : undefined;
  const stub = createStub({
    seed: args.seed,
    clock: args.clock,
    fixtures: args.fixtures,
    auth: args.auth,
    journalLimit: args['journal-limit'],
    journalMaxBytes: args['journal-max-bytes'],
    maxSessions: args['max-sessions'],
    maxTasks: args['max-tasks'],
    journalFile: args['journal-file'],
    journalSecrets: args['journal-secrets'],
    ...(shared ? { sharedStore: shared } : {}),
  });
  if (shared) {
    const close = stub.close;
    stub.close = async () => {
      await close();
      await shared.close();
    };
  }
  const cors = { enabled: args.cors === 'on', origins: args['cors-origin'] };
  const server = createStubServer({ bodyLimit: args['body-limit'], adminToken: args['admin-token'], logger, cors, allowedHosts: args['allowed-host'] }, stub);
  if (args.watch) watchFixtures(stub, args.fixtures ?? DEFAULT_FIXTURES_DIR);
  server.listen(args.port, args.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : args.port;
    const host = args.host.includes(':') ? `[${args.host}]` : args.host;
    // The first line is what scripts wait for and parse; the second is for people.
    process.stdout.write(`taskstub listening on http://${host}:${port}\nlive page: http://${host}:${port}/__admin/ui\n`);
  });
  server.on('error', (error) => {
    process.stderr.write(`taskstub: ${error.message}\n`);
    process.exit(1);
  });
  closeOnSignals(server, stub, logger, args['shutdown-grace']);
}

interface ReplayArgs {
  paths: string[];
  target: string;
  junit: string | undefined;
  auth: string[] | undefined;
  'admin-token': string | undefined;
  timeout: number;
  bail: boolean;
  grep: string | undefined;
  reporter: 'text' | 'json';
}

/** replay's exit codes: a step failed, or replay was asked to run in a way it cannot (documented in --help). */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** A usage mistake: said on stderr, exit 2. */
function usageError(message: string): number {
  process.stderr.write(`taskstub replay: ${message}\n`);
  return EXIT_USAGE;
}

/** `--auth VALUE` for both APIs, or `--auth onlyoffice=VALUE --auth wello=VALUE`. */
function authOption(values: readonly string[] = []): ReplayOptions['auth'] {
  const auth: NonNullable<ReplayOptions['auth']> = {};
  for (const value of values) {
    const m = /^(onlyoffice|wello)=(.*)$/s.exec(value);
    if (m) auth[m[1] as 'onlyoffice' | 'wello'] = m[2];
    else auth.onlyoffice = auth.wello = value;
  }
  return auth;
}

// The replay and validate commands load their modules when they run: `serve` starts faster without them.
async function runReplay(args: ReplayArgs): Promise<number> {
  const [{ loadSchemas }, { FORMATS }, { jsonReport, junitReport }, { createProgress }, { replayRun, ReplayUsageError }, { loadScenario, scenarioFiles }] =
    await Promise.all([
      import('./core/schemas.js'),
      import('./formats.js'),
      import('./replay/report.js'),
      import('./replay/progress.js'),
      import('./replay/run.js'),
      import('./replay/scenarios.js'),
    ]);
  if (!Number.isInteger(args.timeout) || args.timeout <= 0 || args.timeout > MAX_TIMER_MS) {
    return usageError(`--timeout ${Number.isNaN(args.timeout) ? '(not a number)' : args.timeout}: give a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  let grep: RegExp | undefined;
  try {
    grep = args.grep === undefined ? undefined : new RegExp(args.grep);
  } catch (error) {
    return usageError(`--grep ${args.grep}: ${(error as Error).message}`);
  }
  let files: string[];
  try {
    files = scenarioFiles(args.paths);
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    return usageError(code === 'ENOENT' ? `${path}: no such file or directory` : (error as Error).message);
  }
  if (files.length === 0) return usageError(`no scenario files (*.json) in ${args.paths.join(', ')}`);
  const registry = loadSchemas(FORMATS);
  let scenarios = files.map((file) => loadScenario(file, registry));
  if (grep) {
    const all = scenarios.length;
    // A file that is not a scenario has no name: it is matched by its file name, so that a broken file is not silently left out.
    scenarios = scenarios.filter((s) => grep.test(s.scenario?.name ?? s.file));
    if (scenarios.length === 0) return usageError(`no scenario name matches --grep ${args.grep} (of ${all} scenarios)`);
  }
  const json = args.reporter === 'json';
  // The JSON document is all that goes to stdout; a terminal on stderr still sees the progress line.
  const progress = json ? (process.stderr.isTTY ? createProgress(process.stderr) : undefined) : createProgress(process.stdout);
  const options = {
    target: args.target,
    registry,
    auth: authOption(args.auth),
    adminToken: args['admin-token'],
    timeoutMs: args.timeout,
    bail: args.bail,
    onProgress: progress?.onProgress,
  };
  let run;
  try {
    run = await replayRun(scenarios, options);
  } catch (error) {
    if (error instanceof ReplayUsageError) return usageError(error.message);
    throw error;
  }
  const { results } = run;
  if (json) {
    progress?.clear();
    process.stdout.write(jsonReport(results, { url: run.target, stub: run.stub }));
  } else progress?.finish(results);
  if (args.junit) writeFileSync(args.junit, junitReport(results));
  return results.every((r) => r.ok) ? 0 : EXIT_FAILED;
}

interface RecordArgs {
  target: string;
  out: string;
  port: number;
  host: string;
  'admin-token': string | undefined;
  timeout: number;
  insecure: boolean;
  'fail-on-drift': boolean;
}

/** How many differing calls the exit summary lists (drift.json has them all). */
const RECORD_SUMMARY_LINES = 20;

/**
 * `taskstub record`: a recording proxy until SIGTERM or Ctrl-C, then the scenarios and drift.json complete
 * and a summary; exit 1 with --fail-on-drift when a call differs, 2 for a bad flag.
 */
async function runRecord(args: RecordArgs): Promise<void> {
  const say = (message: string) => process.stderr.write(`taskstub record: ${message}\n`);
  if (!Number.isInteger(args.timeout) || args.timeout <= 0 || args.timeout > MAX_TIMER_MS) {
    say(`--timeout ${Number.isNaN(args.timeout) ? '(not a number)' : args.timeout}: give a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
    process.exit(EXIT_USAGE);
  }
  // The recording holds real traffic, credentials in memory included: like serve, not on a reachable address without a token.
  if (!isLoopbackHost(args.host) && !args['admin-token']) {
    say(`--host ${args.host} is reachable from other machines: set --admin-token (or TASKSTUB_ADMIN_TOKEN) to guard /__admin/record`);
    process.exit(EXIT_USAGE);
  }
  const [{ createRecorder }, { driftSummary }, { ReplayUsageError }] = await Promise.all([import('./record/proxy.js'), import('./record/drift.js'), import('./replay/run.js')]);
  let recorder;
  try {
    recorder = createRecorder({ target: args.target, out: args.out, timeoutMs: args.timeout, insecure: args.insecure, adminToken: args['admin-token'] });
  } catch (error) {
    if (error instanceof ReplayUsageError) {
      say(error.message);
      process.exit(EXIT_USAGE);
    }
    throw error;
  }
  const url = await recorder.listen(args.port, args.host);
  process.stdout.write(`taskstub recording on ${url} -> ${recorder.target}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    recorder.close().then((report) => {
      const lines = [`taskstub record: ${driftSummary(report)}`, `scenarios and drift.json in ${args.out}`];
      const differing = report.calls.filter((c) => c.differences.length > 0);
      for (const call of differing.slice(0, RECORD_SUMMARY_LINES)) {
        const more = call.differences.length > 3 ? `; and ${call.differences.length - 3} more` : '';
        lines.push(`  ${call.session} step ${call.step} ${call.method} ${call.path}: ${call.differences.slice(0, 3).map((d) => d.message).join('; ')}${more}`);
      }
      if (differing.length > RECORD_SUMMARY_LINES) lines.push(`  ... and ${differing.length - RECORD_SUMMARY_LINES} more in drift.json`);
      process.stdout.write(`${lines.join('\n')}\n`);
      exitAfterOutput(args['fail-on-drift'] && report.differ > 0 ? EXIT_FAILED : 0);
    }, fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runValidate(api: ApiChoice, file: string): Promise<number> {
  const { BODY_KIND_NAMES, bodyKind, validateRequest } = await import('./validate.js');
  const text = readFileSync(file, 'utf8');
  const kind = bodyKind(file, text);
  const { errors, warnings } = validateRequest(api, text, kind);
  // How the file was read: a form body that was meant as JSON is then plain to see.
  const readAs = `(read as ${BODY_KIND_NAMES[kind]})`;
  // Warnings (what the server ignores without a word) come after the verdict, and do not change the exit code.
  const warn = () => warnings.forEach((w) => process.stdout.write(`  warning ${w.path || '(body)'}: ${w.message}\n`));
  if (errors.length === 0) {
    process.stdout.write(`${file}: valid ${api} request ${readAs}\n`);
    warn();
    return 0;
  }
  process.stdout.write(`${file}: invalid ${api} request ${readAs}\n`);
  for (const error of errors) process.stdout.write(`  ${error.path || '(body)'}: ${error.message}\n`);
  warn();
  return 1;
}

/** --admin-token, for serve and replay alike: the flag, else TASKSTUB_ADMIN_TOKEN. */
const adminTokenOption = (describe: string) => ({ type: 'string' as const, default: process.env.TASKSTUB_ADMIN_TOKEN || undefined, describe: `${describe}; env TASKSTUB_ADMIN_TOKEN` });

/** Exits once stdout has taken everything written: a pipe is asynchronous on macOS, and exit() would cut a long report short. */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

function fail(error: unknown): never {
  process.stderr.write(`taskstub: ${(error as Error).message}\n`);
  process.exit(1);
}

/**
 * `taskstub` alone is `taskstub serve`, so yargs would list serve's flags and
 * examples in the top-level help, where they read as every command's: there
 * the flags are hidden, and `taskstub serve --help` shows them with examples.
 */
function serveFlagsUnderServeOnly<T>(y: Argv<T>): Argv<T> {
  if (hideBin(process.argv).includes('serve')) {
    return y
      .example('$0 serve', 'Serve on http://127.0.0.1:4010 with the shipped fixtures')
      .example('$0 serve --port 0 --seed 1 --clock 2026-01-01T00:00:00Z', 'A free port (printed), the same answers on every run')
      .example('TASKSTUB_ADMIN_TOKEN=s3cret $0 serve --host 0.0.0.0', 'Reachable from other machines: needs an admin token');
  }
  // getOptions is public in yargs but missing from @types/yargs.
  const { key } = (y as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
  for (const name of Object.keys(key)) if (name !== 'help' && name !== 'version') y.hide(name);
  return y;
}

/** A whole number given to --name, within [min, max]; `expected` says what it must be, for the message. */
function checkWholeNumber(name: string, value: number | undefined, min: number, max: number, expected: string): void {
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) return;
  // yargs has made a value that is not a number NaN: the text typed is gone.
  throw new Error(`--${name} ${Number.isNaN(value) ? '(not a number)' : value}: must be ${expected}`);
}

/** Journal slots are allocated up front (16 bytes each, record-ring.ts): a limit beyond this is a typo, not a plan. */
const MAX_JOURNAL_LIMIT = 10_000_000;
/** The longest timer node has (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** serve's values, each checked with its option named: a bad one is a wrong command line (exit 2), found before anything starts. */
function checkServeValues(args: Partial<ServeArgs>): true {
  checkWholeNumber('port', args.port, 0, 65535, 'a port, a whole number from 0 to 65535 (given by the flag or env PORT)');
  // The seed is reported by /__admin/health and hashed as its decimal text (core/rng.ts deriveSeed): it must be exactly the number typed.
  checkWholeNumber('seed', args.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, `a whole number (at most ${Number.MAX_SAFE_INTEGER} either side of 0)`);
  checkWholeNumber('journal-limit', args['journal-limit'], 1, MAX_JOURNAL_LIMIT, `a whole number of calls from 1 to ${MAX_JOURNAL_LIMIT}`);
  checkWholeNumber('shutdown-grace', args['shutdown-grace'], 0, MAX_TIMER_MS, `a whole number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  for (const name of ['host', 'journal-file', 'admin-token-file', 'fixtures'] as const) if (args[name] === '') throw new Error(`--${name} needs a value`);
  // Both name their option in their own message (--clock: ..., --body-limit: ...).
  if (args.clock !== undefined) parseClockOption(args.clock);
  bodyLimitBytes(args['body-limit']);
  return true;
}

/**
 * A single-value flag given twice (`--host a --host b`) takes the last value,
 * as most command lines do, so that a flag added after a script's own
 * (`npm start -- --port 0`) wins: yargs would make it an array, which nothing
 * after expects. Flags that take several values are left as they are.
 */
function lastValueWins(argv: Record<string, unknown>, y?: Argv): void {
  // yargs passes the running command's instance (@types/yargs leaves it out); getOptions is public in yargs but missing from @types/yargs too.
  const { key, array } = (y as unknown as { getOptions(): { key: Record<string, unknown>; array: string[] } }).getOptions();
  for (const name of Object.keys(key)) {
    const value = argv[name];
    if (!Array.isArray(value) || array.includes(name)) continue;
    // yargs keeps a camelCase copy of every dashed flag (journalFile beside journal-file).
    argv[name] = argv[name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = value.at(-1);
  }
}

/** A wrong command line (unknown flag, missing argument, bad choice): the help, what is wrong, exit 2. */
function usageFailure(message: string | null, error: Error | undefined, y: Argv): never {
  if (error && !message) fail(error);
  y.showHelp();
  process.stderr.write(`\n${message ?? error?.message}\n`);
  process.exit(EXIT_USAGE);
}

await yargs(hideBin(process.argv))
  .scriptName('taskstub')
  .usage('$0 [command] [options]\n\nA stub server for the ONLYOFFICE CRM and Wello ServiceDesk task APIs.')
  .command<ServeArgs>(
    ['serve', '$0'],
    'Serve the ONLYOFFICE and Wello stubs (the default command)',
    (y) =>
      serveFlagsUnderServeOnly(y
        .option('port', { type: 'number', default: Number(process.env.PORT || 4010), describe: 'Port (0 picks a free one); env PORT' })
        .option('host', { type: 'string', default: process.env.HOST || '127.0.0.1', describe: 'Address to bind; env HOST' })
        .option('seed', { type: 'number', describe: 'Seed for generated values: same seed, clock and calls give the same bytes' })
        .option('clock', { type: 'string', describe: 'Freeze the clock at this ISO 8601 time' })
        .option('fixtures', { type: 'string', describe: 'Directory of fixture files (default: the shipped fixtures/)' })
        .option('auth', { choices: ['required', 'off'] as const, default: 'required' as const, describe: 'Require a credential of the API\'s own schemes' })
        .option('body-limit', { type: 'string', default: DEFAULT_BODY_LIMIT, describe: 'Largest request body, e.g. 1mb' })
        .option('journal-limit', { type: 'number', default: DEFAULT_JOURNAL_LIMIT, describe: 'How many calls the journal keeps (the newest)' })
        .option('journal-max-bytes', {
          type: 'string',
          default: DEFAULT_JOURNAL_MAX_BYTES,
          defaultDescription: DEFAULT_JOURNAL_MAX_BYTES,
          coerce: journalMaxBytes,
          describe: 'The journal\'s byte budget, e.g. 256mb: past it the oldest calls are evicted',
        })
        .option('max-sessions', {
          type: 'string',
          default: String(DEFAULT_MAX_SESSIONS),
          defaultDescription: String(DEFAULT_MAX_SESSIONS),
          coerce: (value: string) => positiveInteger('--max-sessions', value),
          describe: 'How many X-Stub-Session sessions are kept; past it the least recently used is evicted, its calls with it',
        })
        .option('max-tasks', {
          type: 'string',
          default: String(DEFAULT_MAX_TASKS),
          defaultDescription: String(DEFAULT_MAX_TASKS),
          coerce: (value: string) => positiveInteger('--max-tasks', value),
          describe: 'How many created tasks one session keeps per API (for reading back); a create past it answers 507 until a reset',
        })
        .option('journal-file', { type: 'string', describe: 'Append every call to this JSON Lines file' })
        .option('journal-secrets', { type: 'boolean', default: false, describe: 'Show credentials (Authorization, cookies) unmasked in the journal and its exports' })
        .option('admin-token', adminTokenOption('Require "Authorization: Bearer <token>" on the admin API; needed when --host is not loopback'))
        .option('admin-token-file', { type: 'string', default: process.env.TASKSTUB_ADMIN_TOKEN_FILE || undefined, describe: 'Read the admin token from this file (a Docker secret), trailing newline dropped; env TASKSTUB_ADMIN_TOKEN_FILE' })
        .option('cors', { choices: ['on', 'off'] as const, default: 'on' as const, describe: 'CORS for browsers on other origins' })
        .option('cors-origin', { type: 'string', array: true, describe: 'The APIs allow only this origin (default any); the admin API allows it besides this machine\'s (localhost, 127.x, [::1]); repeat for more' })
        .option('allowed-host', {
          type: 'string',
          array: true,
          describe: 'Without an admin token, the admin API answers only a Host of this machine (against DNS rebinding): also answer this name (.name: its subdomains too); repeat for more',
        })
        .option('low-memory', { type: 'boolean', default: false, describe: 'Hold less memory at some cost in throughput and p99 (V8 collects sooner)' })
        .option('log', { type: 'boolean', default: false, describe: 'One JSON line per request on stderr (method, path, status, duration, session)' })
        .option('watch', { type: 'boolean', default: false, describe: 'Reload the fixtures when they change, keeping the journal and counters' })
        .option('store', {
          type: 'string',
          default: process.env.TASKSTUB_STORE || DEFAULT_STORE,
          describe: 'Where sessions, journal, faults, tokens and tasks live: memory (this process), or redis://HOST:PORT[/DB], rediss://…, redis+unix:///path.sock (?prefix=) shared by N replicas; env TASKSTUB_STORE',
        })
        .option('workers', { type: 'number', default: 1, describe: 'Worker processes sharing the port (node:cluster); more than 1 needs --store redis://…' })
        .option('session-ttl', { type: 'string', describe: 'With --store redis://…: forget a session idle this long (seconds, or 30m, 24h, 7d; 0: never; default 24h)' })
        .option('shutdown-grace', {
          type: 'number',
          default: DEFAULT_SHUTDOWN_GRACE_MS,
          describe: 'On SIGTERM or Ctrl-C, milliseconds the requests being answered may take before their connections are cut (idle ones close at once; a second signal cuts now)',
        })
        .check(checkServeValues)),
    (args) => {
      try {
        serve(args);
      } catch (error) {
        fail(error);
      }
    },
  )
  .command<ReplayArgs>(
    'replay <paths..>',
    'Replay QA scenarios against the stub or a real API',
    (y) =>
      y
        // default: undefined, else yargs shows an array positional as [default: []].
        .positional('paths', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'Scenario files (*.json) or directories of them' })
        .option('target', { type: 'string', demandOption: true, describe: 'Base URL with its scheme, e.g. http://127.0.0.1:4010' })
        .option('grep', { type: 'string', describe: 'Run only the scenarios whose name matches this regular expression' })
        .option('bail', { type: 'boolean', default: false, describe: 'Stop after the first failed scenario; the rest are reported as not run' })
        .option('timeout', {
          type: 'number',
          default: DEFAULT_REPLAY_TIMEOUT_MS,
          describe: 'Milliseconds one request may take, answer included, before its step fails; also bounds the first probe of the target and the session resets',
        })
        .option('reporter', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text: a line per scenario as it finishes; json: one JSON document on stdout' })
        .option('junit', { type: 'string', describe: 'Also write a JUnit XML report to this file' })
        .option('auth', { type: 'string', array: true, describe: 'Authorization value for steps that send one: VALUE, or onlyoffice=VALUE / wello=VALUE' })
        .option('admin-token', adminTokenOption('The stub\'s admin token'))
        .example('$0 replay fixtures/scenarios --target http://127.0.0.1:4010', 'Every scenario in the directory, against a local stub')
        .example('$0 replay fixtures/scenarios --target http://127.0.0.1:4010 --grep wello --bail', 'Only the Wello scenarios, stopping at the first failure')
        .example('$0 replay scenarios --target https://portal.example --auth onlyoffice=TOKEN --junit replay.xml', 'Against a real API (a contract drift check), with a JUnit report')
        .epilogue('Exit codes: 0 every scenario passed (or was skipped); 1 a step failed or a file is not a valid scenario; 2 replay cannot run as asked (a bad flag, no scenario files, no name matching --grep, a --target without http:// or https://, a target that refuses the connection or does not answer, a stub that needs an admin token).'),
    (args) => runReplay(args).then(exitAfterOutput, fail),
  )
  .command<RecordArgs>(
    'record',
    'Record real traffic through a proxy into scenarios, and report where the stub answers differently',
    (y) =>
      y
        .option('target', { type: 'string', demandOption: true, describe: 'The real API\'s base URL with its scheme, e.g. https://portal.example; every path under /api/ is forwarded to it' })
        .option('out', { type: 'string', demandOption: true, describe: 'Directory for one scenario file per X-Stub-Session session and drift.json (made when missing)' })
        .option('port', { type: 'number', default: 4011, describe: 'Port to listen on (0 picks a free one; the real one is printed)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
        .option('admin-token', adminTokenOption('Require "Authorization: Bearer <token>" on GET /__admin/record; needed when --host is not loopback'))
        .option('timeout', { type: 'number', default: DEFAULT_REPLAY_TIMEOUT_MS, describe: 'Milliseconds the target may take to answer; past it the client gets 504' })
        .option('insecure', { type: 'boolean', default: false, describe: 'Accept any TLS certificate from an https:// target (self-signed, expired, another host\'s)' })
        .option('fail-on-drift', { type: 'boolean', default: false, describe: 'Exit 1 at the end when the stub answered any recorded call differently' })
        .example('$0 record --target https://portal.example --out recorded', 'Point your client at http://127.0.0.1:4011 instead of the portal; Ctrl-C writes the summary')
        .example('$0 replay recorded --target http://127.0.0.1:4010', 'Then replay what was recorded against the stub')
        .epilogue('Exit codes: 0 done; 1 --fail-on-drift and a call differs; 2 a bad flag (a --target without http:// or https://, a non-loopback --host without an admin token).'),
    (args) => {
      runRecord(args).catch(fail);
    },
  )
  .command<PactArgs>(
    'pact [scenarios..]',
    'Write a Pact V4 file: a running stub\'s recorded calls (--from), or scenario files replayed against a stub in this process',
    (y) =>
      y
        .positional('scenarios', { type: 'string', array: true, default: undefined, describe: 'Scenario files (*.json) or directories of them: one interaction per step, the scenario\'s name as provider state' })
        .option('consumer', { type: 'string', demandOption: true, describe: 'The consumer\'s name (the file is <consumer>-<provider>.json)' })
        .option('provider', { type: 'string', demandOption: true, describe: 'The provider\'s name' })
        .option('from', { type: 'string', describe: 'A running stub\'s URL, e.g. http://127.0.0.1:4010: export its journal' })
        .option('session', { type: 'string', describe: 'With --from: only this session\'s calls (default: every session\'s)' })
        .option('api', { choices: ['onlyoffice', 'wello'] as const, describe: 'Only this API\'s calls' })
        .option('out', { type: 'string', default: 'pacts', describe: 'Directory to write the file to (made if missing; an existing file is replaced)' })
        .option('admin-token', adminTokenOption('With --from: the stub\'s admin token'))
        .example('$0 pact --from http://127.0.0.1:4010 --consumer frontend --provider wello --api wello --out pacts', 'What the frontend called, as a pact to verify against the real Wello API')
        .example('$0 pact fixtures/scenarios --consumer qa --provider tasks --out pacts', 'The shipped scenarios as a pact')
        .epilogue('Exit codes: 0 written; 1 a scenario fails against the stub or is not a valid scenario (nothing written); 2 a wrong command line, or a stub that cannot be reached or read.'),
    (args) => import('./pact/cli.js').then(({ runPact }) => runPact(args)).then(exitAfterOutput, fail),
  )
  .command<{ api: ApiChoice; file: string }>(
    'validate <api> <file>',
    'Check a request body (JSON, XML or form fields) as the API\'s server reads it; exit 1 when invalid',
    (y) =>
      y
        .positional('api', { choices: ['onlyoffice', 'wello'] as const, demandOption: true, describe: 'Whose request it is: onlyoffice (POST api/2.0/crm/task) or wello (POST api/Task)' })
        .positional('file', {
          type: 'string',
          demandOption: true,
          describe: 'The body: .json and .xml files are what their names say; others are JSON, XML or form fields (title=x&deadline=...) by their content',
        })
        .example('$0 validate onlyoffice task.json', 'A JSON body for ONLYOFFICE')
        .example('$0 validate onlyoffice task.form', 'Form fields, read as the ONLYOFFICE server reads them')
        .example('$0 validate wello task.xml', 'A DataContract XML body for Wello'),
    (args) => runValidate(args.api, args.file).then(exitAfterOutput, fail),
  )
  .command(
    'openapi',
    'Print an OpenAPI 3.1 document of both APIs, made from schemas/',
    (y) =>
      y
        .option('server', { type: 'string', describe: 'The URL the document\'s servers names (default http://127.0.0.1:4010)' })
        .example('$0 openapi > taskstub.openapi.json', 'Save it, for Postman, Insomnia or a client generator')
        .example('$0 openapi --server https://stub.ci.example', 'The same, naming where the stub runs'),
    (args) =>
      Promise.all([import('./core/schemas.js'), import('./formats.js'), import('./openapi.js')]).then(([{ loadSchemas }, { FORMATS }, { openApiDocument, serverUrlOption }]) => {
        process.stdout.write(`${JSON.stringify(openApiDocument(loadSchemas(FORMATS), { serverUrl: serverUrlOption(args.server) }), null, 2)}\n`);
      }, fail),
  )
  .example('$0', 'Serve on http://127.0.0.1:4010 (taskstub serve --help: its flags)')
  .example('$0 replay fixtures/scenarios --target http://127.0.0.1:4010', 'Replay the shipped scenarios against it')
  .example('$0 validate wello task.json', 'Check a request body without a server')
  .version(taskstubVersion())
  .middleware(lastValueWins, true)
  .strict()
  .fail(usageFailure)
  .help()
  .parseAsync();
