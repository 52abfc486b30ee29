// Issue #17 without the verifier: the provider-state route's protocol and
// refusals, what GET /__admin/requests.pact writes (matching rules, masking,
// what is left out), and `taskstub pact`. test/pact-verify.test.ts runs the
// real Pact verifier on the same exports.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { MASK } from '../src/journal/entry.js';
import { JOURNAL_STATE, JOURNAL_STATE_WITH_TASKS, type PactFile, type PactInteraction } from '../src/pact/export.js';
import { API_DATETIME, API_DATETIME_WHOLE_SECOND, DOTNET_DATETIME, fieldRules } from '../src/pact/matchers.js';
import { MASKED, pactRequestFilter, type FilteredRequest } from '../src/pact/request-filter.js';
import { createStub } from '../src/stub.js';
import { runCli } from './cli-helpers.js';
import { agent } from './helpers.js';

const WELLO_BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;
const RESPONSIBLE = '9924256A-739C-462b-AF15-E652A3B1B6EB';
const TASK = { title: 'Call the client', deadline: '2026-12-01T09:00:00Z', categoryId: 1, responsibleId: RESPONSIBLE };
const work = mkdtempSync(join(tmpdir(), 'taskstub-pact-export-'));
after(() => rmSync(work, { recursive: true, force: true }));

const wello = (app: ReturnType<typeof agent>, body: unknown, headers: Record<string, string> = {}) =>
  app.post('/api/Task').set({ Authorization: WELLO_BASIC, 'Content-Type': 'application/json', ...headers }).send(typeof body === 'string' ? body : JSON.stringify(body));

async function exported(app: ReturnType<typeof agent>, query = ''): Promise<PactFile> {
  const res = await app.get(`/__admin/requests.pact?consumer=web&provider=tasks${query}`).buffer(true);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as PactFile;
}

