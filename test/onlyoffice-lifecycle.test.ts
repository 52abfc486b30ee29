// The ONLYOFFICE routes around the create: read-back, list, update, close, reopen, delete and the task
// categories, as CRMApi.Tasks.cs, CRMApi.ListItem.cs, TaskDao and ASC.Api's envelope give them
// (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { agent, fixturesWith, TOKEN, VALID } from './helpers.js';
import { createStub } from '../src/stub.js';

type App = ReturnType<typeof agent>;
type Task = Record<string, unknown> & { id: number; title: string; category: Record<string, unknown> };
const TASK = '/api/2.0/crm/task';
const MIKE = '9924256a-739c-462b-af15-e652a3b1b6eb';
const ANNA = '6c2f3d1e-8a4b-4f5c-b6d7-e8f9a0b1c2d3';
const xml = new XMLParser({ parseTagValue: false, isArray: (name, path) => path === 'result.response' });

async function create(app: App, fields: Record<string, unknown> = {}, session?: string): Promise<Task> {
  const req = app.post(TASK).set(TOKEN);
  if (session) req.set('X-Stub-Session', session);
  const res = await req.send({ ...VALID, ...fields });
  assert.equal(res.status, 201, res.text);
  return (res.body as { response: Task }).response;
}

async function list(app: App, query: string): Promise<{ count?: number; startIndex?: number; nextIndex?: number; total?: number; response: Task[] }> {
  const res = await app.get(`${TASK}/filter${query ? `?${query}` : ''}`).set(TOKEN);
  assert.equal(res.status, 200, res.text);
  return res.body as never;
}

const ids = (tasks: Task[]) => tasks.map((t) => t.id);

describe('GET api/2.0/crm/task/{taskid} (CRMApi.GetTaskByID)', () => {
  it('reads a created task back: 200, count 1, the TaskWrapper with description "" and whole-second dates (TaskDao.ToTask) [inferred]', async () => {
    const app = agent();
    const made = await create(app, { description: undefined });
    assert.equal(made.created, '2026-11-24T10:00:00.1234567Z', 'the create echoes the in-memory values');
    assert.equal('description' in made, false);
    const res = await app.get(`${TASK}/${made.id}`).set(TOKEN);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^application\/json; charset=utf-8/);
    const body = res.body as { count: number; status: number; statusCode: number; response: Task };
    assert.deepEqual(Object.keys(body), ['count', 'status', 'statusCode', 'response']);
    assert.deepEqual([body.count, body.status, body.statusCode], [1, 0, 200]);
    assert.equal(body.response.created, '2026-11-24T10:00:00.0000000Z');
    assert.equal(body.response.description, '');
    assert.deepEqual(Object.keys(body.response), ['createBy', 'created', 'title', 'description', 'deadLine', 'responsible', 'category', 'canEdit', 'id']);
    assert.deepEqual(body.response.category, { ...made.category }, 'a TaskCategoryWrapper, relativeItemsCount first');
    assert.equal(Object.keys(body.response.category)[0], 'relativeItemsCount');
  });

  it('rounds a stored fraction to the nearest second, as a MySQL datetime column does [inferred]', async () => {
    const app = agent({ clock: '2026-11-24T10:00:00.6Z' });
    const res = await app.post(TASK).set(TOKEN).type('form').send({ ...VALID, deadline: '2026-12-01T09:00:00.500Z' });
    assert.equal(res.body.response.deadLine, '2026-12-01T09:00:00.5000000Z');
    const back = (await app.get(`${TASK}/${res.body.response.id as number}`).set(TOKEN)).body.response as Task;
    assert.equal(back.created, '2026-11-24T10:00:01.0000000Z');
    assert.equal(back.deadLine, '2026-12-01T09:00:01.0000000Z');
  });

  it('answers XML at .xml for a request that is not JSON, and JSON at .json (ApiRouteRegistrator: every route with the suffix)', async () => {
    const app = agent();
    const made = await create(app);
    const res = await app.get(`${TASK}/${made.id}.xml`).set(TOKEN);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/xml/);
    assert.match(res.text, /^<result><count>1<\/count><status>0<\/status><statusCode>200<\/statusCode><response><createBy>/);
    assert.match(res.text, /<description><\/description>/, '"" is an empty text node');
    const json = await app.get(`${TASK}/${made.id}.json`).set(TOKEN);
    assert.equal(json.body.response.id, made.id);
  });

  it('errors: taskid 0 is 400 (ArgumentException), an unknown id 404 "Not found" (ItemNotFoundException), past Int32 the binding\'s 400, no credential 401', async () => {
    const app = agent();
    const zero = await app.get(`${TASK}/0`).set(TOKEN);
    assert.equal(zero.status, 400);
    assert.deepEqual(zero.body, { status: 1, statusCode: 400, error: { message: 'Value does not fall within the expected range.', hresult: -2147024809, data: {} } });
    const missing = await app.get(`${TASK}/7`).set(TOKEN);
    assert.deepEqual(missing.body, { status: 1, statusCode: 404, error: { message: 'Not found', hresult: -2147467259, data: {} } });
    const missingXml = await app.get(`${TASK}/7.xml`).set(TOKEN);
    assert.equal(missingXml.text, '<result><status>1</status><statusCode>404</statusCode><error><message>Not found</message><hresult>-2147467259</hresult><data /></error></result>');
    const big = await app.get(`${TASK}/99999999999`).set(TOKEN);
    assert.equal(big.status, 400);
    assert.equal(big.body.error.message, 'Value was either too large or too small for an Int32.');
    const anonymous = await app.get(`${TASK}/1`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, 'Unauthorized');
  });

  it('a non-numeric id, a GET of close, and PATCH match no route: 404 Method not found as any unknown route [assumption: the real fall-through is not traced]', async () => {
    const app = agent();
    const made = await create(app);
    for (const [method, path] of [['get', `${TASK}/abc`], ['get', `${TASK}/-1`], ['get', `${TASK}/${made.id}/close`], ['patch', `${TASK}/${made.id}`], ['post', `${TASK}/${made.id}`], ['delete', `${TASK}/filter`]] as const) {
      const res = await app[method](path).set(TOKEN).send({});
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.message, 'Method not found');
    }
  });

  it('the route\'s taskid is bound before a taskid in the query or the body (ApiArgumentBuilder.GetRequestParams)', async () => {
    const app = agent();
    const first = await create(app);
    await create(app);
    const res = await app.get(`${TASK}/${first.id}?taskid=2`).set(TOKEN);
    assert.equal(res.body.response.id, first.id);
  });

  it('echoes ?startIndex= in the envelope of a single task (ApiHttpHandler.DoProcess sets it before the method runs)', async () => {
    const app = agent();
    const made = await create(app);
    const res = await app.get(`${TASK}/${made.id}?startIndex=3`).set(TOKEN);
    assert.deepEqual(Object.keys(res.body), ['count', 'startIndex', 'status', 'statusCode', 'response']);
    assert.equal(res.body.startIndex, 3);
  });
});

