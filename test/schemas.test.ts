import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { generatedTypes, GENERATED_DIR } from '../scripts/schema-types.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FORMATS } from '../src/formats.js';
import { ANNOTATION_KEYWORDS } from '../src/core/schemas.js';
import { createStub } from '../src/stub.js';
import { deriveSeed } from '../src/core/rng.js';
import { agent, ROOT, SEED_SAMPLE, SEEDS, TOKEN, VALID } from './helpers.js';

const SCHEMAS = join(ROOT, 'schemas');
const registry = createStub({ seed: 1 }).context.registry;

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? schemaFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The JSON sample that follows `marker` in a seed document. */
function seedJsonSample(file: string, marker: string): Record<string, unknown> {
  const text = readFileSync(join(SEEDS, file), 'utf8');
  const from = text.indexOf('{', text.indexOf(marker));
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(from, i + 1)) as Record<string, unknown>;
  }
  throw new Error('no sample');
}

describe('schemas/ (CONTRIBUTING.md, principle 2)', () => {
  it('holds only 2020-12 schemas whose $id matches their path', () => {
    for (const file of schemaFiles(SCHEMAS)) {
      assert.match(file, /\.schema\.json$/);
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { $schema: string; $id: string };
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', file);
      assert.equal(schema.$id, `https://taskstub.local/schemas/${relative(SCHEMAS, file)}`);
    }
  });

  it('every shipped schema is valid against the 2020-12 meta-schema and compiles in strict mode (the server skips both at start)', () => {
    const strict = new Ajv2020({ strict: true, strictRequired: false, allowMatchingProperties: true, validateSchema: true });
    addFormats.default(strict);
    for (const keyword of ANNOTATION_KEYWORDS) strict.addKeyword({ keyword, schemaType: 'array' });
    for (const name of Object.keys(FORMATS)) strict.addFormat(name, { type: 'string', validate: () => true });
    const schemas = schemaFiles(SCHEMAS).map((file) => JSON.parse(readFileSync(file, 'utf8')) as { $id: string });
    for (const schema of schemas) strict.addSchema(schema);
    for (const schema of schemas) {
      assert.equal(strict.validateSchema(schema), true, `${schema.$id}: ${JSON.stringify(strict.errors)}`);
      assert.equal(typeof strict.getSchema(schema.$id), 'function', schema.$id);
      assert.equal(typeof registry.validator(schema.$id), 'function', schema.$id);
    }
  });

  it('the ONLYOFFICE request schema has exactly the seed sample\'s fields, and the seed\'s examples validate', () => {
    const schema = registry.get('onlyoffice/create-task-request');
    assert.deepEqual(Object.keys(schema.properties ?? {}), Object.keys(SEED_SAMPLE));
    assert.equal(schema.properties?.deadline?.description, 'Task due date. Date and Time (ApiDateTime). Roundtrip format: 2008-04-10T06-30-00.000Z');
    assert.equal(registry.validator('onlyoffice/create-task-request')(SEED_SAMPLE), true);
  });

  it('the Wello task schema has all 23 fields of the seed sample, in its order, and the sample validates', () => {
    const sample = seedJsonSample('wello-servicedesk-create-task.txt', 'Sample:');
    const schema = registry.get('wello/task');
    assert.deepEqual(Object.keys(schema.properties ?? {}), Object.keys(sample));
    assert.equal(Object.keys(sample).length, 23);
    assert.equal(registry.validator('wello/task')(sample), true);
    assert.equal(registry.validator('wello/task-response')(sample), true);
  });

  it('the Wello task schema requires subject (max 150), limits customer_reference and reference_back_office to 50, and marks the read-only fields', () => {
    const schema = registry.get('wello/task');
    const p = schema.properties!;
    assert.deepEqual(schema.required, ['subject']);
    assert.equal(p.subject!.maxLength, 150);
    assert.equal(p.customer_reference!.maxLength, 50);
    assert.equal(p.reference_back_office!.maxLength, 50);
    const readOnly = Object.entries(p).filter(([, s]) => s.readOnly).map(([name]) => name);
    assert.deepEqual(readOnly, ['company_id', 'contact_id', 'archived', 'id2', 'created_by_servicedesk_api', 'modified_dateutc']);
    const validate = registry.validator('wello/task');
    assert.equal(validate({ subject: 'x'.repeat(151) }), false);
    assert.equal(validate({ subject: 's', task_type_id: 'not-a-guid' }), false);
    assert.equal(validate({ subject: 's', due_date: 'tomorrow' }), false);
    assert.equal(validate({ remark: 'no subject' }), false);
  });

  it('src/generated/ is what `npm run gen:types` writes from the schemas (types derive from the schemas)', async () => {
    for (const [file, source] of await generatedTypes()) {
      assert.equal(readFileSync(join(GENERATED_DIR, file), 'utf8'), source, `${file} is stale: run npm run gen:types`);
    }
  });

  it('derives a different random stream for every seed and session', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 50; seed++) for (const session of ['default', 'a', 'b']) seen.add(deriveSeed(seed, session));
    assert.equal(seen.size, 150);
  });
});

