import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStub } from '../src/stub.js';
import { agent, WELLO_AUTH, welloSeedJson } from './helpers.js';

const PATH = '/api/Task';
const INVALID = 'The request is invalid.';

function postJson(body: string, app = agent()) {
  return app.post(PATH).set(WELLO_AUTH).type('application/json').send(body);
}

function expectModelState(res: { status: number; body: unknown }, modelState: Record<string, string[]>) {
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, { Message: INVALID, ModelState: modelState });
}

describe('Wello validation: 400 with ModelState keyed task.<field> (docs/fidelity.md, Wello: Validation errors)', () => {
  const required = { 'task.subject': ['The subject field is required.'] };
  const table: [string, string, Record<string, string[]>][] = [
    ['subject missing', '{"remark":"r"}', required],
    ['subject null', '{"subject":null}', required],
    ['subject empty', '{"subject":""}', required],
    ['subject white space', '{"subject":"   "}', required],
    ['subject over 150', JSON.stringify({ subject: 'x'.repeat(151) }), { 'task.subject': ["The field subject must be a string or array type with a maximum length of '150'."] }],
    ['customer_reference over 50', JSON.stringify({ subject: 's', customer_reference: 'x'.repeat(51) }), { 'task.customer_reference': ["The field customer_reference must be a string or array type with a maximum length of '50'."] }],
    ['reference_back_office over 50', JSON.stringify({ subject: 's', reference_back_office: 'x'.repeat(51) }), { 'task.reference_back_office': ["The field reference_back_office must be a string or array type with a maximum length of '50'."] }],
    ['a GUID that does not convert', '{"subject":"s","task_type_id":"x"}', { 'task.task_type_id': ["Error converting value \"x\" to type 'System.Guid'. Path 'task_type_id', line 1, position 33."] }],
    ['a number for a GUID', '{"subject":"s","id":5}', { 'task.id': ["Error converting value 5 to type 'System.Guid'. Path 'id', line 1, position 21."] }],
    ['a date that does not convert', '{"subject":"s","due_date":"soon"}', { 'task.due_date': ["Could not convert string to DateTime: soon. Path 'due_date', line 1, position 32."] }],
    ['an integer that does not convert', '{"subject":"s","id2":"abc"}', { 'task.id2': ["Could not convert string to integer: abc. Path 'id2', line 1, position 26."] }],
    ['a fraction for an integer', '{"subject":"s","id2":1.5}', { 'task.id2': ["Input string '1.5' is not a valid integer. Path 'id2', line 1, position 24."] }],
    ['an integer beyond Int32', '{"subject":"s","id2":3000000000}', { 'task.id2': ["JSON integer 3000000000 is too large or small for an Int32. Path 'id2', line 1, position 31."] }],
    ['a Boolean that does not convert', '{"subject":"s","archived":"maybe"}', { 'task.archived': ["Could not convert string to boolean: maybe. Path 'archived', line 1, position 33."] }],
    ['an object for a string', '{"subject":{"a":1}}', { 'task.subject': ["Error reading string. Unexpected token: StartObject. Path 'subject', line 1, position 18.", 'The subject field is required.'] }],
    ['positions count lines', '{\n  "subject": "s",\n  "task_type_id": "nope"\n}', { 'task.task_type_id': ["Error converting value \"nope\" to type 'System.Guid'. Path 'task_type_id', line 3, position 24."] }],
    ['conversion and validation errors together', '{"subject":"","task_type_id":"x"}', { 'task.task_type_id': ["Error converting value \"x\" to type 'System.Guid'. Path 'task_type_id', line 1, position 32."], 'task.subject': ['The subject field is required.'] }],
  ];
  for (const [name, body, modelState] of table) {
    it(name, async () => expectModelState(await postJson(body), modelState));
  }

  it('matches property names in any letter case, as Json.NET does', async () => {
    const res = await postJson('{"Subject":"s","CUSTOMER_REFERENCE":"c"}');
    assert.equal(res.status, 201);
    assert.equal(res.body.customer_reference, 'c');
  });

  it('reads what Json.NET tolerates: single quotes, unquoted names, comments, a trailing comma', async () => {
    const res = await postJson("{subject: 'lenient', /* note */ remark: 'r', // end\n}");
    assert.equal(res.status, 201);
    assert.equal(res.body.subject, 'lenient');
  });

  const unparsable: [string, string, string][] = [
    ['a missing value', '{"subject": "a", "remark": }', "Unexpected character encountered while parsing value: }. Path 'remark', line 1, position 28."],
    ['an unclosed object', '{"subject":"a"', "Unexpected end when deserializing object. Path 'subject', line 1, position 14."],
    ['an unterminated string', '{"subject":"a', 'Unterminated string. Expected delimiter: ". Path \'subject\', line 1, position 13.'],
    ['a missing colon', '{"subject" "a"}', "Invalid character after parsing property name. Expected ':' but got: \". Path 'subject', line 1, position 12."],
    ['garbage after a value', '{"subject":"a" x}', "After parsing a value an unexpected character was encountered: x. Path 'subject', line 1, position 16."],
    ['a bad escape', '{"subject":"a\\q"}', "Bad JSON escape sequence: \\q. Path 'subject', line 1, position 15."],
  ];
  for (const [name, body, message] of unparsable) {
    it(`an unparsable body (${name}) gets 400 with the parser's message under task.<path>`, async () => {
      const res = await postJson(body);
      assert.equal(res.status, 400);
      assert.equal(res.body.Message, INVALID);
      assert.deepEqual(Object.values(res.body.ModelState), [[message]]);
    });
  }

  it('a root that is not an object, and an empty body, get 400 under the key task', async () => {
    const array = await postJson('[1,2]');
    assert.match(array.body.ModelState.task[0], /^Cannot deserialize the current JSON array \(e\.g\. \[1,2,3\]\) into type 'task'/);
    const string = await postJson('"text"');
    assert.deepEqual(string.body.ModelState, { task: ["Error converting value \"text\" to type 'task'. Path '', line 1, position 6."] });
    const empty = await agent().post(PATH).set(WELLO_AUTH).type('application/json').send('');
    assert.deepEqual(empty.body.ModelState, { task: ['A non-empty request body is required.'] });
  });

  it('refuses JSON nested deeper than Json.NET\'s MaxDepth of 256 with a 400, not a crash', async () => {
    const deep = `{"subject":"s","remark":${'['.repeat(300)}${']'.repeat(300)}}`;
    const res = await postJson(deep);
    assert.equal(res.status, 400);
    const [[key, [message]]] = Object.entries(res.body.ModelState as Record<string, string[]>) as [[string, string[]]];
    assert.match(key, /^task\.remark(\[0\]){255}$/);
    assert.match(message!, /^The reader's MaxDepth of 256 has been exceeded\./);
  });

  it('keeps "__proto__" keys as data: no prototype pollution', async () => {
    const res = await postJson('{"subject":"s","__proto__":{"polluted":1},"remark":{"__proto__":{"polluted":1}}}');
    assert.equal(res.status, 400);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('answers in XML when XML is accepted: <Error><Message/><ModelState>…</ModelState></Error>', async () => {
    const res = await agent().post(PATH).set(WELLO_AUTH).set('Accept', 'application/xml').type('application/json').send('{"subject":""}');
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(res.text, '<Error><Message>The request is invalid.</Message><ModelState><task.subject>The subject field is required.</task.subject></ModelState></Error>');
  });

  it('reports an XML value that does not convert (under task: XmlMediaTypeFormatter.ReadFromStream), an unknown root element, malformed XML and a DTD, each as a 400', async () => {
    const send = (xml: string) => agent().post(PATH).set(WELLO_AUTH).type('text/xml').set('Accept', 'application/json').send(xml);
    const guid = await send('<task><subject>s</subject><task_type_id>nope</task_type_id></task>');
    assert.equal(guid.status, 400);
    assert.deepEqual(guid.body.ModelState, { task: ["There was an error deserializing the object of type task. The value 'nope' cannot be parsed as the type 'Guid'."] });
    const boolean = await send('<task><archived>True</archived><subject>s</subject></task>');
    assert.deepEqual(boolean.body.ModelState, { task: ["There was an error deserializing the object of type task. The value 'True' cannot be parsed as the type 'Boolean'."] });
    const root = await send('<ticket><subject>s</subject></ticket>');
    assert.match(root.body.ModelState.task[0], /Expecting element 'task' from namespace ''\.\. Encountered 'Element' {2}with name 'ticket'/);
    const malformed = await send('<task><subject>s</task>');
    assert.equal(malformed.status, 400);
    const dtd = await send('<!DOCTYPE task [<!ENTITY x SYSTEM "file:///etc/passwd">]><task><subject>&x;</subject></task>');
    assert.equal(dtd.status, 400);
    assert.match(dtd.body.ModelState.task[0], /DTD is prohibited/);
    const required = await send('<task><remark>r</remark></task>');
    assert.deepEqual(required.body.ModelState, { 'task.subject': ['The subject field is required.'] });
  });

  it('failed calls take no id2', async () => {
    const app = agent();
    await postJson('{"subject":""}', app);
    await postJson('{', app);
    assert.equal((await postJson('{"subject":"s"}', app)).body.id2, 1);
  });
});

describe('Wello XML values that do not convert: XmlMediaTypeFormatter.ReadFromStream logs the ReadObject exception with LogError(String.Empty, e), so under task alone (docs/fidelity.md, Wello: Validation errors)', () => {
  const WRAP = 'There was an error deserializing the object of type task. ';
  const postXml = (xml: string, accept = 'application/json') => agent().post(PATH).set(WELLO_AUTH).type('application/xml').set('Accept', accept).send(xml);
  // XmlConverter / XmlReaderDelegator: SR.XmlInvalidConversion with the type's .NET name, no line info.
  const table: [kind: string, body: string, message: string][] = [
    ['a GUID', '<task><subject>s</subject><task_type_id>x</task_type_id></task>', "The value 'x' cannot be parsed as the type 'Guid'."],
    ['a date', '<task><due_date>soon</due_date><subject>s</subject></task>', "The value 'soon' cannot be parsed as the type 'DateTime'."],
    ['an integer', '<task><id2>1.5</id2><subject>s</subject></task>', "The value '1.5' cannot be parsed as the type 'Int32'."],
    ['an integer beyond Int32', '<task><id2>3000000000</id2><subject>s</subject></task>', "The value '3000000000' cannot be parsed as the type 'Int32'."],
    ['a Boolean (True is not XmlConvert\'s)', '<task><archived>True</archived><subject>s</subject></task>', "The value 'True' cannot be parsed as the type 'Boolean'."],
  ];
  for (const [kind, body, message] of table) {
    it(`${kind}: 400, the message wrapped in SR.ErrorDeserializing, under the key task`, async () => expectModelState(await postXml(body), { task: [WRAP + message] }));
  }

  it('only the first bad member is reported: ReadObject throws there and reads no further', async () => {
    const res = await postXml('<task><archived>maybe</archived><due_date>soon</due_date><subject>s</subject><task_type_id>x</task_type_id></task>');
    expectModelState(res, { task: [`${WRAP}The value 'maybe' cannot be parsed as the type 'Boolean'.`] });
  });

  it('no DataAnnotations errors join it: the model is null, and DefaultBodyModelValidator walks no properties of a null model', async () => {
    // subject is missing and customer_reference too long; neither is reported beside the conversion error.
    const res = await postXml(`<task><customer_reference>${'x'.repeat(51)}</customer_reference><due_date>soon</due_date></task>`);
    expectModelState(res, { task: [`${WRAP}The value 'soon' cannot be parsed as the type 'DateTime'.`] });
  });

  it('in XML the key is the element <task>', async () => {
    const res = await postXml('<task><task_type_id>x</task_type_id></task>', 'application/xml');
    assert.equal(res.status, 400);
    assert.equal(res.text, `<Error><Message>${INVALID}</Message><ModelState><task>${WRAP}The value 'x' cannot be parsed as the type 'Guid'.</task></ModelState></Error>`);
  });

  it('a failed call takes no id2', async () => {
    const app = agent();
    await app.post(PATH).set(WELLO_AUTH).type('application/xml').send('<task><id2>x</id2><subject>s</subject></task>');
    assert.equal((await postJson('{"subject":"s"}', app)).body.id2, 1);
  });
});

describe('Wello authentication (docs/fidelity.md, Wello: Authentication)', () => {
  it('answers a missing or malformed Basic credential with 401', async () => {
    const bad = [
      undefined,
      `Basic ${Buffer.from('test@wello.solutions:123456').toString('base64')}`, // no @domain
      `Basic ${Buffer.from(':123456@TESTAPI').toString('base64')}`, // no login
      `Basic ${Buffer.from('login:@TESTAPI').toString('base64')}`, // no password
      `Basic ${Buffer.from('login:pw@').toString('base64')}`, // no domain
      'Basic !!!',
      'Bearer token',
    ];
    for (const authorization of bad) {
      let req = agent().post(PATH).type('application/json');
      if (authorization) req = req.set('Authorization', authorization);
      const res = await req.send('{"subject":"s"}');
      assert.equal(res.status, 401, String(authorization));
      assert.deepEqual(res.body, { Message: 'Authorization has been denied for this request.' });
    }
  });

  it('lets any well-formed login:password@domain in; --auth off lets everything in', async () => {
    const any = `Basic ${Buffer.from('someone@else.example:pw@DOMAIN').toString('base64')}`;
    assert.equal((await agent().post(PATH).set('Authorization', any).type('application/json').send('{"subject":"s"}')).status, 201);
    assert.equal((await agent({ auth: 'off' }).post(PATH).type('application/json').send('{"subject":"s"}')).status, 201);
  });
});

describe('Wello: other routes and limits', () => {
  it('answers other methods on api/Task with 405 and Allow: POST', async () => {
    for (const method of ['get', 'put', 'delete'] as const) {
      const res = await agent()[method](PATH).set(WELLO_AUTH);
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, 'POST');
      assert.deepEqual(res.body, { Message: `The requested resource does not support http method '${method.toUpperCase()}'.` });
    }
  });

  it('answers an unknown /api route with the ASP.NET 404', async () => {
    const res = await agent().post('/api/Tasks?x=1').set(WELLO_AUTH);
    assert.equal(res.status, 404);
    assert.match(res.body.Message, /^No HTTP resource was found that matches the request URI 'http:\/\/[^/]+\/api\/Tasks\?x=1'\.$/);
  });

  it('answers a body over the limit with 413 in the ASP.NET shape', async () => {
    const res = await agent({ bodyLimit: 200 }).post(PATH).set(WELLO_AUTH).type('application/json').send(JSON.stringify({ subject: 'x', remark: 'y'.repeat(500) }));
    assert.equal(res.status, 413);
    assert.equal(typeof res.body.Message, 'string');
  });
});

describe('every Wello response conforms to its response schema', () => {
  it('201 bodies validate against wello/task-response, errors against wello/error', async () => {
    const registry = createStub({ seed: 1 }).context.registry;
    const app = agent();
    const bodies = [
      welloSeedJson(),
      '{"subject":"s"}',
      '{"subject":"s","due_date":"2026-01-01","date_start":"2026-01-01T00:00:00+05:00","remark":""}',
      '{"subject":""}',
      '{"subject":"s","task_type_id":"x"}',
      '{',
      '[1]',
    ];
    let created = 0;
    for (const body of bodies) {
      const res = await postJson(body, app);
      const validate = registry.validator(res.status === 201 ? 'wello/task-response' : 'wello/error');
      if (res.status === 201) created++;
      assert.equal(validate(res.body), true, `${res.text}: ${JSON.stringify(validate.errors)}`);
    }
    for (const res of [await agent().post(PATH).type('text/plain').set(WELLO_AUTH).send('x'), await agent().get(PATH).set(WELLO_AUTH), await agent().post(PATH)]) {
      assert.equal(registry.validator('wello/error')(res.body), true, res.text);
    }
    assert.equal(created, 3);
  });
});
