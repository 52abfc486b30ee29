// Runs scenarios against a target: the stub, or a real API. Each scenario
// runs in a session of its own (reset first, on a stub); against a real API
// every answer is also checked against the response schemas: a contract
// drift check.
import { XMLParser } from 'fast-xml-parser';
import type { SchemaRegistry } from '../core/schemas.js';
import { apiForPath, contractErrors } from '../contract.js';
import type { Fault } from '../faults.js';
import { type Difference, diffSubset } from '../journal/subset.js';
import { compilePattern } from '../journal/pattern.js';
import { DEFAULT_TIMEOUT_MS } from './defaults.js';
import type { LoadedScenario, Scenario } from './scenarios.js';
import { networkErrorReason } from '../core/network-error.js';

type Step = Scenario['steps'][number];

export interface ReplayOptions {
  /** The base URL, with its scheme: see checkTarget. */
  target: string;
  registry: SchemaRegistry;
  /** Authorization values that replace the ones steps send: for both APIs, or per API. */
  auth?: { onlyoffice?: string; wello?: string };
  /** The stub's admin token, for the health check and the session resets. */
  adminToken?: string;
  /** How long one request may take, answer included, before its step fails (default 10000 ms); the health probe and the session resets too. */
  timeoutMs?: number;
  /** Stop after the first failed scenario; the rest are reported as not run. */
  bail?: boolean;
  /** Told when each scenario starts and ends, for a progress display. */
  onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { kind: 'start'; index: number; total: number; name: string }
  | { kind: 'done'; index: number; total: number; result: ScenarioResult };

export { DEFAULT_TIMEOUT_MS };

/**
 * A mistake in how replay was asked to run (a target without a scheme, a stub
 * that needs an admin token), found before any scenario runs: the CLI exits 2
 * for it, 1 only for scenarios that fail.
 */
export class ReplayUsageError extends Error {
  override name = 'ReplayUsageError';
}

export interface StepResult {
  name: string;
  ok: boolean;
  /** What went wrong, one line each. */
  failures: string[];
  differences: Difference[];
  status?: number;
  durationMs: number;
}

export interface ScenarioResult {
  file: string;
  name: string;
  ok: boolean;
  /** Why it was skipped (it needs the stub and the target is a real API). */
  skipped?: string;
  /** Why it did not run (--bail stopped after an earlier failure). */
  notRun?: string;
  steps: StepResult[];
  /** What is wrong with the scenario itself, found before any of its steps ran. */
  errors: string[];
  durationMs: number;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, ignoreDeclaration: true, processEntities: false });

const PLACEHOLDER = /\{\{(\w[\w.-]*)\}\}/g;

/** Replaces {{name}} with captured values, in strings and in the strings of JSON values; every name has a value (see missingValues). */
function substitute<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (all, name: string) => vars[name] ?? all) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  return value;
}

/** The {{names}} a request uses: in its path, header values and the strings of its body. */
function placeholders(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) found.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) placeholders(v, found);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) placeholders(v, found);
  return found;
}

/**
 * A {{name}} that no earlier step captures would be sent as the literal text
 * and fail far from the cause (an unknown token, a 404): it is the scenario's
 * error instead, found before anything is sent.
 */
export function unknownCaptures(scenario: Scenario): string[] {
  const captured = new Set<string>();
  const errors: string[] = [];
  scenario.steps.forEach((step, i) => {
    for (const name of placeholders(step.request)) {
      if (captured.has(name)) continue;
      const known = captured.size ? `captured before it: ${[...captured].join(', ')}` : 'no step before it captures anything';
      errors.push(`scenario "${scenario.name}", step ${i + 1} "${step.name}": {{${name}}} is not captured by an earlier step (${known})`);
    }
    for (const name of Object.keys(step.capture ?? {})) captured.add(name);
  });
  return errors;
}

/**
 * The base URL, checked: `127.0.0.1:4010` would otherwise fail every step with
 * a fetch error, and `localhost:4010` parses as the scheme "localhost:".
 */
