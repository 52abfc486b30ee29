// CORS for browsers on other origins (frontend teams on their dev servers),
// through the `cors` package: preflights answer with the method and headers
// the browser asks for (Authorization, Content-Type, X-Stub-Session,
// X-Stub-Fault, ...), and answers expose Location. On by default; `--cors off`,
// or `--cors-origin` to allow only some origins.
//
// Two surfaces, two policies:
// - The two APIs (/api/...): any origin is reflected, with credentials, so a
//   frontend that sends ONLYOFFICE's asc_auth_key cookie works. That grants a
//   foreign page nothing it lacks: the stub takes any non-empty credential, so
//   a page could as well send one itself, and the APIs answer only what it sent.
// - Everything else, the admin API above all (the journal holds every caller's
//   calls, passwords sent to /api/2.0/authentication included): only pages of
//   this machine (http(s)://localhost, 127.x.x.x, [::1], *.localhost, any port)
//   and the --cors-origin origins. Any other origin, `null` included, gets no
//   CORS header at all, preflight or not (admin/host-check.ts then refuses the call).
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { isLoopbackOrigin } from './admin/host-check.js';

export interface CorsOptions {
  /** false turns CORS off (no headers, preflights go to the routes). */
  enabled?: boolean;
  /** The API routes allow only these origins (default any); the admin routes allow these besides loopback ones. */
  origins?: string[];
}

export type CorsHandler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The paths of the two APIs (ONLYOFFICE's /api/2.0/ and Wello's rest of /api/, Stub.owns), read from the raw
 * request target. Anything else, an absolute-form target included, gets the admin policy: the stricter one.
 */
export function isApiTarget(url: string | undefined): boolean {
  return url !== undefined && /^\/api(?:[/?#]|$)/i.test(url);
}

const COMMON = {
  credentials: true,
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  // allowedHeaders left out: the package reflects Access-Control-Request-Headers.
  exposedHeaders: ['Location', 'WWW-Authenticate', 'Allow'],
  maxAge: 600,
  optionsSuccessStatus: 204,
};

/** The CORS step both adapters run first, or undefined when CORS is off. */
export function createCors(options: CorsOptions = {}): CorsHandler | undefined {
  if (options.enabled === false) return undefined;
  const origins = options.origins?.filter(Boolean) ?? [];
  // Any origin is reflected (not "*") so that credentialed requests work too.
  const api = cors({ ...COMMON, origin: origins.length > 0 ? origins : true }) as CorsHandler;
  // An origin refused here makes the package call next() with no header set, a preflight included.
  const admin = cors({ ...COMMON, origin: (origin, allow) => allow(null, origin !== undefined && (isLoopbackOrigin(origin) || origins.includes(origin))) }) as CorsHandler;
  // Only browsers send Origin, on every CORS request and preflight. Without it
  // there is nothing to allow, and the package's work (10-18 % of a create's
  // throughput, measured with wrk) is skipped. No answer of ours is cacheable,
  // so leaving out Vary: Origin there misleads no cache.
  return (req, res, next) => (req.headers.origin === undefined ? next() : (isApiTarget(req.url) ? api : admin)(req, res, next));
}
