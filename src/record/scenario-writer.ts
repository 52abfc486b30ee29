// A recorded session as a scenario file (schemas/scenario.schema.json) that
// `taskstub replay` runs against the stub and against the real server: each
// call a step; made-up values (GUIDs, dates, tokens, ids, Location) checked
// by their form, not their text; values later requests reuse captured; no
// credential written (replay --auth gives the real one).
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractErrors, responseSchemaName } from '../contract.js';
import type { SchemaRegistry } from '../core/schemas.js';
import type { Scenario } from '../generated/scenario.js';
import { type AnalyzedStep, analyzeSession } from './captures.js';
import { answerText, type Exchange, pathOf } from './exchange.js';
import { headerValue } from './forward.js';
import { formPattern, isGuid, madeUp, type Sent } from './values.js';

type Step = Scenario['steps'][number];

/** What an Authorization header becomes: the scheme kept (so the step still shows which one was used), the secret not. */
export const CREDENTIAL_PLACEHOLDER = 'recorded-credential--replay-auth-gives-the-real-one';

/**
 * A stand-in the stub accepts in the credential's own scheme: Basic needs
 * `login:password@domain` for Wello (src/apis/wello/auth.ts), any other value
 * passes ONLYOFFICE's check. `replay --auth` replaces it with the real one.
 */
export function maskedAuthorization(value: string): string {
  const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
  if (scheme && /^basic$/i.test(scheme)) return `${scheme} ${Buffer.from(`recorded:${CREDENTIAL_PLACEHOLDER}@recorded`).toString('base64')}`;
  return scheme ? `${scheme} ${CREDENTIAL_PLACEHOLDER}` : CREDENTIAL_PLACEHOLDER;
}

/** Cookie values (ONLYOFFICE's asc_auth_key is a credential) masked, unless they refer to a capture. */
function maskedCookie(value: string): string {
  return value
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0 || part.includes('{{')) return part;
      return `${part.slice(0, eq)}=${CREDENTIAL_PLACEHOLDER}`;
    })
    .join(';');
}

const SECRET_FIELD = /^(password|pass|pwd|secret|client_secret)$/i;

/** A body's password fields masked (the authentication request's): in JSON, form fields and XML elements. */
function maskedBody(text: string, contentType: string): string {
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      const masked = JSON.stringify(JSON.parse(text, (key, value: unknown) => (SECRET_FIELD.test(key) && typeof value === 'string' ? '****' : value)));
      // Only when nothing else changed (whitespace, number forms): else the text, masked by pattern.
      if (JSON.stringify(JSON.parse(text)) === text) return masked;
    } catch {
      // Not JSON after all.
    }
    return text.replace(/("(?:password|pass|pwd|secret|client_secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"****"');
  }
  if (/xml/i.test(contentType) || /^\s*</.test(text)) return text.replace(/<(password|pass|pwd|secret)>[^<]*<\/\1>/gi, '<$1>****</$1>');
  return text.replace(/(^|&)(password|pass|pwd|secret)=[^&]*/gi, '$1$2=****');
}

/** The step's request, as replay sends it: headers masked, the body as JSON when replay's JSON.stringify gives back its very bytes, else its text. */
function requestOf(step: AnalyzedStep): { request: Step['request']; note?: string } {
  const headers: Record<string, string> = {};
  for (const [name, value] of step.headers) {
    const lower = name.toLowerCase();
    const masked = lower === 'authorization' && !value.includes('{{') ? maskedAuthorization(value) : lower === 'cookie' ? maskedCookie(value) : value;
    headers[name] = headers[name] === undefined ? masked : `${headers[name]}, ${masked}`;
  }
  const request: Step['request'] = { method: step.exchange.method, path: step.url };
  if (Object.keys(headers).length) request.headers = headers;
  if (step.body === undefined) return { request, note: 'its body is not UTF-8 and is left out (a scenario body is text)' };
  if (step.body === '') return { request };
  const contentType = headerValue(step.exchange.headers, 'content-type') ?? '';
  const text = maskedBody(step.body, contentType);
  let body: unknown = text;
  try {
    const value: unknown = JSON.parse(text);
    if (/json/i.test(contentType) && JSON.stringify(value) === text) body = value;
  } catch {
    // Sent as text.
  }
  // The generated type says object; the schema takes any JSON value, a string included.
  request.body = body as Step['request']['body'];
  return { request };
}

/** A Location's form: the origin as any (replay reaches another host), made-up parts by their form, the rest as sent. */
export function locationPattern(location: string): string {
  const absolute = /^(https?:\/\/[^/]+)(.*)$/i.exec(location);
  const rest = absolute ? absolute[2]! : location;
  const parts = rest.split(/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+)/);
  const body = parts
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
      return isGuid(part) ? formPattern(part).slice(1, -1) : '\\d+';
    })
    .join('');
  return `^${absolute ? 'https?://[^/]+' : ''}${body}$`;
}

/**
 * What the answer must be: its status, Content-Type and Location's form, and
 * its body with made-up values as patterns; ids and lists of objects (which
 * depend on what the server held before) left to the schema check.
 */
