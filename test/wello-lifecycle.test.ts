// The Wello read-back routes and a dispatcher's changes (docs/fidelity.md, Wello: Read-back routes): GET
// api/Task(<id>), GET api/TaskView (OData), GET api/TaskView(<id>), GET api/TaskView/CountOpen, and
// PATCH /__admin/wello/tasks/<id>. Each test name says where the behaviour comes from: [doc] a vendor page, [client]
// the Wello ServiceDesk React client, [src] framework source, [inferred], or [assumption] when nothing real was found.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { agent, ROOT, WELLO_AUTH } from './helpers.js';

const CLOSED = 'c0ffee00-1234-4abc-9def-000000c0ffee';
const IN_PROGRESS = '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c';
const xml = new XMLParser({ parseTagValue: false });

type App = ReturnType<typeof agent>;
const create = (app: App, body: Record<string, unknown>, session?: string) => {
  const req = app.post('/api/Task').set(WELLO_AUTH).type('application/json');
  return (session ? req.set('X-Stub-Session', session) : req).send(JSON.stringify(body));
};
const get = (app: App, path: string, session?: string) => {
  const req = app.get(path).set(WELLO_AUTH);
  return session ? req.set('X-Stub-Session', session) : req;
};
const patch = (app: App, id: string, body: unknown, session?: string) =>
  app.patch(`/__admin/wello/tasks/${id}${session ? `?session=${session}` : ''}`).type('application/json').send(JSON.stringify(body));
const list = (app: App, query: Record<string, string>, session?: string) => get(app, `/api/TaskView?${new URLSearchParams(query).toString()}`, session);

describe('GET api/Task(<id>): the task the create\'s Location names', () => {
  it('answers 200 with the create\'s own bytes, in JSON [doc: Help/Api/GET-api-Task(id), general API host; assumption: served on the ServiceDesk host]', async () => {
    const app = agent();
    const created = await create(app, { subject: 'Printer jammed', remark: 'tray 2', due_date: '2026-12-01T10:00:00Z' });
    assert.equal(created.status, 201);
    const path = new URL(created.headers.location!).pathname;
    const read = await get(app, path);
    assert.equal(read.status, 200);
    assert.equal(read.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(read.text, created.text);
  });

  it('answers in XML by content negotiation, as the create does: the create\'s XML bytes [src: DefaultContentNegotiator, as for the create]', async () => {
    const app = agent();
    const created = await create(app, { subject: 'From XML' }).set('Accept', 'application/xml');
    const read = await get(app, `/api/Task(${xml.parse(created.text).task.id as string})`).set('Accept', 'text/xml;q=0.9, application/json;q=0.5');
    assert.equal(read.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(read.text, created.text);
  });

  it('matches the route in any letter case, with a trailing slash, percent-encoded parentheses or a named key (id=…) [inferred: ASP.NET routing; OData v4 key syntax]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    for (const path of [`/api/task(${id})`, `/API/TASK(${id.toUpperCase()})`, `/api/Task(${id})/`, `/api/Task%28${id}%29`, `/api/Task(id=${id})`]) {
      const res = await get(app, path);
      assert.equal(res.status, 200, path);
      assert.equal(res.body.id, id, path);
    }
  });

  it('an unknown GUID is an empty 404, as Web API OData answers an empty SingleResult [src: EnableQueryAttribute.OnActionExecuted, framework]', async () => {
    const res = await get(agent(), '/api/Task(9b1d0c1e-0000-4000-8000-000000000001)').set('Accept', 'application/xml');
    assert.equal(res.status, 404);
    assert.equal(res.text, '');
    assert.equal(res.headers['content-type'], undefined);
  });

  it('a key that is not an unquoted GUID matches no route: HttpError\'s "No HTTP resource was found" 404 [inferred: OData v4 writes a Guid key unquoted]', async () => {
    const app = agent();
    for (const key of ["'9b1d0c1e-0000-4000-8000-000000000001'", 'abc', '1', '']) {
      const res = await get(app, `/api/Task(${key})`);
      assert.equal(res.status, 404, key);
      assert.match(res.body.Message, /^No HTTP resource was found that matches the request URI/, key);
    }
  });

  it('another method is a 405 with Allow: GET; POST api/Task stays the create [src: ASP.NET\'s action selector; the Allow header is inferred]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    for (const method of ['put', 'delete', 'patch', 'post'] as const) {
      const res = await app[method](`/api/Task(${id})`).set(WELLO_AUTH).send('');
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET');
      assert.equal(res.body.Message, `The requested resource does not support http method '${method.toUpperCase()}'.`);
    }
    const wrong = await get(app, '/api/Task');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST');
  });

  it('needs the Basic credential, as the create does: 401 HttpError in JSON and XML [src: AuthorizeAttribute]', async () => {
    const app = agent();
    const json = await app.get('/api/TaskView');
    assert.equal(json.status, 401);
    assert.deepEqual(json.body, { Message: 'Authorization has been denied for this request.' });
    const inXml = await app.get('/api/Task(9b1d0c1e-0000-4000-8000-000000000001)').set('Accept', 'application/xml');
    assert.equal(inXml.status, 401);
    assert.equal(inXml.text, '<Error><Message>Authorization has been denied for this request.</Message></Error>');
  });

  it('the journal names the operations getTask, listTaskView, getTaskView and countOpen [assumption: the stub\'s names]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    await get(app, `/api/Task(${id})`);
    await get(app, '/api/TaskView');
    await get(app, `/api/TaskView(${id})`);
    await get(app, '/api/TaskView/CountOpen');
    await get(app, '/api/TaskView?$filter=nope');
    const { requests } = (await app.get('/__admin/requests?api=wello')).body as { requests: { operation: string; valid: boolean; errors: { message: string }[] }[] };
    assert.deepEqual(requests.map((r) => r.operation), ['createTask', 'getTask', 'listTaskView', 'getTaskView', 'countOpen', 'listTaskView']);
    assert.deepEqual(requests.map((r) => r.valid), [true, true, true, true, true, false]);
    assert.equal(requests[5]!.errors[0]!.message, "The query specified in the URI is not valid. Could not find a property named 'nope' on type 'task_view'.");
  });
});

