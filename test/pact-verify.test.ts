// Issue #17 with the real tools: pact-js 17's Verifier (pact_ffi, the native
// core) against a live stub, with providerStatesSetupUrl pointing at
// /__admin/provider-states. If the native core cannot load, the first test
// fails saying so (no skip): the rest would fail too, less clearly.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MatchersV3, PactV4, SpecificationVersion, Verifier, type VerifierOptions } from '@pact-foundation/pact';
import core, { getFfiLib } from '@pact-foundation/pact-core';
import { createApp, type AppOptions } from '../src/app.js';
import { connect, pactRequestFilter } from '../src/client/index.js';
import type { PactFile } from '../src/pact/export.js';
import { loadScenario, scenarioFiles } from '../src/replay/scenarios.js';
import { pactFromScenarios } from '../src/pact/scenarios.js';
import { createStub } from '../src/stub.js';
import { ROOT } from './helpers.js';

/** pact-core's own verifier (what pact-js's Verifier calls behind its proxy): a CommonJS default export, reached through ESM's wrapper. */
const pactFfiVerifier = (core as unknown as { default: { verifyPacts(options: Record<string, unknown>): Promise<unknown> } }).default;
const WELLO_BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;
const RESPONSIBLE = '9924256A-739C-462b-AF15-E652A3B1B6EB';
const work = mkdtempSync(join(tmpdir(), 'taskstub-pact-'));
const servers: Server[] = [];

after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(work, { recursive: true, force: true });
});

/** A stub on a free port of 127.0.0.1 (createApp, as `taskstub serve` serves it). */
async function liveStub(options: AppOptions = {}): Promise<string> {
  const server = createApp(options, createStub(options)).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function writePact(name: string, pact: unknown): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'pact.json');
  writeFileSync(file, JSON.stringify(pact, null, 2));
  return file;
}

/** The real verifier, with taskstub's provider-state route; resolves or rejects as the verifier does. */
function verify(pactFile: string, url: string, extra: Partial<VerifierOptions> = {}): Promise<unknown> {
  return new Verifier({
    provider: 'taskstub',
    providerBaseUrl: url,
    pactUrls: [pactFile],
    providerStatesSetupUrl: `${url}/__admin/provider-states`,
    logLevel: 'error',
    ...extra,
  }).verifyProvider();
}

async function call(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const res = await fetch(url + path, { method, headers, body });
  await res.arrayBuffer();
  return res;
}

