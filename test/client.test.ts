import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
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
