import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { agent, FIXED, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type App = ReturnType<typeof agent>;
const onlyoffice = (app: App, headers: Record<string, string> = {}) => app.post('/api/2.0/crm/task').set(TOKEN).set(headers).send(VALID);
const wello = (app: App, headers: Record<string, string> = {}, body: object = { subject: 's' }) =>
  app.post('/api/Task').set(WELLO_AUTH).set(headers).type('application/json').send(JSON.stringify(body));

describe('faults asked for by a request header', () => {
  it('X-Stub-Fault: <status> answers that status with the API\'s own error body and processes nothing', async () => {
    const app = agent();
    const oo = await onlyoffice(app, { 'X-Stub-Fault': '503' });
    assert.equal(oo.status, 503);
    assert.deepEqual(oo.body, { status: 1, statusCode: 503, error: { message: 'Service Unavailable', hresult: -2146233088, data: {} } });
    const w = await wello(app, { 'X-Stub-Fault': 'status=500' });
    assert.equal(w.status, 500);
    assert.deepEqual(w.body, { Message: 'An error has occurred.' });
    const xml = await wello(app, { 'X-Stub-Fault': '500', Accept: 'application/xml' });
    assert.equal(xml.text, '<Error><Message>An error has occurred.</Message></Error>');
    assert.equal((await onlyoffice(app)).body.response.id, 1, 'no task id was taken');
    assert.equal((await wello(app)).body.id2, 1, 'no id2 was taken');
  });

  it('forces statuses in each API\'s own words: ONLYOFFICE 401 is the plain Unauthorized, Wello 404 the ASP.NET 404', async () => {
    const app = agent();
    const oo = await onlyoffice(app, { 'X-Stub-Fault': '401' });
    assert.equal(oo.text, 'Unauthorized');
    const forbidden = await onlyoffice(app, { 'X-Stub-Fault': '403' });
    assert.equal(forbidden.body.error.message, 'Access denied.');
    const w = await wello(app, { 'X-Stub-Fault': '404' });
    assert.match(w.body.Message, /^No HTTP resource was found that matches the request URI/);
  });

  it('X-Stub-Fault: empty processes the call and answers its status with an empty body', async () => {
    const app = agent();
    const res = await wello(app, { 'X-Stub-Fault': 'empty' });
    assert.equal(res.status, 201);
    assert.equal(res.text, '');
    assert.equal((await wello(app)).body.id2, 2, 'the emptied call took id2 1');
  });

  it('X-Stub-Fault: reset drops the connection without an answer, and the journal says so', async () => {
    const server = createApp(FIXED).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await assert.rejects(
        fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Fault': 'reset' }, body: '{"subject":"s"}' }),
        (error: Error & { cause?: { code?: string } }) => {
          assert.match(String(error.cause?.code ?? error.message), /ECONNRESET|UND_ERR_SOCKET|other side closed/);
          return true;
        },
      );
      const { requests } = (await (await fetch(`${url}/__admin/requests`)).json()) as { requests: { response: { status: number }; fault: object; issued: object }[] };
      assert.equal(requests[0]!.response.status, 0);
      assert.deepEqual(requests[0]!.fault, { reset: true });
      assert.deepEqual(requests[0]!.issued, {});
    } finally {
      server.close();
    }
  });

  it('X-Stub-Delay: <ms> answers no sooner than asked, and can go with a forced status', async () => {
    const app = agent();
    const started = performance.now();
    const res = await wello(app, { 'X-Stub-Delay': '300', 'X-Stub-Fault': '502' });
    assert.ok(performance.now() - started >= 290, 'answered before the delay');
    assert.equal(res.status, 502);
    const journal = (await app.get('/__admin/requests')).body.requests;
    assert.deepEqual(journal[0].fault, { status: 502, delayMs: 300 });
  });

  it('answers a bad fault header with 400 problem+json, naming the header', async () => {
    for (const [name, value] of [['X-Stub-Fault', 'banana'], ['X-Stub-Fault', '302'], ['X-Stub-Delay', 'soon'], ['X-Stub-Delay', '600000']]) {
      const res = await wello(agent(), { [name!]: value! });
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.match(res.body.detail, new RegExp(`^${name}:`));
    }
  });
});

describe('faults queued through POST /__admin/faults', () => {
  it('gives the fault to the next `times` matching calls only, then answers normally', async () => {
    const app = agent();
    const queued = await app.post('/__admin/faults').send({ match: { api: 'wello' }, fault: { status: 503 }, times: 2 });
    assert.equal(queued.status, 201);
    assert.deepEqual(queued.body, { id: 1, match: { api: 'wello' }, fault: { status: 503 }, remaining: 2 });
    assert.equal((await onlyoffice(app)).status, 201, 'ONLYOFFICE does not match');
    assert.equal((await wello(app)).status, 503);
    assert.deepEqual((await app.get('/__admin/faults')).body.faults.map((f: { remaining: number }) => f.remaining), [1]);
    assert.equal((await wello(app)).status, 503);
    assert.deepEqual((await app.get('/__admin/faults')).body.faults, []);
    const third = await wello(app);
    assert.equal(third.status, 201);
    assert.equal(third.body.id2, 1);
  });

  it('matches by session and body, takes the oldest matching fault first, and one use per call', async () => {
    const app = agent();
    await app.post('/__admin/faults').send({ match: { session: 'ci-1', body: { subject: 'boom' } }, fault: { empty: true } });
    await app.post('/__admin/faults').send({ match: { session: 'ci-1' }, fault: { status: 500 }, times: 5 });
    assert.equal((await wello(app, { 'X-Stub-Session': 'ci-2' }, { subject: 'boom' })).status, 201, 'other session');
    const boom = await wello(app, { 'X-Stub-Session': 'ci-1' }, { subject: 'boom' });
    assert.deepEqual([boom.status, boom.text], [201, '']);
    assert.equal((await wello(app, { 'X-Stub-Session': 'ci-1' }, { subject: 'boom' })).status, 500, 'the empty fault is used up');
    const list = (await app.get('/__admin/faults?session=ci-1')).body.faults;
    assert.deepEqual(list.map((f: { id: number; remaining: number }) => [f.id, f.remaining]), [[2, 4]]);
  });

  it('a header fault wins over a queued one, which stays queued', async () => {
    const app = agent();
    await app.post('/__admin/faults').send({ fault: { status: 500 } });
    assert.equal((await wello(app, { 'X-Stub-Fault': '502' })).status, 502);
    assert.equal((await wello(app)).status, 500);
  });

  it('DELETE /__admin/faults and a session reset remove queued faults', async () => {
    const app = agent();
    await app.post('/__admin/faults').send({ match: { session: 'a' }, fault: { status: 500 }, times: 3 });
    await app.post('/__admin/faults').send({ match: { session: 'b' }, fault: { status: 500 }, times: 3 });
    await app.post('/__admin/reset?session=a');
    assert.deepEqual((await app.get('/__admin/faults')).body.faults.map((f: { match: { session: string } }) => f.match.session), ['b']);
    await app.delete('/__admin/faults');
    assert.equal((await wello(app, { 'X-Stub-Session': 'b' })).status, 201);
  });

  it('refuses a queued fault that is not one: bad kinds, two kinds at once, a matcher on status', async () => {
    const app = agent();
    for (const body of [{ fault: {} }, { fault: { status: 200 } }, { fault: { status: 500, reset: true } }, { match: { status: 201 }, fault: { empty: true } }, { fault: { empty: true }, times: 0 }, {}]) {
      const res = await app.post('/__admin/faults').send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
  });
});