describe('Pact interop, verified by the real Pact verifier', () => {
  it('the Pact native core loads (pact_ffi through @pact-foundation/pact-core)', () => {
    let version: string;
    try {
      version = getFfiLib('error').pactffiVersion();
    } catch (error) {
      assert.fail(`the Pact native core did not load, so none of these tests can run: ${(error as Error).message}`);
    }
    assert.match(version, /^\d+\.\d+\.\d+/);
  });

  it('(a) an exported pact of recorded calls verifies against a fresh stub (other seed, other clock)', async () => {
    const recorded = await liveStub({ seed: 11, clock: '2026-03-01T08:00:00Z' });
    const onlyoffice = { Authorization: 'qa-token', 'Content-Type': 'application/json' };
    const task = JSON.stringify({ title: 'Call the client', deadline: '2026-12-01T09:00:00Z', categoryId: 1, responsibleId: RESPONSIBLE });
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task', onlyoffice, task)).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task.xml', { Authorization: 'Bearer qa-token', 'Content-Type': 'application/x-www-form-urlencoded' }, `title=Form&deadline=2026-12-01&categoryId=2&responsibleId=${RESPONSIBLE}`)).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task?fields=id,title,created', onlyoffice, task)).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/2.0/authentication', { 'Content-Type': 'application/json' }, '{"userName":"mike.zanyatski","password":"x"}')).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task', onlyoffice, task.replace('"categoryId":1', '"categoryId":99'))).status, 404);
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task', { 'Content-Type': 'application/json' }, task)).status, 401);
    const wello = { Authorization: WELLO_BASIC, 'Content-Type': 'application/json' };
    assert.equal((await call(recorded, 'POST', '/api/Task', wello, '{"subject":"Printer on floor 3 is jammed"}')).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/Task', wello, '{"id":"3970f5af-af17-4420-b038-a1efdc261244","subject":"given id","date_create":"2026-06-24T03:56:41.4578039+00:00"}')).status, 201);
    const xml = '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>From XML</subject></task>';
    assert.equal((await call(recorded, 'POST', '/api/Task', { Authorization: WELLO_BASIC, 'Content-Type': 'application/xml', Accept: 'application/xml' }, xml)).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/Task', { ...wello, Prefer: 'return=minimal' }, '{"subject":"minimal"}')).status, 204);
    assert.equal((await call(recorded, 'POST', '/api/Task', wello, '{"subject":"","task_type_id":"x"}')).status, 400);
    const noDomain = `Basic ${Buffer.from('test@wello.solutions:123456').toString('base64')}`;
    assert.equal((await call(recorded, 'POST', '/api/Task', { ...wello, Authorization: noDomain }, '{"subject":"x"}')).status, 401);
    // A faulted call is the stub's doing: left out of the pact, and listed.
    assert.equal((await call(recorded, 'POST', '/api/Task', { ...wello, 'X-Stub-Fault': '503' }, '{"subject":"x"}')).status, 503);

    const pact = await connect(recorded).pact({ consumer: 'frontend', provider: 'tasks' });
    assert.equal(pact.interactions.length, 12);
    assert.deepEqual(pact.metadata.taskstub.skipped.map((s) => s.call), [13]);
    // Credentials stay masked in the file; the refused one is marked so that no filter fills it.
    const authorizations = pact.interactions.map((i) => i.request.headers?.Authorization?.[0]);
    assert.ok(!JSON.stringify(pact).includes('qa-token') && !JSON.stringify(pact).includes(WELLO_BASIC.slice(6)));
    assert.deepEqual(authorizations, ['****', 'Bearer ****', '****', undefined, '****', undefined, 'Basic ****', 'Basic ****', 'Basic ****', 'Basic ****', 'Basic ****', 'Basic refused-credential']);

    const file = writePact('exported', pact);
    const fresh = await liveStub({ seed: 99 });
    // The verifier sends the masked credentials unless a request filter fills them (the README's way).
    await verify(file, fresh, { requestFilter: pactRequestFilter({ credentials: { wello: WELLO_BASIC, onlyoffice: 'another-token' } }) });
  });

  it('(a) read-backs export with the tasks in their provider state and the path from its answer: they verify against a fresh stub (other seed, other clock)', async () => {
    const recorded = await liveStub({ seed: 11, clock: '2026-03-01T08:00:00.25Z' });
    const onlyoffice = { Authorization: 'qa-token', 'Content-Type': 'application/json' };
    const task = (title: string, categoryId: number) => JSON.stringify({ title, deadline: '2026-12-01T09:00:00Z', categoryId, responsibleId: RESPONSIBLE });
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task', onlyoffice, task('Call the client', 1))).status, 201);
    assert.equal((await call(recorded, 'POST', '/api/2.0/crm/task', onlyoffice, task('Send the offer', 4))).status, 201);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/2', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/filter?categoryid=1', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/filter?count=1', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'PUT', '/api/2.0/crm/task/1/close', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/filter?isClosed=true', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/category', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/category/4', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'DELETE', '/api/2.0/crm/task/2', onlyoffice)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/2.0/crm/task/2', onlyoffice)).status, 404);
    const wello = { Authorization: WELLO_BASIC, 'Content-Type': 'application/json' };
    const made = await fetch(`${recorded}/api/Task`, { method: 'POST', headers: wello, body: '{"subject":"Printer on floor 3 is jammed","customer_reference":"LIFE-1"}' });
    const { id } = (await made.json()) as { id: string };
    assert.equal((await call(recorded, 'POST', '/api/Task', wello, '{"subject":"Second"}')).status, 201);
    assert.equal((await call(recorded, 'GET', `/api/Task(${id})`, wello)).status, 200);
    assert.equal((await call(recorded, 'GET', `/api/TaskView(${id})`, wello)).status, 200);
    assert.equal((await call(recorded, 'GET', "/api/TaskView?$filter=customer_reference%20eq%20'LIFE-1'&$count=true", wello)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/TaskView?$top=1&$count=true', wello)).status, 200);
    assert.equal((await call(recorded, 'GET', '/api/TaskView/CountOpen', wello)).status, 200);

    const pact = await connect(recorded).pact({ consumer: 'frontend', provider: 'tasks' });
    assert.equal(pact.interactions.length, 18);
    const byPath = (path: string) => pact.interactions.find((i) => i.request.path === path && i.request.method === 'GET')!;
    // The Wello read names the task through the state's answer: the fresh stub's GUID is another.
    assert.deepEqual(byPath(`/api/Task(${id})`).request.generators, { path: { type: 'ProviderState', expression: '/api/Task(${welloTaskId})', dataType: 'STRING' } });
    assert.deepEqual(byPath(`/api/Task(${id})`).providerStates?.[0]?.params, { tasks: { wello: [{ subject: 'Printer on floor 3 is jammed', customer_reference: 'LIFE-1' }, { subject: 'Second' }] } });
    // The deleted task's second read: the state holds only the first (closed), and the path stays literal.
    const gone = pact.interactions.at(10)!;
    assert.deepEqual([gone.response.status, gone.request.generators, (gone.providerStates?.[0]?.params?.tasks as { onlyoffice: unknown[] }).onlyoffice.length], [404, undefined, 1]);

    const file = writePact('read-back', pact);
    const fresh = await liveStub({ seed: 99, clock: '2027-07-07T07:07:07Z' });
    await verify(file, fresh, { requestFilter: pactRequestFilter({ credentials: { wello: WELLO_BASIC, onlyoffice: 'another-token' } }) });
    // Each setup's creates were cleared: the journal holds the verifier's calls only (the last interaction's).
    assert.deepEqual((await connect(fresh).requests()).requests.map((r) => r.request.path), ['/api/TaskView/CountOpen']);
  });

  it('(a) without the credentials filled, the masked Wello Basic is refused and verification fails', async () => {
    const recorded = await liveStub({ seed: 3 });
    await call(recorded, 'POST', '/api/Task', { Authorization: WELLO_BASIC, 'Content-Type': 'application/json' }, '{"subject":"x"}');
    const file = writePact('unfilled', await connect(recorded).pact({ consumer: 'frontend', provider: 'wello' }));
    await assert.rejects(verify(file, await liveStub()), /fail|mismatch|Verification/i);
  });

  it('(b) a hand-written consumer pact using fromProviderState verifies: the state sets the counters, the answer says them', async () => {
    const dir = join(work, 'consumer');
    const consumer = new PactV4({ consumer: 'frontend', provider: 'wello', dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });
    await consumer
      .addInteraction()
      .given('a task can be created', { id2Next: 100, taskIdNext: 7 })
      .uponReceiving('a Wello create gets the next id2')
      // The request is made from the state's answer: the subject says the id2 the stub will issue, and the answer must echo it.
      .withRequest('POST', '/api/Task', (b) =>
        b.headers({ Authorization: WELLO_BASIC, 'Content-Type': 'application/json' }).jsonBody({ subject: MatchersV3.fromProviderState('task ${id2Next}', 'task 100') }),
      )
      .willRespondWith(201, (b) =>
        b
          .headers({ Location: MatchersV3.regex('^https?://[^/]+/api/Task\\([0-9a-f-]{36}\\)$', 'http://localhost/api/Task(3970f5af-af17-4420-b038-a1efdc261244)') })
          .jsonBody({ subject: 'task 100', id2: MatchersV3.fromProviderState('${id2Next}', 100), id: MatchersV3.uuid() }),
      )
      .executeTest(async (mock) => {
        const res = await fetch(`${mock.url}/api/Task`, { method: 'POST', headers: { Authorization: WELLO_BASIC, 'Content-Type': 'application/json' }, body: '{"subject":"task 100"}' });
        assert.equal(res.status, 201);
        assert.equal(((await res.json()) as { id2: number }).id2, 100);
      });
    await consumer
      .addInteraction()
      .given('a task can be created', { taskIdNext: 7 })
      .uponReceiving('an ONLYOFFICE create gets the next id')
      .withRequest('POST', '/api/2.0/crm/task', (b) =>
        b.headers({ Authorization: 'qa-token', 'Content-Type': 'application/json' }).jsonBody({ title: MatchersV3.fromProviderState('call ${taskIdNext}', 'call 7'), deadline: '2026-12-01T09:00:00Z', categoryId: 1 }),
      )
      .willRespondWith(201, (b) => b.jsonBody({ statusCode: 201, response: { id: MatchersV3.fromProviderState('${taskIdNext}', 7), title: 'call 7' } }))
      .executeTest(async (mock) => {
        const res = await fetch(`${mock.url}/api/2.0/crm/task`, { method: 'POST', headers: { Authorization: 'qa-token', 'Content-Type': 'application/json' }, body: '{"title":"call 7","deadline":"2026-12-01T09:00:00Z","categoryId":1}' });
        assert.equal(res.status, 201);
      });
    const file = join(dir, 'frontend-wello.json');
    const written = JSON.parse(readFileSync(file, 'utf8')) as { interactions: { response: { generators?: unknown } }[] };
    assert.ok(written.interactions.every((i) => i.response.generators), 'pact-js wrote ProviderState generators');

    const url = await liveStub();
    // A stub whose counters are elsewhere: only the provider state brings them to 100 and 7.
    await connect(url).setState({ id2Next: 5, taskIdNext: 40 });
    // Passing means each request was made from the state's answer (a stub that ignored the params would answer
    // "task 5" to a pact expecting "task 100"); each setup reset the session, so only the last call is left.
    await verify(file, url);
    const { requests } = await connect(url).requests();
    assert.equal(requests.length, 1);
    const body = requests[0]!.response.body as { id2?: number; response?: { id: number } };
    assert.ok(body.id2 === 100 || body.response?.id === 7, JSON.stringify(body));
  });

  it('(b) params.tasks: a hand-written consumer pact reads the task its state made, through fromProviderState in the path; a wrong expectation still fails', async () => {
    const example = '3970f5af-af17-4420-b038-a1efdc261244';
    const consumerPact = async (name: string, subject: string) => {
      const dir = join(work, name);
      const consumer = new PactV4({ consumer: 'frontend', provider: 'wello', dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });
      await consumer
        .addInteraction()
        .given('a task about the printer exists', { tasks: { wello: [{ subject: 'Printer on floor 3 is jammed', customer_reference: 'T-9' }] } })
        .uponReceiving('the task read back by its id')
        .withRequest('GET', MatchersV3.fromProviderState('/api/Task(${welloTaskId})', `/api/Task(${example})`), (b) => b.headers({ Authorization: WELLO_BASIC }))
        .willRespondWith(200, (b) => b.jsonBody({ id: MatchersV3.fromProviderState('${welloTaskId}', example), subject, customer_reference: 'T-9', id2: MatchersV3.integer(1) }))
        .executeTest(async (mock) => {
          const res = await fetch(`${mock.url}/api/Task(${example})`, { headers: { Authorization: WELLO_BASIC } });
          assert.equal(res.status, 200);
        });
      return join(dir, 'frontend-wello.json');
    };
    const file = await consumerPact('consumer-read', 'Printer on floor 3 is jammed');
    const written = JSON.parse(readFileSync(file, 'utf8')) as PactFile;
    assert.equal(written.interactions[0]?.request.generators?.path.expression, '/api/Task(${welloTaskId})', 'pact-js wrote a ProviderState path generator');
    // A stub with another seed: its GUIDs are not the example's, so only the generated path reaches the task.
    const url = await liveStub({ seed: 42 });
    await verify(file, url);
    await assert.rejects(verify(await consumerPact('consumer-read-wrong', 'Another subject'), url), /fail|mismatch|Verification/i);
    // pact_ffi resolves top-level names only (hence the flat keys): `${tasks.wello.0}` leaves the example path, a 404.
    const nested = JSON.parse(readFileSync(file, 'utf8')) as PactFile;
    nested.interactions[0]!.request.generators!.path.expression = '/api/Task(${tasks.wello.0})';
    await assert.rejects(verify(writePact('nested-expression', nested), url), /fail|mismatch|Verification/i);
  });

  it('(c) a deliberately wrong pact fails verification', async () => {
    const url = await liveStub();
    const wrong = {
      consumer: { name: 'frontend' },
      provider: { name: 'wello' },
      interactions: [
        {
          type: 'Synchronous/HTTP',
          description: 'expects a string id2 and a 200',
          providerStates: [{ name: 'a fresh session' }],
          request: { method: 'POST', path: '/api/Task', headers: { Authorization: [WELLO_BASIC], 'Content-Type': ['application/json'] }, body: { content: { subject: 'x' }, contentType: 'application/json', encoded: false } },
          response: { status: 200, body: { content: { id2: 'one' }, contentType: 'application/json', encoded: false } },
        },
      ],
      metadata: { pactSpecification: { version: '4.0' } },
    };
    await assert.rejects(verify(writePact('wrong', wrong), url));
  });

  it('the shipped scenarios, exported, verify against a fresh stub', async () => {
    const registry = createStub({ seed: 1 }).context.registry;
    const loaded = scenarioFiles([join(ROOT, 'fixtures', 'scenarios')]).map((file) => loadScenario(file, registry));
    const { pact, skipped } = await pactFromScenarios(loaded, { consumer: 'qa', provider: 'tasks' });
    // Only the stub-only scenarios (faults, sessions, the dispatcher's admin PATCH) have no place in a contract with the real API.
    const stubOnly = loaded.filter((one) => one.scenario?.requires === 'stub').map((one) => one.scenario!.name);
    assert.deepEqual(skipped.map((s) => s.scenario).sort(), stubOnly.sort());
    assert.ok(stubOnly.includes('faults: every kind') && stubOnly.includes('sessions: each has its own counters'));
    assert.ok(pact.interactions.length >= 50, `${pact.interactions.length} interactions`);
    const states = new Set(pact.interactions.map((i) => i.providerStates?.[0]?.name));
    assert.ok(states.has('wello: create tasks in JSON'));
    // The lifecycle's steps after the create: each state makes the task as the earlier steps left it, and the
    // path names it through the state's answer (its delete's later reads stay literal: no task is held).
    const lifecycle = pact.interactions.filter((i) => i.providerStates?.[0]?.name === "onlyoffice: a task's lifecycle");
    assert.equal(lifecycle.length, 11);
    assert.deepEqual(lifecycle.map((i) => i.request.generators?.path.expression ?? null), [
      null, '/api/2.0/crm/task/${onlyofficeTaskId}', null, '/api/2.0/crm/task/${onlyofficeTaskId}/close', null, '/api/2.0/crm/task/${onlyofficeTaskId}/reopen',
      '/api/2.0/crm/task/${onlyofficeTaskId}', null, '/api/2.0/crm/task/${onlyofficeTaskId}', null, null,
    ]);
    const held = (i: PactFile['interactions'][number]) => (i.providerStates?.[0]?.params?.tasks as { onlyoffice: Record<string, unknown>[] } | undefined)?.onlyoffice;
    assert.deepEqual(held(lifecycle[4]!)?.map((t) => [t.id, t.isClosed]), [[1, true]], 'closed before "only the closed ones"');
    assert.deepEqual(held(lifecycle[7]!)?.map((t) => [t.title, t.categoryid]), [['Call the client again', 3]], 'updated before "the category it left"');
    assert.equal(held(lifecycle[9]!), undefined, 'deleted before "read it again"');
    const file = writePact('scenarios', pact);
    // The scenarios' own test credentials are in the pact as the files write them: nothing to fill.
    // pact_ffi's verifier alone (pact-js's Verifier without its proxy) sends every request as the file has it.
    const url = await liveStub({ seed: 5 });
    await pactFfiVerifier.verifyPacts({ provider: 'tasks', providerBaseUrl: url, pactUrls: [file], providerStatesSetupUrl: `${url}/__admin/provider-states`, logLevel: 'error' });
    // pact-js's Verifier puts a proxy in front, whose JSON parser refuses a malformed JSON body with its own 400
    // before any filter runs: those interactions (the validation scenarios' "does not parse") are verified above only.
    const parses = (i: PactFile['interactions'][number]) => {
      const body = i.request.body;
      if (!body || !/json/.test(body.contentType) || body.encoded === false) return true;
      try {
        JSON.parse(Buffer.from(body.content as string, 'base64').toString('utf8'));
        return true;
      } catch {
        return false;
      }
    };
    const sendable = { ...pact, interactions: pact.interactions.filter(parses) };
    assert.equal(pact.interactions.length - sendable.interactions.length, 2);
    await verify(writePact('scenarios-proxied', sendable), await liveStub({ seed: 6 }), { requestFilter: pactRequestFilter() });
  });
});
