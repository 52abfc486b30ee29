import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, TOKEN, VALID } from './helpers.js';

const PATH = '/api/2.0/crm/task';
const RANGE = 'Value does not fall within the expected range.';
const ARGUMENT = -2147024809;

function expectError(res: { status: number; body: unknown }, status: number, message: string, hresult?: number) {
  assert.equal(res.status, status);
  const body = res.body as { status: number; statusCode: number; error: { message: string; hresult: number; data: object } };
  assert.deepEqual(Object.keys(body), ['status', 'statusCode', 'error']);
  assert.equal(body.status, 1);
  assert.equal(body.statusCode, status);
  assert.equal(body.error.message, message);
  assert.deepEqual(body.error.data, {});
  if (hresult !== undefined) assert.equal(body.error.hresult, hresult);
}

describe('ONLYOFFICE create-task checks, in the real order (docs/fidelity.md, ONLYOFFICE: Errors: create-task checks)', () => {
  const table: { name: string; body: Record<string, unknown>; status: number; message: string; hresult?: number }[] = [
    { name: 'check 1: entityType neither opportunity nor case', body: { ...VALID, entityType: 'contact' }, status: 400, message: RANGE, hresult: ARGUMENT },
    { name: 'check 1: categoryId 0', body: { ...VALID, categoryId: 0 }, status: 400, message: RANGE },
    { name: 'check 1: categoryId negative', body: { ...VALID, categoryId: -3 }, status: 400, message: RANGE },
    { name: 'check 1: categoryId missing', body: { title: 'x', deadline: '2026-12-01' }, status: 400, message: RANGE },
    { name: 'binding before check 1: a categoryId that does not convert is a FormatException (ApiArgumentBuilder.BuildCallingArguments runs before CRMApi.CreateTask)', body: { ...VALID, categoryId: 'abc' }, status: 400, message: 'Input string was not in a correct format.', hresult: -2146233033 },
    { name: 'binding before check 2: a bad GUID with an unknown category is 400, not 404 (ApiManager.InvokeMethod binds first)', body: { ...VALID, responsibleId: 'nope', categoryId: 99 }, status: 400, message: 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).', hresult: -2146233033 },
    { name: 'check 1 before 2: bad entityType and unknown category', body: { ...VALID, entityType: 'x', categoryId: 99 }, status: 400, message: RANGE },
    { name: 'check 2: unknown category is 404 Category is not found', body: { ...VALID, categoryId: 99 }, status: 404, message: 'Category is not found', hresult: -2147467259 },
    { name: 'check 2 before 3: unknown category and no title', body: { deadline: '2026-12-01', categoryId: 99 }, status: 404, message: 'Category is not found' },
    { name: 'check 3: title missing', body: { deadline: '2026-12-01', categoryId: 1 }, status: 400, message: RANGE },
    { name: 'check 3: title empty', body: { ...VALID, title: '' }, status: 400, message: RANGE },
    { name: 'check 3: title null', body: { ...VALID, title: null }, status: 400, message: RANGE },
    { name: 'check 3: deadline missing', body: { title: 'x', categoryId: 1 }, status: 400, message: RANGE },
    { name: 'binding before check 3: a deadline under 7 characters is refused before the missing title (ApiDateTime.Parse: no value in the message)', body: { deadline: 'soon', categoryId: 1 }, status: 400, message: 'invalid date time format', hresult: ARGUMENT },
    { name: 'check 4: deadline in no ApiDateTime format', body: { ...VALID, deadline: '04/10/2008' }, status: 400, message: 'invalid date time format: 04/10/2008', hresult: ARGUMENT },
    { name: 'binding in parameter order: deadline before responsibleId (BuildCallingArguments, methodParams by Position)', body: { ...VALID, deadline: 'not a date', responsibleId: 'nope' }, status: 400, message: 'invalid date time format: not a date' },
    { name: 'check 5: responsibleId not a GUID', body: { ...VALID, responsibleId: 'not-a-guid' }, status: 400, message: 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).', hresult: -2146233033 },
    { name: 'check 5: alertValue not an integer', body: { ...VALID, alertValue: 'ten' }, status: 400, message: 'Input string was not in a correct format.' },
    { name: 'check 5: alertValue a fraction', body: { ...VALID, alertValue: 1.5 }, status: 400, message: 'Input string was not in a correct format.' },
    { name: 'check 5: contactId beyond Int32', body: { ...VALID, contactId: 2147483648 }, status: 400, message: 'Value was either too large or too small for an Int32.', hresult: -2146233066 },
    { name: 'check 5: isNotify not a Boolean', body: { ...VALID, isNotify: 'maybe' }, status: 400, message: 'String was not recognized as a valid Boolean.' },
    { name: 'check 5: title an object', body: { ...VALID, title: { a: 1 } }, status: 400, message: RANGE },
  ];
  for (const { name, body, status, message, hresult } of table) {
    it(name, async () => expectError(await agent().post(PATH).set(TOKEN).send(body), status, message, hresult));
  }

  it('accepts the GUID forms .NET parses and writes them in lower case "D" form', async () => {
    for (const id of ['9924256A739C462bAF15E652A3B1B6EB', '{9924256A-739C-462b-AF15-E652A3B1B6EB}', '(9924256a-739c-462b-af15-e652a3b1b6eb)']) {
      const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, responsibleId: id });
      assert.equal(res.body.response.responsible.id, '9924256a-739c-462b-af15-e652a3b1b6eb', id);
    }
  });

  it('answers errors on .xml routes in XML: <result><status>1</status><statusCode>…</statusCode><error>…', async () => {
    const res = await agent().post(`${PATH}.xml`).set(TOKEN).type('form').send({ ...VALID, categoryId: 99 });
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(res.text, '<result><status>1</status><statusCode>404</statusCode><error><message>Category is not found</message><hresult>-2147467259</hresult><data /></error></result>');
  });

  it('answers malformed JSON with a 400 in the error envelope, never a 500', async () => {
    const res = await agent().post(PATH).set(TOKEN).type('application/json').send('{"title": ');
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 1);
    assert.match(res.body.error.message, /^The request body could not be read: /);
  });

  it('answers malformed XML and a DOCTYPE with a 400 in the error envelope', async () => {
    const bad = await agent().post(PATH).set(TOKEN).type('text/xml').send('<task><title>x</task>');
    assert.equal(bad.status, 400);
    const dtd = await agent().post(PATH).set(TOKEN).type('text/xml').send('<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><t><title>&x;</title></t>');
    assert.equal(dtd.status, 400);
    assert.match(dtd.body.error.message, /DTD is prohibited/);
  });

  it('answers a body over the limit with 413 in the error envelope', async () => {
    const res = await agent({ bodyLimit: 100 }).post(PATH).set(TOKEN).send({ ...VALID, description: 'x'.repeat(500) });
    assert.equal(res.status, 413);
    assert.equal(res.body.statusCode, 413);
  });
});

