// --admin-token: every admin call must carry `Authorization: Bearer <token>`
// (README, admin API). Required when the stub listens beyond loopback, since
// the admin API can reset, rewrite and read everything, secrets included.
import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { Problem, sendProblem } from './problem.js';

/** Compared as digests so that neither the length nor the bytes leak through timing. */
const digest = (text: string) => createHash('sha256').update(text).digest();

export function requireAdminToken(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    // The live page itself holds no data (a browser cannot send a header when it
    // opens a URL); everything it shows comes from calls that need the token.
    if (req.method === 'GET' && req.path === '/ui') return next();
    // Liveness (routes.ts) answers {"status":"ok"} and nothing else, so a container's
    // HEALTHCHECK needs no token, however the server was given one (env, flag, file).
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/health/live') return next();
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (m && timingSafeEqual(digest(m[1]!.trim()), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="taskstub admin"');
    sendProblem(res, new Problem('unauthorized', 'Send the admin token as "Authorization: Bearer <token>" (--admin-token or TASKSTUB_ADMIN_TOKEN).'));
  };
}

/** Whether a --host value only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare.startsWith('::ffff:')) return bare.slice(7).startsWith('127.');
  return bare === '::1';
}
