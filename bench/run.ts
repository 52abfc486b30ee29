// `npm run bench`: each server in turn on loopback, loaded, stopped; rounds
// alternate the servers; one table with the ratios to both baselines from
// the same run. Then the start-up and memory runs.
//   BENCH_ROUNDS (2), BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_CONNECTIONS (50),
//   BENCH_MEMORY (1: run the 1,000,000 and 100,000-create memory runs).
//   BENCH_ROUNDS=0 skips the throughput table and the start-up runs.
//   BENCH_ONLY (a regular expression): only the subjects whose names match, and the two baselines.
//   BENCH_REDIS (1), BENCH_PIN_REDIS (1): see below.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { hasWrk, load, type LoadResult } from './load.js';
import { rssMb, start, type Started } from './process.js';
import { REDIS_SERVER, RedisServer } from '../test/redis-server.js';
import { ONLYOFFICE_JSON, ONLYOFFICE_READ, prepareRead, WELLO_JSON, WELLO_READ, WELLO_XML, type Workload } from './workloads.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MEMORY = process.env.BENCH_MEMORY !== '0';
const NODE = process.execPath;
const TSX = ['--import', 'tsx'];
const CLI = `${ROOT}dist/cli.js`;

interface Subject {
  name: string;
  workload: Workload;
  start(): Promise<Started>;
  /** Sets up what the workload needs (the task a read-back reads) and returns the workload to run. */
  prepare?(url: string): Promise<Workload>;
  /** Resets the stub this often while it is loaded (POST /__admin/reset), as a test suite resets between tests. */
  resetEveryMs?: number;
}

/**
 * Every create keeps its task for reading back. A suite resets its session between tests, so a session holds a
 * bounded number of tasks (at most --max-tasks, 10,000 by default); the create rows reset the stub every 500 ms
 * (about 5,000 creates) to measure that steady state. One row keeps every task instead, to show what an ever-growing
 * heap costs.
 */
const RESET_EVERY_MS = 500;

// Every create keeps its task (for reading back): a session holds 10,000 by default, and a run makes far more, so
// the bench lifts the limit rather than measure 507s. The memory runs say what holding them costs.
const BENCH_MAX_TASKS = ['--max-tasks', '100000000'];
const taskstub = (extra: string[] = []) => () => start(NODE, [CLI, 'serve', '--port', '0', '--seed', '1', ...BENCH_MAX_TASKS, ...extra]);

/**
 * Redis stands for a service on a host of its own: with taskset and two or more cores, its server runs on the last
 * core only (the stub, and wrk, still run anywhere). Without this, Redis (about 40 µs of CPU a create) takes its
 * share of the stub's own cores, which is not what a replica in a deployment pays. BENCH_PIN_REDIS=0: not pinned.
 */
const REDIS_CPU = process.env.BENCH_PIN_REDIS !== '0' && cpus().length >= 2 && spawnSync('sh', ['-c', 'command -v taskset']).status === 0 ? cpus().length - 1 : undefined;

/** taskstub on a shared store: its own redis-server on a unix socket (as the tests start one), stopped with it. */
const onRedis = () => async (): Promise<Started> => {
  const redis = new RedisServer(REDIS_CPU === undefined ? {} : { cpu: REDIS_CPU });
  await redis.start();
  const server = await taskstub(['--store', redis.url])();
  return { ...server, stop: async () => (await server.stop(), await redis.stop()) };
};
// BENCH_REDIS=0 leaves the shared store out; without redis-server it is left out, said once.
const REDIS = process.env.BENCH_REDIS !== '0' && REDIS_SERVER !== undefined;

