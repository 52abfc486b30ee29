// Which session an admin call is about. It can be named three ways: the query
// (`?session=`), the X-Stub-Session header (the one the API calls carry, so a
// test that sets it on every request scopes its admin calls too), and a
// `session` field of the body (matchers, PUT /__admin/state, a queued fault's
// match). Two of them naming different sessions is refused with a 400 rather
// than one winning: acting on the other session without a word is the bug
// this guards against. Each name is held to the rules the APIs hold the header
// to (sessionNameProblem: length, no control characters), so that a name no API
// call could use is said to be wrong rather than read as an empty session.
import type { Request } from 'express';
import { SESSION_HEADER, sessionNameProblem } from '../core/sessions.js';
import { invalid } from './problem.js';

/** The one session the call names, or undefined when it names none (every session, or the default, as the route says). */
export function namedSession(req: Request, inBody?: string): string | undefined {
  const query = req.query.session;
  if (query !== undefined && (typeof query !== 'string' || query === '')) throw invalid('session must be one non-empty name');
  const raw = req.headers[SESSION_HEADER];
  // Trimmed like the APIs read it (sessionName); an empty header names no session.
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() || undefined;
  const given: [where: string, name: string | undefined, label: string][] = [
    ['the query (?session=)', query, '?session='],
    ['the X-Stub-Session header', header, 'X-Stub-Session'],
    ['the body', inBody, 'the body\'s session'],
  ];
  const named = given.filter((one): one is [string, string, string] => one[1] !== undefined);
  for (const [, name, label] of named) {
    const problem = sessionNameProblem(name, label);
    if (problem !== undefined) throw invalid(problem);
  }
  const [first] = named;
  if (!first) return undefined;
  const other = named.find(([, name]) => name !== first[1]);
  if (other) {
    throw invalid(
      `The call names two sessions: ${JSON.stringify(first[1])} in ${first[0]} and ${JSON.stringify(other[1])} in ${other[0]}. Name one, or the same one in each.`,
    );
  }
  return first[1];
}
