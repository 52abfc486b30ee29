// CORS for frontend teams on other origins (README: From a browser).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCli } from './cli-helpers.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

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
