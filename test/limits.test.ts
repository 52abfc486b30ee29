// Nothing grows without bound (issue 14): session names are capped, sessions
// are bounded (least recently used evicted, counted in health), reads never
// make a session, and the journal keeps within a byte budget as well as its
// entry limit. The session-name checks run through both adapters here (the
// Express app and the CLI's node:http fast path), whatever TASKSTUB_ADAPTER says.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp, type AppOptions } from '../src/app.js';
import { createCors } from '../src/cors.js';
import { MAX_SESSION_NAME } from '../src/core/sessions.js';
import { bodyLimitBytes, createRequestListener } from '../src/server.js';
import { createStub } from '../src/stub.js';
import { runCli, startCli } from './cli-helpers.js';
import { FIXED, listening, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const ADAPTERS = ['express', 'node'] as const;
type Adapter = (typeof ADAPTERS)[number];

/** A supertest agent on a fresh stub, through the adapter named. */
function agentOn(adapter: Adapter, options: AppOptions = {}) {
  const stub = createStub({ ...FIXED, ...options });
  if (adapter === 'express') return request(createApp({ ...FIXED, ...options }, stub));
  const app = createApp({ ...FIXED, ...options, cors: { enabled: false } }, stub);
  return request(createRequestListener(stub, app, bodyLimitBytes(options.bodyLimit), { cors: createCors(options.cors) }));
}

type Agent = ReturnType<typeof agentOn>;

interface Health {
  journal: { entries: number; limit: number; evicted: number; bytes: number; maxBytes: number };
  sessions: { count: number; max: number; evicted: number };
}

async function health(agent: Agent): Promise<Health> {
  return (await agent.get('/__admin/health').expect(200)).body as Health;
}

const onlyoffice = (agent: Agent, session?: string, path = '/api/2.0/crm/task') =>
  agent
    .post(path)
    .set({ ...TOKEN, ...(session === undefined ? {} : { 'X-Stub-Session': session }) })
    .send({ ...VALID, responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB' });

const wello = (agent: Agent, session?: string, body: object = { subject: 'Printer on floor 3 is jammed' }) =>
  agent
    .post('/api/Task')
    .set({ ...WELLO_AUTH, ...(session === undefined ? {} : { 'X-Stub-Session': session }) })
    .send(body);

const tooLong = 'j'.repeat(MAX_SESSION_NAME + 1);
const longest = 'j'.repeat(MAX_SESSION_NAME);

describe(`session names: at most ${MAX_SESSION_NAME} characters, no control characters`, () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}: ONLYOFFICE answers a longer X-Stub-Session with its own 400 envelope naming the header and the limit, and makes no session`, async () => {
      const agent = agentOn(adapter);
      const res = await onlyoffice(agent, tooLong).expect(400).expect('content-type', /application\/json/);
      assert.equal(res.body.status, 1);
      assert.equal(res.body.statusCode, 400);
      assert.equal(res.body.error.message, `X-Stub-Session: a session name is at most ${MAX_SESSION_NAME} characters; this one has ${MAX_SESSION_NAME + 1}`);
      const xml = await onlyoffice(agent, tooLong, '/api/2.0/crm/task.xml').type('form').send('title=x').expect(400);
      assert.match(xml.text, /<statusCode>400<\/statusCode>.*<message>X-Stub-Session: a session name is at most 200 characters/s);
      // Recorded, as every call is, in the default session: the name it gave is in its headers.
      const { requests } = (await agent.get('/__admin/requests').expect(200)).body as { requests: { session: string; response: { status: number }; request: { headers: Record<string, string> } }[] };
      assert.deepEqual(requests.map((r) => [r.session, r.response.status]), [['default', 400], ['default', 400]]);
      assert.equal(requests[0]!.request.headers['x-stub-session'], tooLong);
      assert.equal((await health(agent)).sessions.count, 0, 'no session made');
    });

    it(`${adapter}: Wello answers with ASP.NET's {"Message"} (and <Error> in XML); a header fault on the same call is not applied`, async () => {
      const agent = agentOn(adapter);
      const res = await wello(agent, tooLong).set('X-Stub-Fault', '503').expect(400).expect('content-type', /application\/json/);
      assert.deepEqual(res.body, { Message: `X-Stub-Session: a session name is at most ${MAX_SESSION_NAME} characters; this one has ${MAX_SESSION_NAME + 1}` });
      const xml = await wello(agent, tooLong).set('Accept', 'application/xml').expect(400).expect('content-type', /xml/);
      assert.match(xml.text, /^<Error><Message>X-Stub-Session: a session name is at most 200 characters; this one has 201<\/Message><\/Error>$/);
      // No task was made: the default session's counter has not moved.
      assert.equal(((await agent.get('/__admin/state').expect(200)).body as { id2Next: number }).id2Next, 1);
    });

    it(`${adapter}: a name of exactly ${MAX_SESSION_NAME} characters is a session of its own`, async () => {
      const agent = agentOn(adapter);
      await wello(agent, longest).expect(201);
      await onlyoffice(agent, longest).expect(201);
      assert.equal(((await agent.get('/__admin/requests').query({ session: longest }).expect(200)).body as { total: number }).total, 2);
      assert.equal((await health(agent)).sessions.count, 1);
    });
  }

  it('admin calls answer 400 problem+json naming where the name was given and the limit; control characters are refused too', async () => {
    const agent = agentOn('express');
    const query = await agent.get('/__admin/requests').query({ session: tooLong }).expect(400).expect('content-type', /application\/problem\+json/);
    assert.equal(query.body.detail, `?session=: a session name is at most ${MAX_SESSION_NAME} characters; this one has ${MAX_SESSION_NAME + 1}`);
    const header = await agent.get('/__admin/state').set('X-Stub-Session', tooLong).expect(400);
    assert.match(header.body.detail, /^X-Stub-Session: a session name is at most 200 characters/);
    const body = await agent.post('/__admin/requests/count').send({ session: tooLong }).expect(400);
    assert.match(body.body.detail, /^the body's session: a session name is at most 200 characters/);
    await agent.put('/__admin/state').send({ session: tooLong, id2Next: 5 }).expect(400);
    await agent.post('/__admin/faults').send({ match: { session: tooLong }, fault: { status: 503 } }).expect(400);
    const control = await agent.get('/__admin/requests?session=a%00b').expect(400);
    assert.equal(control.body.detail, '?session=: a session name cannot hold control characters');
    // A refused name changed nothing.
    assert.equal((await health(agent)).sessions.count, 0);
    assert.deepEqual((await agent.get('/__admin/faults').expect(200)).body, { faults: [] });
  });
});

