// Every shipped scenario (fixtures/scenarios/) replayed against three replicas
// on one real Redis, behind a round-robin proxy that sends each request to the
// next replica: the steps of one scenario (its create, its read-back, its
// admin calls) land on different processes' worth of stubs and must pass as
// they do against one in-memory stub (test/replay.test.ts). This is the suite's
// check that the shared store changes nothing a scenario can see (issue #18).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSchemas } from '../src/core/schemas.js';
import { FORMATS } from '../src/formats.js';
import { textReport } from '../src/replay/report.js';
import { replay } from '../src/replay/run.js';
import { loadScenario, scenarioFiles } from '../src/replay/scenarios.js';
import { createStubServer } from '../src/server.js';
import { createApp } from '../src/app.js';
import { createStub } from '../src/stub.js';
import { RedisStore } from '../src/store/redis/index.js';
import { FIXED, ROOT } from './helpers.js';
import { RedisServer, skipWithoutRedis } from './redis-server.js';

const registry = loadSchemas(FORMATS);

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A proxy that forwards each request to the next replica in turn (a load balancer without stickiness). */
function roundRobin(targets: string[]): { server: Server; sent: number[] } {
  let next = 0;
  const sent = targets.map(() => 0);
  const server = createServer((req, res) => {
    const i = next++ % targets.length;
    sent[i]!++;
    const upstream = request(targets[i]! + req.url, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return { server, sent };
}

describe('the shipped scenarios against three replicas on one Redis, round-robin', { skip: skipWithoutRedis }, () => {
  const redis = new RedisServer();
  const servers: Server[] = [];
  const stores: RedisStore[] = [];
  let target = '';
  let sent: number[] = [];

  before(async () => {
    await redis.start();
    const urls: string[] = [];
    for (let i = 0; i < 3; i++) {
      const store = await RedisStore.connect(`${redis.url}?prefix=scenarios:`);
      stores.push(store);
      const stub = createStub({ ...FIXED, sharedStore: store });
      // Both HTTP adapters: the fast node:http one and Express.
      const server = i % 2 === 0 ? createStubServer({ ...FIXED }, stub) : createServer(createApp({ ...FIXED }, stub));
      servers.push(server);
      urls.push(await listen(server));
    }
    const proxy = roundRobin(urls);
    servers.push(proxy.server);
    sent = proxy.sent;
    target = await listen(proxy.server);
  });
  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    for (const store of stores) await store.close();
    await redis.stop();
  });

  it('every scenario passes, twice in a row, with its steps spread over the replicas', async () => {
    const files = scenarioFiles([join(ROOT, 'fixtures', 'scenarios')]);
    assert.ok(files.length >= 10);
    for (let run = 0; run < 2; run++) {
      const results = await replay(files.map((f) => loadScenario(f, registry)), { target, registry });
      assert.ok(results.every((r) => r.ok), textReport(results));
      assert.equal(results.filter((r) => r.skipped).length, 0);
    }
    assert.ok(sent.every((n) => n > 50), `each replica answered part of it: ${sent.join(', ')}`);
  });
});
