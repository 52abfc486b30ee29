// The live page's event stream under a client that stops reading: the server
// holds a bounded amount for it, then drops it; it resumes with Last-Event-ID.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { LIVE_BUFFER_LIMIT } from '../src/admin/live.js';
import { createStubServer } from '../src/server.js';
import { createStub, type Stub } from '../src/stub.js';
import { FIXED, WELLO_AUTH } from './helpers.js';

/** A Wello call to a long path (Wello's 404, journaled): ~4.3 KB a summary, so that the kernel's socket buffers (a few MB on loopback) fill within 4,000 calls. */
const LONG_PATH = `/api/Task/${'x'.repeat(4000)}`;
const CALLS = 4000;
const BATCH = 50;

function call(stub: Stub): void {
  stub.handle({ method: 'POST', path: LONG_PATH, query: {}, headers: { 'content-type': 'application/json', authorization: WELLO_AUTH.Authorization }, body: Buffer.from('{"subject":"s"}') });
}

/** The ids of the entry events read from an event stream, as they come. */
async function readIds(url: string, headers: Record<string, string>, onId: (id: number) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { headers, signal });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        // The first frame starts with the stream's `retry:` line.
        const m = /^id: (\d+)\nevent: entry$/m.exec(buffer.slice(0, end));
        if (m) onId(Number(m[1]));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

const until = async (ok: () => boolean, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('live page streams respect backpressure', () => {
  it('drops a client that never reads once about LIVE_BUFFER_LIMIT waits for it; a reading client gets every event; a resume after Last-Event-ID gets the rest', async () => {
    const stub = createStub({ ...FIXED });
    const server = createStubServer({ ...FIXED }, stub);
    const sockets: Socket[] = [];
    server.on('connection', (socket) => sockets.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/__admin/events`;
    const controller = new AbortController();
    try {
      // The stalled client: asks for the stream, then never reads a byte.
      const stalled = connect(port, '127.0.0.1');
      await once(stalled, 'connect');
      stalled.pause();
      stalled.write(`GET /__admin/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await until(() => sockets.some((s) => s.remotePort === stalled.localPort), 'the stalled connection');
      const held = sockets.find((s) => s.remotePort === stalled.localPort)!;

      // The reading client (the page), connected before any call.
      const seen: number[] = [];
      const reading = readIds(url, {}, (id) => seen.push(id), controller.signal);
      await until(() => sockets.length === 2, 'the reading connection');

      let most = 0;
      for (let n = 0; n < CALLS; n += BATCH) {
        for (let i = 0; i < BATCH; i++) call(stub);
        // The reading client keeps up (that is what reading means here); the stalled one is left behind.
        await until(() => seen.length === n + BATCH, `event ${n + BATCH} at the reading client`);
        most = Math.max(most, held.destroyed ? 0 : held.writableLength);
      }
      assert.ok(held.destroyed, `the stalled client was dropped (it had ${held.writableLength} bytes waiting)`);
      // Bounded: the limit, plus at most one turn's batch written before the check saw it past the limit.
      assert.ok(most <= LIVE_BUFFER_LIMIT + BATCH * 4500, `at most ${LIVE_BUFFER_LIMIT} bytes and a batch held for it, not ${most}`);
      assert.deepEqual(seen, Array.from({ length: CALLS }, (_, i) => i + 1), 'every event, in order');

      // Resuming after a drop: every call after the last id it saw, beyond the 500 a fresh stream starts with.
      const resumed: number[] = [];
      const resume = new AbortController();
      const resuming = readIds(url, { 'Last-Event-ID': '1000' }, (id) => resumed.push(id), resume.signal);
      await until(() => resumed.length === CALLS - 1000, 'the resumed backlog');
      call(stub);
      await until(() => resumed.length === CALLS - 1000 + 1, 'a new call after the resume');
      resume.abort();
      await resuming;
      assert.deepEqual(resumed, Array.from({ length: CALLS - 1000 + 1 }, (_, i) => 1001 + i));
      stalled.destroy();
      controller.abort();
      await reading;
    } finally {
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  });

  it('a fresh stream starts with the newest 500 calls; ?after= (the page\'s reconnect) resumes like Last-Event-ID', async () => {
    const stub = createStub({ ...FIXED });
    const server = createStubServer({ ...FIXED }, stub);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__admin/events`;
    try {
      for (let i = 0; i < 1200; i++) call(stub);
      for (const [query, first] of [['', 701], ['?after=0', 701], ['?after=100', 101], ['?after=1199', 1200]] as const) {
        const ids: number[] = [];
        const controller = new AbortController();
        const reading = readIds(`${base}${query}`, {}, (id) => ids.push(id), controller.signal);
        await until(() => ids.at(-1) === 1200, `the backlog of ${query || 'a fresh stream'}`);
        controller.abort();
        await reading;
        assert.deepEqual(ids, Array.from({ length: 1200 - first + 1 }, (_, i) => first + i), query);
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
