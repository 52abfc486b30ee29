// HTTP as a browser or an attacker sends it (any Host, any Origin, HTTP/1.0),
// against both adapters: createApp on its own, and the CLI's fast path in front of it.
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createApp, type AppOptions } from '../src/app.js';
import { createStub, type Stub } from '../src/stub.js';
import { FIXED, listening } from './helpers.js';

export interface Running {
  adapter: 'express' | 'node';
  url: string;
  port: number;
  stub: Stub;
  close(): void;
}

/** createApp listening on its own (Express does CORS), on a free loopback port. */
async function expressServer(options: AppOptions): Promise<Running> {
  const stub = createStub({ ...FIXED, ...options });
  const server = createServer(createApp({ ...FIXED, ...options }, stub));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    adapter: 'express',
    url: `http://127.0.0.1:${port}`,
    port,
    stub,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Runs `body` once per adapter, each with a fresh server with these options. */
export async function throughBothAdapters(options: AppOptions, body: (server: Running) => Promise<void>): Promise<void> {
  for (const start of [expressServer, async (o: AppOptions): Promise<Running> => {
    const s = await listening(o);
    return { adapter: 'node', port: Number(new URL(s.url).port), ...s };
  }]) {
    const server = await start(options);
    try {
      await body(server);
    } finally {
      server.close();
    }
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with exactly these headers (Host included: node:http sends the one given).
 * An event stream is not read to its end: its status and headers are enough.
 */
export function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      if (/^text\/event-stream/.test(res.headers['content-type'] ?? '')) {
        resolve({ status: res.statusCode!, headers: res.headers, body: '' });
        res.destroy();
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes as written (HTTP/1.0 without a Host, which node:http never sends), and the answer's status line. */
export async function sendBytes(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.end(text);
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  await once(socket, 'close');
  return answer;
}
