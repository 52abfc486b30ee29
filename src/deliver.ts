// Writing the core's answer, the same way from both HTTP adapters.
import type { ServerResponse } from 'node:http';
import type { CoreResponse } from './core/http.js';
import type { StubResult } from './stub.js';

/** What a request gets when taskstub itself fails (a bug), from either adapter. */
const INTERNAL_ERROR: CoreResponse = {
  status: 500,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ Message: 'An error has occurred.' }),
};

/**
 * A body whose Content-Type says charset=utf-16 (Wello, when Accept-Charset or the request's
 * charset asks it) in the bytes the formatter writes: its UnicodeEncoding's byte order mark,
 * then UTF-16LE (docs/fidelity.md, Wello: Content negotiation). Every other body is UTF-8 text.
 */
function wireBody(response: CoreResponse): string | Buffer {
  const type = response.headers['content-type'];
  if (type === undefined || !type.endsWith('charset=utf-16')) return response.body;
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(response.body, 'utf16le')]);
}

function writeNow(res: ServerResponse, response: CoreResponse): void {
  try {
    const body = wireBody(response);
    res.writeHead(response.status, { ...response.headers, 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    res.end(body);
  } catch (error) {
    // One bad answer must not lose the others written in the same batch.
    console.error(error);
    res.destroy();
  }
}

/*
 * Answers are written together once the event loop has handled every request
 * that arrived in the same turn (setImmediate runs after the poll phase), not
 * one by one as each is handled. Each write to a socket whose reader is
 * asleep pays for waking it on another CPU, which on loopback and in VMs
 * costs more than taskstub's own work on the request; a batch pays it about
 * once. Under load that is +20-40 % of requests per second and a lower p99
 * (bench/README.md); a lone request waits only for the end of its turn.
 */
let batch: [ServerResponse, CoreResponse | 'reset'][] = [];

function writeBatch(): void {
  const answers = batch;
  batch = [];
  for (const [res, answer] of answers) {
    if (answer === 'reset') res.socket?.destroy();
    else writeNow(res, answer);
  }
}

/** Answers with `answer`, or drops the connection (in turn with the answers before it). */
export function send(res: ServerResponse, answer: CoreResponse | 'reset'): void {
  if (batch.length === 0) setImmediate(writeBatch);
  batch.push([res, answer]);
}

/** A bug in taskstub: logged, and answered with a 500 (the server goes on). */
export function sendInternalError(res: ServerResponse, error: unknown): void {
  console.error(error);
  send(res, INTERNAL_ERROR);
}

/** Does what the core decided: wait out a delay, then answer or drop the connection. */
export function deliver(res: ServerResponse, result: StubResult): void {
  const act = () => send(res, result.reset ? 'reset' : result.response);
  if (result.delayMs) setTimeout(act, result.delayMs);
  else act();
}

/** `a=1&b=2` into an object, the first value of a repeated name winning. */
export function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search) for (const [name, value] of new URLSearchParams(search)) if (!(name in query)) query[name] = value;
  return query;
}
