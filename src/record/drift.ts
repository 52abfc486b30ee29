// Where the stub differs from the real server on recorded traffic. Each
// session's requests are asked again of an in-process stub, in order, in a
// fresh session of the same name, with the stub's own made-up values in
// place of the target's (a token, an id in a path), so that the requests are
// equivalent; then each pair of answers is compared on what a client relies
// on: the status, Content-Type, the Location's form, the body's keys, their
// order, the values' forms (GUID case, date form, integer or text) and error
// messages word for word. The target's answer is also checked against the
// API's response schema, as replay does against a real API.
import type { CoreRequest } from '../core/http.js';
import { contractErrors } from '../contract.js';
import { parseQuery } from '../deliver.js';
import { parseAnswer, pick } from '../replay/run.js';
import type { Stub } from '../stub.js';
import { analyzeSession, fill } from './captures.js';
import { answerText, type Exchange, pathOf, queryOf } from './exchange.js';
import { headerValue } from './forward.js';
import { locationPattern } from './scenario-writer.js';
import { valueFormat } from './values.js';

export type DifferenceKind = 'schema' | 'no-route' | 'status' | 'content-type' | 'location' | 'missing-key' | 'extra-key' | 'key-order' | 'format' | 'message' | 'body';

export interface Difference {
  kind: DifferenceKind;
  /** Where in the body (body.response.deadLine), for body differences. */
  path?: string;
  target?: unknown;
  stub?: unknown;
  /** In words, for the summary and a person reading drift.json. */
  message: string;
}

export interface ExchangeDrift {
  session: string;
  /** The scenario step it is (1-based); absent for a call the target did not answer. */
  step?: number;
  method: string;
  path: string;
  target: { status: number; contentType?: string } | { failure: string };
  stub?: { status: number; contentType?: string };
  differences: Difference[];
}

export interface DriftReport {
  target: string;
  exchanges: number;
  differ: number;
  /** Calls the target gave no answer to (refused, TLS, timeout): answered 502/504 by the recorder. */
  unanswered: number;
  /** How many exchanges have at least one difference of each kind. */
  byKind: Partial<Record<DifferenceKind, number>>;
  calls: ExchangeDrift[];
}

