// N replicas as one stub (issue #18): two or three stubs, each with its own
// connection to one real redis-server (test/redis-server.ts), answering
// through both HTTP adapters. Each test takes its own key prefix. Skips when
// redis-server is missing, unless TASKSTUB_REQUIRE_REDIS=1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { createStubServer } from '../src/server.js';
import { createStub } from '../src/stub.js';
import { RedisStore } from '../src/store/redis/index.js';
import { RedisServer, skipWithoutRedis } from './redis-server.js';
import { FIXED, fixturesWith, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

interface Replica {
  url: string;
  store: RedisStore;
  server: Server;
}

const WELLO = { 'content-type': 'application/json', accept: 'application/json', ...WELLO_AUTH };
const ONLYOFFICE = { 'content-type': 'application/json', ...TOKEN };

async function call(replica: Replica, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(replica.url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers are read as loose JSON
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const welloCreate = (r: Replica, session?: string) => call(r, 'POST', '/api/Task', { ...WELLO, ...(session ? { 'x-stub-session': session } : {}) }, { subject: 'from a replica' });
const onlyofficeCreate = (r: Replica, session?: string) => call(r, 'POST', '/api/2.0/crm/task', { ...ONLYOFFICE, ...(session ? { 'x-stub-session': session } : {}) }, VALID);

describe('N replicas on one Redis behave as one stub', { skip: skipWithoutRedis }, () => {
  const redis = new RedisServer();
  const started: Replica[] = [];
  let prefixes = 0;
  before(() => redis.start());
  after(async () => {
    for (const r of started) {
      r.server.closeAllConnections();
      r.server.close();
      await r.store.close();
    }
    await redis.stop();
  });

  /** A replica on the prefix: the fast node:http adapter for even ones, Express for odd ones. */
  interface ReplicaOptions {
    commandTimeout?: number;
    maxTasks?: number;
    fixtures?: string;
  }
  async function replica(prefix: string, n: number, options: ReplicaOptions = {}): Promise<Replica> {
    const store = await RedisStore.connect(`${redis.url}?prefix=${prefix}`, { commandTimeout: options.commandTimeout ?? 2000, connectTimeout: 2000, ...(options.maxTasks ? { maxTasks: options.maxTasks } : {}) });
    const stub = createStub({ ...FIXED, sharedStore: store, ...(options.fixtures ? { fixtures: options.fixtures } : {}) });
    const server = n % 2 === 0 ? createStubServer({ ...FIXED }, stub) : (await import('node:http')).createServer(createApp({ ...FIXED }, stub));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const r = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, server };
    started.push(r);
    return r;
  }
  async function replicas(count: number, options: ReplicaOptions | number = {}): Promise<Replica[]> {
    const prefix = `r${++prefixes}:`;
    const given = typeof options === 'number' ? { commandTimeout: options } : options;
    return Promise.all(Array.from({ length: count }, (_, i) => replica(prefix, i, given)));
  }

  it('500 concurrent Wello creates split over three replicas get id2 1..500, and 100 ONLYOFFICE creates ids 1..100: none twice, none skipped', async () => {
    const all = await replicas(3);
    const wello = await Promise.all(Array.from({ length: 500 }, (_, i) => welloCreate(all[i % 3]!)));
    assert.deepEqual(new Set(wello.map((r) => r.status)), new Set([201]));
    const id2s = wello.map((r) => r.json.id2 as number).sort((a, b) => a - b);
    assert.deepEqual(id2s, Array.from({ length: 500 }, (_, i) => i + 1));
    assert.equal(new Set(wello.map((r) => r.json.id)).size, 500, 'GUIDs are distinct');
    const onlyoffice = await Promise.all(Array.from({ length: 100 }, (_, i) => onlyofficeCreate(all[i % 3]!)));
    assert.deepEqual(new Set(onlyoffice.map((r) => r.status)), new Set([201]));
    assert.deepEqual(
      onlyoffice.map((r) => r.json.response.id as number).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('--max-tasks under concurrent creates from three replicas: exactly the limit get 201, the rest 507 in the API shape (never a 500), ids 1..limit with none skipped', async () => {
    const all = await replicas(3, { maxTasks: 7 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => onlyofficeCreate(all[i % 3]!, 'full')));
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 7, statuses.join());
    assert.equal(statuses.filter((s) => s === 507).length, 33, statuses.join());
    for (const refused of answers.filter((r) => r.status === 507)) assert.equal(refused.json.statusCode, 507);
    assert.deepEqual(answers.filter((r) => r.status === 201).map((r) => r.json.response.id as number).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
    // Every room begin reserved was taken or given back: deleting one task makes room for exactly one more create.
    assert.equal((await call(all[1]!, 'DELETE', '/api/2.0/crm/task/3', { ...ONLYOFFICE, 'x-stub-session': 'full' })).status, 200);
    const after = await Promise.all(Array.from({ length: 6 }, (_, i) => onlyofficeCreate(all[i % 3]!, 'full')));
    assert.deepEqual(after.map((r) => r.status).sort(), [201, 507, 507, 507, 507, 507]);
    assert.equal(after.find((r) => r.status === 201)!.json.response.id, 8, 'the refused creates drew no id');
    const wello = await Promise.all(Array.from({ length: 20 }, (_, i) => welloCreate(all[i % 3]!, 'full')));
    assert.equal(wello.filter((r) => r.status === 201).length, 7);
    assert.ok(wello.every((r) => r.status === 201 || r.status === 507), wello.map((r) => r.status).join());
  });

  it('fixture tasks: concurrent first calls of a new session on three replicas all see them, seeded once; new ids start past the highest fixture id (lifecycle.ts tasksOf)', async () => {
    const fixtures = fixturesWith((data) => {
      data.tasks = [
        { id: 4, title: 'Seeded call', deadline: '2026-12-01T09:00:00', categoryId: 1 },
        { id: 9, title: 'Seeded demo', deadline: '2026-12-02', categoryId: 1 },
      ];
    });
    const all = await replicas(3, { fixtures });
    const headers = { ...ONLYOFFICE, 'x-stub-session': 'seeded' };
    const reads = await Promise.all(Array.from({ length: 9 }, (_, i) => call(all[i % 3]!, 'GET', '/api/2.0/crm/task/filter', headers)));
    for (const read of reads) assert.deepEqual(read.json.response.map((t: { id: number }) => t.id).sort(), [4, 9]);
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => onlyofficeCreate(all[i % 3]!, 'seeded')));
    assert.deepEqual(created.map((r) => r.json.response.id as number).sort((a, b) => a - b), [10, 11, 12, 13, 14, 15]);
    const listed = await call(all[0]!, 'GET', '/api/2.0/crm/task/filter', headers);
    assert.equal(listed.json.total, 8, 'the fixture tasks once, and the six created');
  });

  it('the journal reads the same from every replica: every call, one order, one total; requests/:id and verify work anywhere', async () => {
    const [a, b] = await replicas(2);
    for (let i = 0; i < 10; i++) await welloCreate(i % 2 ? a! : b!, 'job');
    await Promise.all(Array.from({ length: 20 }, (_, i) => onlyofficeCreate(i % 2 ? a! : b!, 'job')));
    const fromA = await call(a!, 'GET', '/__admin/requests?session=job');
    const fromB = await call(b!, 'GET', '/__admin/requests?session=job');
    assert.equal(fromA.json.total, 30);
    assert.deepEqual(fromA.json, fromB.json);
    const ids = fromA.json.requests.map((e: { id: number }) => e.id);
    assert.deepEqual(ids, [...ids].sort((x: number, y: number) => x - y));
    const one = await call(b!, 'GET', `/__admin/requests/${ids[3]}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.id, ids[3]);
    const verify = await call(a!, 'POST', '/__admin/verify', {}, { session: 'job', api: 'wello', count: 10 });
    assert.deepEqual(verify.json, { ok: true, actual: 10 });
    const count = await call(b!, 'POST', '/__admin/requests/count', {}, { session: 'job', api: 'onlyoffice' });
    assert.deepEqual(count.json, { count: 20 });
  });

  it('a reset through one replica is seen by all; sessions stay isolated', async () => {
    const [a, b] = await replicas(2);
    await welloCreate(a!, 'one');
    await welloCreate(b!, 'one');
    await welloCreate(b!, 'two');
    assert.equal((await welloCreate(a!, 'two')).json.id2, 2, 'each session counts on its own');
    assert.equal((await call(a!, 'POST', '/__admin/reset?session=one')).status, 200);
    assert.equal((await call(b!, 'GET', '/__admin/requests?session=one')).json.total, 0);
    assert.equal((await call(b!, 'GET', '/__admin/requests?session=two')).json.total, 2);
    assert.equal((await welloCreate(b!, 'one')).json.id2, 1, 'the reset session starts again');
    assert.equal((await welloCreate(a!, 'two')).json.id2, 3, 'the other kept its counter');
    const state = await call(a!, 'GET', '/__admin/state?session=two');
    assert.equal(state.json.id2Next, 4);
    await call(b!, 'PUT', '/__admin/state', {}, { session: 'two', id2Next: 100 });
    assert.equal((await welloCreate(a!, 'two')).json.id2, 100);
  });

  it('a fault queued on one replica with times: 2 hits exactly two calls, wherever they land', async () => {
    const [a, b, c] = await replicas(3);
    const queued = await call(a!, 'POST', '/__admin/faults', {}, { match: { session: 'f', api: 'wello' }, fault: { status: 503 }, times: 2 });
    assert.equal(queued.status, 201);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => welloCreate([a, b, c][i % 3]!, 'f')));
    assert.equal(results.filter((r) => r.status === 503).length, 2);
    assert.equal(results.filter((r) => r.status === 201).length, 10);
    // Faulted calls take no id: the others have 1..10.
    assert.deepEqual(
      results.filter((r) => r.status === 201).map((r) => r.json.id2).sort((x: number, y: number) => x - y),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    assert.deepEqual((await call(b!, 'GET', '/__admin/faults')).json, { faults: [] });
  });

  it('a replica started later continues the counters', async () => {
    const prefix = `r${++prefixes}:`;
    const a = await replica(prefix, 0);
    for (let i = 0; i < 3; i++) await welloCreate(a, 'late');
    const b = await replica(prefix, 1);
    assert.equal((await welloCreate(b, 'late')).json.id2, 4);
  });

  it('a task created on one replica reads back on another (GET api/Task(<guid>), GET crm/task/{id}, GET /__admin/tasks)', async () => {
    const [a, b] = await replicas(2);
    const wello = await welloCreate(a!, 'read');
    const read = await call(b!, 'GET', `/api/Task(${wello.json.id})`, { ...WELLO, 'x-stub-session': 'read' });
    assert.equal(read.status, 200);
    assert.equal(read.json.id, wello.json.id);
    assert.equal(read.json.subject, 'from a replica');
    const task = await onlyofficeCreate(b!, 'read');
    const back = await call(a!, 'GET', `/api/2.0/crm/task/${task.json.response.id}`, { ...TOKEN, 'x-stub-session': 'read' });
    assert.equal(back.status, 200);
    assert.equal(back.json.response.id, task.json.response.id);
    assert.equal(back.json.response.title, VALID.title);
    const missing = await call(a!, 'GET', '/api/2.0/crm/task/999', { ...TOKEN, 'x-stub-session': 'read' });
    assert.equal(missing.status, 404);
    const tasks = await call(b!, 'GET', '/__admin/tasks?session=read');
    assert.equal(tasks.json.wello.length, 1);
    assert.equal(tasks.json.onlyoffice.length, 1);
  });

  it('a provider-state setup with params.tasks through one replica: another reads the created tasks, and its journal of the session is empty', async () => {
    const [a, b] = await replicas(2);
    await welloCreate(b!, 'pact');
    const setup = await call(a!, 'POST', '/__admin/provider-states', {}, {
      state: 'tasks exist',
      action: 'setup',
      params: {
        session: 'pact',
        clock: '2030-01-01T08:00:00Z',
        id2Next: 50,
        tasks: { onlyoffice: [{ ...VALID, id: 7 }], wello: [{ subject: 'Printer jammed' }, { subject: 'Closed at once', dispatch: { archived: true } }] },
      },
    });
    assert.equal(setup.status, 200, setup.text);
    assert.equal(setup.json.onlyofficeTaskId, 7);
    assert.equal(setup.json.tasks.wello.length, 2);
    assert.equal(setup.json.id2Next, 50);
    assert.equal(setup.json.taskIdNext, 8);
    assert.equal(setup.json.clock, '2030-01-01T08:00:00.0000000Z');
    assert.deepEqual((await call(b!, 'GET', '/__admin/requests?session=pact')).json.total, 0, 'the setup\'s calls are not recorded, and the reset dropped the one before');
    const wello = await call(b!, 'GET', `/api/Task(${setup.json.welloTaskId})`, { ...WELLO, 'x-stub-session': 'pact' });
    assert.equal(wello.status, 200);
    assert.equal(wello.json.subject, 'Printer jammed');
    assert.equal(wello.json.id2, 1, 'the reset session counted from 1 again');
    const dispatched = await call(b!, 'GET', `/api/Task(${setup.json.welloTaskId2})`, { ...WELLO, 'x-stub-session': 'pact' });
    assert.equal(dispatched.json.archived, true);
    assert.equal(dispatched.json.date_closed, '2030-01-01T08:00:00+00:00', 'the dispatch ran at the state\'s clock');
    const onlyoffice = await call(b!, 'GET', '/api/2.0/crm/task/7', { ...TOKEN, 'x-stub-session': 'pact' });
    assert.equal(onlyoffice.status, 200);
    assert.equal(onlyoffice.json.response.title, VALID.title);
    assert.equal((await call(b!, 'GET', '/__admin/state?session=pact')).json.id2Next, 50);
    assert.equal((await welloCreate(b!, 'pact')).json.id2, 50, 'the verifier\'s create gets id2Next');
    const refused = await call(b!, 'POST', '/__admin/provider-states', {}, { state: 's', params: { session: 'pact', tasks: { wello: [{}] } } });
    assert.equal(refused.status, 400);
    assert.match(refused.json.detail, /params\.tasks\.wello\[0\]: Wello refused the create/);
    assert.equal((await call(a!, 'GET', '/__admin/tasks?session=pact')).json.wello.length, 0, 'a refused setup leaves the session reset');
  });

  it('a dispatcher\'s PATCH through one replica archives a Wello task that another then reads as closed; an unknown id is a 404 problem', async () => {
    const [a, b] = await replicas(2);
    const created = await welloCreate(b!, 'dispatch');
    assert.equal((await call(a!, 'GET', '/api/TaskView/CountOpen', { ...WELLO, 'x-stub-session': 'dispatch' })).text, '1');
    await call(b!, 'PUT', '/__admin/state', {}, { session: 'dispatch', clock: '2026-11-25T08:30:00Z' });
    const patched = await call(a!, 'PATCH', `/__admin/wello/tasks/${created.json.id}?session=dispatch`, {}, { archived: true });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(patched.json.archived, true);
    assert.equal(patched.json.date_closed, '2026-11-25T08:30:00+00:00', 'at the session\'s clock, set through the other replica');
    assert.equal(patched.json.subject, 'from a replica');
    assert.equal((await call(b!, 'GET', '/api/TaskView/CountOpen', { ...WELLO, 'x-stub-session': 'dispatch' })).text, '0');
    const read = await call(b!, 'GET', `/api/Task(${created.json.id})`, { ...WELLO, 'x-stub-session': 'dispatch' });
    assert.equal(read.json.archived, true);
    assert.equal(read.text, patched.text, 'the other replica answers the PATCH answer\'s bytes');
    assert.equal((await call(b!, 'GET', '/__admin/requests?session=dispatch')).json.total, 4, 'the change is not a call: only the create and the three reads');
    for (const r of [a!, b!]) {
      const missing = await call(r, 'PATCH', '/__admin/wello/tasks/9b1d0c1e-0000-4000-8000-000000000001?session=dispatch', {}, { archived: true });
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.match(missing.json.detail, /No Wello task 9b1d0c1e-0000-4000-8000-000000000001 in session "dispatch"/);
      const bad = await call(r, 'PATCH', `/__admin/wello/tasks/${created.json.id}?session=dispatch`, {}, { id2: 5 });
      assert.equal(bad.status, 400);
    }
  });

  it('the live page stream of one replica shows calls answered by another, and resumes after Last-Event-ID', async () => {
    const [a, b] = await replicas(2);
    await welloCreate(a!, 'live');
    const controller = new AbortController();
    const res = await fetch(`${a!.url}/__admin/events?session=live`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let seen = '';
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 5000;
      while (!pattern.test(seen)) {
        if (Date.now() > deadline) throw new Error(`not seen ${pattern} in ${seen}`);
        const { value, done } = await reader.read();
        if (done) break;
        seen += Buffer.from(value).toString();
      }
    };
    await until(/id: \d+\nevent: entry/);
    const first = Number(/id: (\d+)/.exec(seen)![1]);
    await welloCreate(b!, 'live');
    await until(new RegExp(`id: ${first + 1}\\n`));
    controller.abort();
    const resumed = await fetch(`${a!.url}/__admin/events?session=live`, { headers: { 'last-event-id': String(first) } });
    const text = await (async () => {
      const r = resumed.body!.getReader();
      let out = '';
      while (!out.includes('\n\n\n') && !/event: entry[\s\S]*\n\n/.test(out)) out += Buffer.from((await r.read()).value!).toString();
      await r.cancel();
      return out;
    })();
    assert.match(text, new RegExp(`id: ${first + 1}\\n`));
    assert.doesNotMatch(text, new RegExp(`id: ${first}\\n`));
  });

  it('Redis killed: 503 in each API’s own shape and health 503 with store "unreachable", within the timeout; then the stub recovers', { timeout: 30_000 }, async () => {
    const own = new RedisServer();
    await own.start();
    try {
      const store = await RedisStore.connect(own.url, { commandTimeout: 500, connectTimeout: 1000 });
      const stub = createStub({ ...FIXED, sharedStore: store });
      const server = createStubServer({ ...FIXED }, stub);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const r: Replica = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, server };
      started.push(r);
      assert.equal((await welloCreate(r)).status, 201);
      await own.kill();
      const t0 = Date.now();
      const wello = await welloCreate(r);
      assert.equal(wello.status, 503);
      assert.equal(typeof wello.json.Message, 'string', `Wello's HttpError shape: ${wello.text}`);
      const onlyoffice = await onlyofficeCreate(r);
      assert.equal(onlyoffice.status, 503);
      assert.equal(onlyoffice.json.statusCode, 503, `ONLYOFFICE's envelope: ${onlyoffice.text}`);
      assert.equal(typeof onlyoffice.json.error?.message, 'string');
      const health = await call(r, 'GET', '/__admin/health');
      assert.equal(health.status, 503);
      assert.equal(health.json.store, 'unreachable');
      assert.ok(Date.now() - t0 < 5000, 'answered within bounded time');
      await own.start();
      const deadline = Date.now() + 10_000;
      let again = await welloCreate(r);
      while (again.status !== 201 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        again = await welloCreate(r);
      }
      assert.equal(again.status, 201);
      assert.equal((await call(r, 'GET', '/__admin/health')).status, 200);
    } finally {
      await own.stop();
    }
  });
});
