// The OpenAPI 3.1 export (ecosystem issue), checked by an OpenAPI validator
// and against what the stub really answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FORMATS } from '../src/formats.js';
import { createStub } from '../src/stub.js';
import { openApiDocument, requestOrigin } from '../src/openapi.js';
import { runCli } from './cli-helpers.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, { get?: { operationId: string }; put?: { operationId: string }; post: { operationId: string; requestBody: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }>; security?: unknown[] } }>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
};

const registry = createStub({ seed: 1 }).context.registry;

// Every ONLYOFFICE method answers at no suffix, .json, .xml and .tml (docs/fidelity.md, ONLYOFFICE: Routes and format).
const SUFFIXES = ['', '.json', '.xml', '.tml'];
const ONLYOFFICE_PATHS = ['crm/task', 'authentication'].flatMap((route) => SUFFIXES.map((suffix) => `/api/2.0/${route}${suffix}`));
// The read-back and lifecycle routes, and the operation each path lists first (test/onlyoffice-lifecycle.test.ts checks what they answer).
const LIFECYCLE = { 'crm/task/filter': 'ListTasks', 'crm/task/category': 'ListTaskCategories', 'crm/task/{taskid}': 'GetTask', 'crm/task/{taskid}/close': 'CloseTask', 'crm/task/{taskid}/reopen': 'ReopenTask' };
const LIFECYCLE_PATHS = Object.keys(LIFECYCLE).flatMap((route) => SUFFIXES.map((suffix) => `/api/2.0/${route}${suffix}`));
const LIFECYCLE_IDS = Object.values(LIFECYCLE).flatMap((id) => ['', 'Json', 'Xml', 'Tml'].map((suffix) => `onlyoffice${id}${suffix}`));