describe('GET api/2.0/crm/task/filter (CRMApi.GetAllTasks, TaskDao.GetTasks)', () => {
  async function thirty(): Promise<App> {
    const app = agent();
    for (let i = 1; i <= 30; i++) await create(app, { title: `Task ${String(i).padStart(2, '0')}`, deadline: `2026-12-${String(i).padStart(2, '0')}` });
    return app;
  }

  it('the envelope numbers as PostProcessResponse writes them, nextIndex one past the next offset (table) [inferred]', async () => {
    const app = await thirty();
    const cases: [string, Record<string, number | undefined>, number][] = [
      ['count=25', { count: 25, startIndex: undefined, nextIndex: 26, total: 30 }, 25],
      ['count=25&startIndex=25', { count: 5, startIndex: 25, nextIndex: undefined, total: 30 }, 5],
      ['count=10&startIndex=10', { count: 10, startIndex: 10, nextIndex: 21, total: 30 }, 10],
      ['count=10&startIndex=20', { count: 10, startIndex: 20, nextIndex: undefined, total: 30 }, 10],
      ['startIndex=40&count=25', { count: undefined, startIndex: 40, nextIndex: undefined, total: 40 }, 0],
      ['', { count: 30, startIndex: undefined, nextIndex: undefined, total: 30 }, 30],
      ['count=0', { count: 1, startIndex: undefined, nextIndex: undefined, total: 30 }, 1],
      ['count=5000', { count: 30, nextIndex: undefined, total: 30 }, 30],
      ['count=-1&startIndex=-5', { count: 30, startIndex: undefined, total: 30 }, 30],
      ['Count=3&StartIndex=1', { count: 3, startIndex: 1, nextIndex: 5, total: 30 }, 3],
      ['count=3,9', { count: 3, nextIndex: 4, total: 30 }, 3],
      ['categoryid=5', { count: undefined, total: 0 }, 0],
    ];
    for (const [query, want, items] of cases) {
      const body = await list(app, query);
      for (const [key, value] of Object.entries(want)) assert.equal((body as Record<string, unknown>)[key], value, `${query}: ${key}`);
      assert.equal(body.response.length, items, query);
    }
    const empty = await list(app, 'categoryid=5');
    assert.deepEqual(Object.keys(empty), ['total', 'status', 'statusCode', 'response'], 'total is always written, 0 included');
  });

  it('pages in the order the DAO sorts: open before closed, then deadline and title (WhereConditional)', async () => {
    const app = await thirty();
    await app.put(`${TASK}/1/close`).set(TOKEN);
    const page = await list(app, 'count=3');
    assert.deepEqual(ids(page.response), [2, 3, 4]);
    const all = await list(app, '');
    assert.equal(all.response.at(-1)!.id, 1, 'the closed task last');
    assert.equal(all.response.at(-1)!.isClosed, true);
  });

  it('each task\'s category is a TaskCategoryBaseWrapper: no relativeItemsCount (ToTaskListWrapper)', async () => {
    const app = agent();
    const made = await create(app);
    assert.equal(made.category.relativeItemsCount, 1);
    const [task] = (await list(app, '')).response;
    assert.deepEqual(Object.keys(task!.category), ['imagePath', 'title', 'sortOrder', 'id']);
    assert.equal(task!.description, '');
  });

  it('filters: responsibleid, categoryid, isClosed, fromDate/toDate on the deadline, inclusive (WhereConditional)', async () => {
    const app = agent();
    await create(app, { title: 'a', responsibleId: MIKE, categoryId: 1, deadline: '2026-12-01T09:00:00Z' });
    await create(app, { title: 'b', responsibleId: ANNA, categoryId: 2, deadline: '2026-12-02T09:00:00Z' });
    await create(app, { title: 'c', responsibleId: MIKE, categoryId: 2, deadline: '2026-12-03T09:00:00Z' });
    await app.put(`${TASK}/3/close`).set(TOKEN);
    const titles = async (q: string) => (await list(app, q)).response.map((t) => t.title);
    assert.deepEqual(await titles(`responsibleid=${MIKE.toUpperCase()}`), ['a', 'c']);
    assert.deepEqual(await titles('responsibleid=00000000-0000-0000-0000-000000000000'), ['a', 'b', 'c'], 'Guid.Empty: any');
    assert.deepEqual(await titles('categoryid=2'), ['b', 'c']);
    assert.deepEqual(await titles('categoryid=0'), ['a', 'b', 'c']);
    assert.deepEqual(await titles('isClosed=true'), ['c']);
    assert.deepEqual(await titles('isclosed=FALSE'), ['a', 'b']);
    assert.deepEqual(await titles('isClosed='), ['a', 'b', 'c'], 'empty: both');
    assert.deepEqual(await titles('fromDate=2026-12-02T09:00:00Z&toDate=2026-12-03T09:00:00Z'), ['b', 'c'], 'BETWEEN, both ends included');
    assert.deepEqual(await titles('fromDate=2026-12-02T09:00:01Z'), ['c']);
    assert.deepEqual(await titles('toDate=2026-12-01'), [], 'a bare date is midnight');
    assert.deepEqual(await titles('toDate=2026-12-01T23:59:59Z'), ['a'], 'the web UI sends 23:59:59');
  });

  it('filters by entityType and entityid: opportunity and case by entity, contact by contact_id and a company\'s persons; entityid alone is ignored (WhereConditional)', async () => {
    const dir = fixturesWith((data) => (data.contacts as { id: number; companyId?: number }[]).find((c) => c.id === 2)!.companyId = 1);
    const app = agent({ fixtures: dir });
    await create(app, { title: 'deal', entityType: 'opportunity', entityId: 1 });
    await create(app, { title: 'case', entityType: 'case', entityId: 1 });
    await create(app, { title: 'company', contactId: 1 });
    await create(app, { title: 'person', contactId: 2 });
    await create(app, { title: 'other', contactId: 3 });
    const titles = async (q: string) => (await list(app, q)).response.map((t) => t.title).sort();
    assert.deepEqual(await titles('entityType=Opportunity&entityid=1'), ['deal']);
    assert.deepEqual(await titles('entityType=case&entityid=1'), ['case']);
    assert.deepEqual(await titles('entityType=contact&entityid=1'), ['company', 'person'], 'a company: its own and its persons\' tasks');
    assert.deepEqual(await titles('entityType=contact&entityid=2'), ['person']);
    assert.deepEqual(await titles('entityid=1'), ['case', 'company', 'deal', 'other', 'person']);
    assert.deepEqual(await titles('entityType=opportunity'), ['case', 'company', 'deal', 'other', 'person'], 'entityid 0: no entity filter');
  });

  it('filterValue: every keyword a word prefix of the title or the description, without case; the first of a comma list (GetCrudeTasks, BuildLike, ApiContext)', async () => {
    const app = agent();
    await create(app, { title: 'Call the client', description: 'about the invoice' });
    await create(app, { title: 'Recall nothing' });
    await create(app, { title: 'Invoice review' });
    const titles = async (q: string) => (await list(app, q)).response.map((t) => t.title);
    assert.deepEqual(await titles('filterValue=call'), ['Call the client'], '"Recall" has "call" inside a word only');
    assert.deepEqual(await titles('filterValue=INV'), ['Call the client', 'Invoice review']);
    assert.deepEqual(await titles(`filterValue=${encodeURIComponent('client  invoice')}`), ['Call the client'], 'every keyword, in either column');
    assert.deepEqual(await titles('filterValue=rev,call'), ['Invoice review']);
    assert.deepEqual(await titles('filterValue=c_ll'), ['Call the client'], '_ is LIKE\'s one-character wildcard [inferred: not escaped]');
  });

  it('bad values: entityType other than contact/opportunity/case (person too) is 400; a value that does not convert is the binding\'s 400 in parameter order', async () => {
    const app = agent();
    for (const q of ['entityType=person', 'entityType=company', 'entityType=task']) {
      const res = await app.get(`${TASK}/filter?${q}`).set(TOKEN);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.message, 'Value does not fall within the expected range.');
    }
    const cases: [string, string][] = [
      ['responsibleid=nope', 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).'],
      ['categoryid=x', 'Input string was not in a correct format.'],
      ['isClosed=maybe', 'String was not recognized as a valid Boolean.'],
      ['fromDate=2026-13-01', 'invalid date time format: 2026-13-01'],
      ['categoryid=x&responsibleid=nope', 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).'],
    ];
    for (const [q, message] of cases) {
      const res = await app.get(`${TASK}/filter?${q}`).set(TOKEN);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.message, message, q);
    }
  });

  it('sortBy: title, deadLine, category, contactManager, contact, id in the asked direction, open still first; no sortBy ignores sortOrder (WhereConditional)', async () => {
    const app = agent();
    await create(app, { title: 'b', deadline: '2026-12-03', categoryId: 2, responsibleId: ANNA, contactId: 3 });
    await create(app, { title: 'A', deadline: '2026-12-01', categoryId: 3, responsibleId: MIKE });
    await create(app, { title: 'c', deadline: '2026-12-02', categoryId: 1, contactId: 1 });
    await create(app, { title: 'd', deadline: '2026-12-04', categoryId: 1, responsibleId: MIKE, contactId: 2 });
    await app.put(`${TASK}/4/close`).set(TOKEN);
    const order = async (q: string) => ids((await list(app, q)).response);
    assert.deepEqual(await order(''), [2, 3, 1, 4], 'deadline, then title; the closed one last');
    assert.deepEqual(await order('sortOrder=descending'), [2, 3, 1, 4], 'sortOrder alone changes nothing');
    assert.deepEqual(await order('sortBy=title'), [2, 1, 3, 4], 'without case: A before b');
    assert.deepEqual(await order('sortBy=TITLE&sortOrder=descending'), [3, 1, 2, 4]);
    assert.deepEqual(await order('sortBy=title&sortOrder=Descending'), [2, 1, 3, 4], 'the value is case-sensitive');
    assert.deepEqual(await order('sortBy=deadLine&sortOrder=descending'), [1, 3, 2, 4]);
    assert.deepEqual(await order('sortBy=category'), [3, 1, 2, 4], 'by category_id, then deadline');
    // Anna Smith, Mike Zanyatski, and task 3 has no responsible (the empty names last).
    assert.deepEqual(await order('sortBy=contactManager'), [1, 2, 3, 4]);
    assert.deepEqual(await order('sortBy=contactmanager&sortOrder=descending'), [2, 1, 3, 4]);
    // Ascensio System SIA (3), Jane Roe (1); task 2 has no contact (NULL last).
    assert.deepEqual(await order('sortBy=contact'), [3, 1, 2, 4]);
    assert.deepEqual(await order('sortBy=id&sortOrder=descending'), [3, 2, 1, 4]);
    assert.deepEqual(await order('sortBy=0&sortOrder=descending'), [3, 1, 2, 4], 'a number is the enum member at that place (Title) [inferred]');
    assert.deepEqual(await order('sortBy=9'), [2, 3, 1, 4], 'a number that is no member: the default order');
  });

  it('an unknown sortBy: every match, then the SmartList sorts by that TaskWrapper member and pages; total is startIndex + matches on the last page [inferred]', async () => {
    const app = agent();
    for (const [title, deadline] of [['x', '2026-12-01'], ['y', '2026-11-01'], ['z', '2026-10-01']]) await create(app, { title, deadline });
    const byCreatedDesc = await list(app, 'sortBy=id,title&sortOrder=descending');
    assert.deepEqual(ids(byCreatedDesc.response), [3, 2, 1], 'a comma list is its first value: id');
    const byDescription = await list(app, 'sortBy=canEdit');
    assert.deepEqual(ids(byDescription.response), [3, 2, 1], 'all equal: the DAO\'s default order kept');
    const paged = await list(app, 'sortBy=alertValue&startIndex=1&count=1');
    assert.deepEqual(ids(paged.response), [2]);
    assert.deepEqual([paged.count, paged.startIndex, paged.nextIndex, paged.total], [1, 1, 3, 3]);
    const last = await list(app, 'sortBy=alertValue&startIndex=2');
    assert.deepEqual([last.count, last.startIndex, last.total], [1, 2, 5], 'total = startIndex + every match (the quirk)');
  });

  it('answers XML: each task a <response> under <result>, none for an empty list [inferred: XmlNodeConverter]', async () => {
    const app = agent();
    await create(app, { title: 'one' });
    await create(app, { title: 'two' });
    const res = await app.get(`${TASK}/filter.xml`).set(TOKEN);
    assert.match(res.text, /^<result><count>2<\/count><total>2<\/total><status>0<\/status><statusCode>200<\/statusCode><response><createBy>/);
    const parsed = xml.parse(res.text) as { result: { response: { title: string }[] } };
    assert.deepEqual(parsed.result.response.map((t) => t.title), ['one', 'two']);
    const none = await app.get(`${TASK}/filter.xml?categoryid=9`).set(TOKEN);
    assert.equal(none.text, '<result><total>0</total><status>0</status><statusCode>200</statusCode></result>');
  });

  it('?fields= trims each listed task (SerializerContractResolver)', async () => {
    const app = agent();
    await create(app);
    const body = await list(app, 'fields=title,ID');
    assert.deepEqual(body.response, [{ title: 'Call the client', id: 1 }]);
  });
});

