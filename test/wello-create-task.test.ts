import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { agent, WELLO_AUTH, welloSeedJson, welloSeedXml } from './helpers.js';

const PATH = '/api/Task';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const json = (body: unknown) => JSON.stringify(body);

function post(app = agent(), path = PATH) {
  return app.post(path).set(WELLO_AUTH);
}

/** Element names of the XML root's children, in document order. */
function elementNames(xml: string): string[] {
  return [...xml.matchAll(/<([a-z_0-9]+)[ />]/g)].map((m) => m[1]!).slice(1);
}

describe('Wello POST api/Task: route and formats (docs/fidelity.md, Wello: Route and format)', () => {
  for (const path of ['/api/Task', '/api/task', '/API/TASK', '/api/Task/']) {
    it(`answers ${path}: ASP.NET routes are case-insensitive`, async () => {
      const res = await post(agent(), path).type('application/json').send(json({ subject: 's' }));
      assert.equal(res.status, 201);
    });
  }

  for (const type of ['application/json', 'text/json', 'application/json; charset=utf-8']) {
    it(`reads ${type} bodies`, async () => {
      const res = await post().type(type).send(json({ subject: 'From JSON' }));
      assert.equal(res.status, 201);
      assert.equal(JSON.parse(res.text).subject, 'From JSON');
    });
  }

  for (const type of ['application/xml', 'text/xml']) {
    it(`reads ${type} bodies in the seed's DataContract form: members in alphabetical order, i:nil for nulls`, async () => {
      const xml = `<task xmlns:i="${XSI}"><archived>true</archived><customer_reference>ref</customer_reference><due_date>2026-12-01T10:00:00.000Z</due_date><remark i:nil="true"/><subject>From XML</subject></task>`;
      const res = await post().type(type).set('Accept', 'application/json').send(xml);
      assert.equal(res.status, 201);
      assert.equal(res.body.subject, 'From XML');
      assert.equal(res.body.remark, null);
      assert.equal(res.body.customer_reference, 'ref');
      assert.equal(res.body.due_date, '2026-12-01T10:00:00Z');
    });
  }

  it('skips an XML member placed after a later one, as DataContractSerializer does (XmlObjectSerializerReadContext.GetMemberIndex searches from the last member read onwards; docs/fidelity.md, Wello: Serialization)', async () => {
    const res = await post().type('application/xml').set('Accept', 'application/json').send('<task><subject>s</subject><remark>too late</remark><customer_reference>too late</customer_reference></task>');
    assert.equal(res.status, 201);
    assert.equal(res.body.subject, 's');
    assert.equal(res.body.remark, null);
    assert.equal(res.body.customer_reference, null);
    const late = await post().type('application/xml').set('Accept', 'application/json').send('<task><task_type_id>0d617cf0-d523-44dc-aadd-19baf06cf913</task_type_id><subject>too late</subject></task>');
    assert.equal(late.status, 400);
    assert.deepEqual(late.body.ModelState, { 'task.subject': ['The subject field is required.'] });
  });

  it('reads only elements in the contract\'s empty namespace: a member in another namespace is skipped, a root in another namespace is refused (DataContractSerializer.InternalReadObject, SR.ExpectingElement; docs/fidelity.md, Wello: Serialization)', async () => {
    const skipped = await post().type('application/xml').set('Accept', 'application/json').send(`<task xmlns:w="urn:wello"><remark xmlns="urn:x">other ns</remark><w:subject>prefixed</w:subject><subject>plain</subject></task>`);
    assert.equal(skipped.status, 201);
    assert.equal(skipped.body.subject, 'plain');
    assert.equal(skipped.body.remark, null);
    const rootNs = await post().type('application/xml').set('Accept', 'application/json').send(`<task xmlns="http://schemas.datacontract.org/2004/07/Wello" xmlns:i="${XSI}"><subject>Default ns</subject></task>`);
    assert.equal(rootNs.status, 400);
    assert.deepEqual(rootNs.body.ModelState, { task: ["Error in line 1 position 2. Expecting element 'task' from namespace ''.. Encountered 'Element'  with name 'task', namespace 'http://schemas.datacontract.org/2004/07/Wello'. "] });
    const prefixed = await post().type('application/xml').set('Accept', 'application/json').send('<w:task xmlns:w="urn:wello"><w:subject>Prefixed</w:subject></w:task>');
    assert.equal(prefixed.status, 400);
    assert.match(prefixed.body.ModelState.task[0], /Encountered 'Element' {2}with name 'task', namespace 'urn:wello'\. $/);
  });

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    it(`refuses ${type} with 415 and the ASP.NET message (docs/fidelity.md, Wello: unsupported Content-Type)`, async () => {
      const res = await post().set('Content-Type', type).send('subject=x');
      assert.equal(res.status, 415);
      assert.deepEqual(res.body, { Message: `The request entity's media type '${type.split(';')[0]}' is not supported for this resource.` });
    });
  }

  it('answers JSON by default, and as the Accept header asks: application/xml, text/xml, text/json, q-values, */*', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'application/json; charset=utf-8'],
      ['application/xml', 'application/xml; charset=utf-8'],
      ['text/xml', 'text/xml; charset=utf-8'],
      ['text/json', 'text/json; charset=utf-8'],
      ['application/json;q=0.5, application/xml', 'application/xml; charset=utf-8'],
      ['application/xml;q=0.2, application/json;q=0.9', 'application/json; charset=utf-8'],
      ['*/*', 'application/json; charset=utf-8'],
    ];
    for (const [accept, contentType] of cases) {
      let req = post().type('application/json');
      if (accept) req = req.set('Accept', accept);
      const res = await req.send(json({ subject: 's' }));
      assert.equal(res.headers['content-type'], contentType, String(accept));
    }
  });

  it("falls back to the request's own media type when Accept is absent or names nothing it can write", async () => {
    const res = await post().type('text/xml').set('Accept', 'text/html').send('<task><subject>s</subject></task>');
    assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    const none = await post().type('application/xml').send('<task><subject>s</subject></task>');
    assert.equal(none.headers['content-type'], 'application/xml; charset=utf-8');
  });
});