describe('every ONLYOFFICE response conforms to its response schema', () => {
  it('201 bodies validate against the envelope schema, error bodies against the error schema', async () => {
    const app = agent();
    const bodies: Record<string, unknown>[] = [];
    const requests: Record<string, unknown>[] = [
      VALID,
      { ...SEED_SAMPLE, categoryId: 8, entityType: 'opportunity' },
      { ...VALID, description: 'd', alertValue: 3, isNotify: true, entityType: 'case', entityId: 1, contactId: 5 },
      { ...VALID, responsibleId: '00000000-0000-0000-0000-000000000000' },
      { ...VALID, categoryId: 12, deadline: '2026-01-01' },
      { ...VALID, categoryId: 99 },
      { ...VALID, categoryId: 0 },
      { ...VALID, deadline: 'bad' },
      { ...VALID, responsibleId: 'bad' },
      { deadline: '2026-01-01', categoryId: 1 },
    ];
    for (const body of requests) bodies.push((await app.post('/api/2.0/crm/task').set(TOKEN).send(body)).body);
    bodies.push((await app.post('/api/2.0/crm/nope').set(TOKEN).send(VALID)).body);
    const envelope = registry.validator('onlyoffice/envelope');
    const error = registry.validator('onlyoffice/error');
    let created = 0;
    for (const body of bodies) {
      const validate = body.status === 0 ? envelope : error;
      if (body.status === 0) created++;
      assert.equal(validate(body), true, `${JSON.stringify(body)}: ${JSON.stringify(validate.errors)}`);
    }
    assert.equal(created, 5);
    const auth = (await app.post('/api/2.0/authentication').send({ userName: 'a', password: 'b' })).body;
    assert.equal(registry.validator('onlyoffice/authentication-response')(auth), true);
  });
});

describe('the core checks every ONLYOFFICE request against the request schema with ajv (for the journal)', () => {
  const stub = createStub({ seed: 1, clock: '2026-01-01T00:00:00Z' });
  const call = (body: string, type = 'application/json', path = '/api/2.0/crm/task', headers: Record<string, string> = TOKEN) =>
    stub.handle({ method: 'POST', path, query: {}, headers: { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), 'content-type': type }, body: Buffer.from(body) })!;

  it('a conforming request is valid, and the record names the api, operation and the task id issued', () => {
    const result = call(JSON.stringify({ ...VALID, responsibleId: '9924256a-739c-462b-af15-e652a3b1b6eb' }));
    assert.equal(result.response.status, 201);
    assert.deepEqual(result.record, { api: 'onlyoffice', operation: 'createTask', valid: true, errors: [], issued: { taskId: 1 } });
  });

  it('a request missing required fields or with unconvertible values is invalid, with a JSON pointer per error', () => {
    const result = call(JSON.stringify({ title: 'x', categoryId: 1, alertValue: 'ten' }));
    assert.equal(result.record.valid, false);
    assert.deepEqual(result.record.errors.map((e) => e.path).sort(), ['/alertValue', '/deadline', '/responsibleId']);
  });

  it('form and XML bodies are checked after conversion, like JSON; a bad deadline is worded as ApiDateTime.Parse words it (under 7 characters: no value)', () => {
    const form = call('title=x&deadline=2026-01-01&categoryId=1&responsibleId=9924256a-739c-462b-af15-e652a3b1b6eb', 'application/x-www-form-urlencoded');
    assert.equal(form.record.valid, true);
    const xml = call('<t><title>x</title><deadline>nope</deadline><categoryId>1</categoryId><responsibleId>9924256a-739c-462b-af15-e652a3b1b6eb</responsibleId></t>', 'text/xml');
    assert.deepEqual(xml.record.errors, [{ path: '/deadline', message: 'invalid date time format' }]);
  });

  it('an unreadable body, a 401 and an unknown route are recorded too', () => {
    assert.deepEqual(call('{', 'application/json').record.valid, false);
    const unauthorized = call(JSON.stringify(VALID), 'application/json', '/api/2.0/crm/task', {});
    assert.equal(unauthorized.response.status, 401);
    assert.equal(unauthorized.record.operation, 'createTask');
    assert.deepEqual(unauthorized.record.issued, {});
    assert.equal(call('{}', 'application/json', '/api/2.0/crm/other').record.operation, 'unknown');
  });

  it('the token an authentication call issued is recorded', () => {
    const result = call(JSON.stringify({ userName: 'a', password: 'b' }), 'application/json', '/api/2.0/authentication', {});
    assert.equal(result.record.issued.token, JSON.parse(result.response.body).response.token);
  });
});
