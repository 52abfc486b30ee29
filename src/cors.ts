// CORS for browsers on other origins (frontend teams on their dev servers),
// through the `cors` package: preflights answer with the method and headers
// the browser asks for (Authorization, Content-Type, X-Stub-Session,
// X-Stub-Fault, ...), and answers expose Location. On by default; `--cors off`,
// or `--cors-origin` to allow only some origins.
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

export interface CorsOptions {
  /** false turns CORS off (no headers, preflights go to the routes). */
  enabled?: boolean;
  /** Only these origins; default any origin. */
  origins?: string[];
}

export type CorsHandler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The CORS step both adapters run first, or undefined when CORS is off. */
export function createCors(options: CorsOptions = {}): CorsHandler | undefined {
  if (options.enabled === false) return undefined;
  const origins = options.origins?.filter(Boolean);
  const handler = cors({
    // Any origin is reflected (not "*") so that credentialed requests work too.
    origin: origins && origins.length > 0 ? origins : true,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    // allowedHeaders left out: the package reflects Access-Control-Request-Headers.
    exposedHeaders: ['Location', 'WWW-Authenticate', 'Allow'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  }) as CorsHandler;
  // Only browsers send Origin, on every CORS request and preflight. Without it
  // there is nothing to allow, and the package's work (10-18 % of a create's
  // throughput, measured with wrk) is skipped. No answer of ours is cacheable,
  // so leaving out Vary: Origin there misleads no cache.
  return (req, res, next) => (req.headers.origin === undefined ? next() : handler(req, res, next));
}
