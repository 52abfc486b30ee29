import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createStub } from '../src/stub.js';
import { agent, fixturesWith, TOKEN, VALID } from './helpers.js';

describe('fixtures', () => {
  it('ship the 12 standard categories (ids 1..12, sortOrder 1..12, with icons) and the seed\'s user 9924256A-739C-462b-AF15-E652A3B1B6EB (docs/fidelity.md, ONLYOFFICE: Default categories)', () => {
    const { onlyoffice } = createStub({ seed: 1 }).context.fixtures;
    assert.deepEqual(onlyoffice.categories.map((c) => c.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(onlyoffice.categories.map((c) => c.sortOrder), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.ok(onlyoffice.users.some((u) => u.id === '9924256a-739c-462b-af15-e652a3b1b6eb'));
    assert.equal(onlyoffice.removedUser.id, '4a515a15-d4d6-4b8e-828e-e0586f18f3a3');
    assert.equal(onlyoffice.removedUser.displayName, 'Profile has been removed');
  });

  it('--fixtures loads another directory: a category added there can be used', async () => {
    const dir = fixturesWith((data) => (data.categories as unknown[]).push({ id: 40, title: 'Custom', imagePath: '/x.png', sortOrder: 13 }));
    const res = await agent({ fixtures: dir }).post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, categoryId: 40 });
    assert.equal(res.status, 201);
    assert.equal(res.body.response.category.title, 'Custom');
  });

  it('a portal in another time zone reads zone-less deadlines in it and writes every date with its +hh:mm offset (docs/fidelity.md, ONLYOFFICE: Dates)', async () => {
    const dir = fixturesWith((data) => ((data.portal as { utcOffsetMinutes: number }).utcOffsetMinutes = 180));
    const res = await agent({ fixtures: dir, clock: '2026-11-24T10:00:00Z' }).post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, deadline: '2026-12-01T09:00:00' });
    assert.equal(res.body.response.created, '2026-11-24T13:00:00.0000000+03:00');
    assert.equal(res.body.response.deadLine, '2026-12-01T09:00:00.0000000+03:00');
    const utc = await agent({ fixtures: dir }).post('/api/2.0/crm/task').set(TOKEN).send({ ...VALID, deadline: '2026-12-01T09:00:00Z' });
    assert.equal(utc.body.response.deadLine, '2026-12-01T12:00:00.0000000+03:00');
  });

  it('a bad fixture file stops the start with its path and the field', () => {
    const dir = fixturesWith((data) => delete (data.portal as Record<string, unknown>).host);
    assert.throws(() => createStub({ fixtures: dir }), /onlyoffice\.json: field \/portal must have required property 'host'/);
    const missing = fixturesWith(() => undefined) + '/nope';
    assert.throws(() => createStub({ fixtures: missing }), /fixture .*nope\/onlyoffice\.json: ENOENT/);
  });
});

describe('Wello fixtures', () => {
  it('ship every GUID of the seed sample, and exactly one default type, status and priority', () => {
    const { wello } = createStub({ seed: 1 }).context.fixtures;
    assert.ok(wello.taskTypes.some((t) => t.id === '0d617cf0-d523-44dc-aadd-19baf06cf913'));
    assert.ok(wello.taskStatuses.some((t) => t.id === 'd04abcdd-1a87-4d49-af1d-33ef6195ebd3'));
    assert.ok(wello.taskPriorities.some((t) => t.id === 'd69a8b21-9de2-4ec2-9a48-f91277b2ba4c'));
    assert.ok(wello.companies.some((c) => c.id === '586e803d-0d26-4307-9727-b1f8abd97122'));
    assert.ok(wello.contacts.some((c) => c.id === '4c11664c-c6df-4e35-beb3-0290ddc7b6d7'));
    assert.ok(wello.linkedTables?.some((t) => t.id === '4ea0c198-0550-444a-b8a6-2949d3c2938b'));
  });

  /** A copy of the shipped fixtures with wello.json changed by `edit`. */
  function welloWith(edit: (data: Record<string, { default?: boolean; isDefault?: boolean }[]>) => void): string {
    const dir = fixturesWith(() => undefined);
    const file = `${dir}/wello.json`;
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { default?: boolean }[]>;
    edit(data);
    writeFileSync(file, JSON.stringify(data));
    return dir;
  }

  it('a Wello fixture with two default statuses stops the start, saying the rule and how many it found', () => {
    const dir = welloWith((data) => (data.taskStatuses![1]!.default = true));
    assert.throws(() => createStub({ fixtures: dir }), {
      message: `fixture ${dir}/wello.json: field /taskStatuses must have exactly one entry with "default": true (found 2)`,
    });
  });

  it('a Wello fixture with no default priority says found 0; a misspelt "isDefault" is named, with the key meant', () => {
    const none = welloWith((data) => data.taskPriorities!.forEach((p) => delete p.default));
    assert.throws(() => createStub({ fixtures: none }), /field \/taskPriorities must have exactly one entry with "default": true \(found 0\)$/);
    const misspelt = welloWith((data) => {
      const first = data.taskTypes!.find((t) => t.default)!;
      delete first.default;
      first.isDefault = true;
    });
    assert.throws(() => createStub({ fixtures: misspelt }), /wello\.json: field \/taskTypes\/\d+: unknown key "isDefault" \(did you mean "default"\?\); known keys: id, name, default$/);
  });
});
