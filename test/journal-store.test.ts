// The journal's storage outside the V8 heap: the byte ring, the entry codec,
// and the journal's reads by id and age. The admin API's view of the journal
// is tested in journal.test.ts; these check that what is stored comes back
// exactly, whatever the sizes and the order of adds, evictions and clears.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CoreRequest } from '../src/core/http.js';
import { type CallRecord, CheckedLater, type Verdict } from '../src/core/record.js';
import { ByteWriter } from '../src/journal/bytes.js';
import { decodeEntry, encodeEntry, type EntryFields } from '../src/journal/codec.js';
import { createJournal } from '../src/journal/journal.js';
import { RecordRing } from '../src/journal/record-ring.js';

/** A record of n bytes that says which record it is in every byte. */
const recordOf = (tag: number, n: number) => Buffer.alloc(n, tag % 251);

describe('RecordRing: variable-length records, first in first out, in one reused buffer', () => {
  type Command = { kind: 'push'; size: number } | { kind: 'shift' } | { kind: 'retain'; keepEvery: number };
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('push' as const), size: fc.nat(12) }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'shift' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), keepEvery: fc.integer({ min: 1, max: 3 }) }) },
  );

  it('holds exactly what a plain array would, through growth, wrap-around and compaction (model-based)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.array(command, { maxLength: 300 }), (limit, capacity, commands) => {
        const ring = new RecordRing(limit, capacity);
        const model: { tag: number; size: number }[] = [];
        let tag = 0;
        for (const c of commands) {
          if (c.kind === 'push') {
            if (model.length === limit) {
              ring.shift();
              model.shift();
            }
            tag++;
            ring.push(recordOf(tag, c.size));
            model.push({ tag, size: c.size });
          } else if (c.kind === 'shift') {
            ring.shift();
            model.shift();
          } else {
            const kept = ring.retain((k) => k % c.keepEvery === 0);
            assert.equal(kept.length, model.filter((_, k) => k % c.keepEvery === 0).length);
            model.splice(0, model.length, ...model.filter((_, k) => k % c.keepEvery === 0));
          }
          assert.equal(ring.size, model.length);
          model.forEach((m, k) => assert.ok(ring.bytes(k).equals(recordOf(m.tag, m.size)), `record ${k} after ${c.kind}`));
        }
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('reuses its buffer once it holds the working set: a steady stream of records does not grow it', () => {
    const ring = new RecordRing(100);
    for (let i = 0; i < 1000; i++) {
      if (ring.size === 100) ring.shift();
      ring.push(recordOf(i, 1400));
    }
    const settled = ring.capacity;
    for (let i = 0; i < 100_000; i++) {
      ring.shift();
      ring.push(recordOf(i, 1400));
    }
    assert.equal(ring.capacity, settled);
    assert.ok(settled < 100 * 1400 * 2, `capacity ${settled} for 140,000 bytes held`);
  });

  it('refuses a push into a full ring (the journal evicts first)', () => {
    const ring = new RecordRing(1);
    ring.push(recordOf(1, 3));
    assert.throws(() => ring.push(recordOf(2, 3)), /full ring/);
  });
});

