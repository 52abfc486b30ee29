import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, startCli } from './cli-helpers.js';
import { TOKEN, VALID, WELLO_AUTH } from './helpers.js';

describe('--journal-file (CONTRIBUTING.md, principle 4: nothing lost)', () => {
  it('holds one JSON line for each of 200 calls after SIGTERM of the CLI', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'taskstub-journal-')), 'calls.jsonl');
    const cli = await startCli(['--port', '0', '--seed', '3', '--journal-file', file, '--journal-limit', '10']);
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 2
        ? fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Session': 's' }, body: JSON.stringify({ subject: `t${i}` }) })
        : fetch(`${cli.url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) }),
    );
    const statuses = await Promise.all(calls.map(async (call) => (await call).status));
    assert.ok(statuses.every((s) => s === 201));
    assert.equal(await cli.stop(), 0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 200, 'the journal kept 10; the file has all 200');
    const entries = lines.map((line) => JSON.parse(line) as { id: number; api: string; issued: { id2?: number; taskId?: number } });
    assert.deepEqual(entries.map((e) => e.id).sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.deepEqual(entries.filter((e) => e.api === 'wello').map((e) => e.issued.id2).sort((a, b) => a! - b!), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(entries.filter((e) => e.api === 'onlyoffice').map((e) => e.issued.taskId).sort((a, b) => a! - b!), Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('appends to an existing file, and /__admin/health says all is well', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'taskstub-journal-')), 'calls.jsonl');
    for (let run = 0; run < 2; run++) {
      const cli = await startCli(['--port', '0', '--journal-file', file]);
      await fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"s"}' });
      const health = (await (await fetch(`${cli.url}/__admin/health`)).json()) as Health;
      assert.equal(health.status, 'ok');
      assert.deepEqual(health.journalFile, { path: file, ok: true, lostCalls: 0 });
      assert.equal(await cli.stop(), 0);
    }
    assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 2);
  });
});

interface Health {
  status: string;
  journalFile?: { path: string; ok: boolean; error?: string; lostCalls: number };
}

describe('--journal-file that cannot be written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-journal-'));
  const cases: [string, string, string][] = [
    ['in a folder that does not exist', join(dir, 'missing', 'calls.jsonl'), 'no such directory'],
    ['that is a directory', dir, 'is a directory'],
    ['under a file, not a folder', join(import.meta.filename, 'calls.jsonl'), 'a part of the path is not a directory'],
  ];
  for (const [what, path, reason] of cases) {
    it(`stops the start with one line and exit 1, before "listening": a path ${what}`, async () => {
      const result = await runCli(['--port', '0', '--journal-file', path]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `taskstub: --journal-file ${path}: cannot open: ${reason}\n`);
      assert.equal(result.stdout, '', 'no listening line: no call is taken that would be lost');
    });
  }

  // root may write anywhere: the mode bits stop only other users.
  it('stops the start when the folder is not writable', { skip: process.getuid?.() === 0 ? 'running as root' : false }, async () => {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    const result = await runCli(['--port', '0', '--journal-file', join(readOnly, 'calls.jsonl')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^taskstub: --journal-file \S+: cannot open: permission denied\n$/);
  });

  // /dev/full opens as any file does and fails every write with ENOSPC: a disk that filled up after the start.
  it('a write that fails later (a full disk) keeps serving, shows in health, is said once, and exits 1 naming the calls lost', { skip: existsSync('/dev/full') ? false : 'no /dev/full here' }, async () => {
    const cli = await startCli(['--port', '0', '--journal-file', '/dev/full']);
    const create = async (subject: string) =>
      (await fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: JSON.stringify({ subject }) })).status;
    const health = async () => (await (await fetch(`${cli.url}/__admin/health`)).json()) as Health;
    /** Health once the file has taken (or failed) what was sent: the write is batched after the answer. */
    const settled = async (lostCalls: number) => {
      for (let i = 0; i < 100; i++) {
        const h = await health();
        if (h.journalFile!.lostCalls >= lostCalls) return h;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return health();
    };
    try {
      assert.deepEqual(await Promise.all([create('a'), create('b'), create('c')]), [201, 201, 201]);
      const first = await settled(3);
      assert.equal(first.status, 'degraded');
      assert.deepEqual(first.journalFile, { path: '/dev/full', ok: false, error: 'no space left on the device', lostCalls: 3 });
      for (const subject of ['d', 'e']) assert.equal(await create(subject), 201, 'it keeps serving');
      assert.equal((await settled(5)).journalFile!.lostCalls, 5, 'the calls after the failure are counted too');
      const said = cli.stderr().match(/a write failed/g) ?? [];
      assert.equal(said.length, 1, `said once, not per batch: ${cli.stderr()}`);
      assert.match(cli.stderr(), /^taskstub: --journal-file \/dev\/full: a write failed \(no space left on the device\); calls from now on are not written to it \(see \/__admin\/health\)$/m);
    } finally {
      assert.equal(await cli.stop(), 1, 'a lost call never exits 0');
    }
    assert.match(cli.stderr(), /^taskstub: --journal-file \/dev\/full: 5 calls not written \(no space left on the device\)$/m);
  });
});
