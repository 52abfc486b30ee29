// The shared Redis store against a real redis-server (test/redis-server.ts):
// two or three RedisStore instances, each with its own connection, stand for
// replicas of one deployment. Each test takes its own key prefix, so the tests
// of this file share one server and never see each other's keys; the test that
// kills Redis has a server of its own. Also the pure parts: counter-based draws
// (src/store/draws.ts) and the --store URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ByteWriter } from '../src/journal/bytes.js';
import { decodeEntry, encodeEntry, type EntryFields } from '../src/journal/codec.js';
import { drawDigest, guidFor, tokenSeedFor } from '../src/store/draws.js';
import { FaultMirror, parseRedisUrl, RedisStore, type RedisStoreOptions, type SharedJournalEvent, StoreUnavailableError, StoreUrlError } from '../src/store/redis/index.js';
import { TaskLimitError } from '../src/store/task-table.js';
import { RedisServer, skipWithoutRedis } from './redis-server.js';
import type { CallView } from '../src/journal/matcher.js';
import type { SharedStore } from '../src/store/async-store.js';

// The Redis store implements the proposed shared interface (a type check: this line fails to compile if it does not).
export type RedisStoreIsShared = RedisStore extends SharedStore ? true : never;
const isShared: RedisStoreIsShared = true;
void isShared;

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('counter-based draws (src/store/draws.ts)', () => {
  it('guidFor is a version-4 GUID in lower-case D form, the same for the same (seed, session, n)', () => {
    const guid = guidFor(7, 'job-42', 0);
    assert.match(guid, GUID_V4);
    assert.equal(guidFor(7, 'job-42', 0), guid);
    assert.notEqual(guidFor(8, 'job-42', 0), guid);
    assert.notEqual(guidFor(7, 'job-43', 0), guid);
    assert.notEqual(guidFor(7, 'job-42', 1), guid);
  });

  it('20,000 draws over 20 sessions and two seeds are all distinct', () => {
    const seen = new Set<string>();
    for (const seed of [1, 2]) for (let s = 0; s < 10; s++) for (let n = 0; n < 1000; n++) seen.add(guidFor(seed, `session-${s}`, n));
    assert.equal(seen.size, 20_000);
  });

  it('the inputs are length-prefixed: seed 1 with session "23" is not seed 12 with session "3"', () => {
    assert.notDeepEqual(drawDigest(1, '23', 'guid', 0), drawDigest(12, '3', 'guid', 0));
    assert.notDeepEqual(drawDigest(1, 'a', 'guid', 0), drawDigest(1, 'a', 'token', 0));
    assert.throws(() => drawDigest(1, 'a', 'guid', -1), RangeError);
  });

  it('tokenSeedFor is a deterministic 32-bit seed of its own stream', () => {
    const seed = tokenSeedFor(1, 'a', 0);
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
    assert.equal(tokenSeedFor(1, 'a', 0), seed);
    assert.notEqual(tokenSeedFor(1, 'a', 1), seed);
  });
});

describe('--store URLs', () => {
  it('reads redis://, rediss:// and redis+unix:// with a prefix and a database, and hides the password', () => {
    const tcp = parseRedisUrl('redis://user:s3cret@cache.internal:6380/2?prefix=ci:');
    assert.deepEqual(tcp.connection, { username: 'user', password: 's3cret', host: 'cache.internal', port: 6380, db: 2 });
    assert.equal(tcp.prefix, 'ci:');
    assert.equal(tcp.display, 'redis://user:****@cache.internal:6380/2?prefix=ci:');
    const tls = parseRedisUrl('rediss://cache.internal');
    assert.deepEqual(tls.connection, { host: 'cache.internal', port: 6379, tls: { servername: 'cache.internal' } });
    assert.equal(tls.prefix, 'ts:');
    assert.deepEqual(parseRedisUrl('redis+unix:///run/redis/r.sock?db=3').connection, { path: '/run/redis/r.sock', db: 3 });
  });

  it('refuses what it cannot read, saying what it expected', () => {
    for (const bad of ['memory', 'http://h:1', 'redis://h/x', 'redis+unix://', 'redis://h?prefix=a*b', 'redis://h?timeout=1']) {
      assert.throws(() => parseRedisUrl(bad), StoreUrlError, bad);
    }
  });
});

