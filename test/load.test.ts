// Load, concurrency and shutdown (hardening issue): real sockets, the CLI's
// own server (the node:http fast path in front of Express), no timing
// assertions, only what must hold whatever the machine's speed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect } from '../src/client/index.js';
import { startCli } from './cli-helpers.js';
import { listening, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const SESSIONS = 10;
const PER_SESSION = 200;

describe('10 sessions × 200 concurrent creates (README, Sessions)', () => {
  it('gives every session the ids 1..200 exactly once, and the journal all 2,000 calls with no duplicate id', async () => {
    const { url, close } = await listening();
    try {
      // Even sessions create Wello tasks (id2), odd ones ONLYOFFICE tasks (task id); all 2,000 at once.
      const calls = Array.from({ length: SESSIONS }, (_, s) =>
        Array.from({ length: PER_SESSION }, async () => {
          const session = `load-${s}`;
          const res =
            s % 2 === 0
              ? await fetch(`${url}/api/Task`, { method: 'POST', headers: { ...WELLO_AUTH, 'Content-Type': 'application/json', 'X-Stub-Session': session }, body: '{"subject":"load"}' })
              : await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json', 'X-Stub-Session': session }, body: JSON.stringify(VALID) });
          assert.equal(res.status, 201);
          const body = (await res.json()) as { id2?: number; id?: string; response?: { id: number } };
          return { session: s, id: s % 2 === 0 ? body.id2! : body.response!.id, guid: body.id };
        }),
      ).flat();
      const results = await Promise.all(calls);
      for (let s = 0; s < SESSIONS; s++) {
        const ids = results.filter((r) => r.session === s).map((r) => r.id).sort((a, b) => a - b);
        assert.deepEqual(ids, Array.from({ length: PER_SESSION }, (_, i) => i + 1), `session load-${s}`);
      }
      const guids = results.filter((r) => r.session % 2 === 0).map((r) => r.guid);
      assert.equal(new Set(guids).size, guids.length, 'every Wello task has its own GUID');

      const journal = await connect(url).requests();
      assert.equal(journal.total, SESSIONS * PER_SESSION);
      assert.equal(journal.evicted, 0);
      const entryIds = journal.requests.map((e) => e.id);
      assert.equal(new Set(entryIds).size, entryIds.length, 'no duplicate journal id');
      assert.deepEqual([...entryIds].sort((a, b) => a - b), Array.from({ length: SESSIONS * PER_SESSION }, (_, i) => i + 1));
      for (let s = 0; s < SESSIONS; s++) {
        const issued = journal.requests.filter((e) => e.session === `load-${s}`).map((e) => (s % 2 === 0 ? e.issued.id2 : e.issued.taskId)!);
        assert.deepEqual(issued.sort((a, b) => a - b), Array.from({ length: PER_SESSION }, (_, i) => i + 1), `journal of load-${s}`);
      }
    } finally {
      close();
    }
  });
});

describe('SIGTERM under load (README, Command line: finish requests in flight, flush the journal file, exit 0)', () => {
  it('finishes the calls in flight, writes every answered call to --journal-file, and exits 0', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'taskstub-sigterm-')), 'calls.jsonl');
    const cli = await startCli(['--port', '0', '--journal-file', file]);
    const send = (i: number, delayed: boolean) =>
      fetch(`${cli.url}/api/Task`, {
        method: 'POST',
        headers: { ...WELLO_AUTH, 'Content-Type': 'application/json', ...(delayed ? { 'X-Stub-Delay': '400' } : {}) },
        body: JSON.stringify({ subject: `call-${i}` }),
      }).then(
        async (res) => ({ i, status: res.status, subject: ((await res.json()) as { subject?: string }).subject }),
        () => ({ i, status: 0, subject: undefined }),
      );
    // 150 calls that the stub holds for 400 ms: in flight when SIGTERM comes.
    const inFlight = Array.from({ length: 150 }, (_, i) => send(i, true));
    // Wait until the stub has them all (the journal is written when a call is handled, before its delay).
    for (let waited = 0; waited < 100 && (await connect(cli.url).count({})) < 150; waited++) await new Promise((r) => setTimeout(r, 20));
    cli.child.kill('SIGTERM');
    // More calls after the signal: each is either answered (and then journaled) or refused, never half-done.
    const late = Array.from({ length: 100 }, (_, i) => send(1000 + i, false));
    const [code] = (await once(cli.child, 'exit')) as [number | null];
    const results = await Promise.all([...inFlight, ...late]);

    assert.equal(code, 0);
    const held = results.filter((r) => r.i < 1000);
    assert.deepEqual(held.filter((r) => r.status !== 201), [], 'every call in flight finished');
    const answered = results.filter((r) => r.status === 201);
    const journaled = new Set(readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { request: { body: { subject: string } } }).request.body.subject));
    for (const r of answered) assert.ok(journaled.has(`call-${r.i}`), `call-${r.i} was answered 201 but is not in the journal file`);
    assert.ok(results.every((r) => r.status === 201 || r.status === 0), 'no call got an error status');
  });
});
