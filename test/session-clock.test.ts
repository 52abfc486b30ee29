import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, listening, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type App = ReturnType<typeof agent>;

// FIXED in helpers.ts freezes the global clock at 2026-11-24T10:00:00.1234567Z.
const GLOBAL = '2026-11-24T10:00:00.1234567Z';

const createOnlyoffice = (app: App, session?: string) => {
  const req = app.post('/api/2.0/crm/task').set(TOKEN);
  return (session ? req.set('X-Stub-Session', session) : req).send(VALID);
};
const createWello = (app: App, session?: string) => {
  const req = app.post('/api/Task').set(WELLO_AUTH).type('application/json');
  return (session ? req.set('X-Stub-Session', session) : req).send('{"subject":"s"}');
};
/** ONLYOFFICE's `created` and Wello's `date_create` of one new task each, in this session. */
async function dates(app: App, session?: string): Promise<{ created: string; dateCreate: string }> {
  const oo = await createOnlyoffice(app, session);
  const wello = await createWello(app, session);
  assert.equal(oo.status, 201, oo.text);
  assert.equal(wello.status, 201, wello.text);
  return { created: oo.body.response.created, dateCreate: wello.body.date_create };
}

describe('each session has its own clock (PUT /__admin/state?session=)', () => {
  it('two sessions frozen at different instants answer with different created / date_create, and the journal times agree', async () => {
    const app = agent();
    await app.put('/__admin/state?session=a').send({ clock: '2030-01-01T08:00:00Z' }).expect(200);
    await app.put('/__admin/state?session=b').send({ clock: '2031-06-15T12:30:00.5Z' }).expect(200);
    assert.deepEqual(await dates(app, 'a'), { created: '2030-01-01T08:00:00.0000000Z', dateCreate: '2030-01-01T08:00:00+00:00' });
    assert.deepEqual(await dates(app, 'b'), { created: '2031-06-15T12:30:00.5000000Z', dateCreate: '2031-06-15T12:30:00.5+00:00' });
    const times = (await app.get('/__admin/requests')).body.requests.map((r: { session: string; time: string }) => `${r.session} ${r.time}`);
    assert.deepEqual(times, ['a 2030-01-01T08:00:00.0000000Z', 'a 2030-01-01T08:00:00.0000000Z', 'b 2031-06-15T12:30:00.5000000Z', 'b 2031-06-15T12:30:00.5000000Z']);
    assert.equal((await app.get('/__admin/state?session=a')).body.clock, '2030-01-01T08:00:00.0000000Z');
    assert.equal((await app.get('/__admin/state?session=b')).body.clock, '2031-06-15T12:30:00.5000000Z');
  });

  it('a session without its own clock follows the global one (--clock, or the default session\'s PUT)', async () => {
    const app = agent();
    await app.put('/__admin/state?session=own').send({ clock: '2030-01-01T00:00:00Z' });
    assert.equal((await dates(app, 'follower')).created, '2026-11-24T10:00:00.1234567Z', '--clock');
    assert.equal((await dates(app)).created, GLOBAL, 'the default session reads the global clock');

    // The default session's clock is the global one: moving it moves every session that has none of its own.
    await app.put('/__admin/state').send({ clock: '2040-02-02T02:02:02Z' }).expect(200);
    assert.equal((await dates(app, 'follower')).created, '2040-02-02T02:02:02.0000000Z');
    assert.equal((await dates(app, 'never-seen')).created, '2040-02-02T02:02:02.0000000Z');
    assert.equal((await dates(app, 'own')).created, '2030-01-01T00:00:00.0000000Z', 'a session with its own clock keeps it');
    assert.equal((await app.get('/__admin/state?session=follower')).body.clock, '2040-02-02T02:02:02.0000000Z');
    assert.equal((await app.get('/__admin/health')).body.clock, 'frozen');

    // clock: null on a session drops its own instant: it follows the global clock again.
    const put = await app.put('/__admin/state?session=own').send({ clock: null });
    assert.equal(put.body.clock, '2040-02-02T02:02:02.0000000Z');
    assert.equal((await dates(app, 'own')).created, '2040-02-02T02:02:02.0000000Z');
  });

  it('the global clock let run (clock: null on the default session): sessions without their own run in real time, frozen ones stay', async () => {
    const app = agent();
    await app.put('/__admin/state?session=frozen').send({ clock: '2030-01-01T00:00:00Z' });
    await app.put('/__admin/state').send({ clock: null }).expect(200);
    assert.equal((await app.get('/__admin/health')).body.clock, 'real');
    assert.equal((await app.get('/__admin/state?session=other')).body.clock, null);
    const before = Date.now();
    const created = Date.parse((await dates(app, 'other')).created);
    assert.ok(created >= before - 1000 && created <= Date.now() + 1000, `real time: ${created}`);
    assert.equal((await dates(app, 'frozen')).created, '2030-01-01T00:00:00.0000000Z');
  });

  it('a reset forgets a session\'s own clock (it follows the global again) and leaves the global clock as it is', async () => {
    const app = agent();
    await app.put('/__admin/state').send({ clock: '2035-05-05T05:05:05Z' });
    await app.put('/__admin/state?session=s').send({ clock: '2030-01-01T00:00:00Z' });
    await app.post('/__admin/reset?session=s').expect(200);
    assert.equal((await app.get('/__admin/state?session=s')).body.clock, '2035-05-05T05:05:05.0000000Z');
    await app.post('/__admin/reset').expect(200);
    assert.equal((await app.get('/__admin/state')).body.clock, '2035-05-05T05:05:05.0000000Z');
  });

  it('is deterministic: the same seed, --clock and session clocks give byte-identical answers per session, in any order of sessions', async () => {
    async function run(order: string[]): Promise<Record<string, string[]>> {
      const app = agent({ seed: 99 });
      await app.put('/__admin/state?session=a').send({ clock: '2030-01-01T08:00:00.7654321Z' });
      const out: Record<string, string[]> = {};
      for (const session of order) {
        const answers = (out[session] ??= []);
        answers.push((await createOnlyoffice(app, session)).text, (await createWello(app, session)).text);
      }
      return out;
    }
    const first = await run(['a', 'b', 'a', 'b']);
    const second = await run(['b', 'b', 'a', 'a']);
    assert.deepEqual(second, first);
    assert.match(first.a![0]!, /"created":"2030-01-01T08:00:00.7654321Z"/);
    assert.match(first.b![0]!, /"created":"2026-11-24T10:00:00.1234567Z"/);
  });

  it('refuses a bad clock for a session and changes nothing', async () => {
    const app = agent();
    const put = await app.put('/__admin/state?session=s').send({ id2Next: 5, clock: '+275760-09-13T00:00:00Z' });
    assert.equal(put.status, 400);
    assert.deepEqual((await app.get('/__admin/state?session=s')).body, { session: 's', id2Next: 1, taskIdNext: 1, clock: GLOBAL });
  });
});