describe('POST api/Task with an id a stored task has', () => {
  it('is a 409 HttpError and changes nothing: no id2 drawn, the stored task kept [doc: 409 on the vendor\'s status list; assumption: the wording]', async () => {
    const app = agent();
    const id = '3970f5af-af17-4420-b038-a1efdc261244';
    const first = await create(app, { subject: 'first', id });
    assert.equal(first.status, 201);
    const again = await create(app, { subject: 'second', id: id.toUpperCase() });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { Message: `A task with this id already exists: '${id}'.` });
    assert.equal((await get(app, `/api/Task(${id})`)).body.subject, 'first');
    assert.equal((await create(app, { subject: 'third' })).body.id2, 2, 'the refused create took no id2');
    const inXml = await create(app, { subject: 'x', id }).set('Accept', 'application/xml');
    assert.equal(inXml.text, `<Error><Message>A task with this id already exists: '${id}'.</Message></Error>`);
  });

  it('the same id in another session is another task [assumption: each session its own database]', async () => {
    const app = agent();
    const id = '3970f5af-af17-4420-b038-a1efdc261244';
    assert.equal((await create(app, { subject: 'a', id }, 'one')).status, 201);
    assert.equal((await create(app, { subject: 'b', id }, 'two')).status, 201);
  });
});