describe('Wello: the created task (docs/fidelity.md, Wello: Success; Serialization)', () => {
  it('answers the seed JSON sample, sent verbatim, with 201 and a task of the seed shape; id2 from the counter', async () => {
    const res = await post().type('application/json').send(welloSeedJson());
    assert.equal(res.status, 201);
    const sample = JSON.parse(welloSeedJson()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(res.body), Object.keys(sample));
    assert.equal(res.body.id, sample.id, 'a given id is kept');
    assert.equal(res.body.id2, 1, 'id2 is the server\'s, not the 20 sent');
    for (const key of ['task_type_id', 'task_status_id', 'task_priority_id', 'company_id', 'contact_id', 'to_db_table_id', 'to_id_in_table', 'subject', 'remark', 'customer_reference', 'reference_back_office']) {
      assert.equal(res.body[key], sample[key], key);
    }
    assert.equal(res.body.date_start, '2026-06-24T03:56:41.4578039+00:00');
    assert.equal(res.body.archived, false, 'archived comes from the status: false for a new task');
    assert.match(res.headers.location ?? '', /^http:\/\/127\.0\.0\.1:\d+\/api\/Task\(3970f5af-af17-4420-b038-a1efdc261244\)$/);
  });

  it('answers the seed XML sample, sent verbatim, with 201 and XML in the seed form', async () => {
    const res = await post().type('application/xml').set('Accept', 'application/xml').send(welloSeedXml());
    assert.equal(res.status, 201);
    assert.match(res.text, new RegExp(`^<task xmlns:i="${XSI}">`));
    assert.doesNotMatch(res.text, /xmlns="/, 'no default namespace');
    assert.deepEqual(elementNames(res.text), elementNames(welloSeedXml()));
    const task = new XMLParser().parse(res.text).task as Record<string, unknown>;
    assert.equal(task.id2, 1);
    assert.equal(task.id, '3970f5af-af17-4420-b038-a1efdc261244');
    assert.equal(task.date_start, '2026-06-24T03:56:41.457Z');
    assert.equal(task.subject, 'sample string 10');
  });

  it('writes XML elements in alphabetical order, nulls as i:nil="true", dates with 3 fraction digits and Z', async () => {
    const res = await post().type('application/json').set('Accept', 'text/xml').send(json({ subject: 'x', due_date: '2026-12-01T10:00:00.9876543+02:00' }));
    const names = elementNames(res.text);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names.length, 23);
    assert.match(res.text, /<remark i:nil="true"\/>/);
    assert.match(res.text, /<due_date>2026-12-01T08:00:00\.987Z<\/due_date>/);
    assert.match(res.text, /<date_create>2026-11-24T10:00:00\.123Z<\/date_create>/);
  });

  it('writes JSON dates as Json.NET: the server\'s with +00:00, a Z date with Z, an offset moved to +00:00, an unzoned one as is, trailing zeros dropped', async () => {
    const res = await post().type('application/json').send(json({ subject: 'x', due_date: '2026-12-01T10:00:00.5000000Z', date_start: '2026-12-01T10:00:00+02:00', date_assigned: '2026-12-01T10:00:00', date_closed: '2026-12-01' }));
    assert.equal(res.body.date_create, '2026-11-24T10:00:00.1234567+00:00');
    assert.equal(res.body.modified_dateutc, '2026-11-24T10:00:00.1234567+00:00');
    assert.equal(res.body.due_date, '2026-12-01T10:00:00.5Z');
    assert.equal(res.body.date_start, '2026-12-01T08:00:00+00:00');
    assert.equal(res.body.date_assigned, '2026-12-01T10:00:00');
    assert.equal(res.body.date_closed, '2026-12-01T00:00:00');
  });

  it('decodes XML character references and the five predefined entities in one pass; CDATA stays as written (XML as DataContractSerializer reads it: docs/fidelity.md, Wello: Serialization)', async () => {
    const res = await post().type('application/xml').set('Accept', 'application/json').send('<task><remark><![CDATA[&amp; stays]]></remark><subject>caf&#233; &#x41; &amp;#233; &lt;b&gt;</subject></task>');
    assert.equal(res.status, 201);
    assert.equal(res.body.subject, 'café A &#233; <b>');
    assert.equal(res.body.remark, '&amp; stays');
  });

  it('keeps years 1-99 as they are, and refuses a 29 February that the Gregorian calendar has not (.NET DateTime: docs/fidelity.md, Wello: Serialization; a bad date: Validation errors)', async () => {
    const ok = await post().type('application/json').send(json({ subject: 'x', due_date: '0050-03-01T00:00:00Z', date_start: '0004-02-29T00:00:00Z' }));
    assert.equal(ok.body.due_date, '0050-03-01T00:00:00Z');
    assert.equal(ok.body.date_start, '0004-02-29T00:00:00Z');
    const bad = await post().type('application/json').send(json({ subject: 'x', due_date: '1900-02-29T00:00:00Z' }));
    assert.equal(bad.status, 400);
  });

  it('fills the server fields: new GUID id, id2, contact and company of the caller, defaults, dates, created_by_servicedesk_api, archived', async () => {
    const res = await post().type('application/json').send(json({ subject: 's', id2: 999, archived: true, created_by_servicedesk_api: false, contact_id: '11111111-1111-1111-1111-111111111111', company_id: '11111111-1111-1111-1111-111111111111', modified_dateutc: '2000-01-01T00:00:00Z' }));
    const task = res.body;
    assert.match(task.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(task.id2, 1);
    assert.equal(task.contact_id, '4c11664c-c6df-4e35-beb3-0290ddc7b6d7');
    assert.equal(task.company_id, '586e803d-0d26-4307-9727-b1f8abd97122');
    assert.equal(task.task_type_id, '0d617cf0-d523-44dc-aadd-19baf06cf913');
    assert.equal(task.task_status_id, 'd04abcdd-1a87-4d49-af1d-33ef6195ebd3');
    assert.equal(task.task_priority_id, 'd69a8b21-9de2-4ec2-9a48-f91277b2ba4c');
    assert.equal(task.date_create, '2026-11-24T10:00:00.1234567+00:00');
    assert.equal(task.modified_dateutc, '2026-11-24T10:00:00.1234567+00:00');
    assert.equal(task.created_by_servicedesk_api, true);
    assert.equal(task.archived, false);
  });

  it('takes contact_id and company_id (its first company) from the calling contact', async () => {
    const auth = `Basic ${Buffer.from('helpdesk@acme.example:pw@ACME').toString('base64')}`;
    const res = await agent().post(PATH).set('Authorization', auth).type('application/json').send(json({ subject: 's' }));
    assert.equal(res.body.contact_id, '7d2e9a10-3b4c-4d5e-8f60-718293a4b5c6');
    assert.equal(res.body.company_id, 'a1b2c3d4-0000-4000-8000-00000000ac3e');
  });

  it('keeps a given type and priority, an explicit date_create, and replaces the empty GUID id', async () => {
    const res = await post().type('application/json').send(json({ subject: 's', id: '00000000-0000-0000-0000-000000000000', task_type_id: '3E1F5A2B-6C7D-4E8F-9A0B-1C2D3E4F5A6B', task_priority_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e', date_create: '2025-01-02T03:04:05Z' }));
    assert.notEqual(res.body.id, '00000000-0000-0000-0000-000000000000');
    assert.equal(res.body.task_type_id, '3e1f5a2b-6c7d-4e8f-9a0b-1c2d3e4f5a6b');
    assert.equal(res.body.task_priority_id, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e');
    assert.equal(res.body.date_create, '2025-01-02T03:04:05Z');
  });

  it('uses the default status whatever the request says ("When adding a task, the default task_status will be used", seed)', async () => {
    const res = await post().type('application/json').send(json({ subject: 's', task_status_id: 'c0ffee00-1234-4abc-9def-000000c0ffee' }));
    assert.equal(res.body.task_status_id, 'd04abcdd-1a87-4d49-af1d-33ef6195ebd3');
    assert.equal(res.body.archived, false);
  });

  it('answers 422 for a task_type_id or task_priority_id that does not exist (docs/fidelity.md, Wello: 422 for foreign keys), taking no id2', async () => {
    const app = agent();
    const type = await post(app).type('application/json').send(json({ subject: 's', task_type_id: '99999999-9999-4999-8999-999999999999' }));
    assert.equal(type.status, 422);
    assert.match(type.body.Message, /task_type_id '99999999-9999-4999-8999-999999999999'/);
    const priority = await post(app).type('application/json').send(json({ subject: 's', task_priority_id: '99999999-9999-4999-8999-999999999999' }));
    assert.equal(priority.status, 422);
    assert.equal((await post(app).type('application/json').send(json({ subject: 's' }))).body.id2, 1);
  });

  it('answers 201 with a Location header to the task', async () => {
    const res = await post().type('application/json').send(json({ subject: 's', id: '3970f5af-af17-4420-b038-a1efdc261244' }));
    assert.equal(res.status, 201);
    assert.match(res.headers.location ?? '', /^http:\/\/[^/]+\/api\/Task\(3970f5af-af17-4420-b038-a1efdc261244\)$/);
  });

  for (const prefer of ['return=minimal', 'return=no-content', 'respond-async, return=minimal']) {
    it(`answers Prefer: ${prefer} with 204, no body and the Location header`, async () => {
      const app = agent();
      const res = await post(app).type('application/json').set('Prefer', prefer).send(json({ subject: 's' }));
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assert.match(res.headers.location ?? '', /\/api\/Task\([0-9a-f-]{36}\)$/);
      assert.equal((await post(app).type('application/json').send(json({ subject: 's' }))).body.id2, 2, 'the 204 create took id2 1');
    });
  }

  it('counts id2 per session: one more than the last, starting at the configured base', async () => {
    const app = agent({ id2Base: 100 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await post(app).type('application/json').send(json({ subject: 's' }))).body.id2);
    const other = await post(app).set('X-Stub-Session', 'other').type('application/json').send(json({ subject: 's' }));
    assert.deepEqual(ids, [100, 101, 102]);
    assert.equal(other.body.id2, 100);
  });

  it('gives 500 concurrent creates the id2 values 1..500, each exactly once', async () => {
    const app = agent();
    const all = await Promise.all(Array.from({ length: 500 }, () => post(app).type('application/json').send(json({ subject: 'concurrent' }))));
    assert.ok(all.every((res) => res.status === 201));
    const id2s = all.map((res) => res.body.id2 as number).sort((a, b) => a - b);
    assert.deepEqual(id2s, Array.from({ length: 500 }, (_, i) => i + 1));
    assert.equal(new Set(all.map((res) => res.body.id)).size, 500, 'and 500 different GUIDs');
  });
});
