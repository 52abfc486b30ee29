import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, startCli } from './cli-helpers.js';
import { fixturesWith, TOKEN, VALID } from './helpers.js';

describe('taskstub serve (DESIGN, CLI)', () => {
  it('prints "taskstub listening on http://HOST:PORT" with the real port for --port 0, creates a task, and exits 0 on SIGTERM', async () => {
    const cli = await startCli(['serve', '--port', '0']);
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(cli.url, 'http://127.0.0.1:0');
      const res = await fetch(`${cli.url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as { response: { id: number } }).response.id, 1);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('serves without a subcommand too, taking PORT and HOST from the environment', async () => {
    const cli = await startCli([], { PORT: '0', HOST: '127.0.0.1' });
    try {
      const res = await fetch(`${cli.url}/__admin/health`);
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('--low-memory serves the same answers (the memory it saves is measured by npm run bench)', async () => {
    const cli = await startCli(['--port', '0', '--low-memory', '--seed', '5', '--clock', '2026-11-24T10:00:00Z']);
    const plain = await startCli(['--port', '0', '--seed', '5', '--clock', '2026-11-24T10:00:00Z']);
    try {
      const create = async (url: string) => (await fetch(`${url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) })).text();
      assert.equal(await create(cli.url), await create(plain.url));
      const health = (await (await fetch(`${cli.url}/__admin/health`)).json()) as { memory: { rssMb: number; heapUsedMb: number } };
      assert.ok(health.memory.rssMb > 0 && health.memory.heapUsedMb > 0);
    } finally {
      assert.equal(await cli.stop(), 0);
      assert.equal(await plain.stop(), 0);
    }
  });

  it('finishes a request in flight before exiting on SIGTERM', async () => {
    const cli = await startCli(['--port', '0']);
    // A body sent slowly: the request is in flight when the signal arrives.
    const { request } = await import('node:http');
    const url = new URL(`${cli.url}/api/2.0/crm/task`);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...TOKEN, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(JSON.stringify(VALID).slice(0, 10));
      setTimeout(() => req.end(JSON.stringify(VALID).slice(10)), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exit = cli.stop();
    assert.equal(await answer, 201);
    assert.equal(await exit, 0);
  });

  it('stops the start with a message naming the fixture file and the field when a fixture is bad', async () => {
    const dir = fixturesWith((data) => ((data.categories as { title: unknown }[])[2]!.title = 7));
    const result = await runCli(['--port', '0', '--fixtures', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /onlyoffice\.json: field \/categories\/2\/title must be string/);
  });

  it('refuses an unknown flag and a bad --clock', async () => {
    assert.equal((await runCli(['--port', '0', '--no-such-flag'])).code, 1);
    const clock = await runCli(['--port', '0', '--clock', 'yesterday']);
    assert.equal(clock.code, 1);
    assert.match(clock.stderr, /--clock: not an ISO 8601 time/);
    const far = await runCli(['--port', '0', '--clock', '+275760-09-13T00:00:00Z']);
    assert.equal(far.code, 1, 'a time no answer could carry (it also overflowed the journal: a 500 on every call)');
    assert.match(far.stderr, /outside the years 1-9999/);
  });
});
