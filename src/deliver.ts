// Writing the core's answer, the same way from both HTTP adapters.
import type { ServerResponse } from 'node:http';
import type { CoreResponse } from './core/http.js';
import type { StubResult } from './stub.js';

export function send(res: ServerResponse, response: CoreResponse): void {
  const headers: Record<string, string | number> = { ...response.headers, 'content-length': Buffer.byteLength(response.body) };
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/** Does what the core decided: wait out a delay, then answer or drop the connection. */
export function deliver(res: ServerResponse, result: StubResult): void {
  const act = () => (result.reset ? res.socket?.destroy() : send(res, result.response));
  if (result.delayMs) setTimeout(act, result.delayMs);
  else act();
}

/** `a=1&b=2` into an object, the first value of a repeated name winning. */
export function parseQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search) for (const [name, value] of new URLSearchParams(search)) if (!(name in query)) query[name] = value;
  return query;
}
