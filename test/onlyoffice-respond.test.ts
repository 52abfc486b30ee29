// The ONLYOFFICE method body's answer and the respond stage (docs/fidelity.md, ONLYOFFICE: Envelope, Errors,
// The task in the response, Routes and format). Real sources are in ONLYOFFICE/CommunityServer under
// module/ASC.Api/ at cc0a47cd; each case names the class and method it follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERRORS, hresultOf, methodStatusOf } from '../src/apis/onlyoffice/errors.js';
import { requestedFields } from '../src/apis/onlyoffice/response-fields.js';
import { renderXmlResult } from '../src/apis/onlyoffice/xml.js';
import { agent, TOKEN, VALID } from './helpers.js';

const PATH = '/api/2.0/crm/task';
const SESSION = 'x-stub-session';

describe('ONLYOFFICE category.relativeItemsCount (CRMApi.Tasks.cs CreateTask → ToTaskWrapper → ToTaskCategoryWrapper)', () => {
  it('counts the tasks saved in the category, this one included: the wrapper is built after SaveOrUpdateTask', async () => {
    const api = agent();
    const counts: unknown[] = [];
    for (const categoryId of [8, 8, 1, 8]) counts.push((await api.post(PATH).set(TOKEN).send({ ...VALID, categoryId })).body.response.category.relativeItemsCount);
    assert.deepEqual(counts, [1, 2, 1, 3]);
  });

  it('comes first in the category, before imagePath (TaskCategoryWrapper declares it; Json.NET writes derived members first)', async () => {
    const res = await agent().post(PATH).set(TOKEN).send({ ...VALID, categoryId: 8 });
    assert.deepEqual(Object.keys(res.body.response.category), ['relativeItemsCount', 'imagePath', 'title', 'sortOrder', 'id']);
  });

  it('is not counted for a create that fails (CreateTask throws before SaveOrUpdateTask)', async () => {
    const api = agent();
    assert.equal((await api.post(PATH).set(TOKEN).send({ deadline: VALID.deadline, categoryId: 1 })).status, 400);
    assert.equal((await api.post(PATH).set(TOKEN).send({ ...VALID, categoryId: 99 })).status, 404);
    const res = await api.post(PATH).set(TOKEN).send(VALID);
    assert.equal(res.body.response.category.relativeItemsCount, 1);
  });

  it('is kept per session, and a reset of the session forgets it (a stub session stands for a portal)', async () => {
    const api = agent();
    await api.post(PATH).set(TOKEN).set(SESSION, 'a').send(VALID);
    const otherSession = await api.post(PATH).set(TOKEN).set(SESSION, 'b').send(VALID);
    assert.equal(otherSession.body.response.category.relativeItemsCount, 1);
    assert.equal((await api.post(PATH).set(TOKEN).set(SESSION, 'a').send(VALID)).body.response.category.relativeItemsCount, 2);
    assert.equal((await api.post('/__admin/reset').set(SESSION, 'a')).status, 200);
    assert.equal((await api.post(PATH).set(TOKEN).set(SESSION, 'a').send(VALID)).body.response.category.relativeItemsCount, 1);
    assert.equal((await api.post(PATH).set(TOKEN).set(SESSION, 'b').send(VALID)).body.response.category.relativeItemsCount, 2);
  });

  it('is written in the XML answer too, first in <category>', async () => {
    const res = await agent().post(`${PATH}.xml`).set(TOKEN).type('form').send(VALID);
    assert.match(res.text, /<category><relativeItemsCount>1<\/relativeItemsCount><imagePath>/);
  });
});

