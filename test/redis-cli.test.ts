// `taskstub serve --store redis+unix://… --workers 2` (issue #18): both workers
// answer, with one id sequence; --workers with the memory store is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startCli } from './cli-helpers.js';
import { RedisServer, skipWithoutRedis } from './redis-server.js';
import { WELLO_AUTH } from './helpers.js';
import { request } from 'node:http';

/** One request on a connection of its own (fetch would keep one alive, reaching one worker only). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose JSON
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('taskstub serve --workers', () => {
  it('refuses --workers 2 with the memory store: exit 2, saying a shared store is needed', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--workers', '2']);
    assert.equal(code, 2);
    assert.match(stderr, /--workers 2 needs a shared store/);
  });
});

describe('taskstub serve --store redis+unix://… --workers 2', { skip: skipWithoutRedis }, () => {
  const redis = new RedisServer();
  before(() => redis.start());
  after(() => redis.stop());

  it('both workers answer, with one id sequence', { timeout: 60_000 }, async () => {
    const cli = await startCli(['serve', '--port', '0', '--seed', '1', '--store', redis.url, '--workers', '2']);
    try {
      const pids = new Set<number>();
      const id2s: number[] = [];
      // The second worker may start a while after the first printed its listening line.
      const deadline = Date.now() + 40_000;
      while ((pids.size < 2 || id2s.length < 20) && Date.now() < deadline) {
        const res = await send(`${cli.url}/api/Task`, 'POST', { 'content-type': 'application/json', accept: 'application/json', ...WELLO_AUTH }, JSON.stringify({ subject: 'worker' }));
        assert.equal(res.status, 201);
        id2s.push(res.json.id2 as number);
        // Two reads of health per create: the primary deals connections round-robin, so with one read per create
        // the creates would all reach one worker and the reads the other; with two they alternate.
        for (let i = 0; i < 2; i++) {
          const health = (await send(`${cli.url}/__admin/health`, 'GET', {})).json as { store: string; replica: { pid: number } };
          assert.equal(health.store, 'redis');
          pids.add(health.replica.pid);
        }
        if (pids.size < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(pids.size, 2, 'both workers answered');
      assert.deepEqual(id2s, Array.from({ length: id2s.length }, (_, i) => i + 1));
    } finally {
      await cli.stop();
    }
  });

  it('SIGTERM with a live page stream open ends the stream and exits 0, without waiting out --shutdown-grace (the Redis feed blocks in XREAD)', { timeout: 30_000 }, async () => {
    const cli = await startCli(['serve', '--port', '0', '--store', redis.url, '--shutdown-grace', '5000']);
    const controller = new AbortController();
    const stream = await fetch(`${cli.url}/__admin/events`, { signal: controller.signal });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    await reader.read();
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })().catch(() => true);
    const code = await cli.stop();
    controller.abort();
    assert.equal(code, 0);
    assert.equal(await ended, true);
    assert.doesNotMatch(cli.stderr(), /--shutdown-grace 5000 ms over/, 'no connection was left for the grace to cut');
  });
});
