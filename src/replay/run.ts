// Runs scenarios against a target: the stub, or a real API. Each scenario
// runs in a session of its own (reset first, on a stub); against a real API
// every answer is also checked against the response schemas: a contract
// drift check.
import { XMLParser } from 'fast-xml-parser';
import { connect } from '../client/index.js';
import type { SchemaRegistry } from '../core/schemas.js';
import { apiForPath, contractErrors } from '../contract.js';
import type { Fault } from '../faults.js';
import { type Difference, diffSubset } from '../journal/subset.js';
import type { LoadedScenario, Scenario } from './scenarios.js';

type Step = Scenario['steps'][number];

export interface ReplayOptions {
  target: string;
  registry: SchemaRegistry;
  /** Authorization values that replace the ones steps send: for both APIs, or per API. */
  auth?: { onlyoffice?: string; wello?: string };
  /** The stub's admin token, for the health check and the session resets. */
  adminToken?: string;
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
  skipped?: string;
  steps: StepResult[];
  errors: string[];
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, ignoreDeclaration: true, processEntities: false });

/** Replaces {{name}} with captured values, in strings and in the strings of JSON values. */
function substitute<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\{\{(\w[\w.-]*)\}\}/g, (all, name: string) => vars[name] ?? all) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  return value;
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

function parseAnswer(contentType: string, text: string): unknown {
  try {
    if (/json/i.test(contentType)) return JSON.parse(text);
    if (/xml/i.test(contentType)) return xml.parse(text);
  } catch {
    // A body that does not parse is compared as text.
  }
  return text;
}

function pick(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
}

/** Whether the target is a taskstub (it has the admin API). */
export async function isStub(target: string, adminToken?: string): Promise<boolean> {
  try {
    const res = await fetch(`${target}/__admin/health`, { headers: adminToken ? { Authorization: `Bearer ${adminToken}` } : {} });
    return res.ok && ((await res.json()) as { status?: string }).status === 'ok';
  } catch {
    return false;
  }
}

async function runStep(step: Step, scenario: Scenario, vars: Record<string, string>, context: { stub: boolean; session: string; options: ReplayOptions }): Promise<StepResult> {
  const started = performance.now();
  const { options } = context;
  const request = substitute(step.request, vars);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const api = apiForPath(request.path);
  const auth = api && options.auth?.[api];
  if (auth && headers.authorization !== undefined) headers.authorization = auth;
  if (context.stub) {
    headers['x-stub-session'] ??= context.session;
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
  const expect = step.expect;
  let res: Response;
  try {
    res = await fetch(options.target + request.path, { method: request.method, headers, body });
  } catch (error) {
    if (!expect.connectionReset) fail(`no answer: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    result.durationMs = performance.now() - started;
    result.ok = result.failures.length === 0;
    return result;
  }
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  const parsed = parseAnswer(contentType, text);
  result.status = res.status;
  if (expect.connectionReset) fail(`expected the connection to be dropped, got ${res.status}`);
  if (expect.status !== undefined && expect.status !== res.status) fail(`status: expected ${expect.status}, got ${res.status}`);
  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const got = res.headers.get(name);
    if (want === null) {
      if (got !== null) fail(`header ${name}: expected none, got "${got}"`);
    } else if (typeof want === 'string' ? got !== want : got === null || !new RegExp(want.matches).test(got)) {
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
  const { scenario } = loaded;
  if (!scenario) return { file: loaded.file, name: loaded.file, ok: false, steps: [], errors: loaded.errors };
  const base = { file: loaded.file, name: scenario.name, errors: [] };
  if (!stub && scenario.requires === 'stub') return { ...base, ok: true, skipped: 'needs the stub (faults or sessions)', steps: [] };
  const session = `replay:${scenario.name}`;
  if (stub) {
    // A fresh start: the scenario's own session, and any a step names itself.
    const named = scenario.steps.flatMap((step) => Object.entries(step.request.headers ?? {}).filter(([k]) => k.toLowerCase() === 'x-stub-session').map(([, v]) => v));
    for (const name of new Set([session, ...named])) await connect(options.target, { session: name, adminToken: options.adminToken }).reset();
  }
  const steps: StepResult[] = [];
  const vars: Record<string, string> = {};
  for (const step of scenario.steps) steps.push(await runStep(step, scenario, vars, { stub, session, options }));
  return { ...base, ok: steps.every((s) => s.ok), steps };
}

export async function replay(scenarios: readonly LoadedScenario[], options: ReplayOptions): Promise<ScenarioResult[]> {
  const stub = await isStub(options.target, options.adminToken);
  const results: ScenarioResult[] = [];
  for (const loaded of scenarios) results.push(await replayScenario(loaded, options, stub));
  return results;
}
