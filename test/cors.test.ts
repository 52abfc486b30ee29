// CORS for frontend teams on other origins (README: From a browser): the APIs for any
// origin, the admin API for pages of this machine and --cors-origin's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isApiTarget } from '../src/cors.js';
import { createStub } from '../src/stub.js';
import { startCli } from './cli-helpers.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';
import { send, throughBothAdapters } from './raw-http.js';

const ORIGIN = 'http://localhost:5173';
const ASKED = 'authorization,content-type,x-stub-session,x-stub-fault';

describe('CORS, on by default', () => {
  for (const path of ['/api/2.0/crm/task', '/api/2.0/crm/task.xml', '/api/Task', '/api/2.0/authentication', '/__admin/requests']) {
    it(`answers a preflight to ${path} with the method and headers asked for`, async () => {
      const res = await agent({ adminToken: 'admin' }).options(path).set('Origin', ORIGIN).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', ASKED);
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
      assert.match(res.headers['access-control-allow-methods']!, /\bPOST\b/);
      assert.equal(res.headers['access-control-allow-headers'], ASKED);
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      assert.equal(res.text, '', 'a preflight never reaches the route, nor the admin token');
    });
  }

  it('marks the answers of both APIs and exposes Location (the Wello create sets it)', async () => {
    const app = agent();
    const wello = await app.post('/api/Task').set('Origin', ORIGIN).set(WELLO_AUTH).send({ subject: 's' });
    assert.equal(wello.status, 201);
    assert.equal(wello.headers['access-control-allow-origin'], ORIGIN);
    assert.match(wello.headers['access-control-expose-headers']!, /\bLocation\b/);
    assert.ok(wello.headers.location);
    const oo = await app.post('/api/2.0/crm/task').set('Origin', ORIGIN).set(TOKEN).send(VALID);
    assert.equal(oo.headers['access-control-allow-origin'], ORIGIN);
    const error = await app.post('/api/2.0/crm/task').set('Origin', ORIGIN).send(VALID);
    assert.equal(error.status, 401);
    assert.equal(error.headers['access-control-allow-origin'], ORIGIN, 'errors too, so the page can read them');
  });

  it('leaves calls without an Origin (curl, CI, servers) untouched: no CORS headers at all', async () => {
    const res = await agent().post('/api/Task').set(WELLO_AUTH).send({ subject: 's' });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.headers).filter((h) => h.startsWith('access-control-') || h === 'vary'), []);
  });

  it('cors off: no CORS headers, and OPTIONS goes to the routes as the real servers answer it', async () => {
    const app = agent({ cors: { enabled: false } });
    const res = await app.post('/api/Task').set('Origin', ORIGIN).set(WELLO_AUTH).send({ subject: 's' });
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await app.options('/api/Task').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'POST');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.status, 405, 'the Wello API\'s own answer to OPTIONS');
  });

  it('cors origins: only those origins are allowed', async () => {
    const app = agent({ cors: { origins: ['https://app.example'] } });
    const allowed = await app.options('/api/Task').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    const other = await app.options('/api/Task').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'POST');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('the CLI: --cors off and --cors-origin', async () => {
    const preflight = (url: string, origin: string) => fetch(`${url}/api/Task`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    const on = await startCli(['--port', '0', '--cors-origin', 'https://a.example', '--cors-origin', 'https://b.example']);
    try {
      assert.equal((await preflight(on.url, 'https://b.example')).headers.get('access-control-allow-origin'), 'https://b.example');
      assert.equal((await preflight(on.url, ORIGIN)).headers.get('access-control-allow-origin'), null);
    } finally {
      assert.equal(await on.stop(), 0);
    }
    const off = await startCli(['--port', '0', '--cors', 'off']);
    try {
      assert.equal((await preflight(off.url, ORIGIN)).headers.get('access-control-allow-origin'), null);
    } finally {
      assert.equal(await off.stop(), 0);
    }
  });
});

