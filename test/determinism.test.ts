import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RunningCli, startCli } from './cli-helpers.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

// Ten calls touching everything that is generated or counted: tokens, task
// ids, id2, GUIDs, sessions, JSON and XML.
const CALLS: { path: string; headers?: Record<string, string>; body: string; type: string }[] = [
  { path: '/api/2.0/authentication', body: JSON.stringify({ userName: 'anna.smith', password: 'x' }), type: 'application/json' },
  { path: '/api/2.0/crm/task', headers: TOKEN, body: JSON.stringify(VALID), type: 'application/json' },
  { path: '/api/2.0/crm/task.xml', headers: TOKEN, body: 'title=Xml&deadline=2026-12-01&categoryId=3', type: 'application/x-www-form-urlencoded' },
  { path: '/api/2.0/authentication', headers: { 'X-Stub-Session': 'b' }, body: JSON.stringify({ userName: 'john.doe', password: 'x' }), type: 'application/json' },
  { path: '/api/2.0/crm/task', headers: { ...TOKEN, 'X-Stub-Session': 'b' }, body: JSON.stringify(VALID), type: 'application/json' },
  { path: '/api/2.0/crm/task', headers: TOKEN, body: JSON.stringify({ ...VALID, categoryId: 99 }), type: 'application/json' },
  { path: '/api/2.0/authentication.xml', body: 'userName=mike.zanyatski&password=x', type: 'application/x-www-form-urlencoded' },
  { path: '/api/2.0/crm/task', headers: TOKEN, body: '<t><title>x</title><deadline>2026-12-01T08-00-00.000Z</deadline><categoryId>5</categoryId></t>', type: 'text/xml' },
  { path: '/api/Task', headers: WELLO_AUTH, body: JSON.stringify({ subject: 'Wello' }), type: 'application/json' },
  { path: '/api/Task', headers: { ...WELLO_AUTH, Accept: 'application/xml', 'X-Stub-Session': 'b' }, body: '<task><subject>Xml</subject></task>', type: 'application/xml' },
];

async function replay(cli: RunningCli): Promise<string[]> {
  const out: string[] = [];
  for (const call of CALLS) {
    const res = await fetch(cli.url + call.path, { method: 'POST', headers: { ...call.headers, 'Content-Type': call.type }, body: call.body });
    out.push(`${res.status} ${res.headers.get('content-type')} ${await res.text()}`);
  }
  return out;
}

describe('determinism (CONTRIBUTING.md, principle 3)', () => {
  it('two processes with the same --seed and --clock answer the same ten calls with identical bytes', async () => {
    const args = ['--port', '0', '--seed', '42', '--clock', '2026-01-02T03:04:05.6789012Z'];
    const [first, second] = await Promise.all([startCli(args), startCli(args)]);
    try {
      const [a, b] = await Promise.all([replay(first), replay(second)]);
      assert.deepEqual(a, b);
      assert.equal(new Set(a.filter((line) => line.includes('"token"'))).size, 2, 'each token differs from the other');
      assert.match(a[8]!, /^201 .*"id":"[0-9a-f-]{36}"/, 'a generated GUID is among the compared bytes');
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('a different --seed gives different tokens', async () => {
    const body = { userName: 'x', password: 'y' };
    const a = await agent({ seed: 1 }).post('/api/2.0/authentication').send(body);
    const b = await agent({ seed: 2 }).post('/api/2.0/authentication').send(body);
    assert.notEqual(a.body.response.token, b.body.response.token);
  });

  it("a session's answers do not depend on calls made in other sessions", async () => {
    const body = { userName: 'x', password: 'y' };
    const alone = agent();
    const busy = agent();
    const expected = [];
    for (let i = 0; i < 3; i++) expected.push((await alone.post('/api/2.0/authentication').set('X-Stub-Session', 'a').send(body)).body);
    const actual = [];
    for (let i = 0; i < 3; i++) {
      await busy.post('/api/2.0/authentication').set('X-Stub-Session', 'noise').send(body);
      await busy.post('/api/2.0/crm/task').set(TOKEN).set('X-Stub-Session', 'noise').send(VALID);
      actual.push((await busy.post('/api/2.0/authentication').set('X-Stub-Session', 'a').send(body)).body);
    }
    assert.deepEqual(actual, expected);
  });
});
