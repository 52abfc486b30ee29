import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { loadSchemas } from '../src/core/schemas.js';
import { FORMATS } from '../src/formats.js';
import { createProgress } from '../src/replay/progress.js';
import { textReport } from '../src/replay/report.js';
import { DEFAULT_TIMEOUT_MS, replay } from '../src/replay/run.js';
import { loadScenario, scenarioFiles } from '../src/replay/scenarios.js';
import { createStub } from '../src/stub.js';
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

const BASIC = `Basic ${Buffer.from('a:b@c').toString('base64')}`;
const creates = (name: string, subject: string, expectStatus = 201) => ({
  name,
  steps: [{ name: 'create', request: { method: 'POST', path: '/api/Task', headers: { Authorization: BASIC }, body: { subject } }, expect: { status: expectStatus, body: { subject } } }],
});

describe('taskstub replay: mistakes in how it is run are said as such (exit 2), not reported as failed steps', () => {
  const server = createApp({ ...FIXED, adminToken: 's3cret' }).listen(0, '127.0.0.1');
  let target = '';
  before(async () => {
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('a stub whose admin API answers 401 is not taken for a real API: it needs the admin token', async () => {
    const file = scenarioFile(creates('create one', 's'));
    const result = await runCli(['replay', file, '--target', target], { TASKSTUB_ADMIN_TOKEN: '' });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`the stub at ${target} needs an admin token: pass --admin-token or TASKSTUB_ADMIN_TOKEN`));
    assert.equal(result.stdout, '', 'no scenario ran');
    const wrong = await runCli(['replay', file, '--target', target, '--admin-token', 'nope'], { TASKSTUB_ADMIN_TOKEN: '' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /refused the admin token given/);
    const right = await runCli(['replay', file, '--target', target, '--admin-token', 's3cret']);
    assert.equal(right.code, 0, right.stdout + right.stderr);
    assert.match(right.stdout, /1 passed, 0 failed, 0 skipped/);
  });

  it('a --target without a scheme is refused with the URL it probably means', async () => {
    const file = scenarioFile(creates('create one', 's'));
    const hostPort = target.replace('http://', '');
    const result = await runCli(['replay', file, '--target', hostPort]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`--target ${hostPort} has no scheme \\(http:// or https://\\): did you mean http://${hostPort}\\?`));
    await assert.rejects(replay([loadScenario(file, registry)], { target: 'localhost:4010', registry }), /did you mean http:\/\/localhost:4010\?/);
    await assert.rejects(replay([loadScenario(file, registry)], { target: 'ftp://127.0.0.1', registry }), /only http:\/\/ and https:\/\//);
  });

  it('a path that does not exist is said plainly', async () => {
    const result = await runCli(['replay', '/nonexistent/scenario.json', '--target', target]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'taskstub replay: /nonexistent/scenario.json: no such file or directory\n');
  });

  it('--grep that matches no scenario name, and a bad --grep, are errors', async () => {
    const file = scenarioFile(creates('create one', 's'));
    const none = await runCli(['replay', file, '--target', target, '--admin-token', 's3cret', '--grep', '^wello']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no scenario name matches --grep \^wello \(of 1 scenarios\)/);
    const bad = await runCli(['replay', file, '--target', target, '--admin-token', 's3cret', '--grep', '(']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--grep \(: Invalid regular expression/);
  });
});

describe('taskstub replay: running, stopping and reporting', () => {
  const stub = createStub(FIXED);
  const server = createApp(FIXED, stub).listen(0, '127.0.0.1');
  let target = '';
  before(async () => {
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('an unknown {{capture}} is the scenario\'s error, naming the scenario, the step and the name, and nothing is sent', async () => {
    const scenario = {
      name: 'uses a capture nobody made',
      steps: [
        { name: 'create', request: { method: 'POST', path: '/api/Task', headers: { Authorization: BASIC }, body: { subject: 's' } }, expect: { status: 201 }, capture: { taskId: 'id' } },
        { name: 'read it back', request: { method: 'GET', path: '/api/Task({{taskid}})', headers: { Authorization: BASIC } }, expect: { status: 200 } },
      ],
    };
    const before = stub.journal.entries().length;
    const [result] = await replay([loadScenario(scenarioFile(scenario), registry)], { target, registry });
    assert.equal(result!.ok, false);
    assert.deepEqual(result!.errors, ['scenario "uses a capture nobody made", step 2 "read it back": {{taskid}} is not captured by an earlier step (captured before it: taskId)']);
    assert.equal(stub.journal.entries().length, before, 'not even the first step was sent');
    assert.match(textReport([result!]), /✗ uses a capture nobody made .*\n {4}scenario "uses a capture nobody made", step 2 "read it back": \{\{taskid\}\}/);
  });

  it('a capture that failed leaves the step that uses it unsent, saying why', async () => {
    const scenario = {
      name: 'capture fails',
      steps: [
        { name: 'create', request: { method: 'POST', path: '/api/Task', headers: { Authorization: BASIC }, body: { subject: 's' } }, expect: { status: 201 }, capture: { taskId: 'no.such.field' } },
        { name: 'read it back', request: { method: 'GET', path: '/api/Task({{taskId}})', headers: { Authorization: BASIC } }, expect: { status: 200 } },
      ],
    };
    const [result] = await replay([loadScenario(scenarioFile(scenario), registry)], { target, registry });
    assert.deepEqual(result!.steps.map((s) => s.failures), [['capture taskId: nothing at no.such.field'], ['not sent: {{taskId}} has no value (its capture in an earlier step failed)']]);
  });

  it('--timeout: a request that takes longer fails its step with the time it was given', async () => {
    const slow = { name: 'slow', fault: { delayMs: 1500 }, steps: creates('slow', 's').steps };
    const started = performance.now();
    const [result] = await replay([loadScenario(scenarioFile(slow), registry)], { target, registry, timeoutMs: 200 });
    assert.ok(performance.now() - started < 1400, 'it did not wait for the answer');
    assert.deepEqual(result!.steps[0]!.failures, ['no answer within 200 ms (--timeout)']);
  });

  it('prints a line per scenario as it finishes (not a TTY), --bail stops after the first failure and reports the rest as not run', async () => {
    const files = [scenarioFile(creates('passes', 'a')), scenarioFile(creates('fails', 'b', 200)), scenarioFile(creates('never runs', 'c'))];
    const all = await runCli(['replay', ...files, '--target', target]);
    assert.equal(all.code, 1);
    assert.match(all.stdout, /^✓ passes \(\S+scenario\.json, \d+ ms\)\n✗ fails \(\S+, \d+ ms\)\n {4}step 1 "create":\n {6}status: expected 200, got 201\n✓ never runs \(\S+, \d+ ms\)\n\n2 passed, 1 failed, 0 skipped\n$/);
    const bail = await runCli(['replay', ...files, '--target', target, '--bail']);
    assert.equal(bail.code, 1);
    assert.match(bail.stdout, /^✓ passes [^\n]*\n✗ fails [^\n]*\n {4}step 1 "create":\n {6}status: expected 200, got 201\n- never runs: not run: --bail stopped after a failed scenario\n\n1 passed, 1 failed, 0 skipped, 1 not run\n$/);
    const grep = await runCli(['replay', ...files, '--target', target, '--grep', 'runs$']);
    assert.equal(grep.code, 0);
    assert.match(grep.stdout, /^✓ never runs [^\n]*\n\n1 passed, 0 failed, 0 skipped\n$/);
  });

  it('on a terminal it rewrites one progress line, then prints the same report', async () => {
    const files = [scenarioFile(creates('first', 'a')), scenarioFile(creates('second', 'b', 200))];
    let written = '';
    const progress = createProgress({ isTTY: true, columns: 80, write: (text: string) => (written += text) });
    const results = await replay(files.map((f) => loadScenario(f, registry)), { target, registry, onProgress: progress.onProgress });
    progress.finish(results);
    assert.equal(written, `\r\x1b[K[1/2] running "first"\r\x1b[K[2/2] running "second"\r\x1b[K${textReport(results)}`);
  });

  it('--reporter json: one JSON document with every scenario, step, difference and the totals', async () => {
    const files = [scenarioFile(creates('passes', 'a')), scenarioFile(WRONG)];
    const junit = join(mkdtempSync(join(tmpdir(), 'taskstub-junit-')), 'report.xml');
    const result = await runCli(['replay', ...files, '--target', target, '--reporter', 'json', '--junit', junit]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as {
      target: string;
      stub: boolean;
      ok: boolean;
      totals: Record<string, number>;
      scenarios: { name: string; status: string; steps: { name: string; ok: boolean; status: number; failures: string[]; differences: { path: string }[] }[] }[];
    };
    assert.equal(report.target, target);
    assert.equal(report.stub, true);
    assert.equal(report.ok, false);
    assert.deepEqual(report.totals, { scenarios: 2, passed: 1, failed: 1, skipped: 0, notRun: 0, steps: 3, failedSteps: 1 });
    assert.deepEqual(report.scenarios.map((s) => [s.name, s.status]), [['passes', 'passed'], ['a wrong expectation', 'failed']]);
    const wrongStep = report.scenarios[1]!.steps[1]!;
    assert.equal(wrongStep.status, 201);
    assert.deepEqual(wrongStep.failures, ['status: expected 200, got 201', 'body.subject: expected "expected subject", got "actual subject"']);
    assert.deepEqual(wrongStep.differences.map((d) => d.path), ['body.subject']);
    assert.match(readFileSync(junit, 'utf8'), /<testsuite name="a wrong expectation"/, 'the JUnit file is still written');
  });
});

describe('taskstub replay against a target that is down or does not answer: it fails, and never hangs', () => {
  /** A port nothing listens on: listened on, then closed. */
  async function closedPort(): Promise<string> {
    const server = createNetServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return `http://127.0.0.1:${port}`;
  }

  /** Accepts every connection and never writes a byte. */
  const silent = createNetServer((socket) => socket.on('error', () => {}));
  let silentTarget = '';
  before(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentTarget = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  after(() => {
    silent.close();
  });
  const onlyStubScenarios = join(ROOT, 'fixtures', 'scenarios', 'faults.json');

  it('a closed port: exit 2, "cannot connect to URL (connection refused)", before any scenario (it was exit 0, every scenario that needs the stub skipped)', async () => {
    const target = await closedPort();
    const result = await runCli(['replay', onlyStubScenarios, '--target', target]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(result.stderr, `taskstub replay: cannot connect to ${target} (connection refused)\n`);
    assert.equal(result.stdout, '');
    await assert.rejects(replay([loadScenario(onlyStubScenarios, registry)], { target, registry }), { name: 'ReplayUsageError', message: `cannot connect to ${target} (connection refused)` });
  });

  it('a target that accepts and never answers: the first probe gives up after --timeout, exit 2', async () => {
    const started = performance.now();
    const result = await runCli(['replay', onlyStubScenarios, '--target', silentTarget, '--timeout', '300']);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(result.stderr, `taskstub replay: ${silentTarget} accepted the connection but gave no answer within 300 ms (--timeout)\n`);
    assert.ok(performance.now() - started < 8000, 'bounded by the timeout (and the CLI start)');
  });

  it('--timeout is 10 s by default, and says so in --help; one that is not a whole number of ms is exit 2', async () => {
    assert.equal(DEFAULT_TIMEOUT_MS, 10_000);
    const help = await runCli(['replay', '--help']);
    assert.match(help.stdout, /--timeout +Milliseconds one request may take[^\n]*\n?[^[]*\[number\] \[default: 10000\]/);
    for (const [value, shown] of [['abc', '(not a number)'], ['0', '0'], ['1.5', '1.5'], ['3000000000', '3000000000']]) {
      const result = await runCli(['replay', onlyStubScenarios, '--target', silentTarget, '--timeout', value!]);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, `taskstub replay: --timeout ${shown}: give a whole number of milliseconds from 1 to 2147483647\n`);
    }
  });

  /** A stub's health, and then a given behaviour for every other request (the stub going away mid-run). */
  function fakeStub(rest: (req: IncomingMessage, res: ServerResponse) => void): Server {
    return createServer((req, res) => {
      if (req.url === '/__admin/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      else rest(req, res);
    });
  }

  it('a stub whose session reset never answers: the scenario fails after --timeout, the run goes on and exits 1', async () => {
    const server = fakeStub(() => {});
    const target = await listen(server);
    try {
      const started = performance.now();
      const results = await replay([loadScenario(scenarioFile(creates('first', 'a')), registry), loadScenario(scenarioFile(creates('second', 'b')), registry)], {
        target,
        registry,
        timeoutMs: 200,
      });
      assert.ok(performance.now() - started < 2000, 'each reset waited its timeout, no more');
      assert.deepEqual(results.map((r) => r.errors), [['session reset of "replay:first": no answer within 200 ms (--timeout)'], ['session reset of "replay:second": no answer within 200 ms (--timeout)']]);
      assert.ok(results.every((r) => !r.ok && r.steps.length === 0));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a stub that drops the connection of a step: that step fails saying so', async () => {
    const server = fakeStub((req, res) => (req.url?.startsWith('/__admin/reset') ? res.writeHead(200, { 'content-type': 'application/json' }).end('{}') : req.socket.destroy()));
    const target = await listen(server);
    try {
      const file = scenarioFile(creates('dropped', 'a'));
      const [result] = await replay([loadScenario(file, registry)], { target, registry });
      assert.equal(result!.ok, false);
      assert.deepEqual(result!.steps[0]!.failures, ['no answer: the connection closed before an answer']);
      const cli = await runCli(['replay', file, '--target', target]);
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /✗ dropped[^\n]*\n {4}step 1 "create":\n {6}no answer: the connection closed before an answer\n/);
    } finally {
      server.close();
    }
  });
});
