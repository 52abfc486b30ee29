import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { loadSchemas } from '../src/core/schemas.js';
import { FORMATS } from '../src/formats.js';
import { textReport } from '../src/replay/report.js';
import { replay } from '../src/replay/run.js';
import { loadScenario, scenarioFiles } from '../src/replay/scenarios.js';
import { runCli } from './cli-helpers.js';
import { FIXED, ROOT } from './helpers.js';

const registry = loadSchemas(FORMATS);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function scenarioFile(scenario: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'taskstub-scenario-')), 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

const WRONG = {
  name: 'a wrong expectation',
  steps: [
    { name: 'fine', request: { method: 'POST', path: '/api/Task', headers: { Authorization: `Basic ${Buffer.from('a:b@c').toString('base64')}` }, body: { subject: 's' } }, expect: { status: 201 } },
    {
      name: 'expects the wrong subject and status',
      request: { method: 'POST', path: '/api/Task', headers: { Authorization: `Basic ${Buffer.from('a:b@c').toString('base64')}` }, body: { subject: 'actual subject' } },
      expect: { status: 200, body: { subject: 'expected subject', id2: 2, archived: false } },
    },
  ],
};

describe('taskstub replay against the stub', () => {
  const server = createApp(FIXED).listen(0, '127.0.0.1');
  let target = '';
  before(async () => {
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('passes every shipped scenario under fixtures/scenarios/', async () => {
    const files = scenarioFiles([join(ROOT, 'fixtures', 'scenarios')]);
    assert.ok(files.length >= 10);
    const results = await replay(files.map((f) => loadScenario(f, registry)), { target, registry });
    const report = textReport(results);
    assert.ok(results.every((r) => r.ok), report);
    assert.equal(results.filter((r) => r.skipped).length, 0);
    assert.ok(results.reduce((n, r) => n + r.steps.length, 0) >= 60);
  });

  it('passes them twice in a row: each scenario starts from a reset session', async () => {
    const files = scenarioFiles([join(ROOT, 'fixtures', 'scenarios')]);
    const results = await replay(files.map((f) => loadScenario(f, registry)), { target, registry });
    assert.ok(results.every((r) => r.ok), textReport(results));
  });

  it('fails a wrong expectation with a report that names the step and each difference', async () => {
    const [result] = await replay([loadScenario(scenarioFile(WRONG), registry)], { target, registry });
    assert.equal(result!.ok, false);
    assert.deepEqual(result!.steps.map((s) => s.ok), [true, false]);
    const report = textReport([result!]);
    assert.match(report, /✗ a wrong expectation/);
    assert.match(report, /step 2 "expects the wrong subject and status":/);
    assert.match(report, /status: expected 200, got 201/);
    assert.match(report, /body\.subject: expected "expected subject", got "actual subject"/);
    assert.doesNotMatch(report, /body\.id2/, 'what matched is not reported');
    assert.match(report, /0 passed, 1 failed, 0 skipped/);
  });

  it('the CLI exits 1 on a failing step and writes JUnit XML naming it', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'taskstub-junit-')), 'report.xml');
    const result = await runCli(['replay', scenarioFile(WRONG), '--target', target, '--junit', junit]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /step 2 "expects the wrong subject and status"/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuite name="a wrong expectation"[^>]* tests="2" failures="1"/);
    assert.match(xml, /<testcase name="expects the wrong subject and status"[^>]*>\s*<failure message="status: expected 200, got 201">/);
  });

  it('the CLI exits 0 when every scenario passes', async () => {
    const result = await runCli(['replay', join(ROOT, 'fixtures', 'scenarios', 'wello-auth.json'), '--target', target]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 passed, 0 failed, 0 skipped/);
  });

  it('reports a file that is not a scenario, and fails', async () => {
    const [result] = await replay([loadScenario(scenarioFile({ name: 'no steps' }), registry)], { target, registry });
    assert.equal(result!.ok, false);
    assert.match(textReport([result!]), /not a scenario: \/ must have required property 'steps'/);
  });
});

describe('taskstub replay against a real API: the contract drift check', () => {
  // A server that is not the stub: no /__admin, and answers that drifted from the contract.
  const drifted = createServer((req, res) => {
    if (req.url?.startsWith('/api/2.0/crm/task')) {
      const auth = req.headers.authorization;
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'x-auth-seen': auth ?? '' });
      res.end(JSON.stringify({ count: 1, status: 0, statusCode: 201, response: { id: 'seven', title: 'x', extra: true } }));
    } else {
      res.writeHead(404).end();
    }
  });
  let target = '';
  before(async () => (target = await listen(drifted)));
  after(() => drifted.close());

  it('checks every answer against the response schemas, skips scenarios that need the stub, and passes --auth on', async () => {
    const scenario = {
      name: 'create against the real portal',
      steps: [{ name: 'create', request: { method: 'POST', path: '/api/2.0/crm/task', headers: { Authorization: 'stub-token' }, body: { title: 'x' } }, expect: { status: 201, headers: { 'x-auth-seen': 'real-token' } } }],
    };
    const results = await replay(
      [loadScenario(scenarioFile(scenario), registry), loadScenario(join(ROOT, 'fixtures', 'scenarios', 'faults.json'), registry)],
      { target, registry, auth: { onlyoffice: 'real-token' } },
    );
    const report = textReport(results);
    assert.equal(results[0]!.ok, false);
    assert.match(report, /schema: onlyoffice\/envelope\/response: must NOT have additional properties/);
    assert.match(report, /schema: onlyoffice\/envelope\/response\/id: must be integer/);
    assert.doesNotMatch(report, /x-auth-seen/, '--auth replaced the credential the step sends');
    assert.equal(results[1]!.skipped, 'needs the stub (faults or sessions)');
    assert.match(report, /0 passed, 1 failed, 1 skipped/);
  });
});