/** One create's journal entry as the memory journal stores it (encodeEntry's bytes). */
function entryBytes(session: string, n: number): Buffer {
  const fields: EntryFields = {
    time: 638_000_000_000_000_000n + BigInt(n),
    request: { method: 'POST', path: '/api/Task', query: {}, headers: { 'x-stub-session': session }, body: Buffer.from(JSON.stringify({ subject: `call ${n}` })) },
    result: { response: { status: 201, headers: { 'content-type': 'application/json' }, body: `{"id2":${n}}` }, record: { api: 'wello', operation: 'createTask', valid: true, errors: [], issued: { id2: n } } },
    durationMs: 0.25,
  };
  const writer = new ByteWriter();
  encodeEntry(writer, fields);
  return Buffer.from(writer.bytes());
}

const noRecheck = () => {
  throw new Error('no deferred checks here');
};

const viewOf = (session: string, api = 'wello'): CallView => ({ session, api, method: 'POST', path: '/api/Task', status: undefined, body: () => ({}) });

describe('RedisStore: N replicas on one Redis', { skip: skipWithoutRedis }, () => {
  const server = new RedisServer();
  const open: RedisStore[] = [];
  let prefixes = 0;
  before(() => server.start());
  after(async () => {
    await Promise.all(open.map((store) => store.close()));
    await server.stop();
  });

  /** `count` replicas sharing one fresh key prefix. */
  async function replicas(count: number, options: RedisStoreOptions = {}): Promise<RedisStore[]> {
    const url = `${server.url}?prefix=t${++prefixes}:`;
    const stores = await Promise.all(Array.from({ length: count }, () => RedisStore.connect(url, options)));
    open.push(...stores);
    return stores;
  }

  it('500 concurrent begins split over three replicas take ids 1..500 per session, none twice, none skipped', async () => {
    const stores = await replicas(3);
    const calls = Array.from({ length: 1000 }, (_, i) => {
      const session = i % 2 ? 'job-a' : 'job-b';
      return stores[i % 3]!.begin(session, { welloId2: 1, onlyofficeTaskId: 1, guids: 2 }, { seen: 0 }).then((result) => ({ session, result }));
    });
    const results = await Promise.all(calls);
    for (const session of ['job-a', 'job-b']) {
      const mine = results.filter((r) => r.session === session).map((r) => r.result);
      assert.ok(mine.every((r) => r.kind === 'ok'));
      const ok = mine as Extract<(typeof mine)[number], { kind: 'ok' }>[];
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      const expected = Array.from({ length: 500 }, (_, i) => i + 1);
      assert.deepEqual(sorted(ok.map((r) => r.welloId2!)), expected);
      assert.deepEqual(sorted(ok.map((r) => r.onlyofficeTaskId!)), expected);
      // Two GUID draws per call: first indices 0, 2, 4, ... 998, so the GUIDs themselves never repeat.
      assert.deepEqual(sorted(ok.map((r) => r.guidDraw!)), expected.map((n) => (n - 1) * 2));
      assert.equal(new Set(ok.flatMap((r) => [guidFor(1, session, r.guidDraw!), guidFor(1, session, r.guidDraw! + 1)])).size, 1000);
    }
    // The next value is what GET /__admin/state shows, on any replica.
    assert.deepEqual(await stores[2]!.state.get('job-a'), { taskIdNext: 501, id2Next: 501, clock: undefined });
  });

  it('sessions are isolated, a begin that asks for nothing takes nothing, and reading a session makes none', async () => {
    const [a, b] = await replicas(2, { bases: { onlyofficeTaskId: 100, welloId2: 7 } });
    const first = await a!.begin('one', { onlyofficeTaskId: 1 }, { seen: 0 });
    assert.equal(first.kind === 'ok' && first.onlyofficeTaskId, 100);
    await b!.begin('one', {}, { seen: 0 });
    const second = await b!.begin('two', { onlyofficeTaskId: 1, welloId2: 1 }, { seen: 0 });
    assert.ok(second.kind === 'ok');
    assert.equal(second.onlyofficeTaskId, 100);
    assert.equal(second.welloId2, 7);
    assert.deepEqual(await a!.state.get('one'), { taskIdNext: 101, id2Next: 7, clock: undefined });
    const keys = await a!.client.keys(`${a!.keyBase}*`);
    assert.deepEqual(await b!.state.get('never-seen'), { taskIdNext: 100, id2Next: 7, clock: undefined });
    assert.deepEqual(await a!.client.keys(`${a!.keyBase}*`), keys);
  });

  it('the journal reads the same from every replica: dense ids, one order, exact evictions per session', async () => {
    const limit = 50;
    const stores = await replicas(3, { journalLimit: limit });
    const sessions = ['s0', 's1', 's2', 's3'];
    const made = new Map<string, number>();
    // 4 sessions, unequal shares (s0 gets the most), recorded concurrently from all three replicas.
    const records = Array.from({ length: 230 }, (_, i) => {
      const session = sessions[i % 7 < 4 ? 0 : (i % 7) - 3]!;
      made.set(session, (made.get(session) ?? 0) + 1);
      return stores[i % 3]!.journal.record(session, entryBytes(session, i));
    });
    const ids = await Promise.all(records);
    assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: 230 }, (_, i) => i + 1));
    const listings = await Promise.all(stores.map((store) => store.journal.page()));
    for (const listing of listings) assert.deepEqual(listing, listings[0]);
    const all = listings[0]!.calls;
    assert.equal(all.length, limit);
    assert.deepEqual(all.map((c) => c.id), Array.from({ length: limit }, (_, i) => 230 - limit + i + 1));
    assert.equal(listings[0]!.evicted, 230 - limit);
    assert.equal(await stores[1]!.journal.size(), limit);
    let evictedSum = 0;
    for (const session of sessions) {
      const page = await stores[2]!.journal.page(session);
      assert.deepEqual(page.calls, all.filter((c) => c.session === session), session);
      assert.equal(page.calls.length + page.evicted, made.get(session), `${session}: held + evicted = recorded`);
      assert.equal(await stores[0]!.journal.evicted(session), page.evicted);
      evictedSum += page.evicted;
    }
    assert.equal(evictedSum, 230 - limit);
    // The bytes are encodeEntry's: any replica decodes them.
    const last = await stores[0]!.journal.get(230);
    const decoded = decodeEntry(last!.bytes, noRecheck);
    assert.equal(decoded.request.path, '/api/Task');
    const n = Number(decoded.time - 638_000_000_000_000_000n);
    assert.deepEqual(last!.bytes, entryBytes(last!.session, n));
    assert.equal(await stores[0]!.journal.get(1), undefined);
    assert.equal(await stores[0]!.journal.bytes(), all.reduce((sum, c) => sum + c.bytes.length, 0));
    // Ranges: after an id, the oldest or the newest `limit`.
    assert.deepEqual((await stores[1]!.journal.calls(undefined, { afterId: 225 })).map((c) => c.id), [226, 227, 228, 229, 230]);
    assert.deepEqual((await stores[1]!.journal.calls(undefined, { afterId: 200, limit: 2 })).map((c) => c.id), [201, 202]);
    assert.deepEqual((await stores[1]!.journal.calls(undefined, { afterId: 200, limit: 2, newest: true })).map((c) => c.id), [229, 230]);
    const s0 = all.filter((c) => c.session === 's0').map((c) => c.id);
    assert.deepEqual((await stores[1]!.journal.calls('s0', { limit: 2, newest: true })).map((c) => c.id), s0.slice(-2));
  });

  it('the byte budget evicts the oldest until the newest fits, and a clear counts nothing as evicted', async () => {
    const size = entryBytes('b', 0).length;
    const [a, b] = await replicas(2, { journalLimit: 1000, journalMaxBytes: size * 3 + 10 });
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b)!.journal.record(i < 3 ? 'x' : 'y', entryBytes('b', i));
    assert.equal(await a!.journal.size(), 3);
    assert.ok((await b!.journal.bytes()) <= size * 3 + 10);
    assert.equal(await a!.journal.evicted('x'), 2);
    assert.equal(await a!.journal.evicted(), 2);
    await b!.journal.clear('x');
    assert.deepEqual((await a!.journal.calls()).map((c) => c.session), ['y', 'y']);
    assert.equal(await a!.journal.evicted('x'), 0);
    assert.equal(await a!.journal.evicted(), 0);
    await a!.journal.clear();
    assert.equal(await b!.journal.size(), 0);
    assert.equal(await b!.journal.bytes(), 0);
    // Ids keep growing after a clear, as the memory journal's do (Last-Event-ID stays meaningful).
    assert.equal(await b!.journal.record('x', entryBytes('b', 9)), 6);
  });

  it('a fault queued with times: 2 fires exactly twice across replicas; a stale mirror takes nothing', async () => {
    const stores = await replicas(3);
    const mirrors = stores.map(() => new FaultMirror());
    await stores[0]!.faults.add({ match: { session: 'f', api: 'wello' }, fault: { status: 503 }, times: 2 });
    // A status fault means the call is not processed: it takes no id.
    const needs = (fault: unknown) => (fault ? {} : { welloId2: 1 });
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 3]!.beginMatched('f', viewOf('f'), mirrors[i % 3]!, needs)));
    assert.equal(outcomes.filter((o) => o.fault !== undefined).length, 2);
    assert.deepEqual(outcomes.find((o) => o.fault)!.fault, { status: 503 });
    const ids = outcomes.flatMap((o) => (o.result.kind === 'ok' && o.result.welloId2 !== undefined ? [o.result.welloId2] : []));
    assert.deepEqual(ids.sort((a, b) => a - b), Array.from({ length: 28 }, (_, i) => i + 1));
    assert.deepEqual(await stores[1]!.faults.list(), []);
    // beginCall: the same through the store's own mirror, answering the fault the call gets.
    await stores[2]!.faults.add({ match: { session: 'f' }, fault: { delayMs: 5 } });
    const delayed = await stores[0]!.beginCall('f', viewOf('f'), () => ({ welloId2: 1 }));
    assert.deepEqual(delayed, { kind: 'ok', onlyofficeTaskId: undefined, welloId2: 29, guidDraw: undefined, tokenDraw: undefined, clock: undefined, fault: { delayMs: 5 } });
    const plain = await stores[1]!.beginCall('f', viewOf('f'), () => ({ welloId2: 1 }));
    assert.equal(plain.kind === 'ok' && plain.fault, undefined);
    // Another session's call never matches it.
    await stores[0]!.faults.add({ match: { session: 'f' }, fault: { empty: true } });
    assert.equal((await stores[2]!.beginMatched('other', viewOf('other'), mirrors[2]!, needs)).fault, undefined);

    // A mirror loaded before a change is stale: begin answers the current version and queue, and takes nothing.
    const seen = mirrors[0]!.version;
    const added = await stores[1]!.faults.add({ match: { api: 'wello' }, fault: { status: 500 } });
    const stale = await stores[0]!.begin('f', { welloId2: 1 }, { seen });
    assert.equal(stale.kind, 'stale');
    assert.ok(stale.kind === 'stale' && stale.faultsVersion > seen);
    assert.deepEqual(stale.kind === 'stale' && stale.faults.map((f) => f.id), [added.id - 1, added.id]);
    assert.equal((await stores[0]!.state.get('f')).id2Next, 31);
    assert.equal((await stores[0]!.faults.list('f')).length, 1);
    await stores[2]!.faults.clear('f');
    assert.deepEqual((await stores[0]!.faults.list()).map((f) => f.id), [added.id]);
    await stores[0]!.faults.clear();
    assert.deepEqual(await stores[1]!.faults.list(), []);
  });

  it('a token issued on one replica is known on another; past the bound the oldest is forgotten', async () => {
    const [a, b] = await replicas(2, { maxTokens: 3 });
    await a!.tokens.remember('tok-1', 'alice');
    assert.equal(await b!.tokens.loginOf('tok-1'), 'alice');
    assert.equal(await b!.tokens.loginOf('tok-unknown'), undefined);
    for (const n of [2, 3, 4]) await (n % 2 ? a : b)!.tokens.remember(`tok-${n}`, `user-${n}`);
    assert.equal(await a!.tokens.loginOf('tok-1'), undefined);
    assert.equal(await a!.tokens.loginOf('tok-4'), 'user-4');
    assert.equal(await b!.tokens.size(), 3);
  });

  it('a clock set on one replica is the next call’s instant on another (own clock, global clock, default session)', async () => {
    const [a, b] = await replicas(2);
    await a!.state.set('c', { clock: 638_700_000_000_000_000n, id2Next: 40 });
    const call = await b!.begin('c', { welloId2: 1 }, { seen: 0 });
    assert.ok(call.kind === 'ok');
    assert.equal(call.clock, 638_700_000_000_000_000n);
    assert.equal(call.welloId2, 40);
    // The default session's clock is the global one: every session without its own follows it.
    await b!.state.set('default', { clock: 638_800_000_000_000_000n });
    assert.equal(await a!.state.globalClock(), 638_800_000_000_000_000n);
    const other = await a!.begin('no-own-clock', {}, { seen: 0 });
    assert.equal(other.kind === 'ok' && other.clock, 638_800_000_000_000_000n);
    await a!.state.set('c', { clock: null });
    assert.equal((await b!.state.get('c')).clock, undefined);
    const follows = await b!.begin('c', {}, { seen: 0 });
    assert.equal(follows.kind === 'ok' && follows.clock, 638_800_000_000_000_000n);
    // Counters past 1e14 stay whole numbers (Lua would print them in exponent form).
    await a!.state.set('big', { id2Next: 4_000_000_000_000_000 });
    const big = await b!.begin('big', { welloId2: 1 }, { seen: 0 });
    assert.equal(big.kind === 'ok' && big.welloId2, 4_000_000_000_000_000);
    assert.equal((await a!.state.get('big')).id2Next, 4_000_000_000_000_001);
    await a!.state.setGlobalClock(undefined);
    const real = await b!.begin('c', {}, { seen: 0 });
    assert.equal(real.kind === 'ok' && real.clock, undefined);
  });

  it('a subscription on one replica gets the calls recorded on others, resumes after an id, sees clears, and ends cleanly', async () => {
    const [a, b, c] = await replicas(3);
    for (let i = 1; i <= 3; i++) await b!.journal.record('live', entryBytes('live', i));
    const events: SharedJournalEvent[] = [];
    let wake: (() => void) | undefined;
    const until = async (count: number) => {
      while (events.length < count) await new Promise<void>((resolve) => (wake = resolve));
    };
    const unsubscribe = a!.journal.subscribe(2, (event) => {
      events.push(event);
      wake?.();
    });
    await unsubscribe.ready;
    await c!.journal.record('live', entryBytes('live', 4));
    await b!.journal.record('other', entryBytes('other', 5));
    await until(3);
    assert.deepEqual(events.map((e) => (e.kind === 'added' ? [e.call.id, e.call.session] : e.kind)), [[3, 'live'], [4, 'live'], [5, 'other']]);
    await c!.journal.clear('other');
    await until(4);
    assert.deepEqual(events[3], { kind: 'cleared', session: 'other' });
    // A clear of the whole journal deletes the stream; the subscription goes on reading the new one.
    await b!.journal.clear();
    await c!.journal.record('live', entryBytes('live', 6));
    await until(6);
    assert.deepEqual(events.slice(4).map((e) => (e.kind === 'added' ? e.call.id : e)), [{ kind: 'cleared' }, 6]);
    await unsubscribe();
    await b!.journal.record('live', entryBytes('live', 7));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(events.length, 6);
    // close() ends the subscriptions it holds.
    const second = c!.journal.subscribe(0, () => {});
    await second.ready;
    await c!.close();
    await second();
  });

  it('a reset through one replica is seen by all: one session, then everything but the clock and tokens', async () => {
    const [a, b] = await replicas(2);
    for (const s of ['keep', 'drop']) {
      await a!.begin(s, { welloId2: 3 }, { seen: 0 });
      await a!.journal.record(s, entryBytes(s, 1));
      await a!.tasks<{ id: number }>(s, { api: 'onlyoffice' }).put({ id: 1 });
      await a!.faults.add({ match: { session: s }, fault: { status: 500 } });
    }
    await a!.state.set('default', { clock: 638_900_000_000_000_000n });
    await a!.tokens.remember('t', 'u');
    await b!.reset('drop');
    assert.deepEqual(await a!.state.get('drop'), { taskIdNext: 1, id2Next: 1, clock: undefined });
    assert.equal((await a!.state.get('keep')).id2Next, 4);
    assert.deepEqual((await a!.journal.calls()).map((c) => c.session), ['keep']);
    assert.deepEqual(await a!.tasks<{ id: number }>('drop', { api: 'onlyoffice' }).values(), []);
    assert.deepEqual((await a!.faults.list()).map((f) => f.match.session), ['keep']);
    assert.deepEqual(await a!.taskHealth(), { held: 1, maxPerSession: 10_000, full: 0 });

    await a!.reset();
    assert.deepEqual(await b!.state.get('keep'), { taskIdNext: 1, id2Next: 1, clock: undefined });
    assert.equal(await b!.journal.size(), 0);
    assert.deepEqual(await b!.faults.list(), []);
    assert.equal(await b!.tokens.loginOf('t'), 'u');
    assert.equal(await b!.state.globalClock(), 638_900_000_000_000_000n);
    assert.deepEqual(await b!.taskHealth(), { held: 0, maxPerSession: 10_000, full: 0 });
    // Nothing of the old generation is left behind.
    const left = await b!.client.keys(`${b!.keyBase}*`);
    assert.deepEqual(left.filter((key) => key.includes(':s:') || key.includes(':j:')), []);
  });

  it('the task limit holds under concurrent puts from three replicas; a replace at the limit is fine', async () => {
    const stores = await replicas(3, { maxTasks: 10 });
    const kind = { api: 'onlyoffice' as const, index: (task: { id: number; category: number }) => task.category };
    const puts = Array.from({ length: 30 }, (_, i) =>
      stores[i % 3]!.tasks('t', kind)
        .put({ id: i + 1, category: i % 2 })
        .then(
          () => 'stored',
          (error: unknown) => (error instanceof TaskLimitError ? 'full' : Promise.reject(error)),
        ),
    );
    const outcomes = await Promise.all(puts);
    assert.equal(outcomes.filter((o) => o === 'stored').length, 10);
    assert.equal(outcomes.filter((o) => o === 'full').length, 20);
    const table = stores[1]!.tasks('t', kind);
    assert.equal(await table.size(), 10);
    assert.equal(await table.room(), false);
    const held = await table.values();
    assert.equal(held.length, 10);
    const first = held[0]!;
    await table.put({ id: first.id, category: 7 });
    assert.equal((await table.values())[0]!.category, 7, 'a replace keeps its place');
    assert.equal(await table.countIn(7), 1);
    assert.equal((await table.countIn(0)) + (await table.countIn(1)), 9);
    await assert.rejects(table.put({ id: 999, category: 0 }), TaskLimitError);
    const full = await stores[0]!.begin('t', { onlyofficeTaskId: 1, taskRoom: 'onlyoffice' }, { seen: 0 });
    assert.deepEqual(full, { kind: 'full' });
    assert.deepEqual(await stores[2]!.taskHealth(), { held: 10, maxPerSession: 10, full: 1 });
    assert.deepEqual(await table.delete(first.id), { id: first.id, category: 7 });
    assert.equal(await table.delete(first.id), undefined);
    assert.equal(await table.get(first.id), undefined);
    assert.deepEqual(await stores[2]!.taskHealth(), { held: 9, maxPerSession: 10, full: 0 });
    // Another API's table in the same session is separate.
    assert.equal(await stores[0]!.tasks('t', { api: 'wello' }).size(), 0);
    // The initial tasks are put once per session and API, whichever replica asks first.
    const seeded = await Promise.all(stores.map((s) => s.tasks<{ id: string }>('t', { api: 'wello' }).seed(() => [{ id: 'a' }, { id: 'b' }])));
    assert.deepEqual(seeded.filter(Boolean).length, 1);
    assert.deepEqual(await stores[0]!.tasks<{ id: string }>('t', { api: 'wello' }).values(), [{ id: 'a' }, { id: 'b' }]);
  });

  it('an idle session expires with its keys after the session TTL; a busy one is refreshed', async () => {
    const [a] = await replicas(1, { sessionTtlSeconds: 1 });
    await a!.begin('idle', { welloId2: 5 }, { seen: 0 });
    await a!.journal.record('idle', entryBytes('idle', 1));
    await a!.tasks<{ id: number }>('idle', { api: 'onlyoffice' }).put({ id: 1 });
    const keys = (await a!.client.keys(`${a!.keyBase}*`)).filter((key) => key.endsWith(':idle'));
    assert.ok(keys.length >= 4, keys.join());
    for (const key of keys) assert.ok((await a!.client.pttl(key)) > 0, `${key} has a TTL`);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.deepEqual(await a!.state.get('idle'), { taskIdNext: 1, id2Next: 1, clock: undefined });
    assert.deepEqual((await a!.client.keys(`${a!.keyBase}*`)).filter((key) => key.endsWith(':idle')), []);
  });
});