describe('ONLYOFFICE deadline: every ApiDateTime format (docs/fidelity.md, ONLYOFFICE: Dates)', () => {
  const accepted: [string, string][] = [
    ['2008-04-10T06:30:00.0000000Z', '2008-04-10T06:30:00.0000000Z'],
    ['2008-04-10T06:30:00.1234567+02:00', '2008-04-10T04:30:00.1234567Z'],
    ['2008-04-10T06-30-00.1234567Z', '2008-04-10T06:30:00.1234567Z'],
    ['2008-04-10T06-30-00.000Z', '2008-04-10T06:30:00.0000000Z'],
    ['2008-04-10T06:30:00.123Z', '2008-04-10T06:30:00.1230000Z'],
    ['2008-04-10T06:30:00.000Z', '2008-04-10T06:30:00.0000000Z'],
    ['2008-04-10T06-30-00Z', '2008-04-10T06:30:00.0000000Z'],
    ['2008-04-10T06:30:00-07:00', '2008-04-10T13:30:00.0000000Z'],
    ['2008-04-10T06:30:00', '2008-04-10T06:30:00.0000000Z'],
    ['2008-04-10', '2008-04-10T00:00:00.0000000Z'],
  ];
  for (const [input, written] of accepted) {
    it(`accepts ${input} and writes ${written}`, async () => {
      const res = await agent().post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, deadline: input });
      assert.equal(res.status, 201);
      assert.equal(res.body.response.deadLine, written);
    });
  }
  const rejected = ['2008-04-10T06:30:00.12Z', '2008-04-10T06:30:00.12345Z', '2008-04-10 06:30:00', '2008-04-10T06-30:00Z', '2008-02-30', '2008-04-10T25:00:00Z', '10.04.2008', '2008-04-10T06:30Z', 'tomorrow'];
  for (const input of rejected) {
    it(`rejects ${input} with "invalid date time format: ${input}"`, async () => {
      const res = await agent().post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, deadline: input });
      expectError(res, 400, `invalid date time format: ${input}`);
    });
  }
});