describe('--max-sessions: the least recently used named session is evicted', () => {
  it('evicts the least recently used (a call is a use), never the default session; health counts them; its calls are counted evicted and its queued faults dropped', async () => {
    const agent = agentOn('express', { maxSessions: 3 });
    await wello(agent).expect(201); // the default session: never evicted, not counted
    for (const s of ['s1', 's2', 's3']) await wello(agent, s).expect(201);
    await wello(agent, 's1').expect(201); // s1 is used again: s2 is now the least recently used
    await agent.post('/__admin/faults').send({ match: { session: 's2' }, fault: { status: 503 } }).expect(201); // a use of s2: s3 is the oldest now
    assert.deepEqual((await health(agent)).sessions, { count: 3, max: 3, evicted: 0 });

    await wello(agent, 's4').expect(201);
    let h = await health(agent);
    assert.deepEqual(h.sessions, { count: 3, max: 3, evicted: 1 });
    assert.deepEqual([h.journal.entries, h.journal.evicted], [5, 1], "s3's one call is counted evicted");
    const s3 = (await agent.get('/__admin/requests').query({ session: 's3' }).expect(200)).body as { total: number; evicted: number };
    assert.deepEqual([s3.total, s3.evicted], [0, 1]);

    await wello(agent, 's5').expect(201); // evicts s1 (its 2 calls); s2 was used after it
    h = await health(agent);
    assert.deepEqual(h.sessions, { count: 3, max: 3, evicted: 2 });
    assert.equal(h.journal.evicted, 3);
    await wello(agent, 's6').expect(201); // evicts s2, and its queued fault with it
    assert.deepEqual((await agent.get('/__admin/faults').expect(200)).body, { faults: [] });
    const requests = (await agent.get('/__admin/requests').expect(200)).body as { requests: { session: string }[]; evicted: number };
    assert.deepEqual(requests.requests.map((r) => r.session), ['default', 's4', 's5', 's6']);
    assert.equal(requests.evicted, 4);
    // The default session still counts on.
    assert.equal(((await wello(agent).expect(201)).body as { id2: number }).id2, 2);
  });

  it('an evicted session that calls again starts fresh: counters from the base and the same answer, byte for byte, as its first call', async () => {
    const agent = agentOn('node', { maxSessions: 1 });
    const first = await wello(agent, 'job-1').expect(201);
    await wello(agent, 'job-1').expect(201);
    await onlyoffice(agent, 'job-1').expect(201);
    await wello(agent, 'job-2').expect(201); // evicts job-1
    const again = await wello(agent, 'job-1').expect(201); // evicts job-2
    assert.equal(again.text, first.text, 'same id2, same GUID from the seed and the name');
    assert.equal((again.body as { id2: number }).id2, 1);
    // (supertest listens on a new port per request: the host differs, the task's GUID does not.)
    assert.equal(new URL(again.headers.location!).pathname, new URL(first.headers.location!).pathname);
    const listing = (await agent.get('/__admin/requests').query({ session: 'job-1' }).expect(200)).body as { total: number; evicted: number };
    assert.deepEqual([listing.total, listing.evicted], [1, 3], 'its earlier calls are said to be evicted');
    assert.deepEqual((await health(agent)).sessions, { count: 1, max: 1, evicted: 2 });
  });

  it('PUT /__admin/state and a queued fault make a session; a reset forgets it', async () => {
    const agent = agentOn('express');
    await agent.put('/__admin/state').query({ session: 'a' }).send({ id2Next: 7 }).expect(200);
    await agent.post('/__admin/faults').send({ match: { session: 'b' }, fault: { status: 503 } }).expect(201);
    assert.equal((await health(agent)).sessions.count, 2);
    assert.equal(((await wello(agent, 'a').expect(201)).body as { id2: number }).id2, 7);
    await agent.post('/__admin/reset').query({ session: 'a' }).expect(200);
    assert.equal((await health(agent)).sessions.count, 1);
    await agent.post('/__admin/reset').expect(200);
    assert.deepEqual((await health(agent)).sessions, { count: 0, max: 10_000, evicted: 0 });
  });

  it('createApp({maxSessions}) refuses what is not a positive integer, naming the option', () => {
    for (const maxSessions of [0, -1, 1.5, Number.NaN]) assert.throws(() => createApp({ maxSessions }), /--max-sessions must be a positive integer/);
  });
});

