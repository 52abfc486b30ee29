// Admin API errors as RFC 9457 problem details (application/problem+json),
// all made here.
import type { Response } from 'express';
import type { ValidationError } from '../core/schemas.js';

export const PROBLEMS = {
  invalidRequest: { status: 400, title: 'The admin request is invalid' },
  unauthorized: { status: 401, title: 'The admin API needs its token' },
  notFound: { status: 404, title: 'No such admin route' },
  methodNotAllowed: { status: 405, title: 'Method not allowed on this admin route' },
  payloadTooLarge: { status: 413, title: 'The admin request body is too large' },
  verificationFailed: { status: 409, title: 'Verification failed' },
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

export function invalid(detail: string, errors?: readonly ValidationError[] | null): Problem {
  return new Problem('invalidRequest', detail, errors ? { errors: errors.map((e) => ({ pointer: e.instancePath || '/', message: e.message })) } : {});
}

export function sendProblem(res: Response, problem: Problem): void {
  const { status, title } = PROBLEMS[problem.code];
  res.status(status).type('application/problem+json');
  res.send(JSON.stringify({ type: `https://taskstub.local/problems/${problem.code}`, title, status, detail: problem.detail, ...problem.extra }));
}