export function checkTarget(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  const guess = `http://${trimmed}`;
  const looksLikeHostPort = /^[\w.-]+:\d+(\/|$)/.test(trimmed) || /^\[[\da-f:.]+\]:\d+/i.test(trimmed);
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    // Not a URL at all: said below.
  }
  if (looksLikeHostPort || !url) {
    const hint = looksLikeHostPort || URL.canParse(guess) ? `: did you mean ${guess}?` : '';
    throw new ReplayUsageError(`--target ${target} has no scheme (http:// or https://)${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ReplayUsageError(`--target ${target}: only http:// and https:// targets can be replayed against`);
  return trimmed;
}

function faultHeaders(fault: Fault | undefined): Record<string, string> {
  if (!fault) return {};
  const headers: Record<string, string> = {};
  if (fault.status) headers['x-stub-fault'] = String(fault.status);
  if (fault.empty) headers['x-stub-fault'] = 'empty';
  if (fault.reset) headers['x-stub-fault'] = 'reset';
  if (fault.delayMs !== undefined) headers['x-stub-delay'] = String(fault.delayMs);
  return headers;
}

/** An answer's body as replay reads it (JSON, XML, else the text): what `expect.body` and `capture` paths refer to. */
export function parseAnswer(contentType: string, text: string): unknown {
  try {
    if (/json/i.test(contentType)) return JSON.parse(text);
    if (/xml/i.test(contentType)) return xml.parse(text);
  } catch {
    // A body that does not parse is compared as text.
  }
  return text;
}

/** The value at a capture's dotted path (`response.token`, `items.0.id`). */
export function pick(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
}

/** Why a request got no answer, in words: the timeout that aborted it, else the socket's error. */
function noAnswerReason(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs} ms (--timeout)`;
  return networkErrorReason(error);
}

/** The challenge taskstub's admin API sends with its 401 (src/admin/token.ts). */
const ADMIN_CHALLENGE = /^Bearer realm="taskstub admin"/i;

/**
 * Whether the target is a taskstub (it has the admin API). A taskstub that
 * refuses the health check for want of the admin token is not a real API:
 * replaying against it as one would skip the session resets and report
 * counters left by earlier runs (`id2: expected 1, got 3`), so it is an error.
 * So is a target that does not answer at all (refused, or silent past the
 * timeout): every step would fail, or every scenario needing the stub be
 * skipped and the run pass.
 */
export async function isStub(target: string, adminToken?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  let res: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    res = await fetch(`${target}/__admin/health`, { headers: adminToken ? { Authorization: `Bearer ${adminToken}` } : {}, signal });
  } catch (error) {
    const reason = noAnswerReason(error, signal, timeoutMs);
    throw new ReplayUsageError(signal.aborted ? `${target} accepted the connection but gave ${reason}` : `cannot connect to ${target} (${reason})`);
  }
  if (res.status === 401 && ADMIN_CHALLENGE.test(res.headers.get('www-authenticate') ?? '')) {
    await res.body?.cancel();
    throw new ReplayUsageError(
      adminToken
        ? `the stub at ${target} refused the admin token given (--admin-token or TASKSTUB_ADMIN_TOKEN)`
        : `the stub at ${target} needs an admin token: pass --admin-token or TASKSTUB_ADMIN_TOKEN`,
    );
  }
  try {
    // "degraded": a stub whose journal file lost calls (admin/routes.ts) is still a stub.
    const { status } = (await res.json()) as { status?: unknown };
    return res.ok && (status === 'ok' || status === 'degraded');
  } catch {
    return false;
  }
}

/** Clears a session on the stub before a scenario runs in it; what went wrong, or undefined. Bounded by the timeout as a step is. */
async function resetSession(options: ReplayOptions, session: string): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const what = `session reset of "${session}"`;
  try {
    const headers: Record<string, string> = options.adminToken ? { Authorization: `Bearer ${options.adminToken}` } : {};
    const res = await fetch(`${options.target}/__admin/reset?session=${encodeURIComponent(session)}`, { method: 'POST', headers, signal });
    const text = await res.text();
    return res.ok ? undefined : `${what}: ${res.status} ${text.slice(0, 200)}`;
  } catch (error) {
    return `${what}: ${noAnswerReason(error, signal, timeoutMs)}`;
  }
}

async function runStep(step: Step, scenario: Scenario, vars: Record<string, string>, context: { stub: boolean; session: string; options: ReplayOptions }): Promise<StepResult> {
  const started = performance.now();
  const { options } = context;
  // Captured by an earlier step (unknownCaptures) but not filled: that capture failed. Nothing is sent.
  const unfilled = [...placeholders(step.request)].filter((name) => vars[name] === undefined);
  if (unfilled.length) {
    const failures = unfilled.map((name) => `not sent: {{${name}}} has no value (its capture in an earlier step failed)`);
    return { name: step.name, ok: false, failures, differences: [], durationMs: performance.now() - started };
  }
  const request = substitute(step.request, vars);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const api = apiForPath(request.path);
  const auth = api && options.auth?.[api];
  if (auth && headers.authorization !== undefined) headers.authorization = auth;
  if (context.stub) {
    headers['x-stub-session'] ??= context.session;
    // A step may call the stub's admin API (a Wello dispatcher's PATCH /__admin/wello/tasks/<id>): it gets the admin token.
    if (options.adminToken && /^\/__admin(\/|$)/.test(request.path)) headers.authorization ??= `Bearer ${options.adminToken}`;
    Object.assign(headers, faultHeaders(step.fault ?? scenario.fault));
  }
  let body: string | undefined;
  if (typeof request.body === 'string') body = request.body;
  else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }

  const result: StepResult = { name: step.name, ok: true, failures: [], differences: [], durationMs: 0 };
  const fail = (line: string) => result.failures.push(line);
  // Captured values stand in the expectations too (`"id": "{{taskId}}"` on a read-back).
  const expect = substitute(step.expect, vars);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // One signal for the request and its body: a slow answer counts as much as a slow start.
  const signal = AbortSignal.timeout(timeoutMs);
  const noAnswer = (error: unknown) => {
    if (signal.aborted) fail(noAnswerReason(error, signal, timeoutMs));
    else if (!expect.connectionReset) fail(`no answer: ${noAnswerReason(error, signal, timeoutMs)}`);
    result.durationMs = performance.now() - started;
    result.ok = result.failures.length === 0;
    return result;
  };
  let res: Response;
  let text: string;
  try {
    res = await fetch(options.target + request.path, { method: request.method, headers, body, signal });
    text = await res.text();
  } catch (error) {
    return noAnswer(error);
  }
  const contentType = res.headers.get('content-type') ?? '';
  const parsed = parseAnswer(contentType, text);
  result.status = res.status;
  if (expect.connectionReset) fail(`expected the connection to be dropped, got ${res.status}`);
  if (expect.status !== undefined && expect.status !== res.status) fail(`status: expected ${expect.status}, got ${res.status}`);
  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const got = res.headers.get(name);
    if (want === null) {
      if (got !== null) fail(`header ${name}: expected none, got "${got}"`);
    } else if (typeof want === 'string' ? got !== want : got === null || !compilePattern(want.matches).test(got)) {
      fail(`header ${name}: expected ${typeof want === 'string' ? `"${want}"` : `/${want.matches}/`}, got ${got === null ? 'none' : `"${got}"`}`);
    }
  }
  if (expect.bodyText !== undefined && expect.bodyText !== text) fail(`body: expected the text ${JSON.stringify(expect.bodyText)}, got ${JSON.stringify(text.slice(0, 500))}`);
  if (expect.body !== undefined) {
    result.differences = diffSubset(expect.body, parsed);
    for (const d of result.differences) fail(`${d.path}: ${d.problem}`);
  }
  // Against a real API every answer is checked against the schemas.
  if (expect.conformsToSchema || !context.stub) for (const error of contractErrors(options.registry, request.path, res.status, contentType, text)) fail(`schema: ${error}`);
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const value = pick(parsed, path);
    if (value === undefined) fail(`capture ${name}: nothing at ${path}`);
    else vars[name] = String(value);
  }
  result.durationMs = performance.now() - started;
  result.ok = result.failures.length === 0;
  return result;
}

export async function replayScenario(loaded: LoadedScenario, options: ReplayOptions, stub: boolean): Promise<ScenarioResult> {
  const started = performance.now();
  const { scenario } = loaded;
  if (!scenario) return { file: loaded.file, name: loaded.file, ok: false, steps: [], errors: loaded.errors.map((e) => `not a scenario: ${e}`), durationMs: 0 };
  const base = { file: loaded.file, name: scenario.name, errors: [] };
  if (!stub && scenario.requires === 'stub') return { ...base, ok: true, skipped: 'needs the stub (faults or sessions)', steps: [], durationMs: 0 };
  const errors = unknownCaptures(scenario);
  if (errors.length) return { ...base, ok: false, steps: [], errors, durationMs: 0 };
  const session = `replay:${scenario.name}`;
  if (stub) {
    // A fresh start: the scenario's own session, and any a step names itself.
    const named = scenario.steps.flatMap((step) => Object.entries(step.request.headers ?? {}).filter(([k]) => k.toLowerCase() === 'x-stub-session').map(([, v]) => v));
    for (const name of new Set([session, ...named])) {
      const failed = await resetSession(options, name);
      // Its steps would run on what earlier runs left: not run, the scenario failed (a target that went away fails here).
      if (failed) return { ...base, ok: false, steps: [], errors: [failed], durationMs: performance.now() - started };
    }
  }
  const steps: StepResult[] = [];
  const vars: Record<string, string> = {};
  for (const step of scenario.steps) steps.push(await runStep(step, scenario, vars, { stub, session, options }));
  return { ...base, ok: steps.every((s) => s.ok), steps, durationMs: performance.now() - started };
}

/** The scenario a run stopped before (--bail), reported as not run. */
function notRun(loaded: LoadedScenario): ScenarioResult {
  return { file: loaded.file, name: loaded.scenario?.name ?? loaded.file, ok: true, notRun: 'not run: --bail stopped after a failed scenario', steps: [], errors: [], durationMs: 0 };
}

export interface ReplayRun {
  /** The target as used: checked, without a trailing slash. */
  target: string;
  /** Whether it is a taskstub (sessions reset, faults sent) or a real API (every answer checked against the schemas). */
  stub: boolean;
  results: ScenarioResult[];
}

/** Runs the scenarios in order. Throws a ReplayUsageError, before any runs, when the target cannot be replayed against as asked. */
export async function replayRun(scenarios: readonly LoadedScenario[], options: ReplayOptions): Promise<ReplayRun> {
  const target = checkTarget(options.target);
  const run = { ...options, target };
  const stub = await isStub(target, options.adminToken, options.timeoutMs);
  const results: ScenarioResult[] = [];
  const total = scenarios.length;
  for (const [index, loaded] of scenarios.entries()) {
    if (options.bail && results.some((r) => !r.ok)) {
      results.push(notRun(loaded));
      continue;
    }
    options.onProgress?.({ kind: 'start', index, total, name: loaded.scenario?.name ?? loaded.file });
    const result = await replayScenario(loaded, run, stub);
    results.push(result);
    options.onProgress?.({ kind: 'done', index, total, result });
  }
  return { target, stub, results };
}

/** replayRun's results only. */
export async function replay(scenarios: readonly LoadedScenario[], options: ReplayOptions): Promise<ScenarioResult[]> {
  return (await replayRun(scenarios, options)).results;
}