describe('PUT api/2.0/crm/task/{taskid} (CRMApi.UpdateTask, TaskDao.SaveOrUpdateTask)', () => {
  it('a full replace: omitted fields become defaults; created, createBy and isClosed are kept; the answer echoes what was sent', async () => {
    const app = agent();
    const made = await create(app, { description: 'first', contactId: 1, alertValue: 15, responsibleId: MIKE });
    await app.put(`${TASK}/${made.id}/close`).set(TOKEN);
    const res = await app.put(`${TASK}/${made.id}`).set(TOKEN).type('form').send({ title: 'Renamed', deadline: '2026-12-05T08:30:00.123Z', categoryid: 4 });
    assert.equal(res.status, 200);
    const task = res.body.response as Task;
    assert.deepEqual(Object.keys(task), ['createBy', 'created', 'title', 'deadLine', 'responsible', 'isClosed', 'category', 'canEdit', 'id']);
    assert.equal(task.id, made.id);
    assert.equal(task.created, '2026-11-24T10:00:00.0000000Z', 'create_on as read from the row');
    assert.equal(task.deadLine, '2026-12-05T08:30:00.1230000Z', 'the deadline as sent');
    assert.equal(task.isClosed, true);
    assert.equal((task.responsible as { displayName: string }).displayName, 'Profile has been removed', 'responsibleid left out: Guid.Empty');
    assert.equal(task.category.relativeItemsCount, 1);
    const back = (await app.get(`${TASK}/${made.id}`).set(TOKEN)).body.response as Task;
    assert.equal(back.description, '', 'the description was replaced by NULL');
    assert.equal(back.deadLine, '2026-12-05T08:30:00.0000000Z');
    assert.equal('contact' in back || 'alertValue' in back, false);
    const old = (await app.get(`${TASK}/category/1`).set(TOKEN)).body.response;
    assert.equal('relativeItemsCount' in old, false, 'the old category no longer counts it');
  });

  it('an id no task has creates a new task with the next id, 200 (SaveOrUpdateTask\'s insert branch); PUT task/0 too (UpdateTask never checks taskid)', async () => {
    const app = agent();
    await create(app);
    const res = await app.put(`${TASK}/99999`).set(TOKEN).send({ title: 'Upserted', deadline: '2026-12-01', categoryid: 2 });
    assert.equal(res.status, 200);
    assert.equal(res.body.statusCode, 200);
    assert.equal(res.body.response.id, 2);
    assert.equal(res.body.response.created, '2026-11-24T10:00:00.1234567Z', 'created now, as a create');
    assert.equal((await app.get(`${TASK}/99999`).set(TOKEN)).status, 404, 'not under the id asked for');
    const zero = await app.put(`${TASK}/0`).set(TOKEN).send({ title: 'Zero', deadline: '2026-12-01', categoryid: 2 });
    assert.equal(zero.body.response.id, 3);
    assert.equal((await list(app, 'categoryid=2')).total, 2);
  });

  it('the route\'s taskid beats one in the body; create-style names (categoryId, responsibleId) bind too, in any case', async () => {
    const app = agent();
    await create(app);
    await create(app);
    const res = await app.put(`${TASK}/1`).set(TOKEN).send({ taskid: 2, title: 't', deadline: '2026-12-01', categoryId: 3, responsibleId: MIKE });
    assert.equal(res.body.response.id, 1);
    assert.equal(res.body.response.category.id, 3);
    assert.equal(res.body.response.responsible.id, MIKE);
  });

  it('errors in UpdateTask\'s order: entityType or categoryid <= 0 (400), unknown category (404), then title or deadline (400); binding first', async () => {
    const app = agent();
    await create(app);
    const put = (body: Record<string, unknown>) => app.put(`${TASK}/1`).set(TOKEN).send(body);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ title: 't', deadline: '2026-12-01', categoryid: 0 }, 400, 'Value does not fall within the expected range.'],
      [{ title: 't', deadline: '2026-12-01', categoryid: 1, entityType: 'contact' }, 400, 'Value does not fall within the expected range.'],
      [{ deadline: '2026-12-01', categoryid: 99 }, 404, 'Category is not found'],
      [{ deadline: '2026-12-01', categoryid: 1 }, 400, 'Value does not fall within the expected range.'],
      [{ title: 't', categoryid: 1 }, 400, 'Value does not fall within the expected range.'],
      [{ title: 't', deadline: 'soon', categoryid: 99 }, 400, 'invalid date time format'],
    ];
    for (const [body, status, message] of cases) {
      const res = await put(body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.message, message, JSON.stringify(body));
    }
    assert.equal((await app.get(`${TASK}/1`).set(TOKEN)).body.response.title, 'Call the client', 'a refused update changes nothing');
  });

  it('answers XML at .xml for a form body', async () => {
    const app = agent();
    await create(app);
    const res = await app.put(`${TASK}/1.xml`).set(TOKEN).type('form').send({ title: 'x', deadline: '2026-12-01', categoryid: 1 });
    assert.match(res.text, /^<result><count>1<\/count><status>0<\/status><statusCode>200<\/statusCode><response>.*<title>x<\/title>.*<id>1<\/id><\/response><\/result>$/);
  });

  it('an upsert into a full session is the 507 of --max-tasks and draws no id; an update of a held task is not refused', async () => {
    const app = agent({ maxTasks: 1 });
    await create(app);
    const full = await app.put(`${TASK}/50`).set(TOKEN).send({ title: 'x', deadline: '2026-12-01', categoryid: 1 });
    assert.equal(full.status, 507);
    assert.match(full.body.error.message, /holds 1 tasks/);
    const update = await app.put(`${TASK}/1`).set(TOKEN).send({ title: 'x', deadline: '2026-12-01', categoryid: 1 });
    assert.equal(update.status, 200);
    const state = await app.get('/__admin/state');
    assert.equal(state.body.taskIdNext, 2);
  });
});

