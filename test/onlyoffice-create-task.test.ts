import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, SEED_SAMPLE, TOKEN, VALID } from './helpers.js';

const PATH = '/api/2.0/crm/task';

describe('ONLYOFFICE POST api/2.0/crm/task: success', () => {
  it('answers 201 with {count:1,status:0,statusCode:201,response} (docs/fidelity.md, ONLYOFFICE: Envelope)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send(VALID);
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(res.body), ['count', 'status', 'statusCode', 'response']);
    assert.equal(res.body.count, 1);
    assert.equal(res.body.status, 0);
    assert.equal(res.body.statusCode, 201);
  });

  it('answers the seed sample with the seed response shape once its category exists and its entityType is allowed (seed; docs/fidelity.md, ONLYOFFICE: Errors, create-task check 1)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...SEED_SAMPLE, categoryId: 8, entityType: 'opportunity' });
    assert.equal(res.status, 201);
    const task = res.body.response;
    // The seed's response keys, in the seed's order, plus the fields the seed's generated sample leaves empty.
    assert.deepEqual(Object.keys(task), ['createBy', 'created', 'title', 'description', 'deadLine', 'alertValue', 'responsible', 'category', 'canEdit', 'id']);
    assert.deepEqual(Object.keys(task.createBy), ['id', 'displayName', 'title', 'avatarSmall', 'profileUrl']);
    assert.deepEqual(task.responsible, {
      id: '9924256a-739c-462b-af15-e652a3b1b6eb',
      displayName: 'Mike Zanyatski',
      title: 'Manager',
      avatarSmall: '/skins/default/images/default_user_photo_size_64-64.png',
      profileUrl: 'https://yourportal.onlyoffice.com/Products/People/Profile.aspx?user=mike.zanyatski',
    });
    // relativeItemsCount: the first task of this session in the category, counted after the save (CRMApi.ToTaskCategoryWrapper).
    assert.deepEqual(task.category, { relativeItemsCount: 1, imagePath: '/Products/CRM/App_Themes/default/images/task_category_meeting.png', title: 'Appointment', sortOrder: 8, id: 8 });
    assert.equal(task.title, 'some text');
    assert.equal(task.deadLine, '2008-04-10T06:30:00.0000000Z');
    assert.equal(task.alertValue, 1234);
    assert.equal(task.canEdit, true);
    assert.equal(task.id, 1);
  });

  it('refuses the seed sample verbatim: entityType "some text" is neither opportunity nor case (docs/fidelity.md, ONLYOFFICE: Errors, create-task check 1)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...SEED_SAMPLE, categoryId: 8 });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Value does not fall within the expected range.');
  });

  it('writes TaskWrapper keys in the real order: createBy, created, contact, title, description, deadLine, alertValue, responsible, isClosed, category, entity, canEdit, id (docs/fidelity.md, ONLYOFFICE: The task in the response)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, description: 'd', alertValue: 15, responsibleId: '9924256a-739c-462b-af15-e652a3b1b6eb', entityType: 'Case', entityId: 1 });
    assert.deepEqual(Object.keys(res.body.response), ['createBy', 'created', 'title', 'description', 'deadLine', 'alertValue', 'responsible', 'category', 'entity', 'canEdit', 'id']);
    assert.deepEqual(res.body.response.entity, { entityType: 'case', entityId: 1, entityTitle: 'Printer does not print' });
  });

  it('leaves out null, false and 0 fields but id: no description, alertValue, isClosed, entity; no title for a user without one (docs/fidelity.md, ONLYOFFICE: The task in the response)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, alertValue: 0, isNotify: false, responsibleId: 'b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' });
    const task = res.body.response;
    for (const absent of ['description', 'alertValue', 'isClosed', 'entity', 'contact']) assert.ok(!(absent in task), absent);
    assert.deepEqual(Object.keys(task.responsible), ['id', 'displayName', 'avatarSmall', 'profileUrl']);
    assert.deepEqual(Object.keys(task.category), ['relativeItemsCount', 'imagePath', 'title', 'sortOrder', 'id']);
  });

  it('leaves out the entity when the opportunity or case is not found (docs/fidelity.md, ONLYOFFICE: contactId/entityId are not checked)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, entityType: 'opportunity', entityId: 999, contactId: 999 });
    assert.equal(res.status, 201);
    assert.ok(!('entity' in res.body.response));
    assert.ok(!('contact' in res.body.response));
  });

  it('writes dates with 7 fraction digits and Z: created from the clock, deadLine from the request (docs/fidelity.md, ONLYOFFICE: Dates)', async () => {
    const res = await agent({ clock: '2026-03-05T07:08:09.1234567Z' }).post(PATH).set(TOKEN).send({ ...VALID, deadline: '2026-04-11T03:12:22.4827698Z' });
    assert.equal(res.body.response.created, '2026-03-05T07:08:09.1234567Z');
    assert.equal(res.body.response.deadLine, '2026-04-11T03:12:22.4827698Z');
  });

  it('keeps years 1-99 as they are (.NET dates start at year 1; Date.UTC would make 0050 into 1950) and checks leap days by the Gregorian rules (docs/fidelity.md, ONLYOFFICE: Dates)', async () => {
    const app = agent();
    const deadLine = async (deadline: string) => (await app.post(PATH).set(TOKEN).send({ ...VALID, deadline })).body;
    assert.equal((await deadLine('0050-03-01T00:00:00Z')).response.deadLine, '0050-03-01T00:00:00.0000000Z');
    assert.equal((await deadLine('0004-02-29T12:00:00Z')).response.deadLine, '0004-02-29T12:00:00.0000000Z');
    assert.equal((await deadLine('2000-02-29')).response.deadLine, '2000-02-29T00:00:00.0000000Z');
    for (const notADay of ['0100-02-29', '1900-02-29', '2026-04-31']) assert.equal((await deadLine(notADay)).statusCode, 400, notADay);
  });

  it('renders an unknown or missing responsibleId as the placeholder user "Profile has been removed" (docs/fidelity.md, ONLYOFFICE: responsibleId is not checked)', async () => {
    for (const responsibleId of ['11111111-2222-3333-4444-555555555555', undefined]) {
      const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, responsibleId });
      assert.equal(res.status, 201);
      assert.equal(res.body.response.responsible.id, '4a515a15-d4d6-4b8e-828e-e0586f18f3a3');
      assert.equal(res.body.response.responsible.displayName, 'Profile has been removed');
    }
  });

  it('takes category from the fixtures: all 12 default categories in the notes\' order (docs/fidelity.md, ONLYOFFICE: Default categories)', async () => {
    const titles = ['Phone call', 'Opportunity', 'Demo', 'Email', 'Fax', 'Execution control', 'Lunch', 'Appointment', 'Note', 'Delivery', 'Social networks', 'Expression of gratitude'];
    const app = agent();
    for (const [index, title] of titles.entries()) {
      const res = await app.post(PATH).set(TOKEN).send({ ...VALID, categoryId: index + 1 });
      assert.equal(res.body.response.category.title, title);
      assert.equal(res.body.response.category.sortOrder, index + 1);
      assert.match(res.body.response.category.imagePath, /task_category_\w+\.png$/);
    }
  });

  it('takes task ids from a per-session counter; failed calls take none (README, Sessions)', async () => {
    const app = agent();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await app.post(PATH).set(TOKEN).send(VALID)).body.response.id);
      await app.post(PATH).set(TOKEN).send({ ...VALID, categoryId: 99 });
    }
    const other = await app.post(PATH).set(TOKEN).set('X-Stub-Session', 'job-2').send(VALID);
    assert.deepEqual(ids, [1, 2, 3]);
    assert.equal(other.body.response.id, 1);
    const again = await app.post(PATH).set(TOKEN).send(VALID);
    assert.equal(again.body.response.id, 4);
  });

  it('starts task ids at the configured base', async () => {
    const res = await agent({ taskIdBase: 500 }).post(PATH).set(TOKEN).send(VALID);
    assert.equal(res.body.response.id, 500);
  });

  it('never issues the same task id twice under 200 concurrent creates', async () => {
    const app = agent();
    const all = await Promise.all(Array.from({ length: 200 }, () => app.post(PATH).set(TOKEN).send(VALID)));
    const ids = all.map((res) => res.body.response.id as number).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

describe('ONLYOFFICE: routes and formats (docs/fidelity.md, ONLYOFFICE: Routes and format)', () => {
  const cases: { path: string; contentType?: string; accept?: string; xml: boolean }[] = [
    { path: PATH, xml: false },
    { path: `${PATH}.json`, xml: false },
    { path: `${PATH}.xml`, xml: true },
    { path: `${PATH}.tml`, xml: true },
    { path: `${PATH}.xml`, contentType: 'application/json', xml: false },
    { path: PATH, accept: 'application/xml', xml: false },
    { path: `${PATH}.json`, accept: 'text/xml', xml: false },
  ];
  for (const { path, contentType, accept, xml } of cases) {
    it(`${path} with Content-Type ${contentType ?? 'form'} and Accept ${accept ?? 'none'} answers ${xml ? 'XML' : 'JSON'}: XML only from the suffix`, async () => {
      let req = agent().post(path).set(TOKEN);
      if (accept) req = req.set('Accept', accept);
      const res = contentType === 'application/json' ? await req.send(VALID) : await req.type('form').send(VALID);
      assert.equal(res.status, 201);
      assert.equal(res.headers['content-type'], xml ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8');
      if (xml) assert.match(res.text, /^<result><count>1<\/count><status>0<\/status><statusCode>201<\/statusCode><response>/);
    });
  }

  it('writes XML elements in the JSON key order, with the same values', async () => {
    const body = { ...VALID, description: 'd', responsibleId: '9924256a-739c-462b-af15-e652a3b1b6eb' };
    const json = (await agent().post(PATH).set(TOKEN).send(body)).body;
    const xml = (await agent().post(`${PATH}.xml`).set(TOKEN).type('form').send(body)).text;
    const expected = (value: unknown, name: string): string =>
      value !== null && typeof value === 'object'
        ? `<${name}>${Object.entries(value).map(([k, v]) => expected(v, k)).join('')}</${name}>`
        : `<${name}>${String(value)}</${name}>`;
    assert.equal(xml, expected(json, 'result'));
    assert.match(xml, /<profileUrl>https:\/\/yourportal/);
  });

  it('reads form fields, text/xml child elements (any root name) and query-string values alike', async () => {
    const app = agent();
    const form = await app.post(PATH).set(TOKEN).type('form').send('title=Form&deadline=2026-12-01&categoryId=2&isNotify=True');
    const xml = await app.post(PATH).set(TOKEN).type('text/xml').send('<anything><title>Xml</title><deadline>2026-12-01</deadline><categoryId>2</categoryId><alertValue>5</alertValue></anything>');
    const query = await app.post(`${PATH}?categoryId=2&deadline=2026-12-01`).set(TOKEN).type('form').send('title=Query');
    assert.deepEqual([form.status, xml.status, query.status], [201, 201, 201]);
    assert.equal(form.body.response.title, 'Form');
    assert.equal(xml.body.response.title, 'Xml');
    assert.equal(xml.body.response.alertValue, 5);
    assert.equal(query.body.response.title, 'Query');
  });

  it('decodes XML character references in a text/xml body (docs/fidelity.md, ONLYOFFICE: Routes and format: text/xml elements read as name/value pairs)', async () => {
    const res = await agent().post(PATH).set(TOKEN).type('text/xml').send('<task><title>Caf&#233; &amp; co</title><deadline>2026-12-01T09:00:00Z</deadline><categoryId>1</categoryId></task>');
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'Café & co');
  });

  it('reads parameter names in any letter case', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ Title: 'Upper', DEADLINE: '2026-12-01', categoryid: 3 });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.title, 'Upper');
  });

  it('reads application/xml as form fields, as the real server does (docs/fidelity.md, ONLYOFFICE: anything else is read as form fields)', async () => {
    const res = await agent().post(PATH).set(TOKEN).type('application/xml').send('<task><title>x</title></task>');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Value does not fall within the expected range.');
  });

  it('answers an unknown route with 404 "Method not found" (docs/fidelity.md, ONLYOFFICE: Errors)', async () => {
    for (const [method, path] of [['post', '/api/2.0/crm/nothing'], ['get', PATH], ['delete', `${PATH}.json`], ['post', '/api/2.0/crm/task/extra']] as const) {
      const res = await agent()[method](path).set(TOKEN);
      assert.equal(res.status, 404, `${method} ${path}`);
      // MissingMethodException's HResult, COR_E_MISSINGMETHOD (ApiHttpHandler.DoProcess).
      assert.deepEqual(res.body, { status: 1, statusCode: 404, error: { message: 'Method not found', hresult: -2146233069, data: {} } });
    }
  });

  it('answers "Method not found" in XML on a .xml route', async () => {
    const res = await agent().post('/api/2.0/crm/nothing.xml').set(TOKEN);
    assert.equal(res.status, 404);
    assert.equal(res.text, '<result><status>1</status><statusCode>404</statusCode><error><message>Method not found</message><hresult>-2146233069</hresult><data /></error></result>');
  });
});

