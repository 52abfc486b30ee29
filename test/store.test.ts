// The Store (src/store/): created tasks kept per session, bounded by --max-tasks, cleared by a reset,
// reported in health; the limit refused in each API's own error shape before any id is drawn.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';
import { createTaskTable, TaskLimitError } from '../src/store/task-table.js';
import { createStub } from '../src/stub.js';
import { ONLYOFFICE_TASKS } from '../src/apis/onlyoffice/task-entity.js';
import { WELLO_TASKS } from '../src/apis/wello/task-store.js';

const WELLO_TASK = { subject: 'Printer jammed' };

describe('task table', () => {
  it('keeps tasks in the order first added; a replace keeps its place and its index count', () => {
    const table = createTaskTable<{ id: number; group: number }>({ limit: 3, index: (t) => t.group });
    table.put({ id: 1, group: 7 });
    table.put({ id: 2, group: 7 });
    table.put({ id: 1, group: 8 });
    assert.deepEqual(table.values().map((t) => t.id), [1, 2]);
    assert.equal(table.countIn(7), 1);
    assert.equal(table.countIn(8), 1);
    assert.deepEqual(table.delete(2), { id: 2, group: 7 });
    assert.equal(table.countIn(7), 0);
    assert.equal(table.delete(2), undefined);
  });

  it('refuses one task past the limit and changes nothing; a replace at the limit is allowed', () => {
    const table = createTaskTable<{ id: string }>({ limit: 1 });
    table.put({ id: 'a' });
    assert.throws(() => table.put({ id: 'b' }), TaskLimitError);
    table.put({ id: 'a' });
    assert.equal(table.size, 1);
    assert.equal(table.room(), false);
  });
});

