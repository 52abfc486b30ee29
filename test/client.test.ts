import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AdminApiError, StubUnreachableError } from '../src/client/index.js';
import { connect, createApp, VerificationError } from '../src/index.js';
import { FIXED, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

describe('taskstub/client against a real listening server', () => {
  const server = createApp(FIXED).listen(0, '127.0.0.1');
  let url = '';
  before(async () => {
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const createWello = (headers: Record<string, string>, subject = 's') =>
    fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ subject }) });

  it('lists, counts and verifies within its session only', async () => {
    const a = connect(url, { session: 'client-a' });
    const b = connect(url, { session: 'client-b' });
    await createWello(a.headers, 'one');
    await createWello(a.headers, 'two');
    await createWello(b.headers, 'three');
    assert.equal((await a.requests()).requests.length, 2);
    const [latest] = (await a.requests({ limit: 1 })).requests;
    assert.deepEqual(latest!.request.body, { subject: 'two' });
    assert.equal(await a.count({ api: 'wello' }), 2);
    assert.equal(await b.count(), 1);
    await a.verify({ body: { subject: 'one' } }, 1);
    await a.verify({ api: 'wello' }, { atLeast: 2, atMost: 2 });
    await assert.rejects(a.verify({ body: { subject: 'three' } }), (error: unknown) => {
      assert.ok(error instanceof VerificationError);
      assert.equal(error.actual, 0);
      assert.equal(error.nearMisses.length, 2);
      return true;
    });
  });

  it('waits for a call that arrives later, and times out when none does', async () => {
    const c = connect(url, { session: 'client-wait' });
    setTimeout(() => void createWello(c.headers, 'late'), 150);
    const found = await c.waitFor({ body: { subject: 'late' } }, { timeoutMs: 3000 });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.response.status, 201);
    await assert.rejects(c.waitFor({ body: { subject: 'never' } }, { timeoutMs: 200 }), /0 of 1 matching calls after 200 ms/);
  });

  it('reads and sets state, and resets its session', async () => {
    const c = connect(url, { session: 'client-state' });
    const other = connect(url, { session: 'client-other' });
    await createWello(other.headers);
    assert.equal((await c.state()).id2Next, 1);
    const state = await c.setState({ id2Next: 41, taskIdNext: 9 });
    assert.deepEqual([state.session, state.id2Next, state.taskIdNext], ['client-state', 41, 9]);
    const created = (await (await createWello(c.headers)).json()) as { id2: number };
    assert.equal(created.id2, 41);
    const task = (await (await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, ...c.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) })).json()) as { response: { id: number } };
    assert.equal(task.response.id, 9);
    await c.reset();
    assert.equal(await c.count(), 0);
    assert.equal((await c.state()).id2Next, 1);
    assert.equal(await other.count(), 1, 'the other session is left alone');
  });
});

