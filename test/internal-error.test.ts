// A bug in the core must cost one request, never the server: both adapters
// answer it with the same 500 (not a fidelity point: the real servers' own
// bugs are not modelled), log it, and go on.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { bodyLimitBytes, createRequestListener } from '../src/server.js';
import { createStub } from '../src/stub.js';
import { FIXED, TOKEN, VALID } from './helpers.js';

const adapters = {
  express: (stub: ReturnType<typeof createStub>) => createApp(FIXED, stub),
  'node:http': (stub: ReturnType<typeof createStub>) => createRequestListener(stub, createApp({ ...FIXED, cors: { enabled: false } }, stub), bodyLimitBytes(undefined)),
};

describe('a request the core fails on (a bug) gets a 500 and the server keeps answering', () => {
  const logged: unknown[] = [];
  const consoleError = console.error;
  beforeEach(() => {
    logged.length = 0;
    console.error = (...args: unknown[]) => void logged.push(args[0]);
  });
  afterEach(() => {
    console.error = consoleError;
  });

  for (const [name, listen] of Object.entries(adapters)) {
    it(`through the ${name} adapter: the same 500 body as the Express error handler, the error logged, the next call answered`, async () => {
      const stub = createStub(FIXED);
      const handle = stub.handle.bind(stub);
      let failNext = true;
      stub.handle = (req, flags) => {
        if (failNext) {
          failNext = false;
          throw new Error('a bug in the core');
        }
        return handle(req, flags);
      };
      const app = request(listen(stub));
      const failed = await app.post('/api/2.0/crm/task').set(TOKEN).send(VALID);
      assert.equal(failed.status, 500);
      assert.match(failed.headers['content-type']!, /^application\/json/);
      assert.deepEqual(failed.body, { Message: 'An error has occurred.' });
      assert.equal((logged[0] as Error).message, 'a bug in the core');
      const next = await app.post('/api/2.0/crm/task').set(TOKEN).send(VALID);
      assert.equal(next.status, 201);
    });
  }
});