describe('RedisStore when Redis goes away', { skip: skipWithoutRedis }, () => {
  const server = new RedisServer();
  before(() => server.start());
  after(() => server.stop());

  it('a hung Redis fails calls within the command timeout; a dead one fails them at once; a new one on the same socket serves again', async () => {
    const store = await RedisStore.connect(server.url, { commandTimeout: 300 });
    try {
      assert.equal((await store.begin('k', { welloId2: 1 }, { seen: 0 })).kind, 'ok');
      server.pause();
      let started = performance.now();
      await assert.rejects(store.begin('k', { welloId2: 1 }, { seen: 0 }), StoreUnavailableError);
      await assert.rejects(store.journal.record('k', entryBytes('k', 1)), StoreUnavailableError);
      assert.ok(performance.now() - started < 1500, `failed after ${performance.now() - started} ms`);
      server.resume();
      await server.kill();
      started = performance.now();
      await assert.rejects(store.ping(), (error: unknown) => error instanceof StoreUnavailableError && /unavailable/.test(error.message));
      await assert.rejects(store.journal.calls(), StoreUnavailableError);
      assert.ok(performance.now() - started < 1000, `failed after ${performance.now() - started} ms`);

      await server.start();
      // The client reconnects by itself (within a second); the scripts load again on the new server.
      let result: Awaited<ReturnType<RedisStore['begin']>> | undefined;
      for (let tries = 0; !result && tries < 60; tries++) {
        result = await store.begin('k', { welloId2: 1 }, { seen: 0 }).catch(() => undefined);
        if (!result) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // A new server starts empty: the counters start again (run Redis with persistence if that matters).
      assert.equal(result?.kind === 'ok' && result.welloId2, 1);
      assert.equal(await store.journal.record('k', entryBytes('k', 2)), 1);
    } finally {
      server.resume();
      await store.close();
    }
  });

  it('connecting to a socket nobody listens on is a StoreUnavailableError, not a hang', async () => {
    const started = performance.now();
    await assert.rejects(RedisStore.connect(`redis+unix://${server.dir}/nobody.sock`, { connectTimeout: 1000 }), StoreUnavailableError);
    assert.ok(performance.now() - started < 2000);
  });

  it('a subscription survives Redis going away and resumes after the last id it delivered', { timeout: 20_000 }, async () => {
    const a = await RedisStore.connect(server.url, { commandTimeout: 300 });
    const b = await RedisStore.connect(server.url, { commandTimeout: 300 });
    const ids: number[] = [];
    const errors: unknown[] = [];
    const unsubscribe = a.journal.subscribe(
      0,
      (event) => event.kind === 'added' && ids.push(event.call.id),
      (error) => errors.push(error),
    );
    try {
      await unsubscribe.ready;
      const first = await b.journal.record('r', entryBytes('r', 1));
      while (!ids.includes(first)) await new Promise((resolve) => setTimeout(resolve, 20));
      await server.kill();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.start();
      let next: number | undefined;
      for (let tries = 0; next === undefined && tries < 60; tries++) {
        next = await b.journal.record('r', entryBytes('r', 2)).catch(() => undefined);
        if (next === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // A new, empty server counts from 1 again; the subscription had delivered id 1 already, so it waits for id 2.
      await b.journal.record('r', entryBytes('r', 3));
      while (!ids.includes(2)) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(ids, [1, 2]);
      assert.ok(errors.every((error) => error instanceof StoreUnavailableError));
    } finally {
      await unsubscribe();
      await a.close();
      await b.close();
    }
  });
});