describe('RecordRing with a byte budget: what it holds and its buffer stay within the budget', () => {
  type Command = { kind: 'push'; size: number } | { kind: 'shift' } | { kind: 'retain'; keepEvery: number };
  // Sizes up to 1.5 budgets: some records are larger than the whole budget.
  const command = (maxBytes: number): fc.Arbitrary<Command> =>
    fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('push' as const), size: fc.nat(Math.ceil(maxBytes * 1.5)) }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'shift' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('retain' as const), keepEvery: fc.integer({ min: 1, max: 3 }) }) },
    );

  it('pushed as the journal pushes (drop the oldest until it fits), it holds the newest records, within the budget, in a buffer within it (model-based)', () => {
    const scenario = fc.integer({ min: 1, max: 60 }).chain((maxBytes) =>
      fc.tuple(fc.constant(maxBytes), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.array(command(maxBytes), { maxLength: 300 })),
    );
    fc.assert(
      fc.property(scenario, ([maxBytes, limit, capacity, commands]) => {
        const ring = new RecordRing(limit, capacity, maxBytes);
        const model: { tag: number; size: number }[] = [];
        let tag = 0;
        for (const c of commands) {
          if (c.kind === 'push') {
            tag++;
            const record = recordOf(tag, c.size);
            while (ring.tryPush(record) < 0) {
              assert.ok(model.length > 0, 'an empty ring takes any record');
              ring.shift();
              model.shift();
            }
            model.push({ tag, size: c.size });
            // What had to go: the count limit, the budget, or (at most) what a wrap leaves unused at the buffer's end.
            const held = model.reduce((sum, m) => sum + m.size, 0);
            assert.ok(model.length <= limit);
            assert.ok(held <= maxBytes || model.length === 1, `${held} bytes held in ${model.length} records, budget ${maxBytes}`);
          } else if (c.kind === 'shift') {
            ring.shift();
            model.shift();
          } else {
            ring.retain((k) => k % c.keepEvery === 0);
            model.splice(0, model.length, ...model.filter((_, k) => k % c.keepEvery === 0));
          }
          assert.equal(ring.size, model.length);
          assert.equal(ring.held, model.reduce((sum, m) => sum + m.size, 0));
          model.forEach((m, k) => assert.ok(ring.bytes(k).equals(recordOf(m.tag, m.size)), `record ${k} after ${c.kind}`));
          // The buffer never outgrows the budget, but for one record larger than it, held alone in a buffer of its size.
          if (ring.held > maxBytes) assert.ok(ring.size === 1 && ring.capacity === ring.held, `capacity ${ring.capacity}, ${ring.size} records`);
          else assert.ok(ring.capacity <= maxBytes, `capacity ${ring.capacity} over the budget ${maxBytes}`);
        }
      }),
      { numRuns: 1000, seed: 9 },
    );
  });

  it('a steady stream of 1 MB records in a 10 MB budget: a buffer of at most 10 MB, and at most one record more dropped than the budget needs', () => {
    const mb = 1024 * 1024;
    const ring = new RecordRing(10_000, undefined, 10 * mb);
    let dropped = 0;
    for (let i = 0; i < 200; i++) {
      const record = recordOf(i, mb + (i % 7) * 1000);
      while (ring.tryPush(record) < 0) {
        ring.shift();
        dropped++;
      }
      assert.ok(ring.held <= 10 * mb);
      assert.ok(ring.capacity <= 10 * mb, `capacity ${ring.capacity}`);
      if (i >= 10) assert.ok(ring.size >= 8, `only ${ring.size} records held after push ${i}`);
    }
    assert.equal(dropped, 200 - ring.size);
  });

  it('push (rather than tryPush) says why a record does not fit', () => {
    const ring = new RecordRing(5, 16, 10);
    ring.push(recordOf(1, 6));
    assert.throws(() => ring.push(recordOf(2, 6)), /byte budget/);
  });
});

