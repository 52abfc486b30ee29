import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type App = ReturnType<typeof agent>;

const createOnlyoffice = (app: App, session?: string, body: object = VALID) => {
  const req = app.post('/api/2.0/crm/task').set(TOKEN);
  return (session ? req.set('X-Stub-Session', session) : req).send(body);
};
const createWello = (app: App, session?: string, body: object = { subject: 's' }) => {
  const req = app.post('/api/Task').set(WELLO_AUTH).type('application/json');
  return (session ? req.set('X-Stub-Session', session) : req).send(JSON.stringify(body));
};

describe('the journal: an entry for every call to either API (README, admin API)', () => {
  it('records the request, the response, validity, errors, issued ids and duration', async () => {
    const app = agent();
    await createOnlyoffice(app, undefined, { ...VALID, description: 'd' });
    await createWello(app, 'w');
    const list = (await app.get('/__admin/requests')).body;
    assert.equal(list.total, 2);
    assert.equal(list.evicted, 0);
    const [oo, wello] = list.requests;
    assert.equal(oo.id, 1);
    assert.equal(oo.session, 'default');
    assert.equal(oo.time, '2026-11-24T10:00:00.1234567Z');
    assert.equal(oo.api, 'onlyoffice');
    assert.equal(oo.operation, 'createTask');
    assert.equal(oo.request.method, 'POST');
    assert.equal(oo.request.path, '/api/2.0/crm/task');
    assert.deepEqual(oo.request.query, {});
    assert.equal(oo.request.headers.authorization, '****', 'credentials are masked unless --journal-secrets');
    assert.deepEqual(oo.request.body, { ...VALID, description: 'd' });
    assert.equal(oo.response.status, 201);
    assert.equal(oo.response.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(oo.response.body.response.id, 1);
    assert.equal(oo.valid, false, 'responsibleId is required by the schema');
    assert.deepEqual(oo.errors, [{ path: '/responsibleId', message: "must have required property 'responsibleId'" }]);
    assert.deepEqual(oo.issued, { taskId: 1 });
    assert.equal(typeof oo.durationMs, 'number');
    assert.equal(wello.session, 'w');
    assert.equal(wello.api, 'wello');
    assert.equal(wello.valid, true);
    assert.equal(wello.issued.id2, 1);
    assert.match(wello.issued.guids[0], /^[0-9a-f-]{36}$/);
    assert.equal(wello.response.headers.location.endsWith(`(${wello.issued.guids[0]})`), true);
  });

  it('records invalid calls of any status, parsing XML and form bodies, and keeps the raw body when it does not parse', async () => {
    const app = agent();
    await app.post('/api/Task').set(WELLO_AUTH).type('application/xml').send('<task><subject>x</subject></task>');
    await app.post('/api/2.0/crm/task').set(TOKEN).type('form').send('title=t&categoryId=99');
    await app.post('/api/Task').set(WELLO_AUTH).type('application/json').send('{"subject": ');
    await app.post('/api/2.0/crm/task').send(VALID);
    await app.get('/api/2.0/nothing');
    const { requests } = (await app.get('/__admin/requests')).body;
    assert.deepEqual(requests.map((r: { response: { status: number } }) => r.response.status), [201, 404, 400, 401, 404]);
    assert.deepEqual(requests[0].request.body, { task: { subject: 'x' } });
    assert.deepEqual(requests[1].request.body, { title: 't', categoryId: '99' });
    assert.equal(requests[2].request.body, null);
    assert.equal(requests[2].request.rawBody, '{"subject": ');
    assert.equal(requests[2].valid, false);
    assert.equal(requests[3].response.body, 'Unauthorized');
    assert.equal(requests[4].operation, 'unknown');
  });

  it('lists with filters (session, api, method, path, status, limit), oldest first', async () => {
    const app = agent();
    await createOnlyoffice(app, 'a');
    await createWello(app, 'a');
    await createWello(app, 'b');
    await createOnlyoffice(app, 'b', { ...VALID, categoryId: 99 });
    await createWello(app, 'a', { subject: '' });
    const ids = async (query: string) => (await app.get(`/__admin/requests${query}`)).body.requests.map((r: { id: number }) => r.id);
    assert.deepEqual(await ids(''), [1, 2, 3, 4, 5]);
    assert.deepEqual(await ids('?session=a'), [1, 2, 5]);
    assert.deepEqual(await ids('?api=wello'), [2, 3, 5]);
    assert.deepEqual(await ids('?method=post&path=/api/task'), [2, 3, 5]);
    assert.deepEqual(await ids('?path=/api/2.0/*'), [1, 4]);
    assert.deepEqual(await ids('?status=201'), [1, 2, 3]);
    assert.deepEqual(await ids('?status=400&session=a'), [5]);
    const limited = (await app.get('/__admin/requests?limit=2')).body;
    assert.deepEqual(limited.requests.map((r: { id: number }) => r.id), [4, 5]);
    assert.equal(limited.total, 5);
  });

  it('keeps the newest --journal-limit entries and reports the evicted: limit 5, 8 calls: 5 kept, 3 evicted', async () => {
    const app = agent({ journalLimit: 5 });
    for (let i = 0; i < 8; i++) await createOnlyoffice(app, i % 2 ? 'odd' : undefined);
    const list = (await app.get('/__admin/requests')).body;
    assert.equal(list.requests.length, 5);
    assert.equal(list.total, 5);
    assert.equal(list.evicted, 3);
    assert.deepEqual(list.requests.map((r: { id: number }) => r.id), [4, 5, 6, 7, 8]);
    const odd = (await app.get('/__admin/requests?session=odd')).body;
    assert.deepEqual([odd.requests.length, odd.evicted], [3, 1]);
    assert.equal((await app.get('/__admin/health')).body.journal.evicted, 3);
  });

  it('stays bounded however many calls come in', async () => {
    const app = agent({ journalLimit: 50 });
    for (let i = 0; i < 400; i++) await createWello(app);
    const list = (await app.get('/__admin/requests')).body;
    assert.equal(list.requests.length, 50);
    assert.equal(list.evicted, 350);
    assert.equal(list.requests[49].issued.id2, 400);
  });
});

describe('count and verify with matchers', () => {
  async function seeded() {
    const app = agent();
    await createOnlyoffice(app, 'a', { ...VALID, title: 'First' });
    await createOnlyoffice(app, 'a', { ...VALID, title: 'Second', categoryId: 2 });
    await createWello(app, 'b', { subject: 'Printer', remark: 'r' });
    await app.post('/api/Task').set(WELLO_AUTH).type('text/xml').set('X-Stub-Session', 'b').send('<task><subject>Xml</subject><id2>5</id2></task>');
    await app.post('/api/2.0/crm/task').set(TOKEN).type('form').send('title=Form&deadline=2026-12-01&categoryId=3');
    return app;
  }
  const count = async (app: App, matcher: object) => (await app.post('/__admin/requests/count').send(matcher)).body.count as number;

  it('counts by session, api, method, path, status and body subset (JSON, XML and form bodies)', async () => {
    const app = await seeded();
    assert.equal(await count(app, {}), 5);
    assert.equal(await count(app, { session: 'a' }), 2);
    assert.equal(await count(app, { api: 'wello' }), 2);
    assert.equal(await count(app, { method: 'post', path: '/API/TASK' }), 2);
    assert.equal(await count(app, { status: 201 }), 5);
    assert.equal(await count(app, { body: { title: 'Second', categoryId: 2 } }), 1);
    assert.equal(await count(app, { body: { title: 'Second', categoryId: 3 } }), 0);
    assert.equal(await count(app, { body: { task: { subject: 'Xml', id2: 5 } } }), 1, 'XML values are text: 5 matches "5"');
    assert.equal(await count(app, { body: { title: 'Form', categoryId: 3 } }), 1);
    assert.equal(await count(app, { session: 'b', body: { subject: 'Printer' } }), 1);
  });

  it('verify answers 200 {ok:true} when the count holds: count, atLeast, atMost, or at least one by default', async () => {
    const app = await seeded();
    for (const body of [{ session: 'a', count: 2 }, { api: 'wello', atLeast: 2 }, { api: 'wello', atMost: 2 }, { body: { subject: 'Printer' } }, { path: '/nowhere', count: 0 }]) {
      const res = await app.post('/__admin/verify').send(body);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(res.body.ok, true);
    }
  });

  it('verify answers 409 with actual and the nearest misses, ranked by how close they came', async () => {
    const app = await seeded();
    const res = await app.post('/__admin/verify').send({ session: 'a', api: 'onlyoffice', body: { title: 'Third' }, count: 1 });
    assert.equal(res.status, 409);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.body.ok, false);
    assert.equal(res.body.actual, 0);
    assert.deepEqual(res.body.expected, { count: 1 });
    const misses = res.body.nearMisses as { id: number; matched: string; mismatches: { field: string; actual: unknown }[] }[];
    assert.deepEqual(misses.map((m) => m.id), [2, 1], 'the two session-a calls, newest first, each missing only the body');
    assert.equal(misses[0]!.matched, '2/3');
    assert.deepEqual(misses[0]!.mismatches.map((m) => m.field), ['body']);
    const wider = await app.post('/__admin/verify').send({ api: 'onlyoffice', method: 'POST', body: { title: 'First' }, atLeast: 2 });
    assert.equal(wider.status, 409);
    assert.equal(wider.body.actual, 1);
    assert.equal(wider.body.nearMisses[0].matched, '2/3', 'the other ONLYOFFICE calls come before the Wello ones');
    assert.equal(wider.body.nearMisses.at(-1).matched, '1/3');
  });

  it('answers bad admin input with 400 application/problem+json', async () => {
    const app = agent();
    const cases = [
      app.post('/__admin/requests/count').send({ colour: 'red' }),
      app.post('/__admin/requests/count').send({ status: 'ok' }),
      app.post('/__admin/verify').send({ count: 1, atLeast: 1 }),
      app.post('/__admin/verify').send({ count: -1 }),
      app.post('/__admin/verify').type('application/json').send('{"count": '),
      app.get('/__admin/requests?limit=0'),
      app.get('/__admin/requests?api=other'),
      app.put('/__admin/state').send({ id2Next: 'ten' }),
      app.put('/__admin/state').send({ clock: 'yesterday' }),
    ];
    for (const res of await Promise.all(cases)) {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.body.status, 400);
      assert.equal(typeof res.body.title, 'string');
      assert.equal(typeof res.body.detail, 'string');
    }
    const unknown = await app.get('/__admin/nothing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8');
  });
});