describe('ONLYOFFICE ?fields= (ApiContext constructor: Fields = GetRequestArray("fields"); SerializerContractResolver)', () => {
  it('parses the query as GetRequestArray does: fields[] first, one value split on commas without trimming, an empty value kept', () => {
    assert.equal(requestedFields({}), undefined);
    assert.deepEqual(requestedFields({ fields: 'title,id' }), ['title', 'id']);
    assert.deepEqual(requestedFields({ fields: 'title, id' }), ['title', ' id']);
    assert.deepEqual(requestedFields({ fields: '' }), ['']);
    assert.deepEqual(requestedFields({ 'fields[]': 'title,id', fields: 'id' }), ['title,id']);
    // Request.QueryString is a NameValueCollection: names in any letter case.
    assert.deepEqual(requestedFields({ Fields: 'title' }), ['title']);
  });

  it('keeps only the named members of the task, in their own order, id included only when named; the envelope is whole', async () => {
    const res = await agent().post(`${PATH}?fields=id,title`).set(TOKEN).send(VALID);
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { count: 1, status: 0, statusCode: 201, response: { title: 'Call the client', id: 1 } });
    const noId = await agent().post(`${PATH}?fields=title`).set(TOKEN).send(VALID);
    assert.deepEqual(noId.body.response, { title: 'Call the client' });
  });

  it('matches names in any letter case (StringIgnoreCaseComparer)', async () => {
    const res = await agent().post(`${PATH}?fields=TITLE,deadline`).set(TOKEN).send(VALID);
    assert.deepEqual(Object.keys(res.body.response), ['title', 'deadLine']);
  });

  it('does not trim: " id" names no member', async () => {
    const res = await agent().post(`${PATH}?fields=title,%20id`).set(TOKEN).send(VALID);
    assert.deepEqual(res.body.response, { title: 'Call the client' });
  });

  it('an empty fields= is the one name "", so the task is {} (GetRequestArray keeps [""])', async () => {
    const res = await agent().post(`${PATH}?fields=`).set(TOKEN).send(VALID);
    assert.deepEqual(res.body, { count: 1, status: 0, statusCode: 201, response: {} });
  });

  it('has no nested paths: contact.id is a name like any other, and a named object is written whole', async () => {
    const nested = await agent().post(`${PATH}?fields=contact.id`).set(TOKEN).send({ ...VALID, contactId: 1 });
    assert.deepEqual(nested.body.response, {});
    const whole = await agent().post(`${PATH}?fields=category`).set(TOKEN).send(VALID);
    assert.deepEqual(Object.keys(whole.body.response.category), ['relativeItemsCount', 'imagePath', 'title', 'sortOrder', 'id']);
  });

  it('reads fields[] (GetRequestArray tries key + "[]" first)', async () => {
    const res = await agent().post(`${PATH}?fields%5B%5D=id`).set(TOKEN).send(VALID);
    assert.deepEqual(res.body.response, { id: 1 });
  });

  it('trims the XML answer too: it is made from the trimmed JSON (JsonNetSerializer.RespondTo)', async () => {
    const res = await agent().post(`${PATH}.xml?fields=title,id`).set(TOKEN).type('form').send(VALID);
    assert.equal(res.text, '<result><count>1</count><status>0</status><statusCode>201</statusCode><response><title>Call the client</title><id>1</id></response></result>');
  });

  it('does not touch an error: SetError leaves no response for the resolver to filter', async () => {
    const res = await agent().post(`${PATH}?fields=title`).set(TOKEN).send({ ...VALID, categoryId: 99 });
    assert.deepEqual(Object.keys(res.body), ['status', 'statusCode', 'error']);
    assert.deepEqual(Object.keys(res.body.error), ['message', 'hresult', 'data']);
  });

  it('trims the authentication answer the same way (any method\'s response)', async () => {
    const res = await agent().post('/api/2.0/authentication?fields=token').send({ userName: 'a', password: 'b' });
    assert.deepEqual(Object.keys(res.body.response), ['token']);
  });
});

