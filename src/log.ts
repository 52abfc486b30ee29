// --log: one structured line per request (method, path, status, duration,
// session) as JSON on stderr, through pino. Off by default: CI and the
// benchmark need no per-request output, and stdout stays the one
// "listening" line that scripts read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type Pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { sessionName, SESSION_HEADER } from './core/sessions.js';

export type RequestLogger = Logger;

const require = createRequire(import.meta.url);

/** A logger that writes to stderr without blocking the request path; flush() it before exit. */
export function createRequestLogger(destination: number | DestinationStream = 2): RequestLogger {
  // Loaded here, not at start: most runs never log, and pino is a tenth of the start-up time.
  const pino = require('pino') as typeof Pino;
  const stream = typeof destination === 'number' ? pino.destination({ dest: destination, sync: false }) : destination;
  return pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'msg' }, stream);
}

/** Logs the request when its answer has been written, or when the connection closed first. */
export function logRequest(logger: RequestLogger, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const line = () => ({
    method: req.method,
    path: q < 0 ? url : url.slice(0, q),
    status: res.headersSent ? res.statusCode : 0,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    session: sessionName(req.headers[SESSION_HEADER]),
  });
  res.once('close', () => logger.info(line(), res.writableFinished ? 'request' : 'request aborted'));
}