interface Answer {
  status: number;
  contentType: string | undefined;
  location: string | undefined;
  text: string;
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const shape = (value: unknown) => (Array.isArray(value) ? 'array' : isObject(value) ? 'object' : valueFormat(value));
const normalType = (value: string | undefined) => value?.toLowerCase().replace(/\s+/g, '');

/** Every difference between the target's answer and the stub's to the equivalent request. */
export function compareAnswers(target: Answer, stub: Answer): Difference[] {
  const out: Difference[] = [];
  if (target.status !== stub.status) out.push({ kind: 'status', target: target.status, stub: stub.status, message: `status: target ${target.status}, stub ${stub.status}` });
  if (normalType(target.contentType) !== normalType(stub.contentType)) {
    out.push({ kind: 'content-type', target: target.contentType ?? null, stub: stub.contentType ?? null, message: `Content-Type: target ${show(target.contentType ?? 'none')}, stub ${show(stub.contentType ?? 'none')}` });
  }
  const [tl, sl] = [target.location, stub.location].map((l) => (l === undefined ? undefined : locationPattern(l)));
  if (tl !== sl) out.push({ kind: 'location', target: target.location ?? null, stub: stub.location ?? null, message: `Location: target ${show(target.location ?? 'none')}, stub ${show(stub.location ?? 'none')} (not the same form)` });
  const error = target.status >= 400;
  const t = parseAnswer(target.contentType ?? '', target.text);
  const s = parseAnswer(stub.contentType ?? '', stub.text);
  if (typeof t === 'string' || typeof s === 'string') {
    if (typeof t !== typeof s) out.push({ kind: 'body', target: shape(t), stub: shape(s), message: `body: target ${typeof t === 'string' ? 'text' : 'structured'}, stub ${typeof s === 'string' ? 'text' : 'structured'}` });
    else if ((error || t === '' || s === '') && t !== s) out.push({ kind: 'message', target: t, stub: s, message: `body text: target ${show(t)}, stub ${show(s)}` });
    return out;
  }
  compareBodies(t, s, 'body', error, out);
  return out;
}

function compareBodies(t: unknown, s: unknown, path: string, error: boolean, out: Difference[]): void {
  if (Array.isArray(t) && Array.isArray(s)) {
    // How many items a list has depends on what each server held: the first item's shape is compared.
    if (t.length && s.length) compareBodies(t[0], s[0], `${path}[0]`, error, out);
    return;
  }
  if (isObject(t) && isObject(s)) {
    const tk = Object.keys(t);
    const sk = Object.keys(s);
    for (const k of tk) if (!Object.hasOwn(s, k)) out.push({ kind: 'missing-key', path: `${path}.${k}`, target: shape(t[k]), message: `${path}.${k}: the target sends it, the stub does not` });
    for (const k of sk) if (!Object.hasOwn(t, k)) out.push({ kind: 'extra-key', path: `${path}.${k}`, stub: shape(s[k]), message: `${path}.${k}: the stub sends it, the target does not` });
    const common = tk.filter((k) => Object.hasOwn(s, k));
    const stubOrder = sk.filter((k) => Object.hasOwn(t, k));
    if (common.join('\0') !== stubOrder.join('\0')) out.push({ kind: 'key-order', path, target: common, stub: stubOrder, message: `${path}: keys in another order: target ${common.join(', ')}; stub ${stubOrder.join(', ')}` });
    for (const k of common) compareBodies(t[k], s[k], `${path}.${k}`, error, out);
    return;
  }
  const [ft, fs] = [shape(t), shape(s)];
  if (ft !== fs) out.push({ kind: 'format', path, target: ft, stub: fs, message: `${path}: target ${ft} (${show(t)}), stub ${fs} (${show(s)})` });
  // An error's words are what a client shows or matches on.
  else if (error && typeof t === 'string' && t !== s) out.push({ kind: 'message', path, target: t, stub: s, message: `${path}: target ${show(t)}, stub ${show(s)}` });
}

function answerOf(exchange: Exchange): Answer {
  const answer = exchange.answer!;
  return { status: answer.status, contentType: headerValue(answer.headers, 'content-type'), location: headerValue(answer.headers, 'location'), text: answerText(answer) };
}

/**
 * One session's drift: its requests asked of `stub` in order, in a session of
 * the same name reset first. `targetHost` is the Host the target was sent, so
 * that the stub builds the same Location.
 */
export function sessionDrift(stub: Stub, session: string, exchanges: readonly Exchange[], targetHost: string): ExchangeDrift[] {
  stub.reset(session);
  const registry = stub.context.registry;
  const vars: Record<string, string> = {};
  /** The stub's made-up GUIDs and tokens -> the target's, for texts that quote them. */
  const quoted = new Map<string, string>();
  const drift: ExchangeDrift[] = [];
  const steps = analyzeSession(exchanges);
  steps.forEach((step, i) => {
    const { exchange } = step;
    const url = fill(step.url, vars);
    const headers: Record<string, string> = {};
    for (const [name, value] of step.headers) {
      const lower = name.toLowerCase();
      headers[lower] = headers[lower] === undefined ? fill(value, vars) : `${headers[lower]}, ${fill(value, vars)}`;
    }
    headers.host = targetHost;
    headers['x-stub-session'] = session;
    const body = step.body === undefined ? exchange.body : Buffer.from(fill(step.body, vars));
    const query = queryOf(url);
    const req: CoreRequest = { method: exchange.method, path: pathOf(url), query: query ? parseQuery(query) : {}, headers, body };
    const target = answerOf(exchange);
    const entry: ExchangeDrift = { session, step: i + 1, method: exchange.method, path: pathOf(exchange.url), target: { status: target.status, contentType: target.contentType }, differences: [] };
    // The contract's response schemas are those of the creates and authentication, and the errors every route shares:
    // a read's 200 has none there yet (src/contract.ts), and would be checked against the error shape.
    const checked = exchange.method === 'POST' || target.status >= 400;
    for (const problem of checked ? contractErrors(registry, entry.path, target.status, target.contentType ?? '', target.text) : []) {
      entry.differences.push({ kind: 'schema', message: `the target's answer does not conform: ${problem}` });
    }
    const result = stub.handle(req);
    if (!result) {
      entry.differences.push({ kind: 'no-route', target: target.status, message: `the stub has no route for ${exchange.method} ${entry.path}` });
    } else {
      const { response } = result;
      // The stub quotes its own values where the target quoted its own (a 404 naming the request URI): read back as the target's.
      let text = response.body;
      for (const [stubValue, targetValue] of quoted) text = text.replaceAll(stubValue, targetValue);
      const stubAnswer: Answer = { status: response.status, contentType: response.headers['content-type'], location: response.headers.location, text };
      entry.stub = { status: stubAnswer.status, contentType: stubAnswer.contentType };
      entry.differences.push(...compareAnswers(target, stubAnswer));
      // The stub's own made-up values, for the requests that reuse them.
      const parsed = parseAnswer(stubAnswer.contentType ?? '', stubAnswer.text);
      for (const c of step.produces) {
        const value = pick(parsed, c.path);
        if (value === undefined || value === null || typeof value === 'object') continue;
        vars[c.name] = String(value);
        if (c.kind !== 'id' && vars[c.name] !== c.value) quoted.set(vars[c.name]!, c.value);
      }
    }
    drift.push(entry);
  });
  for (const exchange of exchanges) {
    if (exchange.failure) drift.push({ session, method: exchange.method, path: pathOf(exchange.url), target: { failure: exchange.failure.message }, differences: [] });
  }
  return drift;
}

export function driftReport(target: string, calls: readonly ExchangeDrift[]): DriftReport {
  const byKind: Partial<Record<DifferenceKind, number>> = {};
  for (const call of calls) for (const kind of new Set(call.differences.map((d) => d.kind))) byKind[kind] = (byKind[kind] ?? 0) + 1;
  const answered = calls.filter((c) => !('failure' in c.target));
  return { target, exchanges: calls.length, differ: answered.filter((c) => c.differences.length > 0).length, unanswered: calls.length - answered.length, byKind, calls: [...calls] };
}

/** `N exchanges, M differ: 2 status, 1 key-order`, and how many got no answer. */
export function driftSummary(report: DriftReport): string {
  const kinds = Object.entries(report.byKind).map(([kind, n]) => `${n} ${kind}`);
  const unanswered = report.unanswered ? `; ${report.unanswered} got no answer from the target` : '';
  return `${report.exchanges} exchange${report.exchanges === 1 ? '' : 's'}, ${report.differ} differ${kinds.length ? `: ${kinds.join(', ')}` : ''}${unanswered}`;
}
