// Hostile and broken input, table-driven, for both APIs and the admin API:
// every case gets that API's own 4xx error shape, never a 5xx, never a hang
// (the hardening issue; the shapes are docs/fidelity.md, ONLYOFFICE: Errors and
// Wello: Validation errors, and problem+json for the admin API).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { createStub } from '../src/stub.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type Api = 'onlyoffice' | 'wello' | 'admin';

interface Case {
  name: string;
  method?: 'post' | 'get' | 'put' | 'delete' | 'patch';
  path?: string;
  type?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** The status the real API answers with; a list when either is faithful. */
  status: number | number[];
}

const PATHS: Record<Api, string> = { onlyoffice: '/api/2.0/crm/task', wello: '/api/Task', admin: '/__admin/requests/count' };
const CREDENTIALS: Record<Api, Record<string, string>> = { onlyoffice: TOKEN, wello: WELLO_AUTH, admin: {} };

/** Checks that a body is the API's own error shape. */
const SHAPES: Record<Api, (res: Response) => void> = {
  onlyoffice(res) {
    if (res.status === 401) return assert.equal(res.text, 'Unauthorized');
    const body = JSON.parse(res.text) as { status: number; statusCode: number; error: { message: string; hresult: number; data: object } };
    assert.equal(body.status, 1);
    assert.equal(body.statusCode, res.status);
    assert.equal(typeof body.error.message, 'string');
    assert.equal(typeof body.error.hresult, 'number');
    assert.deepEqual(body.error.data, {});
  },
  wello(res) {
    // ASP.NET answers in the request's format when Accept does not say (docs/fidelity.md, Wello: Content negotiation).
    if (/xml/.test(res.headers['content-type'] ?? '')) return assert.match(res.text, /^<Error><Message>[^<]+<\/Message>(<ModelState>.*<\/ModelState>)?<\/Error>$/s);
    const body = JSON.parse(res.text) as { Message: string; ModelState?: Record<string, string[]> };
    assert.equal(typeof body.Message, 'string');
    assert.deepEqual(Object.keys(body).filter((k) => k !== 'Message' && k !== 'ModelState'), []);
  },
  admin(res) {
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
    const body = JSON.parse(res.text) as { type: string; title: string; status: number };
    assert.match(body.type, /^https:\/\/taskstub\.local\/problems\//);
    assert.equal(body.status, res.status);
  },
};

const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedXml = (depth: number) => '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
const XXE = (root: string, field: string) => `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><${root}><${field}>&xxe;</${field}></${root}>`;
const LAUGHS = (root: string, field: string) =>
  `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><${root}><${field}>&lol9;</${field}></${root}>`;
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('","deadline":"2026-12-01T09:00:00Z","categoryId":1,"subject":"x"}')]);
const TWO_MB = 'x'.repeat(2 * 1024 * 1024);

/** The cases both create routes share; each API answers them in its own shape. */
function commonCases(api: 'onlyoffice' | 'wello'): Case[] {
  const root = api === 'onlyoffice' ? 'task' : 'task';
  const field = api === 'onlyoffice' ? 'title' : 'subject';
  return [
    { name: 'malformed JSON', type: 'application/json', body: '{"title": "x", ', status: 400 },
    { name: 'JSON that is not an object (a string)', type: 'application/json', body: '"just text"', status: 400 },
    { name: 'malformed XML', type: 'text/xml', body: `<${root}><${field}>x</${root}>`, status: 400 },
    { name: 'XML with a DOCTYPE and an external entity (XXE)', type: 'text/xml', body: XXE(root, field), status: 400 },
    { name: 'XML entity expansion ("billion laughs")', type: 'text/xml', body: LAUGHS(root, field), status: 400 },
    { name: 'an XML entity no DTD declares (&nbsp;)', type: 'text/xml', body: `<${root}><${field}>a&nbsp;b</${field}></${root}>`, status: 400 },
    { name: 'an XML character reference to a non-character (&#0;)', type: 'text/xml', body: `<${root}><${field}>a&#0;b</${field}></${root}>`, status: 400 },
    { name: '50-level nested JSON objects in a field', type: 'application/json', body: `{"${field}":${nested(50, '1')},"deadline":"2026-12-01T09:00:00Z","categoryId":1}`, status: 400 },
    { name: '5,000-level nested JSON arrays as the body', type: 'application/json', body: nestedArray(5000), status: 400 },
    { name: '50-level nested XML elements in a field', type: 'text/xml', body: `<${root}><${field}>${nestedXml(50)}</${field}></${root}>`, status: 400 },
    { name: 'a body over the 1 MB limit', type: 'application/json', body: `{"${field}":"${TWO_MB}"}`, status: 413 },
    { name: 'invalid UTF-8', type: 'application/json', body: INVALID_UTF8, status: 400 },
    { name: 'an empty body', type: 'application/json', body: '', status: 400 },
  ];
}