describe('ONLYOFFICE errors by their .NET class (ApiHttpHandler.DoProcess; ErrorWrapper writes the HResult)', () => {
  it('maps a method-body exception to its status as DoProcess does', () => {
    assert.equal(methodStatusOf('ItemNotFoundException'), 404);
    assert.equal(methodStatusOf('ArgumentException'), 400);
    assert.equal(methodStatusOf('SecurityException'), 403);
    assert.equal(methodStatusOf('InvalidOperationException'), 403);
    assert.equal(methodStatusOf('FormatException'), 500);
  });

  it('gives each class the HResult its constructor sets', () => {
    // ASC.Api/Exceptions/ItemNotFound.cs: ItemNotFoundException : HttpException, base(404, message); HttpException : ExternalException (E_FAIL).
    assert.equal(hresultOf('ItemNotFoundException'), -2147467259);
    assert.equal(hresultOf('ArgumentException'), -2147024809); // COR_E_ARGUMENT
    assert.equal(hresultOf('MissingMethodException'), -2146233069); // COR_E_MISSINGMETHOD
    assert.equal(hresultOf('SecurityException'), -2146233078); // COR_E_SECURITY
    assert.equal(hresultOf('FormatException'), -2146233033); // COR_E_FORMAT
    assert.equal(hresultOf('OverflowException'), -2146233066); // COR_E_OVERFLOW
    for (const [code, spec] of Object.entries(ERRORS)) assert.equal(typeof spec.hresult, 'number', code);
  });

  const cases = [
    { name: 'ArgumentException (CreateTask check 1): 400, -2147024809', body: { ...VALID, categoryId: 0 }, status: 400, hresult: -2147024809 },
    { name: 'ItemNotFoundException("Category is not found") (CreateTask check 2): 404, HttpException\'s E_FAIL -2147467259', body: { ...VALID, categoryId: 99 }, status: 404, hresult: -2147467259 },
  ];
  for (const { name, body, status, hresult } of cases) {
    it(name, async () => {
      const res = await agent().post(PATH).set(TOKEN).send(body);
      assert.equal(res.status, status);
      assert.equal(res.body.error.hresult, hresult);
    });
  }

  it('MissingMethodException("Method not found") for no method: 404, -2146233069 (DoProcess, Method == null)', async () => {
    const res = await agent().post('/api/2.0/crm/nothing-here').set(TOKEN).send(VALID);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body.error, { message: 'Method not found', hresult: -2146233069, data: {} });
  });

  it('a forced 403 is a SecurityException: -2146233078 (CRMSecurity.CreateSecurityException)', async () => {
    const res = await agent().post(PATH).set(TOKEN).set('X-Stub-Fault', '403').send(VALID);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.hresult, -2146233078);
  });
});

describe('ONLYOFFICE XML as XDocument.ToString(SaveOptions.DisableFormatting) writes it (JsonNetSerializer.RespondTo)', () => {
  it('self-closes empty elements with a space: null and {} (XmlNodeConverter makes no content for them)', () => {
    assert.equal(renderXmlResult({ a: null, b: {}, c: { d: null } }), '<result><a /><b /><c><d /></c></result>');
  });

  it('writes an empty string as a start and end tag: XmlNodeConverter adds a text node', () => {
    assert.equal(renderXmlResult({ description: '' }), '<result><description></description></result>');
  });

  it('escapes &, < and > in text and leaves quotes (XmlWriter.WriteString)', () => {
    assert.equal(renderXmlResult({ t: `a&b<c>d"e'f` }), `<result><t>a&amp;b&lt;c&gt;d"e'f</t></result>`);
  });

  it('answers an error in XML with <data />', async () => {
    const res = await agent().post(`${PATH}.xml`).set(TOKEN).type('form').send({ ...VALID, categoryId: 0 });
    assert.equal(
      res.text,
      `<result><status>1</status><statusCode>400</statusCode><error><message>${ERRORS.invalidArgument.message}</message><hresult>-2147024809</hresult><data /></error></result>`,
    );
  });

  it("writes a contact's null currency as <currency />", async () => {
    const res = await agent().post(`${PATH}.xml`).set(TOKEN).type('form').send({ ...VALID, contactId: 1 });
    assert.equal(res.status, 201);
    assert.match(res.text, /<currency \/>/);
  });
});

describe('ONLYOFFICE suffixes in lower case only (ApiExtensionConstraint.Match: List<string>.Contains is ordinal)', () => {
  for (const suffix of ['.XML', '.Json', '.TML']) {
    it(`task${suffix} matches no route: 404 Method not found, in JSON (IsXmlRequest compares with ==)`, async () => {
      const res = await agent().post(`${PATH}${suffix}`).set(TOKEN).type('form').send(VALID);
      assert.equal(res.status, 404);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.body.error.message, 'Method not found');
    });
  }

  it('the path itself matches in any letter case (ASP.NET routing compares literal segments ignoring case)', async () => {
    const res = await agent().post('/API/2.0/CRM/Task.xml').set(TOKEN).type('form').send(VALID);
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
  });
});

describe('ONLYOFFICE 401 (ApiRouteHandler.GetHttpHandler → ErrorHttpHandler.ProcessRequest)', () => {
  it('is the plain Unauthorized as text/html: ErrorHttpHandler never sets ContentType, so ASP.NET\'s default stays', async () => {
    const res = await agent().post(PATH).send(VALID);
    assert.equal(res.status, 401);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.text, 'Unauthorized');
  });
});