describe('PUT api/2.0/crm/task/{taskid}/close and /reopen (CRMApi.CloseTask, ReOpenTask; TaskDao.CloseTask, OpenTask)', () => {
  it('close shows isClosed:true before category, reopen leaves it out; both idempotent; the task read back as stored', async () => {
    const app = agent();
    const made = await create(app, { description: undefined });
    const closed = await app.put(`${TASK}/${made.id}/close`).set(TOKEN);
    assert.equal(closed.status, 200);
    const keys = Object.keys(closed.body.response);
    assert.equal(keys[keys.indexOf('isClosed') + 1], 'category');
    assert.equal(closed.body.response.description, '');
    assert.equal(closed.body.response.category.relativeItemsCount, 1);
    assert.equal((await app.put(`${TASK}/${made.id}/close.json`).set(TOKEN)).body.response.isClosed, true);
    const reopened = await app.put(`${TASK}/${made.id}/reopen`).set(TOKEN);
    assert.equal('isClosed' in reopened.body.response, false);
    assert.equal((await app.put(`${TASK}/${made.id}/reopen`).set(TOKEN)).status, 200);
    const xmlClose = await app.put(`${TASK}/${made.id}/close.xml`).set(TOKEN);
    assert.match(xmlClose.text, /<isClosed>true<\/isClosed><category>/);
  });

  it('a missing task is 400, not 404 (the DAO throws ArgumentException); taskid 0 is 400', async () => {
    const app = agent();
    for (const path of [`${TASK}/5/close`, `${TASK}/5/reopen`, `${TASK}/0/close`, `${TASK}/0/reopen.xml`]) {
      const res = await app.put(path).set(TOKEN);
      assert.equal(res.status, 400, path);
      assert.match(res.text, /Value does not fall within the expected range\./);
    }
  });
});