const ALL_SUBJECTS: Subject[] = [
  { name: 'bare node:http (fixed JSON)', workload: ONLYOFFICE_JSON, start: () => start(NODE, [...TSX, `${ROOT}bench/servers/bare.ts`]) },
  { name: 'Express 5 + ajv (same work)', workload: ONLYOFFICE_JSON, start: () => start(NODE, [...TSX, `${ROOT}bench/servers/express-ajv.ts`]) },
  { name: 'bare node:http (taskstub\'s answer, precomputed)', workload: ONLYOFFICE_JSON, start: () => start(NODE, [...TSX, `${ROOT}bench/servers/bare-replay.ts`]) },
  { name: 'taskstub: ONLYOFFICE JSON create', workload: ONLYOFFICE_JSON, start: taskstub(), resetEveryMs: RESET_EVERY_MS },
  { name: 'taskstub: Wello JSON create', workload: WELLO_JSON, start: taskstub(), resetEveryMs: RESET_EVERY_MS },
  { name: 'taskstub: Wello XML in, XML out', workload: WELLO_XML, start: taskstub(), resetEveryMs: RESET_EVERY_MS },
  { name: 'taskstub: ONLYOFFICE JSON create, every task kept (no reset)', workload: ONLYOFFICE_JSON, start: taskstub() },
  { name: 'taskstub: ONLYOFFICE GET task/{id}', workload: ONLYOFFICE_READ, start: taskstub(), prepare: (url) => prepareRead(url, ONLYOFFICE_READ) },
  { name: 'taskstub: Wello GET api/Task(<guid>)', workload: WELLO_READ, start: taskstub(), prepare: (url) => prepareRead(url, WELLO_READ) },
  ...(REDIS
    ? [
        { name: 'taskstub --store redis: ONLYOFFICE JSON create', workload: ONLYOFFICE_JSON, start: onRedis(), resetEveryMs: RESET_EVERY_MS },
        { name: 'taskstub --store redis: Wello JSON create', workload: WELLO_JSON, start: onRedis(), resetEveryMs: RESET_EVERY_MS },
      ]
    : []),
];
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
/** The first two are the baselines every ratio is of: always run. */
const SUBJECTS = ALL_SUBJECTS.filter((s, i) => i < 2 || !ONLY || ONLY.test(s.name));

/** Each shared-store subject and the in-memory one it is compared with. */
const REDIS_PAIRS = [
  ['taskstub --store redis: ONLYOFFICE JSON create', 'taskstub: ONLYOFFICE JSON create'],
  ['taskstub --store redis: Wello JSON create', 'taskstub: Wello JSON create'],
] as const;

interface Measured extends LoadResult {
  rssMb: number;
}

async function measure(subject: Subject): Promise<Measured> {
  const server = await subject.start();
  try {
    const workload = subject.prepare ? await subject.prepare(server.url) : subject.workload;
    const reset = () => void fetch(`${server.url}/__admin/reset`, { method: 'POST' }).then((r) => r.body?.cancel(), () => {});
    const resets = subject.resetEveryMs === undefined ? undefined : setInterval(reset, subject.resetEveryMs);
    let result: LoadResult;
    try {
      if (WARMUP > 0) await load(server.url, workload, { connections: CONNECTIONS, seconds: WARMUP });
      result = await load(server.url, workload, { connections: CONNECTIONS, seconds: SECONDS });
    } finally {
      clearInterval(resets);
    }
    return { ...result, rssMb: rssMb(server.child.pid!) };
  } finally {
    await server.stop();
  }
}

/** Spawn to the first 201 of a create, in ms. */
async function startupMs(workload: Workload): Promise<number> {
  const t0 = performance.now();
  const server = await start(NODE, [CLI, 'serve', '--port', '0', '--seed', '1']);
  try {
    const res = await fetch(server.url + workload.path, { method: 'POST', headers: workload.headers, body: workload.body });
    if (res.status !== 201) throw new Error(`first create answered ${res.status}`);
    return performance.now() - t0;
  } finally {
    await server.stop();
  }
}

