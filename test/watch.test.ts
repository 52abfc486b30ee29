import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCli } from './cli-helpers.js';
import { fixturesWith, TOKEN, VALID } from './helpers.js';

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('serve --watch', () => {
  it('reloads the fixtures when they change, keeping the journal and the counters; a bad edit keeps the old fixtures', async () => {
    const dir = fixturesWith(() => undefined);
    const file = join(dir, 'onlyoffice.json');
    const cli = await startCli(['--port', '0', '--fixtures', dir, '--watch']);
    const create = async (categoryId: number) => {
      const res = await fetch(`${cli.url}/api/2.0/crm/task`, { method: 'POST', headers: { ...TOKEN, 'Content-Type': 'application/json' }, body: JSON.stringify({ ...VALID, categoryId }) });
      return { status: res.status, body: (await res.json()) as { response?: { id: number; category: { title: string } } } };
    };
    try {
      assert.equal((await create(1)).body.response?.id, 1);
      assert.equal((await create(40)).status, 404, 'no category 40 yet');

      const data = JSON.parse(readFileSync(file, 'utf8')) as { categories: object[] };
      data.categories.push({ id: 40, title: 'Added while serving', imagePath: '/x.png', sortOrder: 13 });
      writeFileSync(file, JSON.stringify(data));
      const after = await until(() => create(40), (r) => r.status === 201);
      assert.equal(after.status, 201);
      assert.equal(after.body.response?.category.title, 'Added while serving');
      assert.equal(after.body.response?.id, 2, 'the task-id counter was kept');

      writeFileSync(file, '{ not json');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await create(40)).status, 201, 'a bad edit keeps the fixtures that worked');

      const journal = (await (await fetch(`${cli.url}/__admin/requests`)).json()) as { total: number };
      assert.ok(journal.total >= 4, 'the journal was kept');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
