// Exposure: the admin token, loopback by default, credentials masked in the
// journal, and the per-request log (hardening issue).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLoopbackHost } from '../src/admin/token.js';
import { connect } from '../src/client/index.js';
import { runCli, startCli } from './cli-helpers.js';
import { agent, TOKEN, VALID } from './helpers.js';

const BASIC = `Basic ${Buffer.from('test@wello.solutions:PWSECRET@TESTAPI').toString('base64')}`;

describe('the admin token (README, admin API)', () => {
  const ADMIN = { Authorization: 'Bearer s3cret' };

  it('with a token set, every admin call without it gets 401 problem+json and a Bearer challenge', async () => {
    const app = agent({ adminToken: 's3cret' });
    for (const [method, path] of [
      ['get', '/__admin/health'],
      ['get', '/__admin/requests'],
      ['post', '/__admin/reset'],
      ['delete', '/__admin/requests'],
      ['get', '/__admin/state'],
      ['get', '/__ADMIN/requests'],
      ['get', '/__admin/no-such-route'],
    ] as const) {
      const res = await app[method](path);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.match(res.headers['content-type']!, /^application\/problem\+json/);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="taskstub admin"');
      assert.equal(JSON.parse(res.text).type, 'https://taskstub.local/problems/unauthorized');
    }
    assert.equal((await app.get('/__admin/requests').set('Authorization', 'Bearer wrong')).status, 401);
    assert.equal((await app.get('/__admin/requests').set('Authorization', 's3cret')).status, 401, 'the Bearer scheme is required');
    assert.equal((await app.get('/__admin/requests').set(ADMIN)).status, 200);
    assert.equal((await app.get('/__admin/requests').set('Authorization', 'bearer  s3cret ')).status, 200, 'the scheme is case-insensitive');
  });

  it('does not guard the two APIs, which keep their own authentication', async () => {
    const app = agent({ adminToken: 's3cret' });
    assert.equal((await app.post('/api/2.0/crm/task').set(TOKEN).send(VALID)).status, 201);
    assert.equal((await app.post('/api/2.0/crm/task').send(VALID)).status, 401);
  });

  it('without a token, the admin API is open (the default, on loopback)', async () => {
    assert.equal((await agent().get('/__admin/health')).status, 200);
  });

  it('knows which --host values are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '::ffff:10.0.0.1']) assert.equal(isLoopbackHost(host), false, host);
  });
});