function expectOf(step: AnalyzedStep, registry: SchemaRegistry): Step['expect'] {
  const answer = step.exchange.answer!;
  const text = answerText(answer);
  const expect: Step['expect'] = { status: answer.status };
  const contentType = headerValue(answer.headers, 'content-type');
  const location = headerValue(answer.headers, 'location');
  expect.headers = { 'content-type': contentType ?? null };
  if (location !== undefined) expect.headers.location = { matches: locationPattern(location) };
  const path = pathOf(step.exchange.url);
  // As drift.ts: a read's 200 has no response schema in the contract yet.
  const checked = step.exchange.method === 'POST' || answer.status >= 400;
  if (checked && responseSchemaName(path, answer.status) && contractErrors(registry, path, answer.status, contentType ?? '', text).length === 0) expect.conformsToSchema = true;
  if (typeof step.parsed === 'string') {
    // Text: an error's message, or nothing (204). A 2xx text answer may carry made-up values: not compared.
    if (text === '' || answer.status >= 400) expect.bodyText = text;
    return expect;
  }
  expect.body = expectedBody(step.parsed, '', step.sent) as Step['expect']['body'];
  return expect;
}

function expectedBody(node: unknown, key: string, sent: Sent): unknown {
  if (Array.isArray(node)) {
    if (node.some((item) => item !== null && typeof item === 'object')) return undefined;
    return node.map((item) => expectedLeaf(item, key, sent) ?? item);
  }
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const expected = expectedBody(v, k, sent);
      if (expected !== undefined) out[k] = expected;
    }
    return out;
  }
  return expectedLeaf(node, key, sent);
}

const GUID_IN_TEXT = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const ORIGIN_IN_TEXT = /https?:\/\/[^/\s'"]+/gi;

/**
 * A text that quotes a GUID or the server's own address (ASP.NET's
 * 404 names the request URI): a pattern with those parts by their form, the
 * rest word for word; undefined when it quotes neither.
 */
export function quotingPattern(text: string): string | undefined {
  const parts: { at: number; end: number; pattern: string }[] = [];
  for (const m of text.matchAll(ORIGIN_IN_TEXT)) parts.push({ at: m.index, end: m.index + m[0].length, pattern: 'https?://[^/\\s\'"]+' });
  // Even one the request sent: it may be a capture, another on each run.
  for (const m of text.matchAll(GUID_IN_TEXT)) parts.push({ at: m.index, end: m.index + m[0].length, pattern: formPattern(m[0]).slice(1, -1) });
  if (parts.length === 0) return undefined;
  parts.sort((a, b) => a.at - b.at);
  let out = '^';
  let from = 0;
  for (const part of parts) {
    if (part.at < from) continue;
    out += text.slice(from, part.at).replace(/[\\^$.|?*+()[\]{}]/g, '\\$&') + part.pattern;
    from = part.end;
  }
  return `${out}${text.slice(from).replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}$`;
}

/** A leaf as expected: made-up values by their form, ids left out (undefined), texts quoting them as patterns, the rest as they were. */
function expectedLeaf(value: unknown, key: string, sent: Sent): unknown {
  const kind = madeUp(key, value, sent);
  if (kind === 'id') return undefined;
  if (kind) return { matches: formPattern(String(value)) };
  const quoting = typeof value === 'string' ? quotingPattern(value) : undefined;
  return quoting === undefined ? value : { matches: quoting };
}

/** The scenario of one recorded session. */
export function scenarioOf(session: string, exchanges: readonly Exchange[], registry: SchemaRegistry): Scenario | undefined {
  const steps = analyzeSession(exchanges);
  if (steps.length === 0) return undefined;
  const used = new Set(steps.flatMap((s) => s.uses));
  const notes: string[] = [];
  const unanswered = exchanges.filter((e) => !e.answer);
  if (unanswered.length) notes.push(`${unanswered.length} call(s) got no answer from the target and are not steps (see drift.json): ${unanswered.map((e) => `${e.method} ${pathOf(e.url)}: ${e.failure?.message ?? ''}`).join('; ')}`);
  const scenarioSteps = steps.map((step, i): Step => {
    const { request, note } = requestOf(step);
    if (note) notes.push(`step ${i + 1}: ${note}`);
    const out: Step = { name: `${i + 1} ${step.exchange.method} ${pathOf(step.exchange.url)}`, request, expect: expectOf(step, registry) };
    const capture = Object.fromEntries(step.produces.filter((c) => used.has(c.name)).map((c) => [c.name, c.path]));
    if (Object.keys(capture).length) out.capture = capture;
    return out;
  });
  const scenario: Scenario = {
    name: `recorded: ${session}`,
    description: ['Recorded by taskstub record; credentials are placeholders: replay --auth gives the real ones.', ...notes].join(' '),
    steps: scenarioSteps as Scenario['steps'],
  };
  return scenario;
}

/** The file a session's scenario goes to: its name where it is a safe file name, else a safe form plus a short hash (two names never share a file). */
export function scenarioFileName(session: string): string {
  const safe = session.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
  if (safe === session && session !== 'drift') return `${safe}.json`;
  return `${safe}-${createHash('sha256').update(session).digest('hex').slice(0, 8)}.json`;
}

/** Writes a file so that a reader sees the old one or the new one, never half of one: a temporary file in the same folder, then a rename. */
export function writeAtomically(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, join(dir, name));
}

export function writeScenario(dir: string, session: string, scenario: Scenario): string {
  const name = scenarioFileName(session);
  writeAtomically(dir, name, `${JSON.stringify(scenario, null, 2)}\n`);
  return join(dir, name);
}