describe('reads never make a session', () => {
  it('state, requests and their exports, count, verify, faults, events, a clear and a reset of an unknown session answer as for an empty one and make nothing', async () => {
    const server = await listening();
    try {
      const url = (path: string) => `${server.url}${path}`;
      const sessions = () => server.stub.context.sessions.size;
      // Each read is checked at once: a later reset would otherwise forget a session a read made.
      const json = async (path: string, init?: RequestInit) => {
        const res = await fetch(url(path), init);
        assert.equal(res.status, 200, `${path}: ${res.status}`);
        const body = (await res.json()) as unknown;
        assert.equal(sessions(), 0, `${init?.method ?? 'GET'} ${path} made a session`);
        return body;
      };
      const post = (body: object) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(sessions(), 0);

      assert.deepEqual(await json('/__admin/state?session=ghost'), { session: 'ghost', id2Next: 1, taskIdNext: 1, clock: '2026-11-24T10:00:00.1234567Z' });
      assert.deepEqual(await json('/__admin/requests?session=ghost'), { requests: [], total: 0, evicted: 0 });
      assert.equal(await (await fetch(url('/__admin/requests.jsonl?session=ghost'))).text(), '');
      assert.equal(sessions(), 0);
      assert.deepEqual(((await json('/__admin/requests.har?session=ghost')) as { log: { entries: unknown[] } }).log.entries, []);
      assert.deepEqual(await json('/__admin/requests/count', post({ session: 'ghost' })), { count: 0 });
      assert.deepEqual(await json('/__admin/verify', post({ session: 'ghost', count: 0 })), { ok: true, actual: 0 });
      assert.deepEqual(await json('/__admin/faults', { headers: { 'X-Stub-Session': 'ghost' } }), { faults: [] });
      assert.deepEqual(await json('/__admin/requests?session=ghost', { method: 'DELETE' }), { ok: true });
      assert.deepEqual(await json('/__admin/faults?session=ghost', { method: 'DELETE' }), { ok: true });
      assert.deepEqual(await json('/__admin/reset?session=ghost', { method: 'POST' }), { ok: true });
      // The live stream of a session: its first bytes, then the client goes away.
      await new Promise<void>((resolve, reject) => {
        const req = get(url('/__admin/events?session=ghost'), (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', reject);
      });
      assert.equal(sessions(), 0, 'no read made a session');
      assert.equal(((await json('/__admin/health')) as Health).sessions.count, 0);
    } finally {
      server.close();
    }
  });
});

describe('--journal-max-bytes: the journal keeps within a byte budget', () => {
  const MB = 1024 * 1024;

  it('50 calls with 1 MB bodies and a 10 MB budget: at most 10 MB held, every call held or counted evicted, overall and per session', async () => {
    const agent = agentOn('node', { journalMaxBytes: '10mb' });
    const body = { subject: 'big', description: 'd'.repeat(MB - 100) };
    for (let i = 0; i < 50; i++) await wello(agent, i % 2 === 0 ? 'even' : 'odd', body);
    const { journal } = await health(agent);
    assert.equal(journal.maxBytes, 10 * MB);
    assert.ok(journal.bytes <= 10 * MB, `${journal.bytes} bytes held`);
    assert.ok(journal.bytes > 8 * MB, `${journal.bytes} bytes held: no more was evicted than the budget needed`);
    assert.equal(journal.entries + journal.evicted, 50);
    assert.ok(journal.entries >= 8 && journal.entries <= 10, `${journal.entries} entries`);
    for (const session of ['even', 'odd']) {
      const listing = (await agent.get('/__admin/requests').query({ session }).expect(200)).body as { total: number; evicted: number };
      assert.equal(listing.total + listing.evicted, 25, session);
    }
  });

  it('an entry larger than the whole budget is recorded whole, alone, until the next call', async () => {
    const agent = agentOn('express', { journalMaxBytes: '64kb' });
    await wello(agent).expect(201);
    await wello(agent, undefined, { subject: 'big', description: 'd'.repeat(100_000) });
    let { journal } = await health(agent);
    assert.equal(journal.entries, 1);
    assert.ok(journal.bytes > 64 * 1024);
    const [big] = ((await agent.get('/__admin/requests').expect(200)).body as { requests: { request: { body: { description: string } } }[] }).requests;
    assert.equal(big?.request.body.description.length, 100_000);
    await wello(agent).expect(201);
    ({ journal } = await health(agent));
    assert.deepEqual([journal.entries, journal.evicted], [1, 2]);
    assert.ok(journal.bytes < 64 * 1024);
  });

  it('createApp({journalMaxBytes}) takes bytes or a size, and refuses anything else naming the option', () => {
    assert.equal(createStub({ journalMaxBytes: 4096 }).journal.maxBytes, 4096);
    assert.equal(createStub({ journalMaxBytes: '1.5kb' }).journal.maxBytes, 1536);
    assert.equal(createStub().journal.maxBytes, 256 * MB);
    for (const journalMaxBytes of ['abc', '12xb', '0', '-1mb', 0, 1.5]) assert.throws(() => createStub({ journalMaxBytes }), /--journal-max-bytes/, String(journalMaxBytes));
  });
});

describe('the CLI flags', () => {
  it('serve --max-sessions and --journal-max-bytes reach health', async () => {
    const cli = await startCli(['serve', '--port', '0', '--max-sessions', '2', '--journal-max-bytes', '1mb']);
    try {
      const h = (await (await fetch(`${cli.url}/__admin/health`)).json()) as Health;
      assert.deepEqual(h.sessions, { count: 0, max: 2, evicted: 0 });
      assert.equal(h.journal.maxBytes, 1024 * 1024);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  for (const [flag, value] of [
    ['--max-sessions', 'abc'],
    ['--max-sessions', '0'],
    ['--max-sessions', '1.5'],
    ['--journal-max-bytes', 'abc'],
    ['--journal-max-bytes', '10xb'],
  ] as const) {
    it(`${flag} ${value} is refused, naming ${flag} (exit 2)`, async () => {
      const { code, stdout, stderr } = await runCli(['serve', '--port', '0', flag, value]);
      assert.equal(code, 2, stderr);
      assert.doesNotMatch(stdout, /listening/);
      assert.match(stderr, new RegExp(`\\n${flag}: expected .*${JSON.stringify(value).replace('.', '\\.')}`));
    });
  }
});
