// Contract warnings: a field the seed documents as required that the real
// server accepts without. The ONLYOFFICE seed lists responsibleId as required;
// CRMApi.Tasks.cs CreateTask never checks it. The journal keeps the contract
// check (`valid`, `errors`) and says, in `warnings`, which of its findings the
// real server would not reject the call for, so such a 201 does not read like
// a 400.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSchemas } from '../src/core/schemas.js';
import { FORMATS } from '../src/formats.js';
import { contractWarnings, NOT_ENFORCED_MESSAGE } from '../src/journal/warnings.js';
import { agent, TOKEN, VALID, WELLO_AUTH } from './helpers.js';

const RESPONSIBLE = '9924256A-739C-462b-AF15-E652A3B1B6EB';
const MISSING_RESPONSIBLE = { path: '/responsibleId', message: "must have required property 'responsibleId'" };
const NOT_ENFORCED_RESPONSIBLE = { path: '/responsibleId', message: NOT_ENFORCED_MESSAGE };

interface Entry {
  response: { status: number; body: { response?: { responsible?: { displayName?: string } } } };
  valid: boolean;
  errors: { path: string; message: string }[];
  warnings: { path: string; message: string }[];
}

async function onlyEntry(app: ReturnType<typeof agent>): Promise<Entry> {
  const { requests } = (await app.get('/__admin/requests')).body as { requests: Entry[] };
  assert.equal(requests.length, 1);
  return requests[0]!;
}

describe('contract warnings in the journal', () => {
  it('a create without responsibleId is a 201 whose entry keeps the contract error and marks it as a warning', async () => {
    const app = agent();
    const res = await app.post('/api/2.0/crm/task').set(TOKEN).send(VALID);
    assert.equal(res.status, 201);
    assert.equal(res.body.response.responsible.displayName, 'Profile has been removed', 'the real placeholder user');
    const entry = await onlyEntry(app);
    assert.equal(entry.valid, false, 'valid still says what the seed document says');
    assert.deepEqual(entry.errors, [MISSING_RESPONSIBLE]);
    assert.deepEqual(entry.warnings, [NOT_ENFORCED_RESPONSIBLE]);
  });

  it('a rejected call (400, no deadline) has an error that is not a warning', async () => {
    const app = agent();
    const res = await app.post('/api/2.0/crm/task').set(TOKEN).send({ title: 't', categoryId: 1, responsibleId: RESPONSIBLE });
    assert.equal(res.status, 400);
    const entry = await onlyEntry(app);
    assert.equal(entry.valid, false);
    assert.deepEqual(entry.errors, [{ path: '/deadline', message: "must have required property 'deadline'" }]);
    assert.deepEqual(entry.warnings, []);
  });

  it('a 400 missing both deadline and responsibleId warns about responsibleId only: the deadline error is what rejected it', async () => {
    const app = agent();
    assert.equal((await app.post('/api/2.0/crm/task').set(TOKEN).send({ title: 't', categoryId: 1 })).status, 400);
    const entry = await onlyEntry(app);
    assert.equal(entry.errors.length, 2);
    assert.deepEqual(entry.warnings, [NOT_ENFORCED_RESPONSIBLE]);
    assert.ok(entry.errors.length > entry.warnings.length, 'an error beyond the warnings: rejected');
  });

  it('a responsibleId that is not a GUID is a real error (the server rejects it), not a warning', async () => {
    const app = agent();
    assert.equal((await app.post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, responsibleId: 'nobody' })).status, 400);
    const entry = await onlyEntry(app);
    assert.deepEqual(entry.errors.map((e) => e.path), ['/responsibleId']);
    assert.deepEqual(entry.warnings, []);
  });

  it('a create with responsibleId has neither errors nor warnings', async () => {
    const app = agent();
    assert.equal((await app.post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, responsibleId: RESPONSIBLE })).status, 201);
    const entry = await onlyEntry(app);
    assert.deepEqual([entry.valid, entry.errors, entry.warnings], [true, [], []]);
  });

  it('XML and form bodies get the same warning', async () => {
    const app = agent();
    await app.post('/api/2.0/crm/task.xml').set(TOKEN).type('form').send('title=t&deadline=2026-12-01&categoryId=1');
    await app.post('/api/2.0/crm/task').set(TOKEN).type('text/xml').send('<task><title>t</title><deadline>2026-12-01</deadline><categoryId>1</categoryId></task>');
    const { requests } = (await app.get('/__admin/requests')).body as { requests: Entry[] };
    assert.deepEqual(requests.map((r) => [r.response.status, r.warnings]), [[201, [NOT_ENFORCED_RESPONSIBLE]], [201, [NOT_ENFORCED_RESPONSIBLE]]]);
  });

  it('Wello enforces what its schema requires: a missing subject is an error, never a warning', async () => {
    const app = agent();
    assert.equal((await app.post('/api/Task').set(WELLO_AUTH).send({ due_date: '2026-12-01T10:00:00Z' })).status, 400);
    const entry = await onlyEntry(app);
    assert.equal(entry.valid, false);
    assert.deepEqual(entry.warnings, []);
  });

  it('the JSON Lines export carries the warnings too', async () => {
    const app = agent();
    await app.post('/api/2.0/crm/task').set(TOKEN).send(VALID);
    const line = JSON.parse((await app.get('/__admin/requests.jsonl')).text.trim()) as Entry;
    assert.deepEqual(line.warnings, [NOT_ENFORCED_RESPONSIBLE]);
  });
});

describe('the x-requiredNotEnforced list', () => {
  const registry = loadSchemas(FORMATS);

  it('names, for ONLYOFFICE create, responsibleId; each listed field is one the schema requires (else the list would say nothing)', () => {
    for (const name of ['onlyoffice/create-task-request', 'onlyoffice/authentication-request', 'wello/task']) {
      const schema = registry.get(name);
      const listed = (schema['x-requiredNotEnforced'] ?? []) as string[];
      for (const field of listed) assert.ok(schema.required?.includes(field), `${name}: ${field} is listed but not required`);
    }
    assert.deepEqual(registry.get('onlyoffice/create-task-request')['x-requiredNotEnforced'], ['responsibleId']);
  });

  it('is read from the schema, not from a field name: a field not listed gets no warning, even when it is missing', () => {
    const record = { api: 'onlyoffice' as const, operation: 'createTask', errors: [MISSING_RESPONSIBLE, { path: '/title', message: "must have required property 'title'" }] };
    assert.deepEqual(contractWarnings(record), [NOT_ENFORCED_RESPONSIBLE]);
    assert.deepEqual(contractWarnings({ ...record, operation: 'authenticate' }), [], 'authenticate lists nothing');
    assert.deepEqual(contractWarnings({ ...record, operation: 'unknown' }), []);
    assert.deepEqual(contractWarnings({ ...record, api: 'wello' }), []);
  });
});
