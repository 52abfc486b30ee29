// The drift report against a hand-written server that answers as the stub
// does except for one deliberate difference per call (X-Drift names it): the
// report finds each kind, where it is, and nothing else.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseQuery } from '../src/deliver.js';
import { type DriftReport, driftSummary } from '../src/record/drift.js';
import { createRecorder } from '../src/record/proxy.js';
import { createStub } from '../src/stub.js';
import { FIXED } from './helpers.js';

const BASIC = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;

type Mutation = (answer: { status: number; headers: Record<string, string>; body: string }) => void;

const reorderFirst = (body: string, key: string) => {
  const task = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ [key]: task[key], ...task });
};

const MUTATIONS: Record<string, Mutation> = {
  status: (a) => void (a.status = 200),
  'content-type': (a) => void (a.headers['content-type'] = 'text/json; charset=utf-8'),
  location: (a) => void (a.headers.location = a.headers.location!.replace(/^https?:\/\/[^/]+/, '')),
  // The real server sends a key the stub does not.
  'missing-key': (a) => void (a.body = a.body.replace(/}$/, ',"sla_due_date":null}')),
  // The real server leaves out a key the stub sends.
  'extra-key': (a) => {
    const task = JSON.parse(a.body) as Record<string, unknown>;
    delete task.remark;
    a.body = JSON.stringify(task);
  },
  'key-order': (a) => void (a.body = reorderFirst(a.body, 'subject')),
  date: (a) => void (a.body = a.body.replace(/"date_create":"[^"]+"/, '"date_create":"2026-11-24T10:00:00Z"')),
  message: (a) => void (a.body = a.body.replace('Category is not found', 'Category not found')),
};

/** A "real server": the stub's own answer, changed as the call's X-Drift header says. */
function driftingServer(): Server {
  const real = createStub(FIXED);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const result = real.handle({ method: req.method!, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? {} : parseQuery(url.slice(q + 1)), headers: req.headers, body: Buffer.concat(chunks) });
      if (!result) return void res.writeHead(404).end();
      const answer = { ...result.response, headers: { ...result.response.headers } };
      MUTATIONS[String(req.headers['x-drift'])]?.(answer);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
}

describe('the drift report, against a server that differs on purpose', () => {
  const server = driftingServer();
  const out = mkdtempSync(join(tmpdir(), 'taskstub-drift-'));
  let report: DriftReport;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const recorder = createRecorder({ target, out, stub: createStub(FIXED) });
    const proxy = await recorder.listen(0, '127.0.0.1');
    const wello = (drift: string, extra: Record<string, string> = {}) =>
      fetch(`${proxy}/api/Task`, { method: 'POST', headers: { Authorization: BASIC, 'Content-Type': 'application/json', 'X-Drift': drift, ...extra }, body: JSON.stringify({ subject: `drift ${drift}` }) }).then((r) => r.text());
    await wello('none');
    for (const kind of ['status', 'content-type', 'location', 'missing-key', 'extra-key', 'key-order', 'date']) await wello(kind);
    await fetch(`${proxy}/api/2.0/crm/task`, {
      method: 'POST',
      headers: { Authorization: 'any-token', 'Content-Type': 'application/json', 'X-Drift': 'message' },
      body: JSON.stringify({ title: 'x', deadline: '2026-12-01', categoryId: 99, responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB' }),
    }).then((r) => r.text());
    report = await recorder.close();
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  /** The kinds of difference found on step n, the target's schema check aside. */
  const kinds = (step: number) => [...new Set(report.calls.find((c) => c.step === step)!.differences.map((d) => d.kind))].filter((k) => k !== 'schema');
  const difference = (step: number, kind: string) => report.calls.find((c) => c.step === step)!.differences.find((d) => d.kind === kind)!;

  it('finds nothing where the answers agree', () => {
    assert.deepEqual(report.calls[0]!.differences, []);
  });

  it('finds a different status, and the answer out of the schema', () => {
    assert.deepEqual(kinds(2), ['status']);
    assert.deepEqual([difference(2, 'status').target, difference(2, 'status').stub], [200, 201]);
    assert.ok(report.calls[1]!.differences.some((d) => d.kind === 'schema'), 'a 200 is checked against the error shape, and fails');
  });

  it('finds a different Content-Type', () => {
    assert.deepEqual(kinds(3), ['content-type']);
    assert.equal(difference(3, 'content-type').target, 'text/json; charset=utf-8');
  });

  it('finds a Location of another form (relative, not absolute)', () => {
    assert.deepEqual(kinds(4), ['location']);
    assert.match(String(difference(4, 'location').target), /^\/api\/Task\(/);
    assert.match(String(difference(4, 'location').stub), /^http:\/\/127\.0\.0\.1:\d+\/api\/Task\(/);
  });

  it('finds a key the target sends and the stub does not', () => {
    assert.deepEqual(kinds(5), ['missing-key']);
    assert.equal(difference(5, 'missing-key').path, 'body.sla_due_date');
  });

  it('finds a key the stub sends and the target does not', () => {
    assert.deepEqual(kinds(6), ['extra-key']);
    assert.equal(difference(6, 'extra-key').path, 'body.remark');
  });

  it('finds keys in another order', () => {
    assert.deepEqual(kinds(7), ['key-order']);
    assert.equal((difference(7, 'key-order').target as string[])[0], 'subject');
    assert.equal((difference(7, 'key-order').stub as string[])[0], 'id');
  });

  it('finds a date in another form', () => {
    assert.deepEqual(kinds(8), ['format']);
    const d = difference(8, 'format');
    assert.equal(d.path, 'body.date_create');
    assert.equal(d.target, 'date dddd-dd-ddTdd:dd:ddZ');
    assert.equal(d.stub, 'date dddd-dd-ddTdd:dd:dd.fraction±dd:dd');
  });

  it('finds an error message in other words', () => {
    assert.deepEqual(kinds(9), ['message']);
    const d = difference(9, 'message');
    assert.equal(d.path, 'body.error.message');
    assert.deepEqual([d.target, d.stub], ['Category not found', 'Category is not found']);
  });

  it('sums it up, and writes the same to drift.json', () => {
    assert.equal(report.exchanges, 9);
    assert.equal(report.differ, 8);
    const summary = driftSummary(report);
    assert.match(summary, /^9 exchanges, 8 differ: /);
    for (const kind of ['status', 'content-type', 'location', 'missing-key', 'extra-key', 'key-order', 'format', 'message']) assert.match(summary, new RegExp(`1 ${kind}\\b`), summary);
    const written = JSON.parse(readFileSync(join(out, 'drift.json'), 'utf8')) as DriftReport;
    assert.deepEqual(written.byKind, report.byKind);
  });
});