/** Objects with Object.prototype, as the adapters build them (fast-check may make null-prototype ones). */
const plain: typeof fc.record = ((model: never, options?: object) => fc.record(model, { ...options, noNullPrototype: true } as never)) as typeof fc.record;
const plainDictionary = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>, options: { maxKeys: number }) => fc.dictionary(key, value, { ...options, noNullPrototype: true });
const text = fc.string({ unit: 'binary', maxLength: 120 });
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const request: fc.Arbitrary<CoreRequest> = plain({
  method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
  path: text,
  query: plainDictionary(text, text, { maxKeys: 3 }),
  headers: plainDictionary(headerName, fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 6 }),
  body: fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
});
const record: fc.Arbitrary<CallRecord> = plain({
  api: fc.constantFrom('onlyoffice' as const, 'wello' as const),
  operation: text,
  valid: fc.boolean(),
  errors: fc.array(plain({ path: text, message: text }), { maxLength: 3 }),
  issued: plain(
    { taskId: fc.nat(), id2: fc.nat(), guids: fc.array(fc.uuid(), { maxLength: 2 }), token: text },
    { requiredKeys: [] },
  ),
});
const entryFields: fc.Arbitrary<EntryFields> = plain(
  {
    time: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    request,
    result: plain({
      response: plain({ status: fc.integer({ min: 0, max: 999 }), headers: plainDictionary(headerName, text, { maxKeys: 4 }), body: fc.string({ unit: 'binary', maxLength: 3000 }) }),
      record,
    }),
    durationMs: fc.double({ noNaN: true }),
    fault: plain({ delayMs: fc.nat(), status: fc.integer({ min: 400, max: 599 }), empty: fc.constant(true as const), reset: fc.constant(true as const) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['time', 'request', 'result', 'durationMs'] },
);

const noRecheck = () => assert.fail('a stored verdict must not be recomputed');

describe('the entry codec: every field of a journal entry round-trips through bytes', () => {
  it('decode(encode(entry)) equals the entry, key order included (fast-check)', () => {
    const writer = new ByteWriter();
    fc.assert(
      fc.property(entryFields, (fields) => {
        encodeEntry(writer, fields);
        const decoded = decodeEntry(Buffer.from(writer.bytes()), noRecheck);
        assert.deepEqual(decoded, { fault: undefined, ...fields });
        assert.deepEqual(Object.keys(decoded.request.headers), Object.keys(fields.request.headers));
        assert.deepEqual(Object.keys(decoded.result.response.headers), Object.keys(fields.result.response.headers));
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('drops headers whose value is undefined, as HTTP never sends them', () => {
    const writer = new ByteWriter();
    const fields: EntryFields = {
      time: 1n,
      request: { method: 'POST', path: '/p', query: {}, headers: { a: 'x', b: undefined }, body: Buffer.alloc(0) },
      result: { response: { status: 201, headers: {}, body: '' }, record: { api: 'wello', operation: 'createTask', valid: true, errors: [], issued: {} } },
      durationMs: 0,
    };
    encodeEntry(writer, fields);
    assert.deepEqual(decodeEntry(writer.bytes(), noRecheck).request.headers, { a: 'x' });
  });

  it('a lone surrogate is stored as U+FFFD, as the wire carries it (UTF-8 has no lone surrogates)', () => {
    const writer = new ByteWriter();
    const response = { status: 400, headers: {}, body: 'bad: \ud800!' };
    encodeEntry(writer, { time: 1n, request: { method: 'POST', path: '/p', query: {}, headers: {}, body: Buffer.alloc(0) }, result: { response, record: { api: 'wello', operation: 'x', valid: false, errors: [], issued: {} } }, durationMs: 0 });
    assert.equal(decodeEntry(writer.bytes(), noRecheck).result.response.body, Buffer.from(response.body).toString('utf8'));
    assert.equal(decodeEntry(writer.bytes(), noRecheck).result.response.body, 'bad: \ufffd!');
  });

  it('a deferred verdict is neither computed when stored nor stored; reading it asks the API once, with the stored request', () => {
    const writer = new ByteWriter();
    const req: CoreRequest = { method: 'POST', path: '/api/2.0/crm/task', query: { a: '1' }, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"title":"x"}') };
    let checks = 0;
    const verdict: Verdict = { valid: false, errors: [{ path: '/deadline', message: 'required' }] };
    const result = new CheckedLater({ status: 201, headers: {}, body: '{}' }, 'onlyoffice', 'createTask', { taskId: 4 }, req, () => {
      checks++;
      return verdict;
    });
    encodeEntry(writer, { time: 5n, request: req, result, durationMs: 1 });
    assert.equal(checks, 0, 'storing does not run the check');

    const asked: unknown[] = [];
    const decoded = decodeEntry(writer.bytes(), (api, operation, request) => {
      asked.push({ api, operation, request });
      return verdict;
    });
    assert.ok(decoded.result instanceof CheckedLater);
    assert.equal(asked.length, 0, 'decoding does not run it either');
    const expected: CallRecord = { api: 'onlyoffice', operation: 'createTask', valid: false, errors: verdict.errors, issued: { taskId: 4 } };
    assert.deepEqual(decoded.result.record, expected);
    assert.deepEqual(decoded.result.record, expected);
    assert.deepEqual(asked, [{ api: 'onlyoffice', operation: 'createTask', request: req }], 'asked once, with the request as stored');
  });
});

describe('the journal reads entries by id, by age and by session', () => {
  const fieldsFor = (n: number): EntryFields & { session: string } => ({
    session: n % 2 === 0 ? 'even' : 'odd',
    time: BigInt(n),
    request: { method: 'POST', path: `/p/${n}`, query: {}, headers: {}, body: Buffer.from(String(n)) },
    result: { response: { status: 201, headers: {}, body: `answer ${n}` }, record: { api: 'wello', operation: 'createTask', valid: true, errors: [], issued: { id2: n } } },
    durationMs: n,
  });

  it('get(id), newest(count, afterId) and size follow adds, evictions and a cleared session', () => {
    const journal = createJournal(5, noRecheck);
    for (let n = 1; n <= 8; n++) journal.add(fieldsFor(n));
    assert.equal(journal.size, 5);
    assert.deepEqual(journal.entries().map((e) => e.id), [4, 5, 6, 7, 8]);
    assert.equal(journal.get(3), undefined, 'evicted');
    assert.equal(journal.get(6)?.request.path, '/p/6');
    assert.equal(journal.get(9), undefined);
    assert.equal(journal.get(Number.NaN), undefined);
    assert.deepEqual(journal.newest(2, 0).map((e) => e.id), [7, 8]);
    assert.deepEqual(journal.newest(10, 5).map((e) => e.id), [6, 7, 8]);
    assert.deepEqual(journal.newest(10, 5.5).map((e) => e.id), [6, 7, 8]);
    journal.clear('even');
    assert.deepEqual(journal.entries().map((e) => e.id), [5, 7]);
    assert.equal(journal.get(6), undefined);
    assert.equal(journal.get(7)?.result.response.body, 'answer 7');
    assert.deepEqual(journal.entries('odd').map((e) => e.session), ['odd', 'odd']);
    assert.equal(journal.evicted('even'), 0, 'a cleared session forgets its evictions');
    assert.equal(journal.evicted('odd'), 2);
    journal.add(fieldsFor(9));
    assert.deepEqual(journal.entries().map((e) => e.id), [5, 7, 9]);
  });

  it('calls(session) read the summary from the bytes and decode the whole entry only when asked, and not after a change', () => {
    const journal = createJournal(5, noRecheck);
    for (let n = 1; n <= 4; n++) journal.add(fieldsFor(n));
    const calls = journal.calls('odd');
    assert.deepEqual(
      calls.map(({ id, session, api, operation, method, path, status }) => ({ id, session, api, operation, method, path, status })),
      [1, 3].map((n) => ({ id: n, session: 'odd', api: 'wello', operation: 'createTask', method: 'POST', path: `/p/${n}`, status: 201 })),
    );
    assert.equal(calls[1]!.entry().result.response.body, 'answer 3');
    assert.equal(calls[1]!.entry(), calls[1]!.entry(), 'decoded once');
    journal.add(fieldsFor(5));
    assert.throws(() => calls[0]!.entry(), /after the journal changed/);
  });

  it('with a byte budget, holds the newest entries within it; every entry it no longer holds is counted evicted, overall and per session (model-based)', () => {
    const sized = (n: number, session: string, bodySize: number): EntryFields & { session: string } => ({
      ...fieldsFor(n),
      session,
      request: { method: 'POST', path: `/p/${n}`, query: {}, headers: {}, body: Buffer.alloc(bodySize, n % 251) },
    });
    const adds = fc.array(fc.record({ session: fc.constantFrom('a', 'b', 'c'), bodySize: fc.nat(3000) }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 200, max: 8000 }), adds, (limit, maxBytes, calls) => {
        const journal = createJournal(limit, noRecheck, { maxBytes });
        const added = new Map<string, number>();
        calls.forEach(({ session, bodySize }, i) => {
          journal.add(sized(i + 1, session, bodySize));
          added.set(session, (added.get(session) ?? 0) + 1);
          assert.ok(journal.bytes <= maxBytes || journal.size === 1, `${journal.bytes} bytes in ${journal.size} entries, budget ${maxBytes}`);
          assert.ok(journal.size <= limit);
          const ids = journal.entries().map((e) => e.id);
          assert.equal(ids.at(-1), i + 1, 'the newest is always held');
          assert.deepEqual(ids, Array.from({ length: ids.length }, (_, k) => i + 2 - ids.length + k), 'the newest, contiguous');
          assert.equal(journal.size + journal.evicted(), i + 1);
          for (const [name, count] of added) assert.equal(journal.entries(name).length + journal.evicted(name), count, `session ${name}`);
        });
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('an entry larger than the whole budget is kept, alone, until the next one', () => {
    const journal = createJournal(10, noRecheck, { maxBytes: 1000 });
    journal.add(fieldsFor(1));
    journal.add({ ...fieldsFor(2), request: { method: 'POST', path: '/big', query: {}, headers: {}, body: Buffer.alloc(5000, 1) } });
    assert.deepEqual(journal.entries().map((e) => e.id), [2]);
    assert.equal(journal.get(2)?.request.body.length, 5000, 'recorded whole');
    assert.ok(journal.bytes > 1000);
    journal.add(fieldsFor(3));
    assert.deepEqual(journal.entries().map((e) => e.id), [3]);
    assert.ok(journal.bytes < 1000);
    assert.equal(journal.evicted(), 2);
  });

  it('evictSession drops the session\'s entries at once, counted evicted once, though the ring drops their bytes later', () => {
    const journal = createJournal(4, noRecheck);
    const events: unknown[] = [];
    journal.subscribe((event) => events.push(event));
    for (let n = 1; n <= 4; n++) journal.add(fieldsFor(n)); // odd: 1, 3; even: 2, 4
    journal.evictSession('odd');
    assert.deepEqual(events.at(-1), { kind: 'cleared', session: 'odd' }, 'the live page drops its rows');
    assert.equal(journal.size, 2);
    assert.deepEqual(journal.entries().map((e) => e.id), [2, 4]);
    assert.deepEqual(journal.calls('odd'), []);
    assert.equal(journal.get(3), undefined);
    assert.deepEqual(journal.newest(10, 0).map((e) => e.id), [2, 4]);
    assert.deepEqual(journal.newest(1, 0).map((e) => e.id), [4]);
    assert.equal(journal.evicted('odd'), 2);
    assert.equal(journal.evicted(), 2);
    // The ring is full: 4 slots, ids 1 and 3 dead. Its oldest go first as ever; a dead one goes without being counted again.
    journal.add(fieldsFor(5)); // id 5 (odd, called again): drops dead 1
    assert.deepEqual(journal.entries().map((e) => e.id), [2, 4, 5]);
    assert.equal(journal.evicted(), 2);
    journal.add(fieldsFor(6)); // id 6: drops 2, counted
    assert.deepEqual([journal.evicted(), journal.evicted('even')], [3, 1]);
    journal.add(fieldsFor(8)); // id 7: drops dead 3
    assert.deepEqual(journal.entries().map((e) => e.id), [4, 5, 6, 7]);
    assert.equal(journal.evicted(), 3);
    assert.equal(journal.evicted('odd'), 2, 'the session called again: its earlier evictions still count');
    // A clear drops what is left of an evicted session too.
    journal.evictSession('even');
    assert.equal(journal.size, 1);
    journal.clear('odd');
    assert.deepEqual(journal.entries().map((e) => e.id), []);
    assert.equal(journal.size, 0);
    assert.deepEqual([journal.evicted(), journal.evicted('even'), journal.evicted('odd')], [4, 4, 0], "odd's 2 evictions left the total with it");
  });

  it('adds, session evictions and clears in any order: what is shown and every count match a model of the ring (model-based)', () => {
    type Command = { kind: 'add'; session: string } | { kind: 'evictSession'; session: string } | { kind: 'clear'; session?: string };
    const session = fc.constantFrom('a', 'b', 'c', 'd');
    const command: fc.Arbitrary<Command> = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('add' as const), session }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('evictSession' as const), session }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), session: fc.option(session, { nil: undefined }) }, { requiredKeys: ['kind'] }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(command, { maxLength: 200 }), (limit, commands) => {
        const journal = createJournal(limit, noRecheck);
        // The ring's slots, oldest first: an evicted session's entries keep their slots until the ring drops them.
        let slots: { id: number; session: string; dead: boolean }[] = [];
        const evicted = new Map<string, number>();
        let total = 0;
        let id = 0;
        const count = (s: string, n: number) => {
          evicted.set(s, (evicted.get(s) ?? 0) + n);
          total += n;
        };
        for (const c of commands) {
          if (c.kind === 'add') {
            if (slots.length === limit) {
              const old = slots.shift()!;
              if (!old.dead) count(old.session, 1);
            }
            journal.add({ ...fieldsFor(1), session: c.session });
            slots.push({ id: ++id, session: c.session, dead: false });
          } else if (c.kind === 'evictSession') {
            const mine = slots.filter((slot) => slot.session === c.session && !slot.dead);
            for (const slot of mine) slot.dead = true;
            count(c.session, mine.length);
            journal.evictSession(c.session);
            journal.sessionMade(c.session);
          } else {
            journal.clear(c.session);
            if (c.session === undefined) {
              slots = [];
              evicted.clear();
              total = 0;
            } else {
              slots = slots.filter((slot) => !slot.dead && slot.session !== c.session);
              total -= evicted.get(c.session) ?? 0;
              evicted.delete(c.session);
            }
          }
          const shown = slots.filter((slot) => !slot.dead);
          assert.deepEqual(journal.entries().map((e) => [e.id, e.session]), shown.map((slot) => [slot.id, slot.session]), `after ${JSON.stringify(c)}`);
          assert.equal(journal.size, shown.length);
          assert.equal(journal.evicted(), total);
          for (const s of ['a', 'b', 'c', 'd']) assert.equal(journal.evicted(s), evicted.get(s) ?? 0, `evicted(${s}) after ${JSON.stringify(c)}`);
          for (const slot of slots) assert.equal(journal.get(slot.id)?.id, slot.dead ? undefined : slot.id);
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it('keeps the eviction counts of at most evictedSessionsKept evicted sessions (the oldest evicted are forgotten)', () => {
    const journal = createJournal(100, noRecheck, { evictedSessionsKept: 2 });
    for (const session of ['s1', 's2', 's3']) journal.add({ ...fieldsFor(1), session });
    for (const session of ['s1', 's2', 's3']) journal.evictSession(session);
    assert.deepEqual(['s1', 's2', 's3'].map((s) => journal.evicted(s)), [0, 1, 1]);
    assert.equal(journal.evicted(), 3, 'the total keeps them all');
    // s2 is made again: its count is a held session's, kept however many others are evicted.
    journal.sessionMade('s2');
    for (const session of ['s4', 's5']) {
      journal.add({ ...fieldsFor(1), session });
      journal.evictSession(session);
    }
    assert.deepEqual(['s2', 's3', 's4', 's5'].map((s) => journal.evicted(s)), [1, 0, 1, 1]);
  });

  it('an entry read back equals the one added, apart from what only the answering code holds', () => {
    const journal = createJournal(3, noRecheck);
    const added = journal.add(fieldsFor(1));
    const read = journal.get(1)!;
    assert.equal(read.parsedBody, undefined);
    assert.deepEqual({ ...read, parsedBody: undefined }, { ...added, parsedBody: undefined });
  });
});