describe('stored tasks per session', () => {
  it('an ONLYOFFICE create stores the task in its session only; relativeItemsCount counts the stored tasks of the category (ListItemDao.GetRelativeItemsCount)', async () => {
    const stub = createStub({ seed: 1 });
    const post = (session: string) =>
      stub.handle({ method: 'POST', path: '/api/2.0/crm/task', query: {}, headers: { ...lower(TOKEN), 'content-type': 'application/json', 'x-stub-session': session }, body: Buffer.from(JSON.stringify(VALID)) })!;
    post('a');
    const second = JSON.parse(String(post('a').response.body));
    post('b');
    assert.equal(second.response.category.relativeItemsCount, 2);
    const a = stub.store.sessions.find('a')!.tasks(ONLYOFFICE_TASKS);
    assert.deepEqual(a.values().map((t) => t.id), [1, 2]);
    assert.equal(a.get(2)!.title, VALID.title);
    assert.equal(stub.store.sessions.find('b')!.tasks(ONLYOFFICE_TASKS).size, 1);
    stub.reset('a');
    assert.equal(stub.store.sessions.find('a'), undefined);
    assert.equal(stub.store.sessions.find('b')!.tasks(ONLYOFFICE_TASKS).size, 1);
  });

  it('a Wello create stores the task under its GUID, in its session', () => {
    const stub = createStub({ seed: 1 });
    const result = stub.handle({ method: 'POST', path: '/api/Task', query: {}, headers: { ...lower(WELLO_AUTH), 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(WELLO_TASK)) })!;
    const created = JSON.parse(String(result.response.body));
    const stored = stub.store.sessions.find('default')!.tasks(WELLO_TASKS).get(created.id);
    assert.equal(stored?.subject, WELLO_TASK.subject);
    assert.equal(stored?.id2, created.id2);
  });

  it('ONLYOFFICE: past --max-tasks a create is 507 in the API error envelope, and draws no id', async () => {
    const api = agent({ maxTasks: 2 });
    for (let i = 0; i < 2; i++) await api.post('/api/2.0/crm/task').set(TOKEN).send(VALID).expect(201);
    const refused = await api.post('/api/2.0/crm/task.json').set(TOKEN).send(VALID).expect(507);
    assert.equal(refused.body.status, 1);
    assert.equal(refused.body.statusCode, 507);
    assert.match(refused.body.error.message, /holds 2 tasks.*--max-tasks/);
    const xml = await api.post('/api/2.0/crm/task.xml').set(TOKEN).type('form').send(VALID).expect(507);
    assert.match(xml.text, /<statusCode>507<\/statusCode>/);
    // Another session still has room.
    await api.post('/api/2.0/crm/task').set(TOKEN).set('X-Stub-Session', 'other').send(VALID).expect(201);
    const health = await api.get('/__admin/health').expect(200);
    assert.deepEqual(health.body.tasks, { held: 3, maxPerSession: 2, full: 1 });
    assert.equal(health.body.store, 'memory');
    // The refused calls drew no task id.
    const state = await api.get('/__admin/state').expect(200);
    assert.equal(state.body.taskIdNext, 3);
    await api.post('/__admin/reset').expect(200);
    await api.post('/api/2.0/crm/task').set(TOKEN).send(VALID).expect(201);
  });

  it('Wello: past --max-tasks a create is 507 in the HttpError shape (JSON and XML), and draws no id2', async () => {
    const api = agent({ maxTasks: 1 });
    await api.post('/api/Task').set(WELLO_AUTH).send(WELLO_TASK).expect(201);
    const refused = await api.post('/api/Task').set(WELLO_AUTH).send(WELLO_TASK).expect(507);
    assert.match(refused.body.Message, /holds 1 tasks/);
    const xml = await api.post('/api/Task').set(WELLO_AUTH).set('Accept', 'application/xml').send(WELLO_TASK).expect(507);
    assert.match(xml.text, /<Error><Message>This session holds 1 tasks/);
    const state = await api.get('/__admin/state').expect(200);
    assert.equal(state.body.id2Next, 2);
  });
});

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('GET /__admin/tasks and the client helpers', () => {
  it('lists each API\'s stored tasks of the session named, oldest first; reading makes no session', async () => {
    const api = agent();
    await api.post('/api/2.0/crm/task').set(TOKEN).set('X-Stub-Session', 's1').send(VALID).expect(201);
    const wello = await api.post('/api/Task').set(WELLO_AUTH).set('X-Stub-Session', 's1').send(WELLO_TASK).expect(201);
    const listed = await api.get('/__admin/tasks?session=s1').expect(200);
    assert.equal(listed.body.session, 's1');
    assert.deepEqual(listed.body.onlyoffice.map((t: { id: number; title: string }) => [t.id, t.title]), [[1, VALID.title]]);
    assert.deepEqual(listed.body.wello, [wello.body]);
    const onlyWello = await api.get('/__admin/tasks').set('X-Stub-Session', 's1').query({ api: 'wello' }).expect(200);
    assert.deepEqual(Object.keys(onlyWello.body), ['session', 'wello']);
    const before = (await api.get('/__admin/health')).body.sessions.count;
    assert.deepEqual((await api.get('/__admin/tasks?session=never').expect(200)).body, { session: 'never', onlyoffice: [], wello: [] });
    assert.equal((await api.get('/__admin/health')).body.sessions.count, before);
  });

  it('refuses an unknown api or query parameter with a 400 problem', async () => {
    const api = agent();
    const bad = await api.get('/__admin/tasks?api=jira').expect(400);
    assert.match(bad.body.detail ?? bad.body.title, /onlyoffice or wello/);
    await api.get('/__admin/tasks?sesion=x').expect(400);
  });

  it('the typed client reads its session\'s tasks', async () => {
    const { listening } = await import('./helpers.js');
    const { connect } = await import('../src/client/index.js');
    const server = await listening();
    try {
      const client = connect(server.url, { session: 'client-tasks' });
      const created = await fetch(`${server.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, ...client.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(WELLO_TASK) });
      const body = await created.json();
      assert.deepEqual(await client.welloTasks(), [body]);
      assert.deepEqual(await client.onlyofficeTasks(), []);
      assert.deepEqual(await connect(server.url).welloTasks(), []);
    } finally {
      server.close();
    }
  });
});
