// `taskstub record`: a recording proxy in front of the real API. Every call
// under /api/ is forwarded unchanged and its answer given back unchanged;
// each exchange is kept, per X-Stub-Session session, and the session's
// scenario file and drift.json rewritten (atomically) as calls arrive.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkTarget } from '../replay/run.js';
import { createStub, type Stub } from '../stub.js';
import { driftReport, type DriftReport, type ExchangeDrift, sessionDrift } from './drift.js';
import type { Exchange } from './exchange.js';
import { createForwarder, type Forwarder, headerPairs, headerValue } from './forward.js';
import { scenarioFileName, scenarioOf, writeAtomically, writeScenario } from './scenario-writer.js';

export const DEFAULT_RECORD_TIMEOUT_MS = 10_000;
/** Largest request body forwarded: a recording is kept in memory, and neither API takes more than a few MB. */
export const MAX_RECORDED_BODY = 16 * 1024 * 1024;

export interface RecorderOptions {
  /** The real API's base URL, with its scheme (a path prefix is kept: https://host/portal). */
  target: string;
  /** Where the scenarios and drift.json go (made when missing). */
  out: string;
  /** How long the target may take to answer, answer included (default 10 s): then the client gets 504. */
  timeoutMs?: number;
  /** Accept any TLS certificate from the target. */
  insecure?: boolean;
  /** Guards the recorder's own /__admin/record status with "Authorization: Bearer <token>". */
  adminToken?: string;
  /** The in-process stub the drift report asks (default: a fresh createStub()). */
  stub?: Stub;
}

export interface Recorder {
  readonly server: Server;
  /** The target as used: checked, without a trailing slash. */
  readonly target: string;
  listen(port: number, host: string): Promise<string>;
  /** Every exchange so far, in order of completion. */
  exchanges(): readonly Exchange[];
  /** Writes every changed session's scenario and drift.json now. */
  flush(always?: boolean): void;
  report(): DriftReport;
  /** Stops accepting, waits for the calls being forwarded, writes everything; the final report. */
  close(): Promise<DriftReport>;
}

const SESSION_HEADER = 'x-stub-session';
const DEFAULT_SESSION = 'default';

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

export function createRecorder(options: RecorderOptions): Recorder {
  const target = checkTarget(options.target);
  const targetUrl = new URL(target);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
  const forwarder: Forwarder = createForwarder(targetUrl, { timeoutMs, insecure: options.insecure ?? false });
  const stub = options.stub ?? createStub();
  const sessions = new Map<string, Exchange[]>();
  const drift = new Map<string, ExchangeDrift[]>();
  const dirty = new Set<string>();
  const all: Exchange[] = [];
  const inFlight = new Set<Promise<void>>();
  let seq = 0;
  let scheduled = false;

  function record(exchange: Exchange): void {
    all.push(exchange);
    const list = sessions.get(exchange.session) ?? [];
    list.push(exchange);
    sessions.set(exchange.session, list);
    dirty.add(exchange.session);
    if (!scheduled) {
      scheduled = true;
      // The calls that arrived in the same turn are written together.
      setImmediate(() => {
        scheduled = false;
        flush();
      });
    }
  }

  function report(): DriftReport {
    return driftReport(target, [...drift.values()].flat());
  }

  function flush(always = false): void {
    if (dirty.size === 0 && !always) return;
    const registry = stub.context.registry;
    for (const session of dirty) {
      const exchanges = sessions.get(session)!;
      drift.set(session, sessionDrift(stub, session, exchanges, targetUrl.host));
      const scenario = scenarioOf(session, exchanges, registry);
      if (scenario) writeScenario(options.out, session, scenario);
    }
    dirty.clear();
    writeAtomically(options.out, 'drift.json', `${JSON.stringify(report(), null, 2)}\n`);
  }

  function admin(req: IncomingMessage, res: ServerResponse): void {
    if (options.adminToken && req.headers.authorization !== `Bearer ${options.adminToken}`) {
      res.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="taskstub record"' });
      res.end(JSON.stringify({ title: 'The admin token is missing or wrong', status: 401, detail: 'pass Authorization: Bearer <the --admin-token>' }));
      return;
    }
    const body = JSON.stringify({
      target,
      out: options.out,
      sessions: [...sessions].map(([name, list]) => ({ name, file: join(options.out, scenarioFileName(name)), calls: list.length })),
      drift: report(),
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_RECORDED_BODY) tooLarge = true;
      else chunks.push(chunk);
    }
    if (tooLarge) return sendText(res, 413, `taskstub record: the request body has ${size} bytes; at most ${MAX_RECORDED_BODY} are recorded\n`);
    const headers = headerPairs(req.rawHeaders);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const session = headerValue(headers, SESSION_HEADER) || DEFAULT_SESSION;
    const result = await forwarder.forward({ method: req.method ?? 'GET', url, headers, body });
    const exchange: Exchange = { seq: ++seq, session, method: req.method ?? 'GET', url, headers, body, durationMs: Math.round(performance.now() - started) };
    if ('failure' in result) {
      exchange.failure = result.failure;
      sendText(res, result.failure.status, `taskstub record: ${result.failure.message}\n`);
    } else {
      exchange.answer = result.answer;
      const { answer } = result;
      const sendsBody = req.method !== 'HEAD' && answer.status !== 204 && answer.status !== 304;
      const out = answer.headers.filter(([name]) => sendsBody ? name.toLowerCase() !== 'content-length' : true);
      if (sendsBody) out.push(['Content-Length', String(answer.body.length)]);
      res.writeHead(answer.status, answer.statusMessage, out.flat());
      res.end(sendsBody ? answer.body : undefined);
    }
    record(exchange);
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (/^\/__admin\/record\/?$/.test(path) && req.method === 'GET') return admin(req, res);
    // Every path under /api/: both APIs' routes, whichever of them the stub has yet.
    if (!/^\/api(\/|$)/i.test(path)) {
      req.resume();
      return sendText(res, 404, `taskstub record forwards only paths under /api/ to ${target}; ${path} is not one\n`);
    }
    const done = proxy(req, res, started)
      .catch((error: Error) => {
        if (!res.headersSent) sendText(res, 500, `taskstub record: ${error.message}\n`);
        else res.destroy();
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  });

  return {
    server,
    target,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: real } = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${real}`);
        });
      }),
    exchanges: () => all,
    flush,
    report,
    async close() {
      server.close();
      server.closeIdleConnections();
      await Promise.all([...inFlight]);
      server.closeAllConnections();
      forwarder.close();
      flush(true);
      return report();
    },
  };
}