const TABLE: Record<Api, Case[]> = {
  onlyoffice: [
    ...commonCases('onlyoffice'),
    { name: 'a Content-Type it cannot read (application/octet-stream)', type: 'application/octet-stream', body: 'title=x', status: 400 },
    { name: '__proto__ carrying the required fields does not fill them', type: 'application/json', body: '{"__proto__":{"title":"x","deadline":"2026-12-01T09:00:00Z","categoryId":1}}', status: 400 },
    { name: 'constructor.prototype keys', type: 'application/json', body: '{"constructor":{"prototype":{"polluted":true}},"title":"x"}', status: 400 },
    { name: 'an unknown route under the API (Method not found)', method: 'post', path: '/api/2.0/crm/nothing-here', type: 'application/json', body: '{}', status: 404 },
    { name: 'an unsupported method on the create route', method: 'get', status: 404 },
    { name: 'DELETE on the create route', method: 'delete', status: 404 },
  ],
  wello: [
    ...commonCases('wello'),
    { name: 'a Content-Type it cannot read (text/plain)', type: 'text/plain', body: 'subject=x', status: 415 },
    { name: '__proto__ carrying subject does not fill it', type: 'application/json', body: '{"__proto__":{"subject":"from the prototype"}}', status: 400 },
    { name: 'constructor.prototype keys', type: 'application/json', body: '{"constructor":{"prototype":{"polluted":true}}}', status: 400 },
    { name: '__proto__ as an XML element', type: 'text/xml', body: '<task><__proto__><subject>x</subject></__proto__></task>', status: 400 },
    { name: 'an unknown route under the API', method: 'post', path: '/api/Nothing', type: 'application/json', body: '{}', status: 404 },
    { name: 'an unknown route outside both APIs', method: 'get', path: '/nothing/here', status: 404 },
    { name: 'an unsupported method on the create route (405 with Allow)', method: 'get', status: 405 },
    { name: 'PATCH on the create route', method: 'patch', type: 'application/json', body: '{}', status: 405 },
  ],
  admin: [
    { name: 'malformed JSON', type: 'application/json', body: '{"api":', status: 400 },
    { name: 'a matcher of the wrong type (an array)', type: 'application/json', body: '[1,2]', status: 400 },
    { name: 'wrong types in the matcher', type: 'application/json', body: '{"status":"two hundred","api":7,"method":[]}', status: 400 },
    { name: '__proto__ and constructor keys in a matcher', type: 'application/json', body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}', status: 400 },
    { name: '50-level nested JSON in the body matcher', type: 'application/json', body: `{"body":${nested(50, '1')},"status":"x"}`, status: 400 },
    { name: 'a body over the admin limit', type: 'application/json', body: `{"body":{"title":"${TWO_MB}"}}`, status: 413 },
    { name: 'invalid UTF-8', type: 'application/json', body: INVALID_UTF8, status: 400 },
    { name: 'a bad verify (no matcher fields of the right type)', path: '/__admin/verify', type: 'application/json', body: '{"count":"one"}', status: 400 },
    { name: 'a bad state', method: 'put', path: '/__admin/state', type: 'application/json', body: '{"id2Next":-5,"taskIdNext":"x"}', status: 400 },
    { name: 'a bad clock in the state', method: 'put', path: '/__admin/state', type: 'application/json', body: '{"clock":"yesterday"}', status: 400 },
    { name: 'a bad queued fault', path: '/__admin/faults', type: 'application/json', body: '{"fault":{"status":99999}}', status: 400 },
    { name: 'a bad query filter', method: 'get', path: '/__admin/requests?status=abc&limit=-1', status: 400 },
    { name: 'an unknown admin route', method: 'get', path: '/__admin/nothing-here', status: 404 },
    { name: 'an unsupported method on an admin route (405 with Allow)', method: 'delete', path: '/__admin/health', status: 405 },
  ],
};

