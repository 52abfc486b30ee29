// Property-based fuzzing with fast-check (hardening issue): requests made from
// the request schemas, valid and mutated, in every encoding each API reads,
// sometimes damaged on the way. For every one: the status is 201 or a 4xx,
// never a 5xx; the body conforms to the API's response schema for a 201 or
// its error schema otherwise (docs/fidelity.md, ONLYOFFICE: Errors; Wello:
// Validation errors); the call is in the journal and renders. Bodies nested
// around and past each reader's depth limit are refused where the limit says,
// and the journal still answers its listings after every run.
// npm test runs a fixed seed; `npm run fuzz` runs longer (FUZZ_RUNS, FUZZ_SEED).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { contractErrors } from '../src/contract.js';
import { schemaId } from '../src/core/schemas.js';
import { render } from '../src/journal/entry.js';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { createStub } from '../src/stub.js';
import { applyDamage, damage, mutate, mutation, nestedBody, nesting, toForm, toXml, valueFor } from './fuzz/requests.js';
import { FIXED, TOKEN, WELLO_AUTH } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = process.env.FUZZ_SEED === undefined ? (process.env.FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261124) : Number(process.env.FUZZ_SEED);

const stub = createStub({ ...FIXED, journalLimit: 50 });
const { registry } = stub.context;

interface Sent {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one request through the core and checks every property; returns the status. */
function check(sent: Sent): number {
  const before = stub.journal.entries().length;
  const result = stub.handle({ method: 'POST', path: sent.path, query: {}, headers: sent.headers, body: sent.body });
  assert.ok(result, 'an API owns the path');
  const { status, headers, body } = result.response;
  assert.ok(status === 201 || (status >= 400 && status < 500), `status ${status}: ${body.slice(0, 300)}`);
  assert.deepEqual(contractErrors(registry, sent.path, status, headers['content-type'] ?? '', body), [], body.slice(0, 500));
  const entries = stub.journal.entries();
  assert.ok(entries.length === Math.min(before + 1, 50));
  JSON.stringify(render(entries.at(-1)!));
  return status;
}

const report = (statuses: number[]) => Object.entries(statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {}));

describe('what the fuzz found, kept as examples', () => {
  const basic = { authorization: WELLO_AUTH.Authorization };
  it('Wello: a ModelState key with [0] is written as an XML name the way XmlConvert.EncodeLocalName does (it was a 500; docs/fidelity.md, Wello: Validation errors: In XML)', () => {
    const result = stub.handle({ method: 'POST', path: '/api/Task', query: {}, headers: { ...basic, 'content-type': 'application/json', accept: 'application/xml' }, body: Buffer.from('{"subject":[') })!;
    assert.equal(result.response.status, 400);
    assert.match(result.response.body, /<ModelState><task\.subject_x005B_0_x005D_>Unexpected end when reading JSON\. Path 'subject\[0\]'/);
    check({ path: '/api/Task', headers: { ...basic, 'content-type': 'application/json', accept: 'application/xml' }, body: Buffer.from('{"subject":[1,') });
  });

  it('ONLYOFFICE: an empty description is echoed as "", and a title of one space reads back as one space from XML (only null/false/0 are left out: docs/fidelity.md, ONLYOFFICE: The task in the response)', () => {
    const json = stub.handle({ method: 'POST', path: '/api/2.0/crm/task', query: {}, headers: { authorization: TOKEN.Authorization, 'content-type': 'application/json' }, body: Buffer.from('{"title":" ","description":"","deadline":"2026-12-01T09:00:00Z","categoryId":1}') })!;
    assert.equal((JSON.parse(json.response.body) as { response: { description: string } }).response.description, '');
    assert.equal(check({ path: '/api/2.0/crm/task.xml', headers: { authorization: TOKEN.Authorization, 'content-type': 'text/xml' }, body: Buffer.from('<task><title> </title><deadline>2026-12-01T09:00:00Z</deadline><categoryId>1</categoryId></task>') }), 201);
  });

  it('ONLYOFFICE: in XML a contact\'s null currency is an empty element, self-closed as XDocument writes it, since the XML is made from the JSON (docs/fidelity.md, ONLYOFFICE: Envelope)', () => {
    const body = Buffer.from('<task><title>t</title><deadline>2026-12-01T09:00:00Z</deadline><categoryId>1</categoryId><contactId>1</contactId></task>');
    const result = stub.handle({ method: 'POST', path: '/api/2.0/crm/task.xml', query: {}, headers: { authorization: TOKEN.Authorization, 'content-type': 'text/xml' }, body })!;
    assert.match(result.response.body, /<shareType>0<\/shareType><currency \/><canEdit>/);
    assert.equal(check({ path: '/api/2.0/crm/task.xml', headers: { authorization: TOKEN.Authorization, 'content-type': 'text/xml' }, body }), 201);
  });
});