describe('GET api/TaskView: the OData list [doc: HelpGuide LinkErp, CreateYourOwnServiceDesk; client: reads .value]', () => {
  async function three(session?: string) {
    const app = agent();
    const ids: string[] = [];
    for (const [subject, reference] of [['Printer jammed', 'A-1'], ['Screen broken', 'B-2'], ["Printer's toner", 'A-3']]) {
      ids.push(((await create(app, { subject, customer_reference: reference }, session)).body as { id: string }).id);
    }
    return { app, ids };
  }

  it('answers {"@odata.context":"<base>/api/$metadata#TaskView","value":[…]}, every task_view with no nulls and the fixtures\' names [doc: the CreateYourOwnServiceDesk sample; LinkErp v5: "no null values"]', async () => {
    const { app, ids } = await three();
    const res = await get(app, '/api/TaskView');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(res.body), ['@odata.context', 'value']);
    assert.match(res.body['@odata.context'], /^http:\/\/127\.0\.0\.1:\d+\/api\/\$metadata#TaskView$/);
    const items = res.body.value as Record<string, unknown>[];
    assert.deepEqual(items.map((v) => v.id), ids, 'in creation order without $orderby [assumption]');
    const [first] = items;
    assert.equal(first!.remark, '');
    assert.equal(first!.to_db_table_id, '00000000-0000-0000-0000-000000000000');
    assert.equal(first!.due_date, '1980-01-01T00:00:00.000Z');
    assert.equal(first!.date_create, '2026-11-24T10:00:00.123Z');
    assert.deepEqual(
      { company_name: first!.company_name, contact_fullname: first!.contact_fullname, task_type_name: first!.task_type_name, task_status_name: first!.task_status_name, task_priority_name: first!.task_priority_name },
      { company_name: 'Wello Test Company', contact_fullname: 'Test Contact', task_type_name: 'Incident', task_status_name: 'New', task_priority_name: 'Normal' },
    );
    assert.ok(Object.values(first!).every((v) => v !== null));
    assert.deepEqual(Object.keys(first!).slice(-5), ['company_name', 'contact_fullname', 'task_type_name', 'task_status_name', 'task_priority_name']);
  });

  it('$filter with eq, ne, and, or, not, parentheses and functions; string literals with \'\' [doc: $filter=e_login+eq+\'…\', LinkErp\'s date_create+gt+\'…\']', async () => {
    const { app, ids } = await three();
    const ids2 = async (filter: string) => ((await list(app, { $filter: filter })).body.value as { id: string }[]).map((v) => ids.indexOf(v.id));
    assert.deepEqual(await ids2("customer_reference eq 'B-2'"), [1]);
    assert.deepEqual(await ids2("customer_reference ne 'B-2'"), [0, 2]);
    assert.deepEqual(await ids2("startswith(subject,'Printer') and not (id2 eq 1)"), [2]);
    assert.deepEqual(await ids2("subject eq 'Printer''s toner' or id2 le 1"), [0, 2]);
    assert.deepEqual(await ids2(`id eq ${ids[1]!}`), [1]);
    assert.deepEqual(await ids2("date_create gt '2026-01-01T00:00:00Z' and archived eq false"), [0, 1, 2]);
    assert.deepEqual(await ids2('date_create lt 2026-01-01T00:00:00Z'), []);
    assert.deepEqual(await ids2("task_status_name eq 'New' and company_name eq 'Wello Test Company'"), [0, 1, 2]);
  });

  it('reads a + in the query as a space, as the vendor writes it ($filter=customer_reference+eq+\'A-1\') [doc]', async () => {
    const { app, ids } = await three();
    const res = await get(app, "/api/TaskView?$filter=customer_reference+eq+'A-1'&$orderby=id2+desc");
    assert.deepEqual((res.body.value as { id: string }[]).map((v) => v.id), [ids[0]]);
  });

  it('$orderby with several keys, asc and desc; $top; $skip; $count=true → @odata.count [doc: HelpGuide Paging, general API host; OData v4]', async () => {
    const { app, ids } = await three();
    const ordered = await list(app, { $orderby: 'subject desc, id2 asc' });
    assert.deepEqual((ordered.body.value as { id: string }[]).map((v) => ids.indexOf(v.id)), [1, 2, 0]);
    const page = await list(app, { $orderby: 'id2 desc', $skip: '1', $top: '1', $count: 'true' });
    assert.deepEqual(Object.keys(page.body), ['@odata.context', '@odata.count', 'value']);
    assert.equal(page.body['@odata.count'], 3);
    assert.deepEqual((page.body.value as { id2: number }[]).map((v) => v.id2), [2]);
  });

  it('past 100 items (the page size, [assumption] from the general API\'s 100) the page ends with @odata.nextLink, which reads the rest', async () => {
    const app = agent({ maxTasks: 500 } as never);
    for (let i = 0; i < 130; i++) await create(app, { subject: `task ${i}` }, 'many');
    const first = await list(app, { $filter: "startswith(subject,'task')", $orderby: 'id2 desc' }, 'many');
    assert.equal(first.body.value.length, 100);
    assert.deepEqual(Object.keys(first.body), ['@odata.context', 'value', '@odata.nextLink']);
    const next = new URL(first.body['@odata.nextLink'] as string);
    assert.equal(next.pathname, '/api/TaskView');
    assert.equal(next.searchParams.get('$skip'), '100');
    assert.equal(next.searchParams.get('$orderby'), 'id2 desc');
    const rest = await get(app, next.pathname + next.search, 'many');
    assert.equal(rest.body.value.length, 30);
    assert.equal(rest.body.value[29].id2, 1);
    assert.equal(rest.body['@odata.nextLink'], undefined);
  });

  it('in XML: <ArrayOftask_view> of <task_view>, elements alphabetical, no next link ("with XML, use $top/$skip") [doc: HelpGuide Paging; inferred: DataContractSerializer\'s list naming]', async () => {
    const { app } = await three();
    const res = await list(app, { $top: '2' }).set('Accept', 'application/xml');
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    assert.match(res.text, /^<ArrayOftask_view xmlns:i="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance"><task_view><archived>false<\/archived><company_id>/);
    const items = xml.parse(res.text).ArrayOftask_view.task_view as Record<string, string>[];
    assert.equal(items.length, 2);
    assert.equal(items[0]!.remark, '');
    assert.equal(items[0]!.task_status_name, 'New');
  });

  it('a bad $filter, $orderby, $top, $skip or $count is a 400 OData error, never a 500 [client: a real ASP.NET OData answer; inferred: ODataLib\'s messages]', async () => {
    const { app } = await three();
    const cases: [Record<string, string>, string][] = [
      [{ $filter: "subject eq 'open" }, "There is an unterminated string literal at position 16 in 'subject eq 'open'."],
      [{ $filter: 'nope eq 1' }, "Could not find a property named 'nope' on type 'task_view'."],
      [{ $filter: 'id2 eq true' }, "A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.Boolean' for operator kind 'Equal'."],
      [{ $filter: `${'('.repeat(500)}id2 eq 1${')'.repeat(500)}` }, 'The recursion limit has been exceeded.'],
      [{ $orderby: 'nope desc' }, "Could not find a property named 'nope' on type 'task_view'."],
      [{ $top: '-1' }, "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value."],
      [{ $count: 'maybe' }, "'maybe' is not a valid count option."],
      [{ $expand: 'x' }, "The query parameter '$expand' is not supported."],
    ];
    for (const [query, message] of cases) {
      const res = await list(app, query);
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(res.body, { error: { code: '', message: `The query specified in the URI is not valid. ${message}` } }, JSON.stringify(query));
    }
    const inXml = await list(app, { $filter: 'nope eq 1' }).set('Accept', 'application/xml');
    assert.equal(inXml.status, 400);
    assert.equal(inXml.text, "<Error><Message>The query specified in the URI is not valid. Could not find a property named 'nope' on type 'task_view'.</Message></Error>");
  });

  it('a $filter of 10,000 characters is a quick 400 [assumption: the stub\'s 2048-character bound]', async () => {
    const started = performance.now();
    const res = await list(agent(), { $filter: `subject eq '${'x'.repeat(10_000)}` });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /characters long; the stub reads at most 2048/);
    assert.ok(performance.now() - started < 2000);
  });

  it('POST api/TaskView is a 405 with Allow: GET ("TaskView supports only GET", HelpGuide LinkErp [doc])', async () => {
    const res = await agent().post('/api/TaskView').set(WELLO_AUTH).send({});
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET');
  });
});

