// The fast adapter: a thin node:http listener that answers the API routes
// straight from the core and hands every other request (admin API, anything
// unknown) to the Express app. Express costs most of a request's time; the
// two create routes are what load goes to. Both adapters pass the same API
// tests (TASKSTUB_ADAPTER=node in npm test).
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import bytes from 'bytes';
import type { Express } from 'express';
import { createApp, DEFAULT_BODY_LIMIT, type AppOptions } from './app.js';
import { createCors, type CorsHandler } from './cors.js';
import { deliver, parseQuery, sendInternalError } from './deliver.js';
import { logRequest, type RequestLogger } from './log.js';
import { createStub, type Stub, type StubResult } from './stub.js';

const EMPTY = Buffer.alloc(0);

export function bodyLimitBytes(limit: number | string | undefined): number {
  const parsed = typeof limit === 'number' ? limit : bytes.parse(limit ?? DEFAULT_BODY_LIMIT);
  if (parsed === null || !Number.isFinite(parsed) || parsed < 0) throw new Error(`--body-limit: not a size: ${String(limit)}`);
  return parsed;
}

/** Requests the fast path leaves to Express so that both behave the same: compressed bodies (Express inflates them). */
function needsExpress(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  return encoding !== undefined && encoding !== 'identity';
}

export interface ListenerOptions {
  logger?: RequestLogger | undefined;
  /** Runs before any route (the Express app then has CORS off). */
  cors?: CorsHandler | undefined;
}

export function createRequestListener(stub: Stub, app: Express, limit: number, options: ListenerOptions = {}): RequestListener {
  const route = createRouter(stub, app, limit);
  const { logger, cors } = options;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (logger) logRequest(logger, req, res);
    if (cors) cors(req, res, () => route(req, res));
    else route(req, res);
  };
}

/** The API routes answered from the core; everything else to Express. */
function createRouter(stub: Stub, app: Express, limit: number): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (!stub.owns(path) || needsExpress(req)) {
      app(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length']) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      // Always a copy: a chunk is a slice of the socket's read buffer, which the journal would otherwise keep alive.
      const body = tooLarge ? EMPTY : Buffer.concat(chunks, size);
      let result: StubResult | Promise<StubResult> | undefined;
      try {
        result = stub.respond(
          { method: req.method ?? 'GET', path, query: q < 0 ? {} : parseQuery(url.slice(q + 1)), rawQuery: q < 0 ? '' : url.slice(q + 1), headers: req.headers, body },
          tooLarge ? { bodyTooLarge: true } : undefined,
        );
      } catch (error) {
        sendInternalError(res, error);
        return;
      }
      // A shared store answers with a promise (src/store/redis/shared-path.ts); the memory store at once.
      if (result instanceof Promise) result.then((r) => deliver(res, r), (error: unknown) => sendInternalError(res, error));
      else if (result) deliver(res, result);
    });
    req.on('error', () => res.destroy());
  };
}

export interface StubServerOptions extends AppOptions {
  /** Logs one line per request, API and admin alike. */
  logger?: RequestLogger;
}

/** The open connections of each server createStubServer made, for shutDown. */
const connections = new WeakMap<Server, Set<Socket>>();

export interface Shutdown {
  /** Resolves once every connection is closed, with how many the grace's end cut (a request still unanswered, a client stalled mid-headers or mid-body). */
  readonly closed: Promise<{ cut: number }>;
  /** Ends the grace now (a second SIGTERM or Ctrl-C). */
  cutNow(): void;
}

/**
 * Stops a server as a well-kept one does on SIGTERM: no new connections; idle
 * ones (keep-alive, or nothing sent yet) closed at once, and each busy one once
 * its answer is sent; at the end of the grace whatever is left is cut. A client
 * that stalled mid-headers would otherwise hold the process for node's
 * headersTimeout (60 s), one mid-body for its requestTimeout (5 min).
 */
export function shutDown(server: Server, graceMs: number): Shutdown {
  let cut = 0;
  const sockets = connections.get(server);
  const closeIdle = () => {
    server.closeIdleConnections();
    // Node counts a connection that has sent nothing yet as busy (it is timing its headers): it is as idle as a kept-alive one.
    if (sockets) for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  };
  const closed = new Promise<{ cut: number }>((resolve) => server.close(() => resolve({ cut })));
  // Answers from now on say so, and a connection whose answer was already under way closes once it is idle.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Connection', 'close'));
  closeIdle();
  const idle = setInterval(closeIdle, 50);
  const cutNow = () => {
    clearTimeout(timer);
    clearInterval(idle);
    server.getConnections((_error, count) => {
      cut = count;
      server.closeAllConnections();
      if (sockets) for (const socket of sockets) socket.destroy();
    });
  };
  const timer = setTimeout(cutNow, graceMs);
  void closed.then(() => {
    clearTimeout(timer);
    clearInterval(idle);
  });
  return { closed, cutNow };
}

/** The server the CLI listens with: the fast path in front of the Express app. */
export function createStubServer(options: StubServerOptions = {}, stub: Stub = createStub(options)): Server {
  // CORS runs in front (below); the app keeps the origins, which its admin guard also lets in (admin/host-check.ts).
  const app = createApp({ ...options, cors: { ...options.cors, enabled: false } }, stub);
  const listener = createRequestListener(stub, app, bodyLimitBytes(options.bodyLimit), { logger: options.logger, cors: createCors(options.cors) });
  const server = createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  connections.set(server, sockets);
  return server;
}
