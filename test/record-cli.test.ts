// `taskstub record` as a user runs it: the line scripts wait for, the files
// complete at SIGTERM, the summary, --fail-on-drift's exit code, and bad
// flags refused with exit 2 before anything listens.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { cliCommand, runCli } from './cli-helpers.js';
import { FIXED, ROOT } from './helpers.js';

const BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;
const RECORDING = /^taskstub recording on (http:\/\/127\.0\.0\.1:\d+) -> (\S+)$/m;

/** Starts `taskstub record`, makes the calls, sends SIGTERM; exit code and output. */
async function record(args: string[], calls: (url: string) => Promise<void>) {
  const child = spawn(process.execPath, [...cliCommand(), 'record', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no recording line after 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = RECORDING.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
  await calls(line[1]!);
  const closed = once(child, 'close');
  child.kill('SIGTERM');
  const [code] = (await closed) as [number | null];
  return { code, stdout, stderr, line };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const create = (url: string) => fetch(`${url}/api/Task`, { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json', 'X-Stub-Session': 'cli' }, body: '{"subject":"s"}' }).then((r) => r.text()).then(() => undefined);

describe('taskstub record on the command line', () => {
  const target = createServer(createApp(FIXED));
  // A "real server" whose creates answer 200 where the stub answers 201.
  const drifting = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"Message":"ok"}'));
  });
  let targetUrl = '';
  let driftingUrl = '';
  before(async () => {
    targetUrl = await listen(target);
    driftingUrl = await listen(drifting);
  });
  after(() => {
    for (const s of [target, drifting]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('prints where it records, and at SIGTERM the files and the summary; exit 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'taskstub-record-cli-'));
    const run = await record(['--target', `${targetUrl}/`, '--out', out, '--port', '0'], create);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.line[2], targetUrl, 'the target as used, without the trailing slash');
    assert.match(run.stdout, /^taskstub record: 1 exchange, 0 differ$/m);
    assert.deepEqual(readdirSync(out).sort(), ['cli.json', 'drift.json']);
    assert.equal(JSON.parse(readFileSync(join(out, 'cli.json'), 'utf8')).steps.length, 1);
  });

  it('--fail-on-drift: exit 1 when a call differs, with the difference in the summary', async () => {
    const out = mkdtempSync(join(tmpdir(), 'taskstub-record-cli-'));
    const run = await record(['--target', driftingUrl, '--out', out, '--port', '0', '--fail-on-drift'], create);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^taskstub record: 1 exchange, 1 differ: 1 status, 1 location, 1 missing-key, 1 extra-key$/m);
    assert.match(run.stdout, /^ {2}cli step 1 POST \/api\/Task: status: target 200, stub 201; Location: target "none", stub "http:[^"]*" \(not the same form\); body\.Message: the target sends it, the stub does not; and \d+ more$/m);
  });

  it('refuses a target without a scheme, and a reachable --host without an admin token (exit 2)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'taskstub-record-cli-'));
    const noScheme = await runCli(['record', '--target', '127.0.0.1:4010', '--out', out, '--port', '0']);
    assert.equal(noScheme.code, 2);
    assert.match(noScheme.stderr, /--target 127\.0\.0\.1:4010 has no scheme \(http:\/\/ or https:\/\/\): did you mean http:\/\/127\.0\.0\.1:4010\?/);
    const open = await runCli(['record', '--target', targetUrl, '--out', out, '--port', '0', '--host', '0.0.0.0'], { TASKSTUB_ADMIN_TOKEN: '' });
    assert.equal(open.code, 2);
    assert.match(open.stderr, /--host 0\.0\.0\.0 is reachable from other machines: set --admin-token/);
    const timeout = await runCli(['record', '--target', targetUrl, '--out', out, '--timeout', '0']);
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--timeout 0: give a whole number of milliseconds/);
  });
});