describe('clear, reset and state, per session', () => {
  it('DELETE /__admin/requests clears one session or all', async () => {
    const app = agent();
    await createOnlyoffice(app, 'a');
    await createOnlyoffice(app, 'b');
    await app.delete('/__admin/requests?session=a');
    assert.deepEqual((await app.get('/__admin/requests')).body.requests.map((r: { session: string }) => r.session), ['b']);
    await app.delete('/__admin/requests');
    assert.equal((await app.get('/__admin/requests')).body.total, 0);
  });

  it('POST /__admin/reset?session= clears that session\'s journal and counters, leaving the others alone', async () => {
    const app = agent();
    for (const session of ['a', 'a', 'b', 'b', 'b']) await createWello(app, session);
    await app.post('/__admin/reset?session=a');
    assert.equal((await createWello(app, 'a')).body.id2, 1, 'a starts again');
    assert.equal((await createWello(app, 'b')).body.id2, 4, 'b goes on');
    assert.equal((await app.get('/__admin/requests?session=b')).body.total, 4);
    await app.post('/__admin/reset');
    assert.equal((await app.get('/__admin/requests')).body.total, 0);
    assert.equal((await createWello(app, 'b')).body.id2, 1);
  });

  it('GET and PUT /__admin/state read and set the counters and the clock', async () => {
    const app = agent();
    assert.deepEqual((await app.get('/__admin/state')).body, { session: 'default', id2Next: 1, taskIdNext: 1, clock: '2026-11-24T10:00:00.1234567Z' });
    const put = await app.put('/__admin/state').send({ id2Next: 100, taskIdNext: 7, clock: '2030-01-01T00:00:00Z' });
    assert.deepEqual(put.body, { session: 'default', id2Next: 100, taskIdNext: 7, clock: '2030-01-01T00:00:00.0000000Z' });
    assert.equal((await createWello(app)).body.id2, 100);
    const task = (await createOnlyoffice(app)).body.response;
    assert.equal(task.id, 7);
    assert.equal(task.created, '2030-01-01T00:00:00.0000000Z');
    await app.put('/__admin/state?session=x').send({ id2Next: 50 });
    assert.equal((await createWello(app, 'x')).body.id2, 50);
    assert.equal((await app.get('/__admin/state?session=x')).body.id2Next, 51);
    await app.put('/__admin/state').send({ clock: null });
    assert.equal((await app.get('/__admin/state')).body.clock, null);
    assert.equal((await app.get('/__admin/health')).body.clock, 'real');
  });

  it('PUT /__admin/state refuses a clock outside .NET DateTime\'s years 1-9999 (docs/fidelity.md, ONLYOFFICE: Dates) and then changes nothing', async () => {
    const app = agent();
    for (const clock of ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      const put = await app.put('/__admin/state').send({ id2Next: 9, clock });
      assert.equal(put.status, 400, clock);
      assert.match(JSON.stringify(put.body), /outside the years 1-9999|must match format/);
    }
    assert.deepEqual((await app.get('/__admin/state')).body, { session: 'default', id2Next: 1, taskIdNext: 1, clock: '2026-11-24T10:00:00.1234567Z' });
    const edge = await app.put('/__admin/state').send({ clock: '9999-12-31T23:59:59.9999999Z' });
    assert.equal(edge.body.clock, '9999-12-31T23:59:59.9999999Z');
    assert.equal((await createWello(app)).status, 201, 'the last instant .NET holds still answers');
    assert.equal((await app.get('/__admin/requests')).body.requests[0].time, '9999-12-31T23:59:59.9999999Z');
  });

  it('keeps two parallel sessions apart: journal views, counters and random streams', async () => {
    const app = agent();
    const calls = [];
    for (let i = 0; i < 20; i++) calls.push(createWello(app, 'job-1'), createWello(app, 'job-2'), createOnlyoffice(app, 'job-2'));
    await Promise.all(calls);
    for (const session of ['job-1', 'job-2']) {
      const { requests } = (await app.get(`/__admin/requests?session=${session}&api=wello`)).body;
      assert.deepEqual(requests.map((r: { issued: { id2: number } }) => r.issued.id2).sort((a: number, b: number) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    }
    assert.equal((await app.get('/__admin/requests?session=job-1')).body.total, 20);
    assert.equal((await app.get('/__admin/requests?session=job-2')).body.total, 40);
    const guids = (await app.get('/__admin/requests?api=wello')).body.requests.map((r: { issued: { guids: string[] } }) => r.issued.guids[0]);
    assert.equal(new Set(guids).size, 40);
  });
});

describe('exports', () => {
  it('GET /__admin/requests.har is HAR 1.2 with every call, request and response', async () => {
    const app = agent();
    await createOnlyoffice(app);
    await createWello(app, 's');
    const harText = async (query = '') => {
      const r = await app.get(`/__admin/requests.har${query}`).buffer(true).parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
      return { res: r, text: r.body as string };
    };
    const { res, text } = await harText();
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition'] ?? '', /^attachment; filename="?taskstub\.har"?$/);
    const har = JSON.parse(text);
    assert.equal(har.log.version, '1.2');
    assert.equal(har.log.creator.name, 'taskstub');
    assert.equal(har.log.entries.length, 2);
    const [first] = har.log.entries;
    assert.match(first.startedDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.match(first.request.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/crm\/task$/);
    assert.equal(first.request.postData.mimeType, 'application/json');
    assert.deepEqual(JSON.parse(first.request.postData.text), VALID);
    assert.equal(first.response.status, 201);
    assert.equal(first.response.statusText, 'Created');
    assert.equal(JSON.parse(first.response.content.text).response.id, 1);
    for (const entry of har.log.entries) {
      for (const key of ['startedDateTime', 'time', 'request', 'response', 'cache', 'timings']) assert.ok(key in entry, key);
      assert.ok(entry.request.headers.every((h: { name: string; value: string }) => typeof h.name === 'string' && typeof h.value === 'string'));
    }
    assert.equal(JSON.parse((await harText('?session=s')).text).log.entries.length, 1);
  });

  it('GET /__admin/requests.jsonl gives one entry per line', async () => {
    const app = agent();
    await createOnlyoffice(app);
    await createWello(app);
    const res = await app.get('/__admin/requests.jsonl');
    assert.match(res.headers['content-type'] ?? '', /^application\/jsonl/);
    const lines = res.text.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((e) => e.api), ['onlyoffice', 'wello']);
  });
});
