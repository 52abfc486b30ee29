// The shared store's cost per create, from one process: begin (an id2, a GUID
// draw, the clock, the fault check, room for the task) then commit (the task,
// about 400 bytes of JSON, and a 1.4 KB entry, the measured size of a create's
// encodeEntry bytes) with the journal full, so every commit also evicts: the
// two steps of src/store/redis/shared-path.ts without the API core. Starts its
// own redis-server on a unix socket (and stops it).
// Not run by the tests:
//   node --import tsx bench/redis-store.ts [--seconds 3] [--inflight 50] [--sessions 100] [--runs 3]
import { randomBytes } from 'node:crypto';
import { RedisStore } from '../src/store/redis/index.js';
import { RedisServer } from '../test/redis-server.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const SECONDS = option('seconds', 3);
const IN_FLIGHT = option('inflight', 50);
const SESSIONS = option('sessions', 100);
const RUNS = option('runs', 3);
const LIMIT = 10_000;
const ENTRY = randomBytes(1400);
const TASK = JSON.stringify({ subject: 'Printer on floor 3 is jammed', remark: 'x'.repeat(330) });

async function redisCpuSeconds(store: RedisStore): Promise<number> {
  const info = await store.client.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** `inFlight` workers each doing begin then commit until the time is up; answers creates/s, latency and CPU per create. */
async function measure(store: RedisStore, seconds: number, inFlight: number) {
  const latencies: number[] = [];
  let done = 0;
  const cpu0 = process.cpuUsage();
  const redis0 = await redisCpuSeconds(store);
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      for (let n = worker; performance.now() < end; n += inFlight) {
        const session = `s${n % SESSIONS}`;
        const t0 = performance.now();
        const begun = await store.begin(session, { welloId2: 1, guids: 1, taskRoom: 'wello' }, { seen: 0 });
        if (begun.kind !== 'ok') throw new Error(`begin answered ${begun.kind}`);
        await store.commit(session, ENTRY, { reserved: 'wello', tasks: [{ op: 'put', api: 'wello', id: `t-${n}`, json: TASK, key: undefined, fresh: true }], tokens: [] });
        latencies.push(performance.now() - t0);
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const redis = (await redisCpuSeconds(store)) - redis0;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(done / elapsed),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    nodeUs: ((cpu.user + cpu.system) / done),
    redisUs: (redis * 1e6) / done,
  };
}

/** One call at a time: the latency of each operation alone (a round trip plus its script). */
async function sequential(store: RedisStore, count: number) {
  const begin: number[] = [];
  const commit: number[] = [];
  for (let i = 0; i < count; i++) {
    const session = `s${i % SESSIONS}`;
    let t0 = performance.now();
    await store.begin(session, { welloId2: 1, guids: 1, taskRoom: 'wello' }, { seen: 0 });
    begin.push(performance.now() - t0);
    t0 = performance.now();
    await store.commit(session, ENTRY, { reserved: 'wello', tasks: [{ op: 'put', api: 'wello', id: `s-${i}`, json: TASK, key: undefined, fresh: true }], tokens: [] });
    commit.push(performance.now() - t0);
  }
  begin.sort((a, b) => a - b);
  commit.sort((a, b) => a - b);
  return { beginP50: quantile(begin, 0.5), beginP99: quantile(begin, 0.99), commitP50: quantile(commit, 0.5), commitP99: quantile(commit, 0.99) };
}

const server = new RedisServer();
await server.start();
const store = await RedisStore.connect(server.url, { journalLimit: LIMIT });
try {
  // Fill the journal, so that every measured record evicts one entry.
  for (let i = 0; i < LIMIT; i += 500) await Promise.all(Array.from({ length: 500 }, (_, k) => store.journal.record(`s${(i + k) % SESSIONS}`, ENTRY)));
  await measure(store, 0.5, IN_FLIGHT);
  const f = (n: number, digits = 1) => n.toFixed(digits);
  say(`begin+commit, ${IN_FLIGHT} in flight, ${SESSIONS} sessions, ${ENTRY.length}-byte entries, journal full at ${LIMIT}, ${SECONDS} s per run`);
  say('creates/s  p50 ms  p99 ms  node µs/create  redis µs/create');
  for (let run = 0; run < RUNS; run++) {
    const r = await measure(store, SECONDS, IN_FLIGHT);
    say(`${String(r.perSecond).padStart(9)}  ${f(r.p50, 2).padStart(6)}  ${f(r.p99, 2).padStart(6)}  ${f(r.nodeUs).padStart(14)}  ${f(r.redisUs).padStart(15)}`);
  }
  const s = await sequential(store, 2000);
  say(`one at a time: begin p50 ${f(s.beginP50, 3)} ms (p99 ${f(s.beginP99, 3)}), commit p50 ${f(s.commitP50, 3)} ms (p99 ${f(s.commitP99, 3)})`);
  const memory = await store.client.info('memory');
  say(`redis used_memory: ${/used_memory_human:(\S+)/.exec(memory)?.[1]} with ${await store.journal.size()} entries held`);
} finally {
  await store.close();
  await server.stop();
}