describe('the X-Stub-Session header on admin routes names the session, as ?session= does', () => {
  const S = { 'X-Stub-Session': 'hdr' };

  it('PUT /__admin/state with the header edits that session, not default', async () => {
    const app = agent();
    const put = await app.put('/__admin/state').set(S).send({ id2Next: 40, taskIdNext: 9, clock: '2030-03-03T03:03:03Z' });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { session: 'hdr', id2Next: 40, taskIdNext: 9, clock: '2030-03-03T03:03:03.0000000Z' });
    assert.deepEqual((await app.get('/__admin/state')).body, { session: 'default', id2Next: 1, taskIdNext: 1, clock: GLOBAL }, 'default is untouched');
    assert.deepEqual((await app.get('/__admin/state').set(S)).body, put.body, 'GET reads it by the header too');
    const wello = await createWello(app, 'hdr');
    assert.equal(wello.body.id2, 40);
    assert.equal(wello.body.date_create, '2030-03-03T03:03:03+00:00');
    assert.equal((await createWello(app)).body.id2, 1);
  });

  it('a session named twice, differently (query, header, body), is a 400 problem that changes nothing; the same name twice is fine', async () => {
    const app = agent();
    const cases = [
      app.put('/__admin/state?session=a').set('X-Stub-Session', 'b').send({ id2Next: 5 }),
      app.put('/__admin/state').set('X-Stub-Session', 'b').send({ session: 'a', id2Next: 5 }),
      app.put('/__admin/state?session=a').send({ session: 'b', id2Next: 5 }),
      app.get('/__admin/requests?session=a').set('X-Stub-Session', 'b'),
      app.post('/__admin/requests/count').set('X-Stub-Session', 'b').send({ session: 'a' }),
      app.post('/__admin/verify').set('X-Stub-Session', 'b').send({ session: 'a', count: 0 }),
      app.post('/__admin/faults').set('X-Stub-Session', 'b').send({ match: { session: 'a' }, fault: { status: 503 } }),
      app.delete('/__admin/requests?session=a').set('X-Stub-Session', 'b'),
      app.post('/__admin/reset?session=a').set('X-Stub-Session', 'b'),
    ];
    for (const res of await Promise.all(cases)) {
      assert.equal(res.status, 400, res.text);
      assert.match(res.headers['content-type']!, /^application\/problem\+json/);
      assert.match(res.body.detail, /^The call names two sessions: "(a|b)" in the (query \(\?session=\)|X-Stub-Session header) and "(?!\1)(a|b)" in the (X-Stub-Session header|body)\./);
    }
    assert.equal((await app.get('/__admin/state?session=a')).body.id2Next, 1);
    assert.deepEqual((await app.get('/__admin/faults')).body.faults, []);
    const same = await app.put('/__admin/state?session=a').set('X-Stub-Session', ' a ').send({ session: 'a', id2Next: 5 });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.id2Next, 5);
  });

  it('scopes listings, exports, count, verify, clearing and reset', async () => {
    const app = agent();
    await createWello(app, 'hdr');
    await createWello(app, 'hdr');
    await createWello(app, 'other');
    await createOnlyoffice(app);
    assert.equal((await app.get('/__admin/requests').set(S)).body.total, 2);
    assert.equal((await app.get('/__admin/requests?api=wello').set(S)).body.total, 2);
    assert.equal((await app.get('/__admin/requests.jsonl').set(S)).text.trim().split('\n').length, 2);
    assert.equal(JSON.parse((await app.get('/__admin/requests.har').set(S).buffer(true)).body.toString()).log.entries.length, 2);
    assert.equal((await app.post('/__admin/requests/count').set(S).send({ api: 'wello' })).body.count, 2);
    assert.equal((await app.post('/__admin/requests/count?session=other').send({})).body.count, 1, '?session= on count too');
    assert.equal((await app.post('/__admin/verify').set(S).send({ api: 'wello', count: 2 })).status, 200);
    const failed = await app.post('/__admin/verify').set(S).send({ api: 'onlyoffice', count: 1 });
    assert.equal(failed.status, 409);
    assert.ok(failed.body.nearMisses.every((m: { session: string }) => m.session === 'hdr'), 'near misses from that session only');

    await app.delete('/__admin/requests').set(S).expect(200);
    assert.equal((await app.get('/__admin/requests')).body.total, 2, 'the other sessions keep their calls');
    await app.put('/__admin/state').set(S).send({ id2Next: 7 });
    await app.post('/__admin/reset').set(S).expect(200);
    assert.equal((await app.get('/__admin/state?session=hdr')).body.id2Next, 1);
    assert.equal((await app.get('/__admin/requests')).body.total, 2);
  });

  it('queues, lists and clears faults for that session', async () => {
    const app = agent();
    const queued = await app.post('/__admin/faults').set(S).send({ fault: { status: 503 } });
    assert.equal(queued.status, 201, queued.text);
    await app.post('/__admin/faults').send({ match: { session: 'other' }, fault: { status: 500 } });
    assert.deepEqual((await app.get('/__admin/faults').set(S)).body.faults.map((f: { match: unknown }) => f.match), [{ session: 'hdr' }]);
    assert.equal((await createWello(app)).status, 201, 'not the default session\'s');
    assert.equal((await createWello(app, 'hdr')).status, 503);
    await app.post('/__admin/faults').set(S).send({ match: { api: 'wello' }, fault: { status: 502 } });
    await app.delete('/__admin/faults').set(S).expect(200);
    assert.deepEqual((await app.get('/__admin/faults')).body.faults.map((f: { match: unknown }) => f.match), [{ session: 'other' }]);
  });

  it('GET /__admin/events with the header (or ?session=) streams that session\'s calls and the clears that reach it', async () => {
    const { url, close } = await listening();
    const post = (session: string) =>
      fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Session': session }, body: `{"subject":"${session}"}` });
    try {
      await post('hdr');
      await post('other');
      const controller = new AbortController();
      const res = await fetch(`${url}/__admin/events`, { headers: S, signal: controller.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      const readUntil = async (pattern: RegExp) => {
        while (!pattern.test(text)) text += (await reader.read()).value ?? '';
      };
      await post('other');
      await post('hdr');
      await fetch(`${url}/__admin/requests?session=other`, { method: 'DELETE' });
      await fetch(`${url}/__admin/requests?session=hdr`, { method: 'DELETE' });
      await readUntil(/event: cleared\ndata: \{"session":"hdr"\}/);
      controller.abort();
      const sessions = [...text.matchAll(/"session":"([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(sessions, ['hdr', 'hdr', 'hdr'], 'the backlog call, the new call, the clear of hdr; nothing of "other"');
      const conflict = await fetch(`${url}/__admin/events?session=a`, { headers: S });
      assert.equal(conflict.status, 400);
    } finally {
      close();
    }
  });
});