describe('POST /__admin/provider-states', () => {
  it('setup resets the session the traffic uses and applies the params; the answer has what fromProviderState reads', async () => {
    const app = agent();
    await wello(app, { subject: 'before' }).expect(201);
    const res = await app.post('/__admin/provider-states').send({ state: 'a task can be created', params: { id2Next: 100, taskIdNext: 7, clock: '2030-01-01T08:00:00Z' }, action: 'setup' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { session: 'default', id2Next: 100, taskIdNext: 7, clock: '2030-01-01T08:00:00.0000000Z', states: ['a task can be created'], action: 'setup' });
    // The reset emptied the session's journal; the next create takes the counters and the clock.
    assert.equal((await app.get('/__admin/requests')).body.total, 0);
    const created = await wello(app, { subject: 'after' }).expect(201);
    assert.equal(created.body.id2, 100);
    assert.match(created.body.date_create, /^2030-01-01T08:00:00/);
  });

  it('an unknown state is a plain reset; a state without params too; params meant for the real provider are left alone', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }).expect(201);
    const res = await app.post('/__admin/provider-states').send({ state: 'user 42 exists', params: { userId: 42 } });
    assert.deepEqual(res.body, { session: 'default', id2Next: 1, taskIdNext: 1, clock: FIXED_CLOCK, states: ['user 42 exists'], action: 'setup' });
  });

  it('reads the older {consumer, states: [...]} form (pact-provider-verifier) as a setup', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }).expect(201);
    const res = await app.post('/__admin/provider-states').send({ consumer: 'web', states: ['one', 'two'], params: { id2Next: 3 } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.action, res.body.states, res.body.id2Next], ['setup', ['one', 'two'], 3]);
  });

  it('teardown changes nothing (the next setup resets): the journal stays for debugging', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }).expect(201);
    const res = await app.post('/__admin/provider-states').send({ state: 's', params: { id2Next: 50 }, action: 'teardown' });
    assert.deepEqual([res.status, res.body.action, res.body.id2Next], [200, 'teardown', 2]);
    assert.equal((await app.get('/__admin/requests')).body.total, 1);
  });

  it('the session: params.session, ?session= (the setup URL can carry it) or X-Stub-Session; two that differ are a 400', async () => {
    const app = agent();
    await wello(app, { subject: 'default stays' }).expect(201);
    await wello(app, { subject: 'ci' }, { 'X-Stub-Session': 'ci-7' }).expect(201);
    const byQuery = await app.post('/__admin/provider-states?session=ci-7').send({ state: 's', params: { id2Next: 9 } });
    assert.deepEqual([byQuery.body.session, byQuery.body.id2Next], ['ci-7', 9]);
    const byParams = await app.post('/__admin/provider-states').send({ state: 's', params: { session: 'ci-8', taskIdNext: 4 } });
    assert.deepEqual([byParams.body.session, byParams.body.taskIdNext], ['ci-8', 4]);
    assert.equal((await app.get('/__admin/requests?session=default')).body.total, 1, 'the default session was not touched');
    const both = await app.post('/__admin/provider-states?session=a').send({ state: 's', params: { session: 'b' } });
    assert.equal(both.status, 400);
    assert.match(both.body.detail, /two sessions/);
  });

  for (const [what, body, detail] of [
    ['an unknown action', { state: 's', action: 'start' }, /action/],
    ['a counter that is not an integer', { state: 's', params: { id2Next: 'ten' } }, /id2Next/],
    ['an unknown top-level key', { state: 's', parms: {} }, /parms/],
    ['a body that is not an object', [1, 2], /object/],
    ['a clock that is no time', { state: 's', params: { clock: 'soon' } }, /clock/],
    ['tasks as a list, not per API', { state: 's', params: { tasks: [{ subject: 'x' }] } }, /tasks/],
    ['tasks of an API taskstub does not serve', { state: 's', params: { tasks: { jira: [] } } }, /jira/],
    ['ONLYOFFICE task ids out of order', { state: 's', params: { tasks: { onlyoffice: [{ ...TASK, id: 5 }, { ...TASK, id: 5 }] } } }, /onlyoffice\[1\]\.id \(5\) must be greater/],
  ] as const) {
    it(`${what}: 400 problem+json, and the session is left as it was`, async () => {
      const app = agent();
      await wello(app, { subject: 'x' }).expect(201);
      const res = await app.post('/__admin/provider-states').send(body as object);
      assert.equal(res.status, 400);
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.match(res.body.detail, detail);
      assert.equal((await app.get('/__admin/requests')).body.total, 1);
    });
  }

  it('params.tasks: each created through its API (checked and filled as a real create), the journal cleared, the counters advanced; the answer names the ids', async () => {
    const app = agent();
    await wello(app, { subject: 'before' }).expect(201);
    const res = await app.post('/__admin/provider-states').send({
      state: 'two tasks exist',
      params: { clock: '2030-01-01T08:00:00Z', tasks: { onlyoffice: [TASK, { ...TASK, title: 'Second', categoryId: 2 }], wello: [{ subject: 'Printer jammed', customer_reference: 'T-1' }] } },
    });
    assert.equal(res.status, 200, res.text);
    const { tasks, onlyofficeTaskId, onlyofficeTaskId2, welloTaskId, taskIdNext, id2Next } = res.body;
    assert.deepEqual([tasks.onlyoffice, onlyofficeTaskId, onlyofficeTaskId2, taskIdNext, id2Next], [[1, 2], 1, 2, 3, 2]);
    assert.deepEqual(tasks.wello, [welloTaskId]);
    assert.match(welloTaskId, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Only the verifier's traffic is recorded: the setup's creates are not in the journal.
    assert.equal((await app.get('/__admin/requests')).body.total, 0);
    // Filled by the server as a real create: the session's clock, the caller's contact, the default status.
    const read = await app.get(`/api/Task(${welloTaskId})`).set('Authorization', WELLO_BASIC).expect(200);
    assert.deepEqual([read.body.subject, read.body.customer_reference, read.body.id2, read.body.archived, read.body.contact_id], ['Printer jammed', 'T-1', 1, false, '4c11664c-c6df-4e35-beb3-0290ddc7b6d7']);
    assert.match(read.body.date_create, /^2030-01-01T08:00:00/);
    const second = await app.get('/api/2.0/crm/task/2').set('Authorization', 'tok').expect(200);
    assert.deepEqual([second.body.response.title, second.body.response.category.id, second.body.response.created], ['Second', 2, '2030-01-01T08:00:00.0000000Z']);
    // The next creates take the next ids.
    assert.equal((await wello(app, { subject: 'next' }).expect(201)).body.id2, 2);
  });

  it('params.tasks: an ONLYOFFICE id pins the counter, isClosed closes it, a Wello id and dispatch are applied; id2Next/taskIdNext are set after them', async () => {
    const app = agent();
    const guid = '3970f5af-af17-4420-b038-a1efdc261244';
    const closedStatus = 'c0ffee00-1234-4abc-9def-000000c0ffee';
    const res = await app.post('/__admin/provider-states').send({
      state: 's',
      params: { taskIdNext: 50, id2Next: 9, tasks: { onlyoffice: [{ ...TASK, id: 7, isClosed: true }, { ...TASK, id: 12 }], wello: [{ id: guid, subject: 'closed one', dispatch: { task_status_id: closedStatus } }] } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.body.tasks.onlyoffice, res.body.welloTaskId, res.body.taskIdNext, res.body.id2Next], [[7, 12], guid, 50, 9]);
    assert.equal((await app.get('/api/2.0/crm/task/7').set('Authorization', 'tok').expect(200)).body.response.isClosed, true);
    assert.equal((await app.get('/api/2.0/crm/task/12').set('Authorization', 'tok').expect(200)).body.response.isClosed, undefined);
    const view = await app.get(`/api/TaskView(${guid})`).set('Authorization', WELLO_BASIC).expect(200);
    assert.deepEqual([view.body.archived, view.body.task_status_name], [true, 'Completed']);
    assert.equal((await app.get('/api/TaskView/CountOpen').set('Authorization', WELLO_BASIC).expect(200)).text, '0');
    // A counter that would issue an id a task holds is refused.
    const clash = await app.post('/__admin/provider-states').send({ state: 's', params: { taskIdNext: 12, tasks: { onlyoffice: [{ ...TASK, id: 12 }] } } });
    assert.equal(clash.status, 400);
    assert.match(clash.body.detail, /params\.taskIdNext \(12\) would issue an id a task of params\.tasks holds \(the next free one is 13\)/);
  });

  it('params.tasks: a task the API refuses is a 400 naming it and the API\'s words; the session is left reset', async () => {
    const app = agent();
    await wello(app, { subject: 'before' }).expect(201);
    for (const [tasks, detail] of [
      [{ onlyoffice: [TASK, { ...TASK, categoryId: 99 }] }, /^params\.tasks\.onlyoffice\[1\]: ONLYOFFICE refused the create: 404 Category is not found$/],
      [{ wello: [{ subject: '' }] }, /^params\.tasks\.wello\[0\]: Wello refused the create: 400 The request is invalid\. task\.subject: The subject field is required\.$/],
      [{ wello: [{ subject: 'x', dispatch: { id2: 5 } }] }, /^params\.tasks\.wello\[0\]\.dispatch: .*id2/],
    ] as const) {
      const res = await app.post('/__admin/provider-states').send({ state: 's', params: { id2Next: 40, tasks } });
      assert.equal(res.status, 400, JSON.stringify(tasks));
      assert.match(res.body.detail, detail);
      const held = (await app.get('/__admin/tasks')).body;
      assert.deepEqual([held.onlyoffice, held.wello, (await app.get('/__admin/requests')).body.total, (await app.get('/__admin/state')).body.id2Next], [[], [], 0, 1]);
    }
  });

  it('params.tasks: a fault queued for any session is left for the verifier\'s traffic', async () => {
    const app = agent();
    await app.post('/__admin/faults').send({ match: { api: 'wello' }, fault: { status: 503 } }).expect(201);
    await app.post('/__admin/provider-states').send({ state: 's', params: { tasks: { wello: [{ subject: 'x' }] } } }).expect(200);
    await wello(app, { subject: 'the verifier\'s' }).expect(503);
  });

  it('needs the admin token like every admin route', async () => {
    const app = agent({ adminToken: 's3cret' });
    assert.equal((await app.post('/__admin/provider-states').send({ state: 's' })).status, 401);
    assert.equal((await app.post('/__admin/provider-states').set('Authorization', 'Bearer s3cret').send({ state: 's' })).status, 200);
    assert.equal((await app.get('/__admin/requests.pact?consumer=a&provider=b')).status, 401);
  });
});

