// `taskstub serve --store redis://…` and `--workers N` (issue #18): connecting
// the shared store before the stub is made, and the node:cluster primary.
import cluster from 'node:cluster';
import { randomInt } from 'node:crypto';
import { parseClockOption } from './core/clock.js';
import { RedisStore } from './store/redis/index.js';

/** --store: "memory" (the default: this process only) or a Redis URL. */
export const DEFAULT_STORE = 'memory';

/** --session-ttl: seconds, or a number with s, m, h or d (24h); 0: never. */
export function sessionTtlSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*([smhd]?)$/i.exec(String(value).trim());
  if (!match) throw new Error(`--session-ttl: expected seconds or a duration such as 24h, 30m or 0 (never), not ${JSON.stringify(value)}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export interface SharedServeOptions {
  store: string;
  clock?: string | undefined;
  journalLimit?: number;
  journalMaxBytes?: number;
  maxTasks?: number;
  sessionTtl?: string | undefined;
}

/** Connects to the --store URL (a StoreUnavailableError within the connect timeout, never a hang); --clock sets the global clock unless one is stored. */
export async function connectSharedStore(options: SharedServeOptions): Promise<RedisStore> {
  const store = await RedisStore.connect(options.store, {
    journalLimit: options.journalLimit,
    ...(options.journalMaxBytes !== undefined && Number.isFinite(options.journalMaxBytes) ? { journalMaxBytes: options.journalMaxBytes } : {}),
    maxTasks: options.maxTasks,
    sessionTtlSeconds: sessionTtlSeconds(options.sessionTtl),
  });
  if (options.clock !== undefined) await store.state.initGlobalClock(parseClockOption(options.clock));
  return store;
}

/** What refuses --workers: more than one needs a shared store (each worker is a replica). */
export function workersProblem(workers: number, store: string): string | undefined {
  if (!Number.isInteger(workers) || workers < 1) return `--workers ${workers}: expected a whole number above 0`;
  if (workers > 1 && store === DEFAULT_STORE) {
    return `--workers ${workers} needs a shared store: node:cluster deals connections to the workers round-robin, so one session's calls reach several of them; give --store redis://HOST:PORT (or redis+unix:///path.sock)`;
  }
  return undefined;
}

/** The cluster primary: forks `workers` workers (each serves on the shared port), forwards SIGTERM/SIGINT, exits with the first failing worker's code. */
export function runPrimary(workers: number, seed: number | undefined): void {
  let code = 0;
  // One seed for every worker (a random one when none is given), so that they draw the same GUIDs for the same draw index.
  if (seed === undefined) cluster.setupPrimary({ args: [...process.argv.slice(2), '--seed', String(randomInt(2 ** 31))] });
  for (let i = 0; i < workers; i++) cluster.fork({ TASKSTUB_WORKER: String(i + 1) });
  cluster.on('exit', (_worker, exitCode) => {
    if (exitCode) code ||= exitCode;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code);
  });
  const stop = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export const isClusterWorker = () => cluster.isWorker;