async function memoryRun(creates: number, extra: string[]): Promise<{ rssMb: number; rps: number; non2xx: number }> {
  const server = await taskstub(extra)();
  try {
    const result = await load(server.url, ONLYOFFICE_JSON, { connections: CONNECTIONS, seconds: 3600, requests: creates });
    return { rssMb: rssMb(server.child.pid!), rps: result.rps, non2xx: result.non2xx };
  } finally {
    await server.stop();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const tool = (await hasWrk()) ? 'wrk (1 thread)' : 'autocannon';
  process.stdout.write(`taskstub bench: ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${tool}, ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP} s warm-up, ${ROUNDS} rounds\n\n`);
  if (ROUNDS > 0) await throughput();
  if (MEMORY) {
    const million = await memoryRun(1_000_000, []);
    process.stdout.write(`memory: 1,000,000 creates, each task kept, default journal (10000): RSS ${million.rssMb} MB (${fmt(million.rps)} req/s, ${million.non2xx} non-2xx)\n`);
    const lean = await memoryRun(1_000_000, ['--low-memory']);
    process.stdout.write(`memory: 1,000,000 creates, each task kept, default journal, --low-memory: RSS ${lean.rssMb} MB (${fmt(lean.rps)} req/s, ${lean.non2xx} non-2xx)\n`);
    const big = await memoryRun(100_000, ['--journal-limit', '100000']);
    process.stdout.write(`memory: 100,000 creates, each task kept, --journal-limit 100000: RSS ${big.rssMb} MB (${fmt(big.rps)} req/s, ${big.non2xx} non-2xx)\n`);
  }
}

async function throughput(): Promise<void> {
  const runs = new Map<string, Measured[]>(SUBJECTS.map((s) => [s.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate the order each round so that no server always runs on a warmer machine.
    const order = round % 2 ? SUBJECTS : [...SUBJECTS].reverse();
    for (const subject of order) {
      const m = await measure(subject);
      runs.get(subject.name)!.push(m);
      process.stdout.write(`round ${round}: ${subject.name}: ${fmt(m.rps)} req/s, p99 ${fmt(m.p99Ms, 2)} ms\n`);
    }
  }
  const summary = SUBJECTS.map((s) => {
    const r = runs.get(s.name)!;
    return {
      name: s.name,
      rps: mean(r.map((x) => x.rps)),
      p50: mean(r.map((x) => x.p50Ms)),
      p99: mean(r.map((x) => x.p99Ms)),
      errors: r.reduce((n, x) => n + x.errors, 0),
      non2xx: r.reduce((n, x) => n + x.non2xx, 0),
      rss: Math.max(...r.map((x) => x.rssMb)),
    };
  });
  const [bare, express] = summary;
  const startups: number[] = [];
  for (let i = 0; i < 5; i++) startups.push(await startupMs(ONLYOFFICE_JSON));
  const startup = median(startups);

  const lines = [
    '| server / workload | req/s | × bare | × Express+ajv | p50 ms | p99 ms | errors | non-2xx | RSS after load MB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...summary.map((s) => `| ${s.name} | ${fmt(s.rps)} | ${fmt(s.rps / bare!.rps, 2)} | ${fmt(s.rps / express!.rps, 2)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${s.errors} | ${s.non2xx} | ${s.rss} |`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\ntaskstub start to first successful create: median ${fmt(startup)} ms of 5 (${startups.map((x) => fmt(x)).join(', ')})\n`);
  if (!REDIS) process.stdout.write('shared store: left out (BENCH_REDIS=0, or no redis-server on PATH)\n');
  if (REDIS) process.stdout.write(`shared store: redis-server ${REDIS_CPU === undefined ? 'not pinned' : `on CPU ${REDIS_CPU} only (taskset)`}\n`);
  for (const [shared, memory] of REDIS ? REDIS_PAIRS : []) {
    const a = summary.find((x) => x.name === shared);
    const b = summary.find((x) => x.name === memory);
    if (!a || !b) continue;
    process.stdout.write(`${shared} vs memory: ${fmt(a.rps / b.rps, 2)}× the throughput, p99 ${fmt(a.p99 / b.p99, 2)}× (target: at least 0.4×, p99 under 3×)\n`);
  }
}

await main();
