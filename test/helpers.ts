import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { createApp, type AppOptions } from '../src/app.js';
import type { CoreResult } from '../src/core/record.js';
import { createStub, type Stub } from '../src/stub.js';
import { bodyLimitBytes, createRequestListener, createStubServer } from '../src/server.js';
import { createCors } from '../src/cors.js';
import { LIFECYCLE_RESPONSE_SCHEMAS, type LifecycleOperation } from '../src/apis/onlyoffice/lifecycle.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The two API documents, copied into the project as test data (test/data/README.md). */
export const SEEDS = join(ROOT, 'test', 'data', 'seeds');

/** A frozen clock and a seed: every test's answers are reproducible. */
export const FIXED: AppOptions = { seed: 7, clock: '2026-11-24T10:00:00.1234567Z' };

export const ADAPTER = process.env.TASKSTUB_ADAPTER === 'node' ? 'node' : 'express';

/** Every answer any test's app gave, checked against the response schemas when the file's tests end. */
const produced: CoreResult[] = [];

export function agent(options: AppOptions = {}) {
  const stub = createStub({ ...FIXED, ...options });
  const handle = stub.handle.bind(stub);
  stub.handle = (req, flags) => {
    const result = handle(req, flags);
    if (result) produced.push(result);
    if (result && Object.keys(req.query).some((name) => /^fields(\[\])?$/i.test(name))) trimmedByFields.add(result);
    return result;
  };
  if (ADAPTER === 'express') return request(createApp({ ...FIXED, ...options }, stub));
  // TASKSTUB_ADAPTER=node runs the same tests through the CLI's fast node:http path, which does CORS in front of Express.
  const app = createApp({ ...FIXED, ...options, cors: { ...options.cors, enabled: false } }, stub);
  return request(createRequestListener(stub, app, bodyLimitBytes(options.bodyLimit), { cors: createCors(options.cors) }));
}

const WELLO_READ_SCHEMAS: Record<string, string> = { getTask: 'wello/task-response', listTaskView: 'wello/task-view-list', getTaskView: 'wello/task-view', countOpen: 'wello/count' };

function responseSchema({ record, response }: CoreResult): string | undefined {
  if (record.api === 'onlyoffice') {
    if (response.status === 401) return undefined;
    if (response.status === 200) return LIFECYCLE_RESPONSE_SCHEMAS[record.operation as LifecycleOperation];
    if (response.status !== 201) return 'onlyoffice/error';
    return record.operation === 'authenticate' ? 'onlyoffice/authentication-response' : 'onlyoffice/envelope';
  }
  if (response.status === 204) return undefined;
  // The Wello read routes (docs/fidelity.md, Wello: Read-back routes): a refused query is an OData error.
  const read = WELLO_READ_SCHEMAS[record.operation];
  if (read && response.status === 200) return read;
  if (record.operation === 'listTaskView' && response.status === 400 && !record.valid) return 'wello/odata-error';
  return response.status === 201 ? 'wello/task-response' : 'wello/error';
}

// Answers trimmed by ONLYOFFICE's ?fields= leave out members the full schema requires, on purpose.
const trimmedByFields = new WeakSet<object>();

after(() => {
  const registry = createStub({ seed: 1 }).context.registry;
  for (const result of produced) {
    const { status, headers, body } = result.response;
    const type = headers['content-type'] ?? '';
    const name = responseSchema(result);
    if (status === 204 || status === 0) assert.equal(body, '');
    else if (body === '') continue; // the "empty" fault
    else if (type.startsWith('application/problem+json')) continue; // the stub's own word on a bad fault header
    else if (trimmedByFields.has(result)) continue;
    else if (status === 401 && result.record.api === 'onlyoffice') assert.equal(body, 'Unauthorized');
    else if (type.includes('xml')) assert.equal(XMLValidator.validate(body), true, body);
    else if (name) {
      const validate = registry.validator(name);
      assert.equal(validate(JSON.parse(body)), true, `${name}: ${body}: ${JSON.stringify(validate.errors)}`);
    }
  }
});

/** Any non-empty credential of the real forms passes (docs/fidelity.md, ONLYOFFICE: Authentication). */
export const TOKEN = { Authorization: 'some-token' };

/** The seed's sample request body, as the seed document prints it. */
export const SEED_SAMPLE = {
  title: 'some text',
  description: 'some text',
  deadline: '2008-04-10T06-30-00.000Z',
  responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB',
  categoryId: 1234,
  contactId: 1234,
  entityType: 'some text',
  entityId: 1234,
  isNotify: true,
  alertValue: 1234,
};

/** A minimal valid create. */
export const VALID = { title: 'Call the client', deadline: '2026-12-01T09:00:00.000Z', categoryId: 1 };

/** A copy of the shipped fixtures in a temp dir, with onlyoffice.json changed by `edit`. */
export function fixturesWith(edit: (onlyoffice: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskstub-fixtures-'));
  cpSync(join(ROOT, 'fixtures'), dir, { recursive: true });
  const file = join(dir, 'onlyoffice.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(data);
  writeFileSync(file, JSON.stringify(data));
  return dir;
}

/** The text of a seed document. */
export function seedText(file: string): string {
  return readFileSync(join(SEEDS, file), 'utf8');
}

/** The Wello seed's JSON sample request, verbatim. */
export function welloSeedJson(): string {
  const text = seedText('wello-servicedesk-create-task.txt');
  const start = text.indexOf('{', text.indexOf('Sample:'));
  return text.slice(start, text.indexOf('\n}', start) + 2);
}

/** The Wello seed's XML sample request, verbatim. */
export function welloSeedXml(): string {
  const text = seedText('wello-servicedesk-create-task.txt');
  const start = text.indexOf('<task');
  return text.slice(start, text.indexOf('</task>', start) + '</task>'.length);
}

/** Basic `login:password@domain`, the seed's example credential (docs/fidelity.md, Wello: Authentication). */
export const WELLO_AUTH = { Authorization: `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}` };

/** The CLI's own server (fast path in front of Express) on a free loopback port, with the frozen clock and seed. */
export async function listening(options: AppOptions = {}): Promise<{ url: string; stub: Stub; close(): void }> {
  const stub = createStub({ ...FIXED, ...options });
  const server = createStubServer({ ...FIXED, ...options }, stub);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stub,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