describe('DELETE api/2.0/crm/task/{taskid} (CRMApi.DeleteTask)', () => {
  it('200 with the deleted task as it was stored; its category no longer counts it; a second DELETE is 404', async () => {
    const app = agent();
    await create(app);
    const made = await create(app);
    const res = await app.delete(`${TASK}/${made.id}`).set(TOKEN);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.count, res.body.statusCode], [1, 200]);
    assert.equal(res.body.response.id, made.id);
    assert.equal(res.body.response.description, '');
    assert.equal(res.body.response.category.relativeItemsCount, 1, 'the other task only');
    const again = await app.delete(`${TASK}/${made.id}`).set(TOKEN);
    assert.equal(again.status, 404);
    assert.equal(again.body.error.message, 'Not found');
    assert.equal((await app.get(`${TASK}/${made.id}`).set(TOKEN)).status, 404);
    assert.equal((await app.delete(`${TASK}/0`).set(TOKEN)).status, 400);
    const deletedXml = await app.delete(`${TASK}/1.xml`).set(TOKEN);
    assert.match(deletedXml.text, /^<result><count>1<\/count>.*<id>1<\/id><\/response><\/result>$/);
    assert.equal((await create(app)).id, 3, 'an id is never used again');
  });
});

describe('GET api/2.0/crm/task/category and /category/{categoryid} (CRMApi.ListItem.cs)', () => {
  it('lists the 12 categories by sortOrder with count 12 and no total; relativeItemsCount counts the session\'s tasks now (GetTaskCategories)', async () => {
    const app = agent();
    await create(app, { categoryId: 3 });
    await create(app, { categoryId: 3 });
    const res = await app.get(`${TASK}/category`).set(TOKEN);
    assert.deepEqual(Object.keys(res.body), ['count', 'status', 'statusCode', 'response']);
    assert.equal(res.body.count, 12);
    const demo = (res.body.response as Record<string, unknown>[])[2]!;
    assert.deepEqual(demo, { relativeItemsCount: 2, imagePath: '/Products/CRM/App_Themes/default/images/task_category_demo.png', title: 'Demo', sortOrder: 3, id: 3 });
    await app.delete(`${TASK}/1`).set(TOKEN);
    assert.equal((await app.get(`${TASK}/category/3`).set(TOKEN)).body.response.relativeItemsCount, 1);
  });

  it('the generic SmartList pages and sorts it: count=5 gives nextIndex 6 and total 12; startIndex; sortBy a member [inferred]', async () => {
    const app = agent();
    const page = (await app.get(`${TASK}/category?count=5`).set(TOKEN)).body;
    assert.deepEqual([page.count, page.nextIndex, page.total, page.response.length], [5, 6, 12, 5]);
    const last = (await app.get(`${TASK}/category?count=5&startIndex=10`).set(TOKEN)).body;
    assert.deepEqual([last.count, last.startIndex, last.nextIndex, last.total], [2, 10, undefined, 12]);
    const byTitle = (await app.get(`${TASK}/category?sortBy=title&count=2`).set(TOKEN)).body;
    assert.deepEqual(byTitle.response.map((c: { title: string }) => c.title), ['Appointment', 'Delivery']);
    const xmlList = await app.get(`${TASK}/category.xml?count=2`).set(TOKEN);
    assert.equal((xml.parse(xmlList.text) as { result: { response: unknown[] } }).result.response.length, 2);
  });

  it('one category: 0 is 400, an unknown id 404 "Not found" (GetTaskCategoryByID)', async () => {
    const app = agent();
    const one = await app.get(`${TASK}/category/8.json`).set(TOKEN);
    assert.deepEqual(one.body, { count: 1, status: 0, statusCode: 200, response: { imagePath: '/Products/CRM/App_Themes/default/images/task_category_meeting.png', title: 'Appointment', sortOrder: 8, id: 8 } });
    assert.equal((await app.get(`${TASK}/category/0`).set(TOKEN)).status, 400);
    const missing = await app.get(`${TASK}/category/99`).set(TOKEN);
    assert.deepEqual([missing.status, missing.body.error.message], [404, 'Not found']);
    assert.equal((await app.get(`${TASK}/category`)).status, 401);
  });
});