describe('ONLYOFFICE authentication (docs/fidelity.md, ONLYOFFICE: Authentication)', () => {
  it('answers a call with no credential 401 with the plain body Unauthorized and no challenge', async () => {
    const res = await agent().post('/api/2.0/crm/task').send(VALID);
    assert.equal(res.status, 401);
    assert.equal(res.text, 'Unauthorized');
    // ErrorHttpHandler.ProcessRequest never sets ContentType: ASP.NET's default text/html (ApiRouteHandler.GetHttpHandler).
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  it('answers a failed Basic header 401 with WWW-Authenticate: Basic Realm="<host>"', async () => {
    for (const value of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from(':pw').toString('base64')}`]) {
      const res = await agent().post('/api/2.0/crm/task').set('Authorization', value).send(VALID);
      assert.equal(res.status, 401, value);
      assert.equal(res.text, 'Unauthorized');
      assert.equal(res.headers['www-authenticate'], 'Basic Realm="yourportal.onlyoffice.com"');
    }
  });

  it('lets in each real credential form: raw token, Basic, Bearer, asc_auth_key cookie', async () => {
    const forms: Record<string, string>[] = [
      { Authorization: 'abc123' },
      { Authorization: `Basic ${Buffer.from('someone:secret').toString('base64')}` },
      { Authorization: 'Bearer abc123' },
      { Cookie: 'other=1; asc_auth_key=abc123' },
    ];
    for (const headers of forms) assert.equal((await agent().post('/api/2.0/crm/task').set(headers).send(VALID)).status, 201, JSON.stringify(headers));
  });

  it('refuses empty credentials: "Bearer " and an empty asc_auth_key', async () => {
    assert.equal((await agent().post('/api/2.0/crm/task').set('Authorization', 'Bearer ').send(VALID)).status, 401);
    assert.equal((await agent().post('/api/2.0/crm/task').set('Cookie', 'asc_auth_key=').send(VALID)).status, 401);
  });

  it('lets everything in with --auth off', async () => {
    assert.equal((await agent({ auth: 'off' }).post('/api/2.0/crm/task').send(VALID)).status, 201);
  });

  it('makes createBy the calling user: the Basic login, or the portal owner for an unknown credential', async () => {
    const basic = `Basic ${Buffer.from('anna.smith:pw').toString('base64')}`;
    const asAnna = await agent().post('/api/2.0/crm/task').set('Authorization', basic).send(VALID);
    assert.equal(asAnna.body.response.createBy.displayName, 'Anna Smith');
    const asOwner = await agent().post('/api/2.0/crm/task').set(TOKEN).send(VALID);
    assert.equal(asOwner.body.response.createBy.displayName, 'Administrator');
  });

  it('POST api/2.0/authentication answers 201 with {count:1,status:0,statusCode:201,response:{token,expires}}, and the token calls as that user', async () => {
    const app = agent();
    const res = await app.post('/api/2.0/authentication').send({ userName: 'mike.zanyatski@yourportal.onlyoffice.com', password: 'secret' });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), ['count', 'status', 'statusCode', 'response']);
    assert.deepEqual(Object.keys(res.body.response), ['token', 'expires']);
    assert.match(res.body.response.expires, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    const token = res.body.response.token as string;
    for (const headers of [{ Authorization: token }, { Authorization: `Bearer ${token}` }, { Cookie: `asc_auth_key=${token}` }]) {
      const created = await app.post('/api/2.0/crm/task').set(headers).send(VALID);
      assert.equal(created.body.response.createBy.displayName, 'Mike Zanyatski');
    }
  });

  it('POST api/2.0/authentication with no userName or password answers 400 in the error envelope', async () => {
    const res = await agent().post('/api/2.0/authentication').send({ userName: 'x' });
    expectError(res, 400, RANGE);
  });
});
