import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createStubServer } from 'taskstub';
import { connect, type TaskstubClient } from 'taskstub/client';

// In process here (the same server `taskstub serve` runs, on a free port); against
// `npx taskstub` or a container, just connect() to its URL.
const server = createStubServer({ seed: 1 }).listen(0, '127.0.0.1');
let stub: TaskstubClient;

before(async () => {
  await once(server, 'listening');
  // One session per test file (or CI job): its own journal view and id counters.
  stub = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { session: 'printer-tests' });
});
after(() => {
  server.closeAllConnections(); // fetch keeps its connections alive
  server.close();
});

test('reporting a broken printer creates one Wello task', async () => {
  // The code under test would make this call, with the session header added.
  await fetch(`${stub.url}/api/Task`, {
    method: 'POST',
    headers: { ...stub.headers, Authorization: `Basic ${btoa('me@example.com:secret@ACME')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subject: 'Printer on floor 3 is jammed', customer_reference: 'T-1' }),
  });

  await stub.verify({ api: 'wello', method: 'POST', path: '/api/Task', body: { customer_reference: 'T-1' } }, 1);
  const [call] = (await stub.requests({ api: 'wello' })).requests;
  assert.equal(call?.response.status, 201);
  assert.equal((call?.response.body as { id2: number }).id2, 1);
});