describe('CORS on the admin API: pages of this machine only, unless --cors-origin names more', () => {
  const FOREIGN = ['https://evil.example', 'null', 'http://localhost.evil.example:5173', 'http://127.0.0.1.nip.io'];
  const LOOPBACK = ['http://localhost:5173', 'http://localhost', 'https://localhost:8443', 'http://127.0.0.1:3000', 'http://127.1.2.3:9', 'http://[::1]:4200', 'https://[::1]', 'http://app.localhost:5173'];
  const preflight = (origin: string) => ({ Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,x-stub-session' });

  it('a foreign or null origin gets no CORS grant on any admin route: GET, the event stream, or a preflight (both adapters)', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      await send(port, 'POST', '/api/2.0/authentication', { 'Content-Type': 'application/json' }, '{"userName":"me","password":"PW"}');
      for (const origin of FOREIGN) {
        for (const [method, path, headers] of [
          ['GET', '/__admin/requests', { Origin: origin }],
          ['GET', '/__admin/events', { Origin: origin }],
          ['GET', '/__admin/health', { Origin: origin }],
          ['OPTIONS', '/__admin/requests', preflight(origin)],
          ['OPTIONS', '/__admin/reset', { ...preflight(origin), 'Access-Control-Request-Method': 'POST' }],
        ] as const) {
          const res = await send(port, method, path, headers);
          const said = `${adapter}: ${method} ${path} from ${origin}`;
          assert.equal(res.headers['access-control-allow-origin'], undefined, said);
          assert.equal(res.headers['access-control-allow-credentials'], undefined, said);
          assert.equal(res.headers['access-control-allow-methods'], undefined, said);
          assert.equal(res.status, 403, `${said}: refused before any route runs`);
        }
      }
    });
  });

  it('a page of this machine, on any port, http or https, is granted, credentials included (both adapters)', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      for (const origin of LOOPBACK) {
        const said = `${adapter}: ${origin}`;
        const list = await send(port, 'GET', '/__admin/requests', { Origin: origin });
        assert.equal(list.status, 200, said);
        assert.equal(list.headers['access-control-allow-origin'], origin, said);
        assert.equal(list.headers['access-control-allow-credentials'], 'true', said);
        const events = await send(port, 'GET', '/__admin/events', { Origin: origin });
        assert.equal(events.status, 200, said);
        assert.equal(events.headers['access-control-allow-origin'], origin, said);
        const pre = await send(port, 'OPTIONS', '/__admin/requests', preflight(origin));
        assert.equal(pre.status, 204, said);
        assert.equal(pre.headers['access-control-allow-origin'], origin, said);
        assert.equal(pre.headers['access-control-allow-headers'], 'authorization,x-stub-session', said);
      }
    });
  });

  it('--cors-origin adds its origins to the admin API (loopback ones stay); the APIs then allow only those, as before', async () => {
    await throughBothAdapters({ cors: { origins: ['https://app.example'] } }, async ({ adapter, port }) => {
      for (const origin of ['https://app.example', 'http://localhost:5173']) {
        const res = await send(port, 'GET', '/__admin/requests', { Origin: origin });
        assert.equal(res.status, 200, `${adapter}: ${origin}`);
        assert.equal(res.headers['access-control-allow-origin'], origin, `${adapter}: ${origin}`);
        assert.equal((await send(port, 'OPTIONS', '/__admin/requests', preflight(origin))).headers['access-control-allow-origin'], origin);
      }
      const evil = await send(port, 'GET', '/__admin/requests', { Origin: 'https://evil.example' });
      assert.equal(evil.headers['access-control-allow-origin'], undefined, adapter);
      const api = await send(port, 'OPTIONS', '/api/Task', { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' });
      assert.equal(api.headers['access-control-allow-origin'], 'https://app.example');
      const apiOther = await send(port, 'OPTIONS', '/api/Task', { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' });
      assert.equal(apiOther.headers['access-control-allow-origin'], undefined, 'the API list is exact, as before');
    });
  });

  it('the APIs are unchanged: any origin, null included, is reflected with credentials (a frontend sending asc_auth_key)', async () => {
    await throughBothAdapters({}, async ({ adapter, port }) => {
      for (const origin of ['https://evil.example', 'null', 'http://localhost:5173']) {
        const res = await send(port, 'POST', '/api/2.0/crm/task', { Origin: origin, Cookie: 'asc_auth_key=abc', 'Content-Type': 'application/json' }, JSON.stringify(VALID));
        assert.equal(res.status, 201, `${adapter}: ${origin}`);
        assert.equal(res.headers['access-control-allow-origin'], origin);
        assert.equal(res.headers['access-control-allow-credentials'], 'true');
        const pre = await send(port, 'OPTIONS', '/API/Task', { Origin: origin, 'Access-Control-Request-Method': 'POST' });
        assert.equal(pre.status, 204);
        assert.equal(pre.headers['access-control-allow-origin'], origin);
      }
    });
  });

  it('knows the APIs\' paths as the stub does (anything else gets the admin policy)', () => {
    const stub = createStub({ seed: 1 });
    for (const target of ['/api/Task', '/API/task', '/api/2.0/crm/task.json?x=1', '/api', '/api?x', '/api/2.0/authentication', '/apis', '/__admin/requests', '/', '/x/api/Task', '//api/Task']) {
      assert.equal(isApiTarget(target), stub.owns(target.split('?')[0]!), target);
    }
    assert.equal(isApiTarget('http://127.0.0.1:4010/api/Task'), false, 'an absolute-form target gets the stricter policy');
  });

  it('the CLI: --cors-origin reaches the admin API too', async () => {
    const cli = await startCli(['--port', '0', '--cors-origin', 'https://app.example']);
    try {
      const port = Number(new URL(cli.url).port);
      assert.equal((await send(port, 'GET', '/__admin/requests', { Origin: 'https://app.example' })).headers['access-control-allow-origin'], 'https://app.example');
      assert.equal((await send(port, 'GET', '/__admin/requests', { Origin: 'https://evil.example' })).status, 403);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
