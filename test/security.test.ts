// Exposure: the admin token, loopback by default, credentials masked in the
// journal, and the per-request log (hardening issue).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLoopbackHost } from '../src/admin/token.js';
import { parseAllowedHost } from '../src/admin/host-check.js';
import { connect } from '../src/client/index.js';
import { runCli, startCli } from './cli-helpers.js';
import { agent, TOKEN, VALID } from './helpers.js';
import { send, sendBytes, throughBothAdapters } from './raw-http.js';

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

describe('DNS rebinding: without an admin token, the admin API answers only a Host naming this machine', () => {
  const REBIND = 'rebind.attacker.example:4010';
  const ADMIN_ROUTES = [
    ['GET', '/__admin/requests'],
    ['GET', '/__admin/requests.jsonl'],
    ['GET', '/__admin/health'],
    ['GET', '/__admin/health/live'],
    ['GET', '/__admin/events'],
    ['GET', '/__admin/ui'],
    ['GET', '/__admin'],
    ['GET', '/__ADMIN/requests'],
    ['POST', '/__admin/reset'],
    ['DELETE', '/__admin/requests'],
    ['PUT', '/__admin/state'],
    ['GET', '/__admin/no-such-route'],
  ] as const;

  it('refuses a rebinding Host on every admin route, with 403 problem+json naming the host and both ways to allow it (both adapters)', async () => {
    await throughBothAdapters({}, async ({ adapter, port, stub }) => {
      await send(port, 'POST', '/api/2.0/authentication', { 'Content-Type': 'application/json' }, '{"userName":"me","password":"PW-SECRET"}');
      for (const [method, path] of ADMIN_ROUTES) {
        const res = await send(port, method, path, { Host: REBIND, 'Content-Type': 'text/plain' }, method === 'GET' ? undefined : '{}');
        assert.equal(res.status, 403, `${adapter}: ${method} ${path}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        const problem = JSON.parse(res.body) as { type: string; status: number; detail: string };
        assert.equal(problem.type, 'https://taskstub.local/problems/hostNotAllowed');
        assert.equal(problem.status, 403);
        assert.match(problem.detail, /Host "rebind\.attacker\.example:4010" is not this machine/);
        assert.match(problem.detail, /--allowed-host rebind\.attacker\.example\b/);
        assert.match(problem.detail, /admin token/);
        assert.doesNotMatch(res.body, /PW-SECRET/);
      }
      assert.equal(stub.journal.size, 1, `${adapter}: the refused reset and clear did nothing`);
    });
  });

  it('answers every loopback form of Host, any port, and none else (both adapters)', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      for (const host of ['localhost:4010', 'LocalHost', '127.0.0.1', '127.1.2.3:9', '[::1]:4010', '[::1]', 'foo.localhost', 'app.foo.localhost:5173']) {
        assert.equal((await send(port, 'GET', '/__admin/health', { Host: host })).status, 200, `${adapter}: ${host}`);
      }
      for (const host of ['0.0.0.0:4010', '192.168.1.10', '[::2]:4010', 'localhost.attacker.example', 'attacker.example.localhost.evil', '127.0.0.1.nip.io', 'localhost:4010@evil', 'a b']) {
        assert.equal((await send(port, 'GET', '/__admin/health', { Host: host })).status, 403, `${adapter}: ${host}`);
      }
    });
  });

  it('leaves the two APIs and the root page open to any Host: they answer only what the caller sends', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      const created = await send(port, 'POST', '/api/2.0/crm/task', { Host: REBIND, ...TOKEN, 'Content-Type': 'application/json' }, JSON.stringify(VALID));
      assert.equal(created.status, 201, adapter);
      const welcome = await send(port, 'GET', '/', { Host: REBIND });
      assert.equal(welcome.status, 200, adapter);
      // Links and nothing more: no journal, no state.
      assert.deepEqual(Object.keys((JSON.parse(welcome.body) as { links: object }).links), ['livePage', 'openapi', 'readme', 'health', 'requests']);
    });
  });

  it('allowedHosts: those names too (a leading dot: the name and every name under it); others are still refused', async () => {
    await throughBothAdapters({ allowedHosts: ['Stub.Test', '.corp.example', '[fd00::1]'] }, async ({ adapter, port }) => {
      for (const host of ['stub.test:8080', 'STUB.TEST', 'corp.example', 'qa.corp.example:4010', '[fd00::1]:4010', 'localhost:4010']) {
        assert.equal((await send(port, 'GET', '/__admin/requests', { Host: host })).status, 200, `${adapter}: ${host}`);
      }
      for (const host of ['sub.stub.test', 'evilcorp.example', REBIND]) {
        assert.equal((await send(port, 'GET', '/__admin/requests', { Host: host })).status, 403, `${adapter}: ${host}`);
      }
    });
  });

  it('refuses an allowedHosts value that is not a host name or address, naming --allowed-host', () => {
    for (const value of ['http://stub.test', 'stub.test:8080', 'stub.test/x', '', 'a b', '*.example']) {
      assert.throws(() => parseAllowedHost(value), /^Error: --allowed-host .*: give a host name or address without scheme, port or path/, value);
    }
    assert.equal(parseAllowedHost(' Stub.Test '), 'stub.test');
    assert.equal(parseAllowedHost('[::1]'), '::1');
  });

  it('with an admin token the Host is not checked: the token is the protection', async () => {
    await throughBothAdapters({ adminToken: 't' }, async ({ adapter, port }) => {
      assert.equal((await send(port, 'GET', '/__admin/requests', { Host: REBIND, Authorization: 'Bearer t' })).status, 200, adapter);
      assert.equal((await send(port, 'GET', '/__admin/requests', { Host: REBIND })).status, 401, `${adapter}: still the token's 401`);
    });
  });

  it('a request without Host (HTTP/1.0: no browser sends one) is answered; HTTP/1.1 without one is Node\'s 400', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      assert.match(await sendBytes(port, 'GET /__admin/health HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200 /, adapter);
      assert.match(await sendBytes(port, 'GET /__admin/health HTTP/1.1\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 400 /, adapter);
    });
  });

  it('the CLI: --allowed-host (repeatable), a bad value exits 1 naming it, and 0.0.0.0 (which needs a token) checks no Host', async () => {
    const cli = await startCli(['--port', '0', '--allowed-host', 'stub.test', '--allowed-host', 'other.test'], { TASKSTUB_ADMIN_TOKEN: '' });
    try {
      const port = Number(new URL(cli.url).port);
      assert.equal((await send(port, 'GET', '/__admin/health', { Host: `stub.test:${port}` })).status, 200);
      assert.equal((await send(port, 'GET', '/__admin/health', { Host: 'other.test' })).status, 200);
      const refused = await send(port, 'GET', '/__admin/health', { Host: REBIND });
      assert.equal(refused.status, 403);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
    const bad = await runCli(['serve', '--port', '0', '--allowed-host', 'http://stub.test'], { TASKSTUB_ADMIN_TOKEN: '' });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /--allowed-host "http:\/\/stub\.test": give a host name/);

    const wide = await startCli(['--port', '0', '--host', '0.0.0.0'], { TASKSTUB_ADMIN_TOKEN: 'wide' });
    try {
      const port = Number(new URL(wide.url).port);
      assert.equal((await send(port, 'GET', '/__admin/health', { Host: `lan-box.example:${port}`, Authorization: 'Bearer wide' })).status, 200);
    } finally {
      assert.equal(await wide.stop(), 0);
    }
  });
});

describe('cross-site calls: without a token, a page of another origin cannot make admin calls either', () => {
  it('refuses a simple (no preflight) POST from a foreign or null Origin before it runs, and answers this machine\'s pages and the stub\'s own', async () => {
    await throughBothAdapters({ allowedHosts: ['stub.test'] }, async ({ adapter, port, stub }) => {
      await send(port, 'POST', '/api/2.0/crm/task', { ...TOKEN, 'Content-Type': 'application/json' }, JSON.stringify(VALID));
      for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example', 'file://']) {
        const res = await send(port, 'POST', '/__admin/reset', { Origin: origin, 'Content-Type': 'text/plain' }, '{}');
        assert.equal(res.status, 403, `${adapter}: ${origin}`);
        const problem = JSON.parse(res.body) as { type: string; detail: string };
        assert.equal(problem.type, 'https://taskstub.local/problems/originNotAllowed');
        assert.match(problem.detail, /--cors-origin/);
        assert.equal(res.headers['access-control-allow-origin'], undefined);
      }
      const queued = await send(port, 'POST', '/__admin/faults', { Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, '{"fault":{"status":500}}');
      assert.equal(queued.status, 403);
      assert.deepEqual(stub.faults.list(), [], `${adapter}: no fault was queued`);
      assert.equal(stub.journal.size, 1, `${adapter}: nothing was reset`);
      // The live page's own calls (its Clear button sends Origin), on loopback or an allowed name.
      assert.equal((await send(port, 'DELETE', '/__admin/requests', { Origin: `http://127.0.0.1:${port}` })).status, 200);
      assert.equal((await send(port, 'DELETE', '/__admin/requests', { Host: 'stub.test:8080', Origin: 'http://stub.test:8080' })).status, 200);
      assert.equal((await send(port, 'DELETE', '/__admin/requests', { Origin: 'http://localhost:5173' })).status, 200, 'a dev server on this machine');
    });
  });
});