describe('stored tasks: sessions, reset, fixtures, journal', () => {
  it('each X-Stub-Session has its own tasks; a reset forgets them', async () => {
    const app = agent();
    await create(app, {}, 'a');
    await create(app, { title: 'in b' }, 'b');
    const inA = await app.get(`${TASK}/1`).set(TOKEN).set('X-Stub-Session', 'a');
    assert.equal(inA.body.response.title, 'Call the client');
    const inB = await app.get(`${TASK}/filter`).set(TOKEN).set('X-Stub-Session', 'b');
    assert.deepEqual(inB.body.response.map((t: Task) => t.title), ['in b']);
    assert.equal((await app.get(`${TASK}/1`).set(TOKEN)).status, 404, 'the default session has none');
    await app.post('/__admin/reset?session=a');
    assert.equal((await app.get(`${TASK}/1`).set(TOKEN).set('X-Stub-Session', 'a')).status, 404);
    assert.equal((await app.get(`${TASK}/1`).set(TOKEN).set('X-Stub-Session', 'b')).status, 200);
  });

  it('fixture tasks: every new session starts with its own copy; the next new id is past the highest fixture id [stub]', async () => {
    const dir = fixturesWith((data) => {
      data.tasks = [
        { id: 3, title: 'Seeded call', deadline: '2026-12-01T09:00:00', categoryId: 1, responsibleId: MIKE.toUpperCase(), isClosed: true },
        { id: 7, title: 'Seeded demo', description: 'prepared', deadline: '2026-12-02', categoryId: 3, created: '2026-11-01T08:00:00.000Z' },
      ];
    });
    const app = agent({ fixtures: dir });
    const all = await list(app, '');
    assert.deepEqual(ids(all.response), [7, 3], 'open before closed');
    const seeded = (await app.get(`${TASK}/3`).set(TOKEN)).body.response as Task;
    assert.equal((seeded.responsible as { id: string }).id, MIKE);
    assert.equal(seeded.created, '2026-11-24T10:00:00.0000000Z', 'no created: the clock when the session starts');
    assert.equal((await app.get(`${TASK}/7`).set(TOKEN)).body.response.created, '2026-11-01T08:00:00.0000000Z');
    assert.equal((await create(app)).id, 8);
    assert.equal((await app.get('/__admin/state')).body.taskIdNext, 9);
    await app.delete(`${TASK}/7`).set(TOKEN);
    const other = await list(app, '');
    assert.equal(other.total, 2, 'the default session: 3 and the new 8');
    const fresh = await app.get(`${TASK}/filter`).set(TOKEN).set('X-Stub-Session', 'fresh');
    assert.deepEqual(fresh.body.response.map((t: Task) => t.id), [7, 3], 'another session has both fixture tasks');
    assert.equal((await app.get(`${TASK}/category/3`).set(TOKEN).set('X-Stub-Session', 'fresh')).body.response.relativeItemsCount, 1);
  });

  it('a fixture task with an unknown category or a repeated id stops the start, naming the field', () => {
    const badCategory = fixturesWith((data) => (data.tasks = [{ id: 1, title: 't', deadline: '2026-12-01', categoryId: 99 }]));
    assert.throws(() => createStub({ fixtures: badCategory }), /onlyoffice\.json: field \/tasks\/0\/categoryId: no category has the id 99/);
    const twice = fixturesWith((data) => (data.tasks = [{ id: 1, title: 't', deadline: '2026-12-01', categoryId: 1 }, { id: 1, title: 'u', deadline: '2026-12-01', categoryId: 1 }]));
    assert.throws(() => createStub({ fixtures: twice }), /field \/tasks\/1\/id: 1 is the id of an earlier task/);
    const noTitle = fixturesWith((data) => (data.tasks = [{ id: 1, deadline: '2026-12-01', categoryId: 1 }]));
    assert.throws(() => createStub({ fixtures: noTitle }), /field \/tasks\/0 must have required property 'title'/);
  });

  it('the journal names each operation, and its check binds the route\'s values: valid, or the binding failure', async () => {
    const app = agent();
    await create(app, { responsibleId: MIKE });
    await app.get(`${TASK}/1`).set(TOKEN);
    await app.get(`${TASK}/filter?isClosed=maybe`).set(TOKEN);
    await app.put(`${TASK}/1`).set(TOKEN).send({ title: 'x', deadline: '2026-12-01', categoryid: 1 });
    await app.put(`${TASK}/1/close`).set(TOKEN);
    await app.put(`${TASK}/1/reopen`).set(TOKEN);
    await app.get(`${TASK}/category`).set(TOKEN);
    await app.get(`${TASK}/category/2`).set(TOKEN);
    await app.delete(`${TASK}/1`).set(TOKEN);
    await app.put(`${TASK}/1`).set(TOKEN).send({ deadline: '2026-12-01' });
    const { requests } = (await app.get('/__admin/requests')).body as { requests: { operation: string; valid: boolean; errors: { path: string; message: string }[] }[] };
    assert.deepEqual(requests.map((r) => r.operation), ['createTask', 'getTask', 'listTasks', 'updateTask', 'closeTask', 'reopenTask', 'listCategories', 'getCategory', 'deleteTask', 'updateTask']);
    assert.deepEqual(requests.map((r) => r.valid), [true, true, false, true, true, true, true, true, true, false]);
    assert.deepEqual(requests[2]!.errors, [{ path: '/isClosed', message: 'String was not recognized as a valid Boolean.' }]);
    assert.ok(requests[9]!.errors.some((e) => e.message.includes('title')), JSON.stringify(requests[9]!.errors));
    const stored = (await app.get('/__admin/requests?limit=1')).body.requests[0];
    assert.equal(stored.operation, 'updateTask');
  });
});

