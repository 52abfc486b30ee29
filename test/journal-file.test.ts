import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCli } from './cli-helpers.js';
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

  it('appends to an existing file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'taskstub-journal-')), 'calls.jsonl');
    for (let run = 0; run < 2; run++) {
      const cli = await startCli(['--port', '0', '--journal-file', file]);
      await fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json' }, body: '{"subject":"s"}' });
      assert.equal(await cli.stop(), 0);
    }
    assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 2);
  });
});