describe(`fuzzing the create routes (fast-check, seed ${SEED}, ${RUNS} runs each)`, () => {
  it('ONLYOFFICE: JSON, form and XML bodies on the plain, .json and .xml routes', () => {
    const valid = valueFor(registry, registry.get('onlyoffice/create-task-request'), schemaId('onlyoffice/create-task-request')) as fc.Arbitrary<Record<string, unknown>>;
    // Mostly a category that exists, so that many runs get past check 3 to a 201.
    const body = fc.tuple(valid, fc.integer({ min: -1, max: 14 })).map(([b, category]) => ('categoryId' in b ? { ...b, categoryId: category } : b));
    const statuses: number[] = [];
    fc.assert(
      fc.property(body, mutation, fc.constantFrom('json', 'form', 'xml'), fc.constantFrom('', '.json', '.xml'), damage, fc.boolean(), (b, m, encoding, suffix, d, signedIn) => {
        const mutated = mutate(b, m);
        const [type, text] = encoding === 'json' ? ['application/json', JSON.stringify(mutated)] : encoding === 'form' ? ['application/x-www-form-urlencoded', toForm(mutated)] : ['text/xml', toXml('task', mutated, false)];
        statuses.push(check({ path: `/api/2.0/crm/task${suffix}`, headers: { 'content-type': type, ...(signedIn ? { authorization: TOKEN.Authorization } : {}) }, body: applyDamage(Buffer.from(text), d) }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(statuses.includes(201) && statuses.includes(400), `a fuzz that never creates or never fails proves little: ${JSON.stringify(report(statuses))}`);
  });

  it('Wello: JSON and XML bodies, any Accept', () => {
    const valid = valueFor(registry, registry.get('wello/task'), schemaId('wello/task')) as fc.Arbitrary<Record<string, unknown>>;
    const statuses: number[] = [];
    fc.assert(
      fc.property(valid, mutation, fc.constantFrom('json', 'xml', 'xml-unsorted'), fc.constantFrom(undefined, 'application/json', 'application/xml', 'text/xml', '*/*', 'text/html'), damage, fc.boolean(), (b, m, encoding, accept, d, signedIn) => {
        const mutated = mutate(b, m);
        const [type, text] = encoding === 'json' ? ['application/json', JSON.stringify(mutated)] : ['application/xml', toXml('task', mutated, encoding === 'xml')];
        const headers: Record<string, string> = { 'content-type': type, ...(accept ? { accept } : {}), ...(signedIn ? { authorization: WELLO_AUTH.Authorization } : {}) };
        statuses.push(check({ path: '/api/Task', headers, body: applyDamage(Buffer.from(text), d) }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(statuses.includes(201) && statuses.includes(400), `a fuzz that never creates or never fails proves little: ${JSON.stringify(report(statuses))}`);
  });

  it('both APIs: bodies nested around and past their limits (ONLYOFFICE 64, Wello 256), as a field or the whole body, in JSON and XML', () => {
    const apis = {
      onlyoffice: { path: '/api/2.0/crm/task', auth: TOKEN.Authorization, base: { title: 't', deadline: '2026-12-01T09:00:00Z', categoryId: 1 }, types: { json: 'application/json', xml: 'text/xml' }, limit: 64 },
      wello: { path: '/api/Task', auth: WELLO_AUTH.Authorization, base: { subject: 's' }, types: { json: 'application/json', xml: 'application/xml' }, limit: 256 },
    } as const;
    const statuses: number[] = [];
    fc.assert(
      fc.property(nesting, fc.constantFrom('onlyoffice', 'wello'), fc.constantFrom('json', 'xml'), fc.constantFrom('x', 'title', 'subject', 'description', 'remark'), (n, name, encoding, field) => {
        const api = apis[name];
        const body = nestedBody(api.base, field, n, encoding, 'task');
        const status = check({ path: api.path, headers: { 'content-type': api.types[encoding], authorization: api.auth }, body: Buffer.from(body) });
        statuses.push(status);
        // Levels as the reader counts them: the root container (or element) is the first; a field's value sits one (XML: two) below it.
        const levels = n.depth + (n.at === 'field' ? (encoding === 'xml' ? 2 : 1) : 0);
        const answer = stub.journal.entries().at(-1)!.result.response.body;
        if (levels > api.limit) {
          assert.equal(status, 400, answer.slice(0, 300));
          const said = { json: `MaxDepth of ${api.limit} has been exceeded`, xml: name === 'wello' ? `maximum read depth (${api.limit})` : `nested more than ${api.limit} deep` }[encoding];
          assert.ok(answer.includes(said), `${said} in ${answer.slice(0, 300)}`);
        } else if (n.closed && n.at === 'field' && field === 'x') {
          assert.equal(status, 201, `an unknown member as deep as the reader allows is ignored: ${answer.slice(0, 300)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(statuses.includes(201) && statuses.includes(400), `a fuzz that never creates or never fails proves little: ${JSON.stringify(report(statuses))}`);
  });

  it('left the journal readable: its listing and exports answer 200', async () => {
    const app = request(createApp(FIXED, stub));
    for (const path of ['/__admin/requests', '/__admin/requests.jsonl', '/__admin/requests.har']) {
      const res = await app.get(path);
      assert.equal(res.status, 200, `${path}: ${res.text?.slice(0, 300)}`);
    }
    assert.equal((await app.post('/__admin/requests/count').send({ body: { subject: 's' } })).status, 200);
  });

  it('left no prototype polluted', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(Object.prototype), []);
  });
});
