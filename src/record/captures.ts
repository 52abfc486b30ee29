// Which values of a recorded session the server made up, and where later
// requests reuse them: the token of an authentication in a later
// Authorization, a task's id in /api/2.0/crm/task/12, a GUID in
// /api/Task(<guid>). A reused value becomes a capture ({{name}}) in the
// scenario; the drift report puts the stub's own value in its place, so that
// the stub is asked the equivalent request.
import { parseAnswer } from '../replay/run.js';
import { type Exchange, answerText, isUtf8, pathOf, queryOf } from './exchange.js';
import { endToEnd, type HeaderPairs, headerValue } from './forward.js';
import { madeUp, type MadeUp, type Sent, sentBy } from './values.js';

/** A made-up value of an answer that a later request may reuse. */
export interface Candidate {
  name: string;
  value: string;
  kind: MadeUp;
  /** Dotted path into the parsed answer (replay's capture path). */
  path: string;
}

export interface AnalyzedStep {
  exchange: Exchange;
  /** Path and query, with {{name}} where they reuse a made-up value. */
  url: string;
  /** End-to-end headers as the client sent them (real credentials), with {{name}} in place of reused values. */
  headers: HeaderPairs;
  /** The body as text with {{name}}; undefined when it is not UTF-8 (then sent as recorded). */
  body: string | undefined;
  /** The captures this request refers to. */
  uses: string[];
  /** What the target's answer made up, each named once (the first answer to give a value names it). */
  produces: Candidate[];
  /** The answer parsed as replay parses it, and the words the request sent. */
  parsed: unknown;
  sent: Sent;
}

/** Every made-up leaf of a parsed answer that could be captured: GUIDs, tokens and ids (dates are checked by form, never reused). */
export function madeUpLeaves(parsed: unknown, sent: Sent): { path: string; key: string; value: string; kind: MadeUp }[] {
  const found: { path: string; key: string; value: string; kind: MadeUp }[] = [];
  const walk = (node: unknown, path: string[], key: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, String(i)], key));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...path, k], k);
    else {
      const kind = madeUp(key, node, sent);
      // A key with a dot cannot be named by a dotted path.
      if (kind && kind !== 'date' && path.every((p) => !p.includes('.'))) found.push({ path: path.join('.'), key, value: String(node), kind });
    }
  };
  walk(parsed, [], '');
  return found;
}

const escape = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/**
 * Puts {{name}} where `text` reuses a candidate's value. Strings (GUIDs,
 * tokens) anywhere; an id only as a whole path segment (`/12`, `/12.json`,
 * `(12)`) or a whole query value, so that the `2` of `/api/2.0/` or a
 * category's `1` in a body is left alone.
 */
function template(text: string, candidates: readonly Candidate[], where: 'path' | 'query' | 'text', uses: Set<string>): string {
  let out = text;
  for (const c of candidates) {
    let pattern: RegExp;
    if (c.kind === 'id') {
      if (where === 'text') continue;
      pattern = where === 'path' ? new RegExp(`(?<=[/(])${escape(c.value)}(?=(?:\\.[A-Za-z]+)?(?:[/)]|$))`, 'g') : new RegExp(`(?<==)${escape(c.value)}(?=&|$)`, 'g');
    } else pattern = new RegExp(escape(c.value), 'g');
    const replaced = out.replace(pattern, `{{${c.name}}}`);
    if (replaced !== out) uses.add(c.name);
    out = replaced;
  }
  return out;
}

/** Headers a scenario step never carries: the client's connection to the proxy, and what replay sets itself. */
const NOT_REPLAYED = new Set(['host', 'content-length', 'accept-encoding', 'x-stub-session', 'proxy-authorization']);

/** The steps of one session, in order, with the captures each request refers to. Exchanges without an answer are left out. */
export function analyzeSession(exchanges: readonly Exchange[]): AnalyzedStep[] {
  const known: Candidate[] = [];
  const names = new Set<string>();
  const values = new Set<string>();
  const steps: AnalyzedStep[] = [];
  for (const exchange of exchanges) {
    if (!exchange.answer) continue;
    const uses = new Set<string>();
    // Longest first: a token that contains a GUID is replaced whole.
    const candidates = [...known].sort((a, b) => b.value.length - a.value.length);
    const path = pathOf(exchange.url);
    const query = queryOf(exchange.url);
    const url = template(path, candidates, 'path', uses) + (query ? `?${template(query, candidates, 'query', uses)}` : '');
    const headers = endToEnd(exchange.headers)
      .filter(([name]) => !NOT_REPLAYED.has(name.toLowerCase()))
      .map(([name, value]): [string, string] => [name, template(value, candidates, 'text', uses)]);
    const utf8 = isUtf8(exchange.body);
    const bodyText = utf8 ? exchange.body.toString('utf8') : undefined;
    const body = bodyText === undefined ? undefined : template(bodyText, candidates, 'text', uses);
    const sent = sentBy(path, query, bodyText ?? '');
    const text = answerText(exchange.answer);
    const parsed = parseAnswer(headerValue(exchange.answer.headers, 'content-type') ?? '', text);
    const produces: Candidate[] = [];
    for (const leaf of madeUpLeaves(parsed, sent)) {
      if (values.has(leaf.value)) continue;
      values.add(leaf.value);
      const base = leaf.key.replace(/[^\w-]/g, '_').replace(/^[^A-Za-z_]/, '_$&') || 'value';
      let name = base;
      for (let n = 2; names.has(name); n++) name = `${base}_${n}`;
      names.add(name);
      produces.push({ name, value: leaf.value, kind: leaf.kind, path: leaf.path });
    }
    known.push(...produces);
    steps.push({ exchange, url, headers, body, uses: [...uses], produces, parsed, sent });
  }
  return steps;
}

/** Puts values in place of {{name}}: the stub's own, for the drift report's equivalent request. */
export function fill(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w[\w.-]*)\}\}/g, (all, name: string) => vars[name] ?? all);
}

export { headerValue };