after(() => {
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

for (const [api, cases] of Object.entries(TABLE) as [Api, Case[]][]) {
  describe(`bad input to the ${api} API gets its own 4xx, never a 5xx or a hang`, () => {
    const app = agent();
    for (const c of cases) {
      const expected = Array.isArray(c.status) ? c.status : [c.status];
      it(`${c.name} → ${expected.join(' or ')}`, async () => {
        let req = app[c.method ?? 'post'](c.path ?? PATHS[api]).set(CREDENTIALS[api]).set(c.headers ?? {}).timeout(5000);
        if (c.type !== undefined) req = req.set('Content-Type', c.type);
        const res = await (c.body === undefined ? req : req.send(c.body));
        assert.ok(expected.includes(res.status), `status ${res.status}: ${res.text.slice(0, 300)}`);
        SHAPES[api](res);
        if (res.status === 405) assert.match(res.headers.allow ?? '', /POST|GET/, 'a 405 says what is allowed');
        assert.doesNotMatch(res.text, /root:x:0:0/, 'no file was read');
      });
    }
  });
}

describe('wrong types and huge strings in every field', () => {
  const app = agent();
  const { registry } = createStub({ seed: 1 }).context;
  const fieldsOf = (name: string) => Object.keys(registry.get(name).properties ?? {}).sort();
  // ONLYOFFICE reads JSON through Json.NET into XML first (ApiArgumentBuilder.GetRequestParams): an array gives its
  // items as repeated values (the first wins) and an object with members gives no value for its own name, so for the
  // string fields there is no wrong JSON type; they are answered as the real server answers them.
  const ONLYOFFICE_WRONG: Record<string, { value: unknown; status: number }> = {
    title: { value: { an: 'object' }, status: 400 }, // no value: title is missing
    description: { value: ['a', 'list'], status: 201 }, // "a"
    deadline: { value: 'not a date', status: 400 },
    responsibleId: { value: 'not-a-guid', status: 400 },
    categoryId: { value: 'abc', status: 400 },
    contactId: { value: 'abc', status: 400 },
    entityType: { value: { an: 'object' }, status: 201 }, // no value: no entity type given
    entityId: { value: 'abc', status: 400 },
    isNotify: { value: 'maybe', status: 400 },
    alertValue: { value: 'abc', status: 400 },
  };
  for (const [field, { value, status }] of Object.entries(ONLYOFFICE_WRONG)) {
    it(`ONLYOFFICE ${field} = ${JSON.stringify(value)} → ${status}${status === 400 ? ' in the error envelope' : ', read as Json.NET\'s XML gives it'} (docs/fidelity.md, ONLYOFFICE: Binding)`, async () => {
      const res = await app.post(PATHS.onlyoffice).set(TOKEN).send({ ...VALID, [field]: value });
      assert.equal(res.status, status, res.text);
      if (status === 400) SHAPES.onlyoffice(res);
    });
  }

  const WELLO_WRONG: Record<string, unknown> = {
    id: 'not-a-guid',
    task_type_id: 12,
    task_status_id: true,
    task_priority_id: 'x',
    company_id: 'x',
    contact_id: [],
    to_db_table_id: {},
    to_db_table_name: {},
    to_id_in_table: 'x',
    subject: {},
    remark: [],
    customer_reference: {},
    date_create: 'not a date',
    date_start: 'yesterday',
    due_date: true,
    date_closed: {},
    archived: 'maybe',
    date_assigned: [],
    date_suggested_by_company: 'x',
    id2: 'abc',
    reference_back_office: {},
    created_by_servicedesk_api: 'maybe',
    modified_dateutc: 'x',
  };
  it('covers every field of both request schemas', () => {
    assert.deepEqual(Object.keys(ONLYOFFICE_WRONG).sort(), fieldsOf('onlyoffice/create-task-request'));
    assert.deepEqual(Object.keys(WELLO_WRONG).sort(), fieldsOf('wello/task'));
  });

  for (const [field, value] of Object.entries(WELLO_WRONG)) {
    it(`Wello ${field} = ${JSON.stringify(value)} → 400 with ModelState for task.${field}`, async () => {
      const body = { subject: 'ok', ...{ [field]: value } };
      const res = await app.post(PATHS.wello).set(WELLO_AUTH).send(body);
      assert.equal(res.status, 400, res.text);
      SHAPES.wello(res);
      assert.ok(Object.keys((JSON.parse(res.text) as { ModelState: object }).ModelState).some((key) => key.startsWith(`task.${field}`)), res.text);
    });
  }

  // 200,000 characters (under the 1 MB limit) in every string field of each
  // request schema. A field with a format (GUID, date) or a documented maximum
  // refuses it; the others have no limit in the seeds, so the real servers take
  // it and it is echoed. ONLYOFFICE's entityType must name an entity (check 1).
  const HUGE = 'é'.repeat(200_000);
  const stringFields = (name: string) =>
    Object.entries(registry.get(name).properties ?? {}).filter(([, p]) => p.type === 'string' || (Array.isArray(p.type) && p.type.includes('string')));

  for (const [field, property] of stringFields('onlyoffice/create-task-request')) {
    const refused = Boolean(property.format || property.maxLength) || field === 'entityType';
    it(`ONLYOFFICE ${field} of 200,000 characters → ${refused ? '400 in the error envelope' : '201, echoed'}`, async () => {
      const res = await app.post(PATHS.onlyoffice).set(TOKEN).send({ ...VALID, [field]: HUGE });
      if (refused) {
        assert.equal(res.status, 400, res.text.slice(0, 200));
        return SHAPES.onlyoffice(res);
      }
      assert.equal(res.status, 201);
      assert.equal((res.body as { response: Record<string, string> }).response[field], HUGE);
    });
  }
  for (const [field, property] of stringFields('wello/task')) {
    const refused = Boolean(property.format || property.maxLength);
    it(`Wello ${field} of 200,000 characters → ${refused ? `400, ModelState task.${field}` : '201, echoed'}`, async () => {
      const res = await app.post(PATHS.wello).set(WELLO_AUTH).send({ subject: 'ok', [field]: HUGE });
      if (refused) {
        assert.equal(res.status, 400, res.text.slice(0, 200));
        SHAPES.wello(res);
        return assert.ok(`task.${field}` in (JSON.parse(res.text) as { ModelState: object }).ModelState, res.text.slice(0, 300));
      }
      assert.equal(res.status, 201);
      assert.equal((res.body as Record<string, string>)[field], HUGE);
    });
  }
});