describe('GET api/TaskView(<id>) [client: the Wello ServiceDesk React client calls api/TaskView(${ticketId})]', () => {
  it('answers one task_view with "@odata.context":"…#TaskView/$entity" first [doc: HelpGuide HandlingErrors, general API host]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 'one' })).body as { id: string };
    const res = await get(app, `/api/TaskView(${id})`);
    assert.equal(res.status, 200);
    assert.equal(Object.keys(res.body)[0], '@odata.context');
    assert.match(res.body['@odata.context'], /\/api\/\$metadata#TaskView\/\$entity$/);
    assert.equal(res.body.id, id);
    assert.equal(res.body.task_status_name, 'New');
  });

  it('in XML: <task_view xmlns:i=…> with its elements alphabetical [assumption: the create\'s DataContract form, root task_view]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 'a < b & c' })).body as { id: string };
    const res = await get(app, `/api/TaskView(${id})`).set('Accept', 'application/xml');
    assert.match(res.text, /^<task_view xmlns:i="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance"><archived>false<\/archived>/);
    assert.match(res.text, /<subject>a &lt; b &amp; c<\/subject>/);
    const names = [...res.text.matchAll(/<([a-z_0-9]+)>/g)].map((m) => m[1]!).slice(1);
    assert.deepEqual(names, [...names].sort());
  });

  it('an unknown GUID is an empty 404 [src: EnableQueryAttribute, framework]', async () => {
    const res = await get(agent(), '/api/TaskView(9b1d0c1e-0000-4000-8000-000000000001)');
    assert.equal(res.status, 404);
    assert.equal(res.text, '');
  });
});

