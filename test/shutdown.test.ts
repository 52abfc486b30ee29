// Shutdown through the real CLI: SIGTERM with clients that would otherwise
// hold the process (README, Command line: --shutdown-grace).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { type RunningCli, startCli } from './cli-helpers.js';
import { WELLO_AUTH } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw connection to the CLI, once connected; `closed` settles when the server closes it. */
async function rawSocket(url: string, send = ''): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.on('error', () => {});
  // Given time to arrive: a connection the server has read nothing from yet is closed at once, as an idle one.
  if (send) await new Promise((resolve) => socket.write(send, () => setTimeout(resolve, 100)));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed };
}

/** Sends SIGTERM and resolves with the exit code and how long the exit took. */
async function terminate(cli: RunningCli): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  const code = await cli.stop();
  return { code, ms: performance.now() - started };
}

/** A Wello create answered after `delayMs` (X-Stub-Delay), through node:http so that the test sees the headers. */
function delayedCreate(url: string, delayMs: number): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'content-type': 'application/json', 'x-stub-delay': String(delayMs) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end('{"subject":"in flight at SIGTERM"}');
  });
}


describe('SIGTERM (--shutdown-grace)', () => {
  it('answers the request in flight, ends the live stream, cuts clients stalled mid-headers and mid-body when the grace ends, and exits 0', async () => {
    const cli = await startCli(['--port', '0', '--shutdown-grace', '500']);
    const midHeaders = await rawSocket(cli.url, 'POST /api/Task HTTP/1.1\r\nHost: x\r\n');
    const midBody = await rawSocket(cli.url, 'POST /api/Task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"subject"');
    const events = await fetch(`${cli.url}/__admin/events`);
    assert.equal(events.status, 200);
    const streamEnded = (async () => {
      for await (const chunk of events.body!) void chunk;
    })();
    const inFlight = delayedCreate(cli.url, 300);
    await sleep(100);
    const exit = terminate(cli);
    const answer = await inFlight;
    assert.equal(answer.status, 201, 'the request being answered at SIGTERM got its answer');
    assert.match(answer.body, /in flight at SIGTERM/);
    await streamEnded;
    await Promise.all([midHeaders.closed, midBody.closed]);
    const { code, ms } = await exit;
    assert.equal(code, 0, cli.stderr());
    assert.ok(ms >= 400, `the mid-body client had the grace (${Math.round(ms)} ms)`);
    assert.ok(ms < 5000, `bounded by the grace, not node's headersTimeout (60 s): ${Math.round(ms)} ms`);
    assert.match(cli.stderr(), /--shutdown-grace 500 ms over: closed 2 connections still open/);
  });

  it('exits at once when nothing is in flight, whatever the grace: idle keep-alive and silent connections are closed', async () => {
    const cli = await startCli(['--port', '0', '--shutdown-grace', '60000']);
    // fetch keeps its connection alive after the answer; the raw socket has sent nothing yet.
    assert.equal((await fetch(`${cli.url}/__admin/health`)).status, 200);
    const silent = await rawSocket(cli.url);
    const { code, ms } = await terminate(cli);
    assert.equal(code, 0, cli.stderr());
    assert.ok(ms < 3000, `${Math.round(ms)} ms`);
    await silent.closed;
    assert.doesNotMatch(cli.stderr(), /shutdown-grace/, 'nothing was cut');
  });

  it('a client stalled mid-headers that resumes during the grace is answered with Connection: close, and the exit follows at once', async () => {
    const cli = await startCli(['--port', '0', '--shutdown-grace', '60000']);
    const client = await rawSocket(cli.url, 'POST /api/Task HTTP/1.1\r\nHost: x\r\n');
    let received = '';
    client.socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const started = performance.now();
    const exited = once(cli.child, 'exit') as Promise<[number | null]>;
    cli.child.kill('SIGTERM');
    await sleep(200);
    const body = '{"subject":"resumed"}';
    client.socket.write(`Authorization: ${WELLO_AUTH.Authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await client.closed;
    assert.match(received, /^HTTP\/1\.1 201 /);
    assert.match(received, /\r\nConnection: close\r\n/i);
    const [code] = await exited;
    assert.equal(code, 0, cli.stderr());
    assert.ok(performance.now() - started < 3000, 'it did not wait out the 60 s grace');
  });

  it('a second SIGTERM ends the grace at once', async () => {
    const cli = await startCli(['--port', '0', '--shutdown-grace', '60000']);
    const midBody = await rawSocket(cli.url, 'POST /api/Task HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
    const started = performance.now();
    const exited = once(cli.child, 'exit') as Promise<[number | null]>;
    cli.child.kill('SIGTERM');
    await sleep(300);
    assert.equal(cli.child.exitCode, null, 'the first signal waits for the client mid-body');
    cli.child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, cli.stderr());
    assert.ok(performance.now() - started < 3000, 'the second signal did not wait out the 60 s grace');
    await midBody.closed;
    assert.match(cli.stderr(), /closed 1 connection still open/);
  });
});
