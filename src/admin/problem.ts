// Admin API errors as RFC 9457 problem details (application/problem+json),
// all made here.
import type { Response } from 'express';
import type { ValidationError } from '../core/schemas.js';
import type { MatcherError } from '../journal/matcher.js';
import type { PatternCostError } from '../journal/pattern.js';

export const PROBLEMS = {
  invalidRequest: { status: 400, title: 'The admin request is invalid' },
  unauthorized: { status: 401, title: 'The admin API needs its token' },
  notFound: { status: 404, title: 'No such admin route' },
  taskNotFound: { status: 404, title: 'No such task' },
  methodNotAllowed: { status: 405, title: 'Method not allowed on this admin route' },
  payloadTooLarge: { status: 413, title: 'The admin request body is too large' },
  verificationFailed: { status: 409, title: 'Verification failed' },
  storeUnavailable: { status: 503, title: 'The shared store is unavailable' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** How many of the errors the detail repeats (all of them are in `errors`). */
const ERRORS_IN_DETAIL = 3;

/**
 * A 400 problem. With schema errors (explained by core/schema-errors.ts, so
 * they name the key or the rule), the detail says the first few in words and
 * `errors` lists them all with their JSON pointers.
 */
export function invalid(detail: string, errors?: readonly ValidationError[] | null): Problem {
  if (!errors || errors.length === 0) return new Problem('invalidRequest', detail);
  const said = errors.slice(0, ERRORS_IN_DETAIL).map(({ instancePath, message = 'is invalid' }) =>
    instancePath ? `At ${instancePath}: ${message}.` : `${message.charAt(0).toUpperCase()}${message.slice(1)}.`,
  );
  if (errors.length > ERRORS_IN_DETAIL) said.push(`(${errors.length - ERRORS_IN_DETAIL} more in errors.)`);
  return new Problem('invalidRequest', `${detail} ${said.join(' ')}`, { errors: errors.map((e) => ({ pointer: e.instancePath || '/', message: e.message })) });
}

export function sendProblem(res: Response, problem: Problem): void {
  const { status, title } = PROBLEMS[problem.code];
  res.status(status).type('application/problem+json');
  res.send(JSON.stringify({ type: `https://taskstub.local/problems/${problem.code}`, title, status, detail: problem.detail, ...problem.extra }));
}

/**
 * A 400 for a matcher that cannot be used: a bad or unsupported pattern (named
 * by its JSON pointer), or one that would cost more than a call's budget on a
 * recorded value (named by its place in the body).
 */
export function matcherProblem(error: MatcherError | PatternCostError): Problem {
  if (error.name === 'MatcherError') {
    const { pointer, reason } = error as MatcherError;
    return new Problem('invalidRequest', `${error.message}.`, { errors: [{ pointer, message: reason }] });
  }
  const at = (error as PatternCostError).at ?? 'body';
  return new Problem('invalidRequest', `At ${at}: ${error.message}.`);
}
