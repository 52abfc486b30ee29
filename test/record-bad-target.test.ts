// taskstub record in front of a target that is not there, never answers,
// breaks off, or has a certificate Node does not trust: the client gets a
// 502 or 504 with a plain-text reason, soon, the call is in drift.json as
// unanswered, and the recorder carries on. HTTPS targets work, with
// --insecure for a self-signed certificate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { createRecorder } from '../src/record/proxy.js';
import { createStub } from '../src/stub.js';
import { FIXED } from './helpers.js';

const stub = createStub(FIXED);
const BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;

async function port(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** One Wello create through a recorder in front of `target`; the answer, how long it took, and the recorder's report. */
async function throughRecorder(target: string, options: { timeoutMs?: number; insecure?: boolean } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'taskstub-record-bad-'));
  const recorder = createRecorder({ target, out, stub, ...options });
  const proxy = await recorder.listen(0, '127.0.0.1');
  const started = performance.now();
  const res = await fetch(`${proxy}/api/Task`, { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json' }, body: '{"subject":"s"}' });
  const text = await res.text();
  const ms = performance.now() - started;
  // The recorder still works after it.
  const again = await fetch(`${proxy}/elsewhere`);
  assert.equal(again.status, 404);
  await again.text();
  const report = await recorder.close();
  return { res, text, ms, report, out };
}

describe('taskstub record in front of a bad target', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  after(() => {
    for (const s of sockets) s.destroy();
    for (const s of servers) {
      s.closeAllConnections?.();
      s.close();
    }
  });

  it('answers 502 with the reason when the connection is refused, and records it as unanswered', async () => {
    const closed = createHttpServer();
    const free = await port(closed);
    closed.close();
    const { res, text, report, out } = await throughRecorder(`http://127.0.0.1:${free}`);
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(text, `taskstub record: cannot reach http://127.0.0.1:${free} (connection refused)\n`);
    assert.equal(report.unanswered, 1);
    assert.deepEqual(report.calls[0]!.target, { failure: `cannot reach http://127.0.0.1:${free} (connection refused)` });
    assert.deepEqual(readdirSync(out), ['drift.json'], 'no scenario: the session has no answered call');
  });

  it('answers 504 within --timeout when the target accepts and never answers', async () => {
    const silent = createNetServer((socket) => sockets.push(socket));
    const p = await port(silent);
    servers.push(silent as unknown as Server);
    const { res, text, ms, report } = await throughRecorder(`http://127.0.0.1:${p}`, { timeoutMs: 300 });
    assert.equal(res.status, 504);
    assert.equal(text, `taskstub record: http://127.0.0.1:${p} gave no answer within 300 ms (--timeout)\n`);
    assert.ok(ms >= 290 && ms < 3000, `took ${ms} ms`);
    assert.equal(report.unanswered, 1);
  });

  it('answers 502 when the target breaks off its answer', async () => {
    const rude = createNetServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{"id":');
        setTimeout(() => socket.destroy(), 20);
      });
    });
    const p = await port(rude);
    servers.push(rude as unknown as Server);
    const { res, text } = await throughRecorder(`http://127.0.0.1:${p}`);
    assert.equal(res.status, 502);
    assert.match(text, /^taskstub record: http:\/\/127\.0\.0\.1:\d+ (broke off its answer|closed the connection before answering)\n$/);
  });

  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  /** A self-signed certificate for 127.0.0.1, made for this run. */
  function selfSigned(): { key: Buffer; cert: Buffer } {
    const dir = mkdtempSync(join(tmpdir(), 'taskstub-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
      stdio: 'ignore',
    });
    assert.ok(existsSync(join(dir, 'cert.pem')));
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  }

  it('answers 502 naming the TLS error for a self-signed certificate, and forwards with --insecure', { skip: !openssl && 'openssl is not installed' }, async () => {
    const secure = createHttpsServer(selfSigned(), createApp(FIXED));
    const p = await port(secure);
    servers.push(secure as unknown as Server);
    const target = `https://127.0.0.1:${p}`;

    const refused = await throughRecorder(target);
    assert.equal(refused.res.status, 502);
    assert.equal(refused.text, `taskstub record: TLS error talking to ${target}: its certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); --insecure accepts any certificate\n`);

    const accepted = await throughRecorder(target, { insecure: true });
    assert.equal(accepted.res.status, 201);
    assert.match(accepted.res.headers.get('location') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/api\/Task\(/, 'the Location the target built from the Host it was sent');
    assert.equal(JSON.parse(accepted.text).subject, 's');
    assert.equal(accepted.report.differ, 0, JSON.stringify(accepted.report.calls));
  });

  it('answers 502 when an https:// target speaks plain HTTP', async () => {
    const plain = createHttpServer((_req, res) => res.end('plain'));
    const p = await port(plain);
    servers.push(plain);
    const { res, text } = await throughRecorder(`https://127.0.0.1:${p}`);
    assert.equal(res.status, 502);
    assert.match(text, /^taskstub record: TLS error talking to https:\/\/127\.0\.0\.1:\d+: it does not speak TLS on that port \((EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)\)\n$/);
  });
});