describe('the CLI: loopback by default, and an admin token beyond it', () => {
  it('refuses to start on a non-loopback --host without a token, and says why', async () => {
    const { code, stderr, stdout } = await runCli(['serve', '--port', '0', '--host', '0.0.0.0'], { TASKSTUB_ADMIN_TOKEN: '' });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /--host 0\.0\.0\.0 is reachable from other machines: give an admin token/);
  });

  it('binds 127.0.0.1 by default', async () => {
    const cli = await startCli(['--port', '0'], { HOST: '', TASKSTUB_ADMIN_TOKEN: '' });
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('starts on 0.0.0.0 with TASKSTUB_ADMIN_TOKEN, and the admin API then needs it (the client sends it)', async () => {
    const cli = await startCli(['--port', '0', '--host', '0.0.0.0'], { TASKSTUB_ADMIN_TOKEN: 'from-env' });
    try {
      const url = cli.url.replace('0.0.0.0', '127.0.0.1');
      assert.equal((await fetch(`${url}/__admin/health`)).status, 401);
      assert.equal((await fetch(`${url}/__admin/health`, { headers: { Authorization: 'Bearer from-env' } })).status, 200);
      assert.equal((await connect(url, { adminToken: 'from-env' }).requests()).total, 0);
      await assert.rejects(connect(url).requests(), /401/);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});

describe('credentials in the journal are masked unless --journal-secrets', () => {
  async function journalViews(options: { journalSecrets?: boolean }) {
    const app = agent(options);
    await app.post('/api/2.0/crm/task').set('Authorization', 'Bearer tok-SECRET').set('Cookie', 'asc_auth_key=COOKIE-SECRET; theme=dark').send(VALID);
    await app.post('/api/Task').set('Authorization', BASIC).send({ subject: 's' });
    const list = (await app.get('/__admin/requests')).body.requests as { request: { headers: Record<string, string> } }[];
    const jsonl = (await app.get('/__admin/requests.jsonl')).text;
    const har = JSON.parse(String((await app.get('/__admin/requests.har')).body)) as { log: { entries: { request: { headers: { name: string; value: string }[] } }[] } };
    return { list, jsonl, har };
  }

  it('keeps the scheme and cookie names, masks the secret, in the list, JSON Lines and HAR', async () => {
    const { list, jsonl, har } = await journalViews({});
    assert.equal(list[0]!.request.headers.authorization, 'Bearer ****');
    assert.equal(list[0]!.request.headers.cookie, 'asc_auth_key=****; theme=****');
    assert.equal(list[1]!.request.headers.authorization, 'Basic ****');
    for (const text of [jsonl, JSON.stringify(har), JSON.stringify(list)]) {
      assert.doesNotMatch(text, /SECRET/);
      assert.ok(!text.includes(BASIC.slice(6)));
    }
    const harAuth = har.log.entries[1]!.request.headers.find((h) => h.name === 'authorization');
    assert.equal(harAuth?.value, 'Basic ****');
  });

  it('shows them as sent with journalSecrets', async () => {
    const { list, jsonl, har } = await journalViews({ journalSecrets: true });
    assert.equal(list[0]!.request.headers.authorization, 'Bearer tok-SECRET');
    assert.equal(list[0]!.request.headers.cookie, 'asc_auth_key=COOKIE-SECRET; theme=dark');
    assert.equal(list[1]!.request.headers.authorization, BASIC);
    assert.match(jsonl, /tok-SECRET/);
    assert.match(JSON.stringify(har), /tok-SECRET/);
  });

  it('masks them in the --journal-file too, and --journal-secrets shows them', async () => {
    for (const [flags, expected] of [[[], 'Bearer ****'], [['--journal-secrets'], 'Bearer tok-SECRET']] as const) {
      const file = join(mkdtempSync(join(tmpdir(), 'taskstub-secrets-')), 'journal.jsonl');
      const cli = await startCli(['--port', '0', '--journal-file', file, ...flags]);
      await fetch(`${cli.url}/api/2.0/crm/task`, { method: 'POST', headers: { Authorization: 'Bearer tok-SECRET', 'Content-Type': 'application/json' }, body: JSON.stringify(VALID) });
      assert.equal(await cli.stop(), 0);
      const entry = JSON.parse(readFileSync(file, 'utf8').trim()) as { request: { headers: Record<string, string> } };
      assert.equal(entry.request.headers.authorization, expected);
    }
  });
});

describe('--log: one structured line per request', () => {
  it('writes method, path, status, duration and session as JSON on stderr, for API and admin calls', async () => {
    const cli = await startCli(['--port', '0', '--log']);
    try {
      await fetch(`${cli.url}/api/2.0/crm/task?x=1`, { method: 'POST', headers: { Authorization: 'x', 'Content-Type': 'application/json', 'X-Stub-Session': 'qa' }, body: JSON.stringify(VALID) });
      await fetch(`${cli.url}/api/Task`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      await fetch(`${cli.url}/__admin/health`);
    } finally {
      assert.equal(await cli.stop(), 0, 'the log is flushed before exit');
    }
    const lines = cli.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 3, cli.stderr());
    assert.deepEqual(lines.map(({ method, path, status, session }) => ({ method, path, status, session })), [
      { method: 'POST', path: '/api/2.0/crm/task', status: 201, session: 'qa' },
      { method: 'POST', path: '/api/Task', status: 401, session: 'default' },
      { method: 'GET', path: '/__admin/health', status: 200, session: 'default' },
    ]);
    for (const line of lines) {
      assert.equal(typeof line.durationMs, 'number');
      assert.equal(line.msg, 'request');
      assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
    }
  });

  it('is quiet without --log', async () => {
    const cli = await startCli(['--port', '0']);
    await fetch(`${cli.url}/api/Task`, { method: 'POST', body: '{}' });
    assert.equal(await cli.stop(), 0);
    assert.equal(cli.stderr(), '');
  });
});
