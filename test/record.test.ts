// taskstub record against a stand-in for the real API (a stub app on its own
// port): what the client gets is the target's answer, the scenarios written
// are valid, hold no credential, refer to captured values, and replay green
// against the stand-in and against a fresh stub; the drift report finds no
// difference where there is none.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { loadSchemas } from '../src/core/schemas.js';
import { FORMATS } from '../src/formats.js';
import { createRecorder, type Recorder } from '../src/record/proxy.js';
import type { DriftReport } from '../src/record/drift.js';
import { textReport } from '../src/replay/report.js';
import { replay } from '../src/replay/run.js';
import { loadScenario, scenarioFiles } from '../src/replay/scenarios.js';
import { createStub } from '../src/stub.js';
import { FIXED } from './helpers.js';

const registry = loadSchemas(FORMATS);
const BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;
const RESPONSIBLE = '9924256A-739C-462b-AF15-E652A3B1B6EB';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): void {
  server.closeAllConnections();
  server.close();
}

describe('taskstub record against a stand-in for the real API', () => {
  const target = createServer(createApp({ ...FIXED, seed: 11 }));
  const fresh = createServer(createApp({ seed: 99 }));
  const out = mkdtempSync(join(tmpdir(), 'taskstub-record-'));
  let targetUrl = '';
  let freshUrl = '';
  let recorder: Recorder;
  let proxy = '';
  let report: DriftReport;
  const proxied: { status: number; body: string; location: string | null }[] = [];

  const call = async (path: string, init: RequestInit & { headers?: Record<string, string> }) => {
    const res = await fetch(proxy + path, init);
    const body = await res.text();
    proxied.push({ status: res.status, body, location: res.headers.get('location') });
    return { res, body };
  };

  before(async () => {
    targetUrl = await listen(target);
    freshUrl = await listen(fresh);
    recorder = createRecorder({ target: targetUrl, out, stub: createStub(FIXED) });
    proxy = await recorder.listen(0, '127.0.0.1');

    // ONLYOFFICE: a token from the portal, then tasks with it, in JSON and XML, and an error.
    const oo = { 'X-Stub-Session': 'onlyoffice flow' };
    const auth = await call('/api/2.0/authentication', { method: 'POST', headers: { ...oo, 'Content-Type': 'application/json' }, body: JSON.stringify({ userName: 'mike.zanyatski', password: 'hunter2-secret' }) });
    const token = (JSON.parse(auth.body) as { response: { token: string } }).response.token;
    await call('/api/2.0/crm/task', {
      method: 'POST',
      headers: { ...oo, Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Call the client', deadline: '2026-12-01T09:00:00Z', categoryId: 1, responsibleId: RESPONSIBLE }),
    });
    await call('/api/2.0/crm/task.xml', {
      method: 'POST',
      headers: { ...oo, Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `title=From+a+form&deadline=2026-12-01&categoryId=2&responsibleId=${RESPONSIBLE}`,
    });
    await call('/api/2.0/crm/task', {
      method: 'POST',
      headers: { ...oo, Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'x', deadline: '2026-12-01', categoryId: 99, responsibleId: RESPONSIBLE }),
    });
    // Wello: in the default session, JSON, a minimal answer and XML.
    await call('/api/Task', { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json' }, body: JSON.stringify({ subject: 'Printer 2 is jammed' }) });
    await call('/api/Task', { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json', Prefer: 'return=minimal' }, body: '{"subject": "spaced JSON"}' });
    await call('/api/Task', {
      method: 'POST',
      headers: { Authorization: BASIC, 'Content-Type': 'application/xml', Accept: 'application/xml' },
      body: '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><subject>From XML</subject></task>',
    });
    await call('/api/Task', { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json' }, body: '{"subject":"","task_type_id":"x"}' });
    // A read of what was created, whatever the stand-in answers to it: the proxy does not care which routes exist.
    const created = JSON.parse(proxied[4]!.body) as { id: string };
    await call(`/api/Task(${created.id})`, { headers: { Authorization: BASIC } });

    report = await recorder.close();
  });
  after(() => {
    close(target);
    close(fresh);
  });

  it('answers the client what the target answered, statuses and bodies', () => {
    assert.deepEqual(proxied.map((p) => p.status), [201, 201, 201, 404, 201, 204, 201, 400, proxied[8]!.status]);
    assert.match(proxied[4]!.body, /"subject":"Printer 2 is jammed"/);
    assert.match(proxied[5]!.location ?? '', /\/api\/Task\([0-9a-f-]{36}\)$/);
    assert.match(proxied[6]!.body, /^<task /);
  });

  it('writes one valid scenario per session, and drift.json, with no temporary file left', () => {
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['default.json', 'drift.json', 'onlyoffice_flow-' + files[2]!.slice('onlyoffice_flow-'.length)]);
    assert.match(files[2]!, /^onlyoffice_flow-[0-9a-f]{8}\.json$/, 'a session name with a space gets a safe file name and a hash');
    for (const file of scenarioFiles([out])) assert.deepEqual(loadScenario(file, registry).errors, [], file);
    assert.equal(scenarioFiles([out]).length, 2, 'replay does not take drift.json for a scenario');
  });

  it('writes no credential: Authorization is a placeholder, the password masked, a token a capture', () => {
    const text = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    assert.doesNotMatch(text, /hunter2-secret/);
    assert.ok(!text.includes(BASIC.slice(6)), 'the Basic credential');
    const token = (JSON.parse(proxied[0]!.body) as { response: { token: string } }).response.token;
    assert.ok(!text.includes(token), 'the token the portal gave');
    const oo = JSON.parse(readFileSync(join(out, readdirSync(out).find((f) => f.startsWith('onlyoffice'))!), 'utf8'));
    assert.deepEqual(oo.steps[0].capture, { token: 'response.token' });
    assert.equal(oo.steps[1].request.headers.Authorization, '{{token}}');
    assert.equal(oo.steps[2].request.headers.Authorization, 'Bearer {{token}}');
    assert.equal(oo.steps[0].request.body.password, '****');
    const wello = JSON.parse(readFileSync(join(out, 'default.json'), 'utf8'));
    assert.match(wello.steps[0].request.headers.Authorization, /^Basic [A-Za-z0-9+/=]+$/);
    assert.match(Buffer.from(wello.steps[0].request.headers.Authorization.slice(6), 'base64').toString(), /^recorded:.*replay-auth.*@recorded$/);
  });

  it('checks made-up values by their form: GUIDs, dates, tokens, Location; ids left to the schema; echoed values as sent', () => {
    const wello = JSON.parse(readFileSync(join(out, 'default.json'), 'utf8'));
    const [json, minimal, xml] = wello.steps;
    assert.deepEqual(json.expect.body.id, { matches: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
    assert.equal(json.expect.body.subject, 'Printer 2 is jammed');
    assert.equal(json.expect.body.id2, undefined, 'id2 is a counter, not the 2 of the subject');
    assert.deepEqual(json.expect.body.date_create, { matches: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,7})?[+-]\\d{2}:\\d{2}$' });
    assert.equal(json.expect.conformsToSchema, true);
    assert.deepEqual(minimal.expect.headers.location, { matches: '^https?://[^/]+/api/Task\\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\)$' });
    assert.equal(minimal.expect.bodyText, '');
    assert.equal(minimal.request.body, '{"subject": "spaced JSON"}', 'a body JSON.stringify would not give back byte for byte stays text');
    assert.equal(json.request.body.subject, 'Printer 2 is jammed', 'a compact JSON body is written as JSON');
    assert.equal(xml.expect.headers['content-type'], 'application/xml; charset=utf-8');
    const read = wello.steps[4];
    assert.equal(read.request.path, '/api/Task({{id}})', 'the GUID of the first create, captured');
    assert.deepEqual(json.capture, { id: 'id' });
  });

  it('replays green against the stand-in target and against a fresh stub', async () => {
    const loaded = scenarioFiles([out]).map((f) => loadScenario(f, registry));
    for (const url of [targetUrl, freshUrl]) {
      const results = await replay(loaded, { target: url, registry });
      assert.ok(results.every((r) => r.ok), textReport(results));
      assert.equal(results.reduce((n, r) => n + r.steps.length, 0), 9);
    }
  });

  it('finds no drift between the stand-in (a stub) and the stub, and says so', () => {
    assert.equal(report.exchanges, 9);
    assert.equal(report.unanswered, 0);
    assert.deepEqual(report.calls.filter((c) => c.differences.length).map((c) => c.differences), []);
    assert.equal(report.differ, 0);
    const written = JSON.parse(readFileSync(join(out, 'drift.json'), 'utf8')) as DriftReport;
    assert.equal(written.exchanges, 9);
    assert.equal(written.target, targetUrl);
  });
});

describe('taskstub record forwards a call unchanged', () => {
  let seen: { method: string; url: string; rawHeaders: string[]; body: Buffer } | undefined;
  const echo = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      res.writeHead(207, 'Odd Status', [
        ['X-Upper-Case', 'Kept'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Connection', 'X-Hop, keep-alive'],
        ['X-Hop', 'dropped'],
        ['Keep-Alive', 'timeout=5'],
        ['Content-Type', 'application/octet-stream'],
      ].flat());
      res.end(Buffer.from([0xff, 0x00, 0xfe, 0x41]));
    });
  });
  let recorder: Recorder;
  let proxy = '';
  let base = '';
  const out = mkdtempSync(join(tmpdir(), 'taskstub-record-'));
  before(async () => {
    base = await listen(echo);
    // A target with a path prefix: the client's path is put under it.
    recorder = createRecorder({ target: `${base}/portal/`, out, stub: createStub(FIXED) });
    proxy = await recorder.listen(0, '127.0.0.1');
  });
  after(async () => {
    await recorder.close();
    close(echo);
  });

  it('sends the body bytes, the query, the headers in order and case (Host rewritten, hop-by-hop ones dropped) and gives the answer back as sent', async () => {
    const port = new URL(proxy).port;
    const body = Buffer.from([0x00, 0xc3, 0x28, 0xff, 0x0a]);
    // node:http directly: fetch would add its own headers and lower-case them.
    const answer = await new Promise<{ status: number; message: string; raw: string[]; body: Buffer }>((resolve, reject) => {
      const req = request({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/api/Task(00000000-0000-0000-0000-000000000001)?$select=a&b=%20c',
          headers: [
            ['Host', 'recorder.local'],
            ['X-First', '1'],
            ['Content-Type', 'application/x-odd'],
            ['Connection', 'X-Private, keep-alive'],
            ['X-Private', 'hop'],
            ['TE', 'trailers'],
            ['Keep-Alive', 'timeout=5'],
            ['X-Stub-Session', 'echo'],
            ['authorization', 'Bearer secret'],
            ['Content-Length', String(body.length)],
          ].flat(),
        }).on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, message: res.statusMessage!, raw: res.rawHeaders, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.ok(seen, `the target got nothing; the client got ${answer.status} ${answer.body.toString()}`);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.url, '/portal/api/Task(00000000-0000-0000-0000-000000000001)?$select=a&b=%20c');
    assert.deepEqual(seen.body, body);
    // Connection: the proxy's own connection to the target (its agent's keep-alive), not the client's.
    const connection = seen.rawHeaders.indexOf('Connection');
    assert.equal(seen.rawHeaders[connection + 1], 'keep-alive');
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0 && i !== connection);
    assert.deepEqual(names, ['Host', 'X-First', 'Content-Type', 'X-Stub-Session', 'authorization', 'Content-Length']);
    assert.equal(seen.rawHeaders[seen.rawHeaders.indexOf('Host') + 1], new URL(base).host);
    assert.equal(seen.rawHeaders[seen.rawHeaders.indexOf('authorization') + 1], 'Bearer secret', 'the real server gets the real credential');

    assert.equal(answer.status, 207);
    assert.equal(answer.message, 'Odd Status');
    assert.deepEqual(answer.body, Buffer.from([0xff, 0x00, 0xfe, 0x41]));
    const pairs = answer.raw.flatMap((v, i) => (i % 2 === 0 ? [[v, answer.raw[i + 1]]] : []));
    const kept = pairs.filter(([n]) => !/^(date|connection|keep-alive|content-length)$/i.test(n!));
    assert.deepEqual(kept, [['X-Upper-Case', 'Kept'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'application/octet-stream']]);
    assert.ok(!answer.raw.includes('X-Hop'), 'a header the Connection header names is hop-by-hop');
  });
});

