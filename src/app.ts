// The Express adapter: createApp(options) builds the app and never listens
// (only src/cli.ts does). Every route is served here; the core knows no Express.
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import type { CoreRequest } from './core/http.js';
import { deliver, parseQuery, sendInternalError } from './deliver.js';
import { createAdminRouter } from './admin/routes.js';
import { requireAdminToken } from './admin/token.js';
import { parseAllowedHost, requireLocalCaller } from './admin/host-check.js';
import { sendWelcome } from './admin/welcome.js';
import { createCors, type CorsOptions } from './cors.js';
import { createStub, type Stub, type StubOptions } from './stub.js';

export interface AppOptions extends StubOptions {
  /** Largest request body accepted (bytes, or a string like "1mb"); default 1 MB. */
  bodyLimit?: number | string;
  /** When set, every admin call needs `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** CORS for browsers on other origins; on by default. */
  cors?: CorsOptions;
  /** Without an admin token, host names besides loopback the admin API answers to (--allowed-host; `.name` also covers its subdomains). */
  allowedHosts?: string[];
}

export const DEFAULT_BODY_LIMIT = '1mb';

function toCoreRequest(req: Request): CoreRequest {
  const q = req.originalUrl.indexOf('?');
  return {
    method: req.method,
    path: req.path,
    query: q < 0 ? {} : parseQuery(req.originalUrl.slice(q + 1)),
    rawQuery: q < 0 ? '' : req.originalUrl.slice(q + 1),
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}

export function createApp(options: AppOptions = {}, stub: Stub = createStub(options)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.locals.stub = stub;

  // First, so that a preflight is answered before any route or the admin token sees it.
  const cors = createCors(options.cors);
  if (cors) app.use(cors);

  if (options.adminToken) app.use('/__admin', requireAdminToken(options.adminToken));
  // Without a token, only this machine's tools and pages (DNS rebinding, cross-site calls: admin/host-check.ts).
  else app.use('/__admin', requireLocalCaller({ allowedHosts: (options.allowedHosts ?? []).map(parseAllowedHost), origins: options.cors?.origins }));
  app.use('/__admin', createAdminRouter(stub));
  // The root is no route of either API: it points a newcomer to the live page, the OpenAPI document and the README.
  app.get('/', sendWelcome);

  // Every body is read as bytes; each API decides how to parse it.
  app.use(express.raw({ type: () => true, limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT }));

  app.use((req, res, next) => {
    const result = stub.respond(toCoreRequest(req));
    if (result === undefined) next();
    // A shared store answers with a promise (src/store/redis/shared-path.ts); the memory store at once.
    else if (result instanceof Promise) result.then((r) => deliver(res, r), next);
    else deliver(res, result);
  });

  app.use((_req, res) => {
    res.status(404).json({ Message: 'No HTTP resource was found that matches the request URI.' });
  });

  // A body the parser refused (too large, aborted, bad encoding) still gets the owning API's error shape.
  const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      const result = stub.respond({ ...toCoreRequest(req), body: Buffer.alloc(0) }, { bodyTooLarge: true });
      if (result instanceof Promise) return void result.then((r) => deliver(res, r), next);
      if (result) return deliver(res, result);
    }
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) return sendInternalError(res, error);
    res.status(status).json({ Message: 'The request could not be read.' });
  };
  app.use(bodyErrors);
  return app;
}
