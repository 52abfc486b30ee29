// The OpenAPI 3.1 export (ecosystem issue), checked by an OpenAPI validator
// and against what the stub really answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FORMATS } from '../src/formats.js';
import { createStub } from '../src/stub.js';
import { openApiDocument } from '../src/openapi.js';
import { runCli } from './cli-helpers.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type Doc = {
  openapi: string;
  paths: Record<string, { post: { requestBody: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }>; security?: unknown[] } }>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
};

const registry = createStub({ seed: 1 }).context.registry;

describe('the OpenAPI 3.1 document (taskstub openapi, GET /__admin/openapi.json)', () => {
  it('is a valid OpenAPI 3.1 document by @seriousme/openapi-schema-validator, every $ref resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument(registry) as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    const text = JSON.stringify(openApiDocument(registry));
    for (const [, target] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(target! in (openApiDocument(registry) as Doc).components.schemas, target);
  });

  it('covers both APIs: request and response bodies, the status codes, error shapes, JSON and XML, and the security schemes', () => {
    const doc = openApiDocument(registry) as Doc;
    assert.deepEqual(Object.keys(doc.paths), ['/api/2.0/crm/task', '/api/2.0/crm/task.json', '/api/2.0/crm/task.xml', '/api/2.0/authentication', '/api/Task']);
    const oo = doc.paths['/api/2.0/crm/task']!.post;
    assert.deepEqual(Object.keys(oo.requestBody.content), ['application/json', 'text/xml', 'application/x-www-form-urlencoded']);
    assert.deepEqual(Object.keys(oo.responses), ['201', '400', '401', '404', '413']);
    assert.deepEqual(Object.keys(oo.responses['401']!.content!), ['text/plain'], 'the plain Unauthorized (API-NOTES API 1, Authentication)');
    assert.equal(oo.responses['201']!.content!['application/json']!.schema.$ref, '#/components/schemas/onlyoffice.envelope');
    assert.equal(oo.responses['404']!.content!['application/json']!.schema.$ref, '#/components/schemas/onlyoffice.error');
    assert.deepEqual(Object.keys(doc.paths['/api/2.0/crm/task.xml']!.post.responses['201']!.content!), ['text/xml']);
    const wello = doc.paths['/api/Task']!.post;
    assert.deepEqual(Object.keys(wello.requestBody.content), ['application/json', 'text/json', 'application/xml', 'text/xml']);
    assert.deepEqual(Object.keys(wello.responses), ['201', '204', '400', '401', '404', '405', '413', '415', '422', '500']);
    assert.equal(wello.responses['422']!.content!['application/xml']!.schema.$ref, '#/components/schemas/wello.error');
    assert.deepEqual(Object.keys(doc.components.securitySchemes), ['onlyofficeToken', 'onlyofficeBasic', 'onlyofficeBearer', 'onlyofficeCookie', 'welloBasic']);
    assert.ok('onlyoffice.task-wrapper.user' in doc.components.schemas, 'the $defs are components too');
    assert.doesNotMatch(JSON.stringify(doc), /"\$id"|"\$defs"|schema\.json/, 'no reference is left to the files');
  });

  it('its components check real answers as the files do: a 201 of each API and an error validate against the referenced schemas', async () => {
    const doc = openApiDocument(registry) as Doc;
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: check });
    ajv.addSchema({ $id: 'https://openapi.local/doc', components: doc.components });
    const validate = (component: string, body: unknown) => {
      const v = ajv.compile({ $ref: `https://openapi.local/doc#/components/schemas/${component}` });
      assert.equal(v(body), true, `${component}: ${JSON.stringify(v.errors)}`);
    };
    const app = agent();
    validate('onlyoffice.envelope', (await app.post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, contactId: 1 })).body);
    validate('onlyoffice.error', (await app.post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, categoryId: 99 })).body);
    validate('wello.task-response', (await app.post('/api/Task').set(WELLO_AUTH).send({ subject: 's' })).body);
    validate('wello.error', (await app.post('/api/Task').set(WELLO_AUTH).send({})).body);
  });

  it('GET /__admin/openapi.json and `taskstub openapi` give the same document', async () => {
    const served = (await agent().get('/__admin/openapi.json')).body as Doc;
    const printed = await runCli(['openapi']);
    assert.equal(printed.code, 0);
    assert.deepEqual(JSON.parse(printed.stdout), served);
    assert.equal(served.openapi, '3.1.0');
  });
});