describe('taskstub/client errors say what went wrong', () => {
  const server = createApp(FIXED).listen(0, '127.0.0.1');
  // Asked for now: by the time this suite's before() runs, the server has long been listening.
  const listening = new Promise((resolve) => server.once('listening', resolve));
  let url = '';
  before(async () => {
    await listening;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const createWello = (headers: Record<string, string>, body: object) =>
    fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const verificationMessage = async (promise: Promise<void>) => {
    const error: unknown = await promise.then(
      () => assert.fail('verify resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof VerificationError, String(error));
    return error.message;
  };

  it('a failed verify prints the matcher and the nearest misses with what differs, as WireMock does', async () => {
    const stub = connect(url, { session: 'verify-msg' });
    await createWello(stub.headers, { subject: 'Printer', customer_reference: 'T-2' });
    await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, ...stub.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
    const message = await verificationMessage(stub.verify({ api: 'wello', path: '/api/Task', body: { customer_reference: 'T-1' } }, 1));
    assert.equal(
      message,
      [
        "Expected exactly 1 request matching {api: 'wello', path: '/api/Task', body: {customer_reference: 'T-1'}, session: 'verify-msg'} but found 0.",
        'Nearest misses:',
        '  1. POST /api/Task (session verify-msg) 201: body.customer_reference: expected "T-1", got "T-2"',
        '  2. POST /api/2.0/crm/task (session verify-msg) 201: api: expected "wello", got "onlyoffice"; path: expected "/api/Task", got "/api/2.0/crm/task"; body.customer_reference: missing; expected "T-1"',
      ].join('\n'),
    );
  });

  it('says "at least", "between" and "at most", and leaves near misses out when too many matched or when nothing was recorded', async () => {
    const stub = connect(url, { session: 'verify-counts' });
    await createWello(stub.headers, { subject: 'a' });
    await createWello(stub.headers, { subject: 'a' });
    assert.match(await verificationMessage(stub.verify({ body: { subject: 'b' } })), /^Expected at least 1 request matching \{body: \{subject: 'b'\}, session: 'verify-counts'\} but found 0\.\nNearest misses:\n {2}1\. POST \/api\/Task .*\n {2}2\. /);
    await createWello(stub.headers, { subject: 'c' });
    assert.match(await verificationMessage(stub.verify({ body: { subject: 'a' } }, { atLeast: 3, atMost: 5 })), /^Expected between 3 and 5 requests matching .* but found 2\.\nNearest misses:\n {2}1\. POST \/api\/Task \(session verify-counts\) 201: body\.subject: expected "a", got "c"$/);
    assert.equal(
      await verificationMessage(stub.verify({ body: { subject: 'a' } }, { atMost: 1 })),
      "Expected at most 1 request matching {body: {subject: 'a'}, session: 'verify-counts'} but found 2.",
      'too many found: the calls that missed are beside the point',
    );
    const empty = connect(url, { session: 'verify-empty' });
    assert.equal(
      await verificationMessage(empty.verify({ api: 'wello' }, 2)),
      "Expected exactly 2 requests matching {api: 'wello', session: 'verify-empty'} but found 0.\nNo other requests were recorded in session \"verify-empty\".",
    );
  });

  it('a stub that is not there: "cannot reach the stub at URL (connection refused)" from every call, fetch\'s error kept as the cause', async () => {
    const closed = createApp(FIXED).listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const dead = connect(deadUrl, { session: 's' });
    const calls: [string, () => Promise<unknown>][] = [
      ['requests', () => dead.requests()],
      ['count', () => dead.count()],
      ['verify', () => dead.verify({})],
      ['waitFor', () => dead.waitFor({}, { timeoutMs: 100 })],
      ['reset', () => dead.reset()],
      ['state', () => dead.state()],
      ['setState', () => dead.setState({ id2Next: 1 })],
    ];
    for (const [name, run] of calls) {
      await assert.rejects(run(), (error: unknown) => {
        assert.ok(error instanceof StubUnreachableError, `${name}: ${String(error)}`);
        assert.equal(error.message, `cannot reach the stub at ${deadUrl} (connection refused)`, name);
        assert.equal(error.reason, 'connection refused');
        assert.equal((error.cause as Error).message, 'fetch failed');
        return true;
      });
    }
    assert.throws(() => connect('localhost:4010'), /connect: "localhost:4010" is not an http\(s\) URL/);
  });

  it('an admin 401 says the admin token is missing, or not the right one', async () => {
    const guarded = createApp({ ...FIXED, adminToken: 's3cret' }).listen(0, '127.0.0.1');
    await new Promise((resolve) => guarded.once('listening', resolve));
    const guardedUrl = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}`;
    try {
      await assert.rejects(connect(guardedUrl).count(), (error: unknown) => {
        assert.ok(error instanceof AdminApiError);
        assert.equal(error.status, 401);
        assert.match(error.message, /^taskstub POST \/__admin\/requests\/count: 401, the stub requires an admin token: connect\(url, \{ adminToken \}\)/);
        return true;
      });
      await assert.rejects(connect(guardedUrl, { adminToken: 'wrong' }).state(), /401, the stub refused the admin token given to connect\(\): it is not the one the stub was started with/);
      assert.equal(await connect(guardedUrl, { adminToken: 's3cret' }).count(), 0);
    } finally {
      guarded.close();
    }
  });

  it('a bad matcher gives the stub\'s problem detail; an answer that is not the admin API\'s JSON asks whether the URL is a taskstub', async () => {
    await assert.rejects(connect(url).count({ pathh: '/x' } as never), (error: unknown) => {
      assert.ok(error instanceof AdminApiError);
      assert.equal(error.status, 400);
      assert.match(error.message, /^taskstub POST \/__admin\/requests\/count: 400 The body is not a matcher\. Unknown matcher key "pathh" \(did you mean "path"\?\)/);
      return true;
    });
    const other = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>')).listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      await assert.rejects(connect(otherUrl).state(), { message: `taskstub GET /__admin/state: 404 with text/html, not the admin API's JSON: is ${otherUrl} a taskstub?` });
    } finally {
      other.close();
    }
  });
});