describe('GET api/TaskView/CountOpen and a dispatcher\'s close [client: setContactCount(response); doc: LinkErp "Task Closed … task.archived set to TRUE"]', () => {
  it('is a bare number: tasks whose status is not archived (fixtures/wello.json\'s flag) [assumption: what "open" means]; 0 before any create', async () => {
    const app = agent();
    const zero = await get(app, '/api/TaskView/CountOpen');
    assert.equal(zero.status, 200);
    assert.equal(zero.text, '0');
    assert.equal(zero.headers['content-type'], 'application/json; charset=utf-8');
    await create(app, { subject: 'a' });
    await create(app, { subject: 'b' });
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '2');
    assert.equal((await get(app, '/api/taskview/countopen/')).text, '2');
  });

  it('in XML: an int as DataContractSerializer writes it [inferred]', async () => {
    const res = await get(agent(), '/api/TaskView/CountOpen').set('Accept', 'application/xml');
    assert.equal(res.text, '<int xmlns="http://schemas.microsoft.com/2003/10/Serialization/">0</int>');
  });

  it('drops by one when a dispatcher moves a task to an archived status through PATCH /__admin/wello/tasks/<id>, which fills date_closed and modified_dateutc [doc: LinkErp; assumption: the admin route]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 'to close' })).body as { id: string };
    await create(app, { subject: 'stays open' });
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '2');
    await app.put('/__admin/state').send({ clock: '2026-11-25T08:30:00Z' });
    const closed = await patch(app, id, { task_status_id: CLOSED });
    assert.equal(closed.status, 200);
    assert.equal(closed.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(closed.body.archived, true);
    assert.equal(closed.body.task_status_id, CLOSED);
    assert.equal(closed.body.date_closed, '2026-11-25T08:30:00+00:00');
    assert.equal(closed.body.modified_dateutc, '2026-11-25T08:30:00+00:00');
    assert.equal(closed.body.subject, 'to close', 'the rest is kept');
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '1');
    const view = await get(app, `/api/TaskView(${id})`);
    assert.equal(view.body.task_status_name, 'Completed');
    assert.equal(view.body.date_closed, '2026-11-25T08:30:00.000Z');
    assert.equal((await get(app, `/api/Task(${id})`)).text, closed.text, 'GET api/Task shows the change, in the PATCH answer\'s bytes');
    assert.deepEqual(((await list(app, { $filter: 'archived eq true' })).body.value as { id: string }[]).map((v) => v.id), [id]);
  });

  it('assigning, reopening: a non-archived status sets archived false; a given archived or date_closed wins [assumption]', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    const assigned = await patch(app, id, { date_assigned: '2026-11-24T12:00:00Z', task_status_id: IN_PROGRESS });
    assert.equal(assigned.body.date_assigned, '2026-11-24T12:00:00Z');
    assert.equal(assigned.body.archived, false);
    assert.equal(assigned.body.date_closed, null);
    const closed = await patch(app, id, { task_status_id: CLOSED, date_closed: '2026-11-20T09:00:00Z' });
    assert.equal(closed.body.date_closed, '2026-11-20T09:00:00Z');
    const reopened = await patch(app, id, { task_status_id: IN_PROGRESS });
    assert.equal(reopened.body.archived, false);
    const forced = await patch(app, id, { archived: true });
    assert.equal(forced.body.archived, true);
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '0');
  });
});