const mediaType = (res: { headers: Record<string, string> }) => (res.headers['content-type'] ?? '').split(';')[0]!.trim();

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
    assert.deepEqual(Object.keys(doc.paths), [...ONLYOFFICE_PATHS, ...LIFECYCLE_PATHS, '/api/Task', '/api/Task({id})', '/api/TaskView', '/api/TaskView({id})', '/api/TaskView/CountOpen']);
    const oo = doc.paths['/api/2.0/crm/task']!.post;
    assert.deepEqual(Object.keys(oo.requestBody.content), ['application/json', 'text/xml', 'application/x-www-form-urlencoded']);
    assert.deepEqual(Object.keys(oo.responses), ['201', '400', '401', '404', '413', '503', '507', '4XX', '5XX']);
    assert.deepEqual(Object.keys(oo.responses['401']!.content!), ['text/html'], 'the plain Unauthorized (docs/fidelity.md, ONLYOFFICE: Authentication)');
    assert.equal(oo.responses['201']!.content!['application/json']!.schema.$ref, '#/components/schemas/onlyoffice.envelope');
    assert.equal(oo.responses['404']!.content!['application/json']!.schema.$ref, '#/components/schemas/onlyoffice.error');
    assert.deepEqual(Object.keys(doc.paths['/api/2.0/crm/task.xml']!.post.responses['201']!.content!), ['text/xml', 'application/json'], 'JSON still answers a JSON request there');
    const wello = doc.paths['/api/Task']!.post;
    assert.deepEqual(Object.keys(wello.requestBody.content), ['application/json', 'text/json', 'application/xml', 'text/xml']);
    assert.deepEqual(Object.keys(wello.responses), ['201', '204', '400', '401', '404', '405', '409', '413', '415', '422', '500', '503', '507', '4XX', '5XX']);
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

  it('gives every path its own operationId: the API\'s name, the operation, the suffix', () => {
    const doc = openApiDocument(registry) as Doc;
    const ids = Object.values(doc.paths).map((p) => (p.get ?? p.put ?? p.post).operationId);
    assert.deepEqual(ids, [
      'onlyofficeCreateTask', 'onlyofficeCreateTaskJson', 'onlyofficeCreateTaskXml', 'onlyofficeCreateTaskTml',
      'onlyofficeAuthenticate', 'onlyofficeAuthenticateJson', 'onlyofficeAuthenticateXml', 'onlyofficeAuthenticateTml',
      ...LIFECYCLE_IDS,
      'welloCreateTask', 'welloGetTask', 'welloListTaskView', 'welloGetTaskView', 'welloCountOpen',
    ]);
  });

  it('declares no credential on POST api/2.0/authentication (security: []) and the real four on create task', () => {
    const doc = openApiDocument(registry) as Doc;
    for (const suffix of SUFFIXES) {
      assert.deepEqual(doc.paths[`/api/2.0/authentication${suffix}`]!.post.security, [], suffix);
      assert.equal(doc.paths[`/api/2.0/crm/task${suffix}`]!.post.security!.length, 4, suffix);
    }
  });

  it('declares the ONLYOFFICE paths the stub answers, in the formats it answers them (XML only at .xml/.tml, and only for a request that is not JSON)', async () => {
    const doc = openApiDocument(registry) as Doc;
    const app = agent();
    const bodies = { 'crm/task': VALID, authentication: { userName: 'u', password: 'p' } };
    for (const path of ONLYOFFICE_PATHS) {
      const declared = Object.keys(doc.paths[path]!.post.responses['201']!.content!);
      const fields = bodies[path.includes('/crm/task') ? 'crm/task' : 'authentication'];
      const form = await app.post(path).set(TOKEN).type('form').send(fields);
      assert.equal(form.status, 201, path);
      assert.equal(mediaType(form), declared[0], `${path}, a form request`);
      const json = await app.post(path).set(TOKEN).send(fields);
      assert.equal(json.status, 201, path);
      assert.equal(mediaType(json), 'application/json', `${path}, a JSON request`);
      assert.ok(declared.includes('application/json'), path);
    }
    const undeclared = await app.post('/api/2.0/crm/task.yaml').set(TOKEN).send(VALID);
    assert.equal(undeclared.status, 404, 'no other suffix is served, so none is declared');
  });

  it('declares what X-Stub-Fault forces: 503, any other 4xx/5xx (by range) in the API\'s error shape, ONLYOFFICE\'s forced 401 as plain text, and a bad fault value as taskstub\'s problem', async () => {
    const doc = openApiDocument(registry) as Doc;
    const app = agent();
    const declaredFor = (path: string, status: number) => {
      const { responses } = doc.paths[path]!.post;
      return responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    };
    const calls = [
      { path: '/api/2.0/crm/task', auth: TOKEN, body: VALID },
      { path: '/api/2.0/crm/task.tml', auth: TOKEN, body: 'title=x' },
      { path: '/api/2.0/authentication.xml', auth: {}, body: 'userName=u&password=p' },
      { path: '/api/Task', auth: WELLO_AUTH, body: { subject: 's' } },
    ];
    for (const { path, auth, body } of calls) {
      for (const status of [503, 418, 504, 401]) {
        const res = await app.post(path).set(auth).set('X-Stub-Fault', String(status)).send(body);
        assert.equal(res.status, status, `${path} ${status}`);
        const declared = declaredFor(path, status);
        assert.ok(declared, `${path} ${status} is declared`);
        assert.ok(mediaType(res) in declared.content!, `${path} ${status}: ${mediaType(res)} among ${Object.keys(declared.content!).join(', ')}`);
      }
      const bad = await app.post(path).set(auth).set('X-Stub-Fault', 'sometimes').send(body);
      assert.equal(bad.status, 400);
      assert.equal(doc.paths[path]!.post.responses['400']!.content!['application/problem+json']!.schema.$ref, '#/components/schemas/taskstub.problem', path);
      assert.equal(mediaType(bad), 'application/problem+json');
    }
    assert.deepEqual(Object.keys(declaredFor('/api/2.0/crm/task', 401)!.content!), ['text/html']);
    assert.deepEqual(Object.keys(declaredFor('/api/2.0/crm/task', 503)!.content!), ['application/json']);
    assert.equal(declaredFor('/api/Task', 503)!.content!['application/json']!.schema.$ref, '#/components/schemas/wello.error');
  });

  it('taskstub.problem describes the stub\'s answer to a bad X-Stub-Fault', async () => {
    const doc = openApiDocument(registry) as Doc;
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(doc.components.schemas['taskstub.problem'] as object);
    const res = await agent().post('/api/Task').set('X-Stub-Delay', 'soon').send({});
    assert.equal(res.status, 400);
    assert.equal(validate(JSON.parse(res.text)), true, JSON.stringify(validate.errors));
  });

  it('GET /__admin/openapi.json names the URL it was fetched at as its server; `taskstub openapi` the default one, or --server', async () => {
    const served = (await agent().get('/__admin/openapi.json')).body as Doc;
    assert.match(served.servers[0]!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // A proxy's name must be allowed (the admin API answers only this machine's Host without a token).
    const behindProxy = (await agent({ allowedHosts: ['stub.test'] }).get('/__admin/openapi.json').set('Host', 'stub.test:8080')).body as Doc;
    assert.equal(behindProxy.servers[0]!.url, 'http://stub.test:8080');
    const printed = await runCli(['openapi']);
    assert.equal(printed.code, 0);
    const doc = JSON.parse(printed.stdout) as Doc;
    assert.equal(doc.servers[0]!.url, 'http://127.0.0.1:4010');
    assert.deepEqual({ ...doc, servers: [] }, { ...served, servers: [] }, 'the same document otherwise');
    assert.equal(served.openapi, '3.1.0');
    const given = await runCli(['openapi', '--server', 'http://stub.test:8080/']);
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual((JSON.parse(given.stdout) as Doc).servers.map((s) => s.url), ['http://stub.test:8080'], 'no trailing slash: the paths start with one');
    const wrong = await runCli(['openapi', '--server', 'ftp://stub.test']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /--server: expected an http or https URL/);
  });

  it('takes the server from a request\'s origin only when its Host is a host', () => {
    assert.equal(requestOrigin('http', '127.0.0.1:54321'), 'http://127.0.0.1:54321');
    assert.equal(requestOrigin('https', 'Stub.Test'), 'https://stub.test');
    assert.equal(requestOrigin('http', '[::1]:4010'), 'http://[::1]:4010');
    for (const host of [undefined, '', 'stub.test/evil', 'user@stub.test', 'stub.test?x', 'a b']) {
      assert.equal(requestOrigin('http', host), undefined, String(host));
      assert.equal(((openApiDocument(registry, { serverUrl: requestOrigin('http', host) }) as Doc).servers[0]!.url), 'http://127.0.0.1:4010');
    }
  });
});