describe('ONLYOFFICE: the linked contact (docs/fidelity.md, ONLYOFFICE: contactId is not checked; left out when not found)', () => {
  it('renders a fixture contact as ContactBaseWithEmailWrapper, always writing its EmitDefaultValue=true members', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, contactId: 2 });
    const contact = res.body.response.contact;
    assert.deepEqual(Object.keys(res.body.response).slice(0, 4), ['createBy', 'created', 'contact', 'title']);
    assert.deepEqual(Object.keys(contact), ['email', 'smallFotoUrl', 'mediumFotoUrl', 'displayName', 'isCompany', 'isPrivate', 'isShared', 'shareType', 'currency', 'canEdit', 'canDelete', 'id']);
    assert.equal(contact.displayName, 'Tadjeddine Bachir');
    assert.equal(contact.isCompany, false);
    assert.equal(contact.isPrivate, false);
    assert.equal(contact.currency, null);
    assert.deepEqual(contact.email, { infoType: 1, category: 0, data: 'bachir@ascensio.example', isPrimary: true, id: 2 });
    assert.equal(contact.smallFotoUrl, 'https://yourportal.onlyoffice.com/products/crm/httphandlers/filehandler.ashx?action=contactphotoulr&cid=2&isc=false&ps=1');
  });

  it('leaves out email for a contact without one, and the contact for an unknown id', async () => {
    const known = await agent().post(PATH).set(TOKEN).send({ ...VALID, contactId: 3 });
    assert.ok(!('email' in known.body.response.contact));
    const unknown = await agent().post(PATH).set(TOKEN).send({ ...VALID, contactId: 999 });
    assert.ok(!('contact' in unknown.body.response));
  });
});