describe('the OpenAPI document lists the lifecycle routes', () => {
  it('each with its verbs, its 200 envelope and the errors its method gives (GET 400/404, close 400 only, PUT 404 category and 507)', async () => {
    const { openApiDocument } = await import('../src/openapi.js');
    type Op = { operationId: string; responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }> }> };
    const paths = openApiDocument(createStub({ seed: 1 }).context.registry).paths as Record<string, Record<string, Op>>;
    const one = paths['/api/2.0/crm/task/{taskid}.xml']!;
    assert.deepEqual(Object.keys(one), ['get', 'put', 'delete']);
    assert.equal(one.get!.operationId, 'onlyofficeGetTaskXml');
    assert.equal(one.get!.responses['200']!.content!['text/xml']!.schema.$ref, '#/components/schemas/onlyoffice.task-envelope');
    assert.match(one.get!.responses['404']!.description, /"Not found"/);
    assert.match(one.put!.responses['404']!.description, /"Category is not found"/);
    assert.ok(one.put!.responses['507']);
    const close = paths['/api/2.0/crm/task/{taskid}/close']!.put!;
    assert.equal(close.responses['404'], undefined, 'a missing task is a 400 there');
    assert.equal(paths['/api/2.0/crm/task/filter.json']!.get!.responses['200']!.content!['application/json']!.schema.$ref, '#/components/schemas/onlyoffice.task-list-envelope');
    assert.equal(paths['/api/2.0/crm/task']!.post!.responses['404']!.description.includes('"Not found"'), false, 'the create cannot give it');
  });
});