describe('PATCH /__admin/wello/tasks/<id>: the dispatcher\'s change is checked [assumption: the stub\'s admin API]', () => {
  it('400 problem+json naming each wrong member: a type, a conversion, an unknown member, a server-owned member, an unknown status, a changed id', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    const res = await patch(app, id, {
      subject: '',
      customer_reference: 'x'.repeat(51),
      due_date: 'soon',
      colour: 'red',
      id2: 9,
      task_status_id: '99999999-9999-4999-8999-999999999999',
      id: '11111111-2222-4333-8444-555555555555',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.body.type, 'https://taskstub.local/problems/invalidRequest');
    const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    assert.deepEqual(pointers, ['/colour', '/customer_reference', '/due_date', '/id', '/id2', '/subject', '/task_status_id']);
    assert.match(res.body.detail, /^The body is not a partial Wello task\. At \//);
    assert.equal((await get(app, `/api/Task(${id})`)).body.subject, 's', 'nothing changed');
  });

  it('400 for a body that is not an object', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' })).body as { id: string };
    for (const body of [[], 'closed', 3, null]) {
      const res = await patch(app, id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.detail, /must be a JSON object/);
    }
  });

  it('404 problem+json for a task the session does not hold, or an id that is not a GUID', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 's' }, 'mine')).body as { id: string };
    const elsewhere = await patch(app, id, { archived: true });
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body.type, 'https://taskstub.local/problems/taskNotFound');
    assert.match(elsewhere.body.detail, new RegExp(`^No Wello task ${id} in session "default"\\.$`));
    assert.equal((await patch(app, 'nope', {})).status, 404);
    assert.equal((await patch(app, id, { archived: true }, 'mine')).status, 200);
    const byHeader = await app.patch(`/__admin/wello/tasks/${id}`).set('X-Stub-Session', 'mine').send({ remark: 'via the header' });
    assert.equal(byHeader.body.remark, 'via the header');
  });

  it('GET on the admin route is a 405 with Allow: PATCH', async () => {
    const res = await agent().get('/__admin/wello/tasks/9b1d0c1e-0000-4000-8000-000000000001');
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'PATCH');
  });
});

describe('sessions and reset [assumption: each session its own ServiceDesk]', () => {
  it('a session reads only its own tasks; a reset forgets them', async () => {
    const app = agent();
    const { id } = (await create(app, { subject: 'a' }, 'one')).body as { id: string };
    await create(app, { subject: 'b' }, 'two');
    assert.equal((await get(app, `/api/Task(${id})`, 'one')).status, 200);
    assert.equal((await get(app, `/api/Task(${id})`, 'two')).status, 404);
    assert.equal((await get(app, '/api/TaskView/CountOpen', 'one')).text, '1');
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '0');
    await app.post('/__admin/reset?session=one');
    assert.equal((await get(app, `/api/Task(${id})`, 'one')).status, 404);
    assert.equal((await get(app, '/api/TaskView', 'one')).body.value.length, 0);
    assert.equal((await get(app, '/api/TaskView', 'two')).body.value.length, 1);
  });
});

describe('fixture tasks (fixtures/wello.json `tasks`)', () => {
  function fixtures(tasks: unknown[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'taskstub-wello-tasks-'));
    cpSync(join(ROOT, 'fixtures'), dir, { recursive: true });
    const file = join(dir, 'wello.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...data, $schema: undefined, tasks }));
    return dir;
  }

  it('every session starts with them, each its own copy; reset brings them back [assumption]', async () => {
    const dir = fixtures([
      { id: '11111111-2222-4333-8444-555555555555', subject: 'Seeded', id2: 7, date_create: '2025-12-01T08:00:00Z' },
      { id: '21111111-2222-4333-8444-555555555555', subject: 'Done', task_status_id: CLOSED },
    ]);
    const app = agent({ fixtures: dir });
    const seeded = await get(app, '/api/Task(11111111-2222-4333-8444-555555555555)');
    assert.equal(seeded.status, 200);
    assert.equal(seeded.body.id2, 7);
    assert.equal(seeded.body.date_create, '2025-12-01T08:00:00Z');
    assert.equal(seeded.body.task_type_id, '0d617cf0-d523-44dc-aadd-19baf06cf913', 'the default type');
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '1', 'the Completed one is archived');
    assert.equal((await patch(app, '11111111-2222-4333-8444-555555555555', { task_status_id: CLOSED }, 'other')).status, 200);
    assert.equal((await get(app, '/api/TaskView/CountOpen', 'other')).text, '0');
    assert.equal((await get(app, '/api/TaskView/CountOpen')).text, '1', 'the default session\'s copy is unchanged');
    await app.post('/__admin/reset?session=other');
    assert.equal((await get(app, '/api/TaskView/CountOpen', 'other')).text, '1');
    assert.equal((await create(app, { subject: 'clash', id: '11111111-2222-4333-8444-555555555555' })).status, 409);
  });

  it('a fixture task without an id stops the start, naming the field', () => {
    assert.throws(() => agent({ fixtures: fixtures([{ subject: 'no id' }]) }), /fixtures\/wello\.json|wello\.json.*\/tasks\/0/);
  });
});