const FIXED_CLOCK = '2026-11-24T10:00:00.1234567Z';

const rulesOf = (i: PactInteraction) => i.response.matchingRules?.body ?? {};
const patternAt = (i: PactInteraction, path: string) => {
  const [matcher] = rulesOf(i)[path]?.matchers ?? [];
  return matcher?.match === 'regex' ? matcher.regex : matcher?.match;
};

describe('GET /__admin/requests.pact', () => {
  it('is a Pact V4 file: one Synchronous/HTTP interaction per call, named <consumer>-<provider>.json', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }).expect(201);
    const res = await app.get('/__admin/requests.pact?consumer=web&provider=tasks').buffer(true);
    assert.match(res.headers['content-disposition'] ?? '', /filename="?web-tasks\.json"?$/);
    const pact = JSON.parse(res.text) as PactFile;
    assert.deepEqual([pact.consumer, pact.provider, pact.metadata.pactSpecification.version], [{ name: 'web' }, { name: 'tasks' }, '4.0']);
    const [only] = pact.interactions;
    assert.equal(only?.type, 'Synchronous/HTTP');
    assert.deepEqual(only?.providerStates, [{ name: 'a fresh session', params: { id2Next: 1 } }]);
  });

  it('matches every value the server makes up, and keeps what the caller gave literal', async () => {
    const app = agent();
    await wello(app, { subject: 'made up' }).expect(201);
    await wello(app, { id: '3970f5af-af17-4420-b038-a1efdc261244', subject: 'given', date_create: '2026-06-24T03:56:41.4578039+00:00' }).expect(201);
    await app.post('/api/2.0/crm/task').set({ Authorization: 'tok', 'Content-Type': 'application/json' }).send(JSON.stringify(TASK)).expect(201);
    await app.post('/api/2.0/authentication').set('Content-Type', 'application/json').send('{"userName":"mike.zanyatski","password":"x"}').expect(201);
    const [made, given, task, token] = (await exported(app)).interactions as [PactInteraction, PactInteraction, PactInteraction, PactInteraction];

    assert.equal(patternAt(made, '$.id2'), 'integer');
    assert.match(patternAt(made, '$.id')!, /\[0-9a-fA-F\]\{8\}/);
    assert.equal(patternAt(made, '$.date_create'), DOTNET_DATETIME);
    assert.equal(patternAt(made, '$.modified_dateutc'), DOTNET_DATETIME);
    assert.match(made.response.matchingRules?.header?.Location?.matchers[0]?.match === 'regex' ? made.response.matchingRules.header.Location.matchers[0].regex : '', /^\^https\?:\/\/\[\^\/\]\+\/api\/Task/);
    // Given by the caller: echoed, so literal (and the Location names that id).
    assert.equal(rulesOf(given)['$.id'], undefined);
    assert.equal(rulesOf(given)['$.date_create'], undefined);
    assert.match(JSON.stringify(given.response.matchingRules?.header), /3970f5af-af17-4420-b038-a1efdc261244/);

    assert.equal(patternAt(task, '$.response.id'), 'integer');
    assert.equal(patternAt(task, '$.response.created'), API_DATETIME);
    assert.equal(patternAt(task, '$.response.createBy.displayName'), 'type');
    assert.equal(patternAt(task, '$.response.category.relativeItemsCount'), 'integer');
    assert.equal(rulesOf(task)['$.response.title'], undefined);
    assert.equal(rulesOf(task)['$.response.deadLine'], undefined);
    assert.deepEqual(task.providerStates, [{ name: 'a fresh session', params: { taskIdNext: 1 } }]);

    assert.match(patternAt(token, '$.response.token')!, /A-Za-z0-9/);
    assert.equal(patternAt(token, '$.response.expires'), API_DATETIME);
  });

  it('read-backs: the state holds the tasks earlier calls left, the path names them through its answer, the answers\' made-up values are matched', async () => {
    const app = agent();
    const onlyoffice = { Authorization: 'tok', 'Content-Type': 'application/json' };
    await app.post('/api/2.0/crm/task').set(onlyoffice).send(JSON.stringify(TASK)).expect(201);
    await app.put('/api/2.0/crm/task/1/close').set(onlyoffice).expect(200);
    await app.get('/api/2.0/crm/task/1.json').set(onlyoffice).expect(200);
    await app.get('/api/2.0/crm/task/filter').set(onlyoffice).expect(200);
    await app.get('/api/2.0/crm/task/category/1').set(onlyoffice).expect(200);
    const created = await wello(app, { subject: 'x', dispatch: 'not for the state' }).expect(201);
    await wello(app, { subject: 'y' }).expect(201);
    await app.get(`/api/TaskView(${created.body.id.toUpperCase()})`).set('Authorization', WELLO_BASIC).expect(200);
    await app.get('/api/TaskView?$top=1&$count=true').set('Authorization', WELLO_BASIC).expect(200);
    await app.get('/api/TaskView/CountOpen').set('Authorization', WELLO_BASIC).expect(200);
    const [, close, read, list, category, , , view, views, count] = (await exported(app)).interactions as PactInteraction[];

    assert.deepEqual(close!.providerStates, [{ name: JOURNAL_STATE_WITH_TASKS, params: { tasks: { onlyoffice: [{ ...TASK, id: 1 }] } } }]);
    assert.equal(close!.request.generators?.path.expression, '/api/2.0/crm/task/${onlyofficeTaskId}/close');
    // After the close, the state makes the task closed; the suffix stays on the path.
    assert.deepEqual(read!.providerStates?.[0]?.params, { tasks: { onlyoffice: [{ ...TASK, id: 1, isClosed: true }] } });
    assert.equal(read!.request.generators?.path.expression, '/api/2.0/crm/task/${onlyofficeTaskId}.json');
    assert.equal(patternAt(read!, '$.response.created'), API_DATETIME_WHOLE_SECOND);
    assert.equal(patternAt(read!, '$.response.id'), 'integer');
    assert.equal(rulesOf(read!)['$.response.title'], undefined);
    // A list: its numbers, each item by type (eachLike), each item's made-up values.
    assert.deepEqual(rulesOf(list!)['$.response'], { combine: 'AND', matchers: [{ match: 'type', min: 1 }] });
    assert.deepEqual(['$.count', '$.total', '$.response[*].id'].map((path) => patternAt(list!, path)), ['integer', 'integer', 'integer']);
    assert.equal(patternAt(list!, '$.response[*].created'), API_DATETIME_WHOLE_SECOND);
    assert.equal(list!.request.generators, undefined);
    assert.equal(patternAt(category!, '$.response.relativeItemsCount'), 'integer');

    // Wello: the GUID in the path is found in any letter case; the caller's `dispatch` member is not sent on.
    assert.deepEqual(view!.providerStates?.[0]?.params, { tasks: { wello: [{ subject: 'x' }, { subject: 'y' }] } });
    assert.equal(view!.request.generators?.path.expression, '/api/TaskView(${welloTaskId})');
    assert.match(patternAt(view!, "$['@odata.context']")!, /^\^https\?:\/\/\[\^\/\]\+\/api\/\\\$metadata#TaskView\/\\\$entity\$$/);
    assert.deepEqual(['$.task_status_name', '$.id2', '$.date_create'].map((path) => patternAt(view!, path)), ['type', 'integer', DOTNET_DATETIME]);
    assert.deepEqual(["$['@odata.count']", '$.value', '$.value[*].id2'].map((path) => patternAt(views!, path)), ['integer', 'type', 'integer']);
    // The next page's link (past 100 items) on any host.
    const nextLink = fieldRules({ api: 'wello', operation: 'listTaskView', status: 200, body: { value: [], '@odata.nextLink': 'http://a.example/api/TaskView?$skip=100' }, requestBody: undefined }, false);
    assert.deepEqual(nextLink.map((rule) => rule.path), [['@odata.nextLink']]);
    assert.match('https://other.example:8443/api/TaskView?$skip=100', new RegExp((nextLink[0]!.matcher as { regex: string }).regex));
    // CountOpen's bare number: the rule at the root.
    assert.deepEqual([count!.response.body?.content, patternAt(count!, '$')], [2, 'integer']);
  });

  it('a create needs no tasks in its state (only the counters), so a journal of creates does not set up each one again', async () => {
    const app = agent();
    await wello(app, { subject: 'one' }).expect(201);
    await wello(app, { subject: 'two' }).expect(201);
    await wello(app, { subject: '' }).expect(400);
    const [, second, refused] = (await exported(app)).interactions as PactInteraction[];
    assert.deepEqual(second!.providerStates, [{ name: JOURNAL_STATE, params: { id2Next: 2 } }]);
    // A refused create gets the tasks (the refusal may depend on them: Wello's 409 for an id that is taken).
    assert.equal((refused!.providerStates?.[0]?.params?.tasks as { wello: unknown[] }).wello.length, 2);
  });

  it('the date patterns take what .NET writes, a whole second (no fraction) included', () => {
    const dotnet = new RegExp(DOTNET_DATETIME);
    for (const ok of ['2026-12-01T20:52:44.112878+00:00', '2026-12-01T20:52:44+00:00', '2026-12-01T20:52:44.119Z', '2026-12-01T20:52:44.4578039', '2026-12-01T20:52:44']) assert.match(ok, dotnet);
    assert.doesNotMatch('2026-12-01T20:52:44.12345678Z', dotnet);
    assert.match('2026-12-01T20:52:44.0000000Z', new RegExp(API_DATETIME));
    assert.doesNotMatch('2026-12-01T20:52:44.000Z', new RegExp(API_DATETIME));
  });

  it('XML answers: the body as text, the rules on element text ($.task.id2.#text), integers as patterns', async () => {
    const app = agent();
    await app
      .post('/api/Task')
      .set({ Authorization: WELLO_BASIC, 'Content-Type': 'application/xml', Accept: 'application/xml' })
      .send('<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>x</subject></task>')
      .expect(201);
    await app.post('/api/2.0/crm/task.xml').set({ Authorization: 'tok', 'Content-Type': 'application/x-www-form-urlencoded' }).send(new URLSearchParams({ ...TASK, categoryId: '1' }).toString()).expect(201);
    const [welloXml, onlyofficeXml] = (await exported(app)).interactions as [PactInteraction, PactInteraction];
    assert.equal(typeof welloXml.response.body?.content, 'string');
    assert.equal(welloXml.response.body?.contentType, 'application/xml; charset=utf-8');
    assert.equal(patternAt(welloXml, '$.task.id2.#text'), '^-?\\d+$');
    assert.equal(patternAt(welloXml, '$.task.date_create.#text'), DOTNET_DATETIME);
    assert.equal(patternAt(onlyofficeXml, '$.result.response.created.#text'), API_DATETIME);
    // The request body is sent as written: XML as its text.
    assert.equal(welloXml.request.body?.content, '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>x</subject></task>');
  });

  it('request bodies go as written: JSON as JSON only where pact_ffi would send the same bytes (sorted keys), else base64', async () => {
    const app = agent();
    await wello(app, '{"id2":"x","subject":"s"}'); // keys sorted: JSON
    await wello(app, '{"subject":"s","id2":"x"}'); // pact_ffi would sort them, moving Json.NET's "position": the bytes
    const [sorted, unsorted] = (await exported(app)).interactions as [PactInteraction, PactInteraction];
    assert.deepEqual(sorted.request.body, { content: { id2: 'x', subject: 's' }, contentType: 'application/json', encoded: false });
    assert.deepEqual(unsorted.request.body, { content: Buffer.from('{"subject":"s","id2":"x"}').toString('base64'), contentType: 'application/json', encoded: 'base64' });
  });

  it('credentials are masked as the journal masks them; a refused one is marked; --journal-secrets shows them', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }).expect(201);
    await wello(app, { subject: 'x' }, { Authorization: 'Bearer nope' }).expect(401);
    await app.post('/api/2.0/crm/task').set({ Cookie: 'asc_auth_key=secret-token', 'Content-Type': 'application/json' }).send(JSON.stringify(TASK)).expect(201);
    const pact = await exported(app);
    assert.deepEqual(
      pact.interactions.map((i) => i.request.headers?.Authorization?.[0] ?? i.request.headers?.Cookie?.[0]),
      ['Basic ****', 'Bearer refused-credential', 'asc_auth_key=****'],
    );
    const open = agent({ journalSecrets: true });
    await wello(open, { subject: 'x' }).expect(201);
    assert.deepEqual((await exported(open)).interactions[0]?.request.headers?.Authorization, [WELLO_BASIC]);
  });

  it('leaves out faulted calls (listed in metadata.taskstub.skipped), X-Stub-* headers and the transport\'s; keeps 4xx as answered', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }, { 'X-Stub-Fault': '503' }).expect(503);
    await wello(app, { subject: '' }, { 'X-Stub-Session': 's1' }).expect(400);
    const pact = await exported(app);
    assert.deepEqual(pact.metadata.taskstub.skipped.map((s) => [s.call, /fault/.test(s.reason)]), [[1, true]]);
    const [refused] = pact.interactions as [PactInteraction];
    assert.equal(refused.response.status, 400);
    assert.deepEqual(Object.keys(refused.request.headers ?? {}).sort(), ['Authorization', 'Content-Type']);
    assert.equal(refused.response.matchingRules, undefined, 'an error is the server\'s own words: literal');
  });

  it('filters as the listing does (?session=, ?api=); consumer and provider are required; unknown parameters refused', async () => {
    const app = agent();
    await wello(app, { subject: 'x' }, { 'X-Stub-Session': 's1' }).expect(201);
    await app.post('/api/2.0/crm/task').set({ Authorization: 'tok', 'Content-Type': 'application/json' }).send(JSON.stringify(TASK)).expect(201);
    assert.equal((await exported(app, '&session=s1')).interactions.length, 1);
    assert.equal((await exported(app, '&api=onlyoffice')).interactions[0]?.request.path, '/api/2.0/crm/task');
    for (const query of ['provider=p', 'consumer=c', 'consumer=a/b&provider=p', 'consumer=c&provider=p&stauts=201']) {
      const res = await app.get(`/__admin/requests.pact?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.headers['content-type'] ?? '', /problem\+json/);
    }
  });
});

describe('pactRequestFilter (pact-js Verifier requestFilter)', () => {
  const run = (filter: ReturnType<typeof pactRequestFilter>, req: FilteredRequest) => {
    let called = false;
    filter(req, {}, () => (called = true));
    assert.ok(called);
    return req;
  };

  it('uses the journal\'s mask', () => assert.equal(MASKED, MASK));

  it('fills masked credentials per API and leaves refused and unmasked ones alone', () => {
    const filter = pactRequestFilter({ credentials: { wello: WELLO_BASIC, onlyoffice: 'tok' } });
    assert.equal(run(filter, { path: '/api/Task', headers: { authorization: 'Basic ****' } }).headers.authorization, WELLO_BASIC);
    assert.equal(run(filter, { url: '/api/2.0/crm/task.json?x=1', headers: { authorization: '****' } }).headers.authorization, 'tok');
    assert.equal(run(filter, { path: '/api/Task', headers: { authorization: 'Basic refused-credential' } }).headers.authorization, 'Basic refused-credential');
    assert.equal(run(filter, { path: '/api/Task', headers: {} }).headers.authorization, undefined);
  });

  it('sends a form body pact-js\'s proxy parsed as the form it was', () => {
    const req = run(pactRequestFilter(), { path: '/api/2.0/crm/task', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { title: 'a b', categoryId: '1' } });
    assert.equal(String(req.body), 'title=a+b&categoryId=1');
    assert.equal(req.headers['content-length'], String('title=a+b&categoryId=1'.length));
  });
});

describe('taskstub pact', () => {
  it('--from a running stub writes <out>/<consumer>-<provider>.json', async () => {
    const stub = createStub({ seed: 2 });
    const server = createApp({}, stub).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await request(url).post('/api/Task').set({ Authorization: WELLO_BASIC, 'Content-Type': 'application/json' }).send('{"subject":"x"}').expect(201);
      await request(url).post('/api/Task').set({ Authorization: WELLO_BASIC, 'X-Stub-Session': 'other' }).send('{"subject":"x"}');
      const out = join(work, 'from');
      const { code, stdout, stderr } = await runCli(['pact', '--from', url, '--session', 'default', '--consumer', 'web', '--provider', 'wello', '--out', out]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^wrote .*web-wello\.json \(1 interaction\(s\)\)$/m);
      const pact = JSON.parse(readFileSync(join(out, 'web-wello.json'), 'utf8')) as PactFile;
      assert.equal(pact.interactions.length, 1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a wrong command line exits 2 with the reason', async () => {
    for (const [args, reason] of [
      [['--consumer', 'c', '--provider', 'p'], /give scenario files or directories, or --from/],
      [['--from', 'http://127.0.0.1:1', '--consumer', 'c', '--provider', 'p'], /cannot reach the stub/],
    ] as const) {
      const { code, stderr } = await runCli(['pact', ...args]);
      assert.deepEqual([code, reason.test(stderr)], [2, true], stderr);
    }
  });
});
