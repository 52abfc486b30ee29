// A real redis-server for one test file: TCP off (--port 0), a unix socket in a
// temp dir (no port races, loopback by construction), no persistence. Waits for
// PING, and is stopped by its PID. Without /usr/bin/redis-server (or another on
// PATH) the tests that need it skip, unless TASKSTUB_REQUIRE_REDIS=1 (set by
// .ci/run, which installs it), which makes them fail.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export const REDIS_SERVER = findRedisServer();
if (!REDIS_SERVER && process.env.TASKSTUB_REQUIRE_REDIS === '1') throw new Error('redis-server is missing and TASKSTUB_REQUIRE_REDIS=1');
/** `skip` for describe(): false when redis-server is here, else why the tests skip. */
export const skipWithoutRedis: string | false = REDIS_SERVER ? false : 'redis-server is not installed (apt-get install redis-server)';

/** Answers once the socket replies +PONG to PING, or rejects after `timeoutMs`. */
async function waitForPing(socket: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const connection = createConnection(socket);
      let reply = '';
      connection.on('connect', () => connection.write('PING\r\n'));
      connection.on('data', (data) => {
        reply += data.toString();
        if (reply.includes('\r\n')) {
          connection.destroy();
          resolve(reply.startsWith('+PONG'));
        }
      });
      connection.on('error', () => resolve(false));
    });
    if (pong) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on ${socket} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RedisServerOptions {
  /** Runs the server on this CPU only (taskset -c), as the bench does to stand in for Redis on a host of its own. */
  cpu?: number;
}

export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'taskstub-redis-'));
  readonly #cpu: number | undefined;

  constructor(options: RedisServerOptions = {}) {
    this.#cpu = options.cpu;
  }
  readonly socket = join(this.dir, 'r.sock');
  #process: ChildProcess | undefined;
  #output = '';

  /** The store URL of this server. */
  get url(): string {
    return `redis+unix://${this.socket}`;
  }

  /** Starts the server (again, on the same socket, after a stop) and waits until it answers. */
  async start(): Promise<void> {
    if (!REDIS_SERVER) throw new Error('redis-server is not installed');
    const args = ['--port', '0', '--unixsocket', this.socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--maxmemory-policy', 'noeviction', '--dir', this.dir];
    // taskset execs the server, so the child's PID is the server's.
    const child =
      this.#cpu === undefined
        ? spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('taskset', ['-c', String(this.#cpu), REDIS_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (data) => (this.#output += data.toString()));
    child.stderr!.on('data', (data) => (this.#output += data.toString()));
    this.#process = child;
    // A test process that dies without its after() hooks must not leave the server running.
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.removeListener('exit', orphan));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${this.#output.slice(-2000)}`))));
    exited.catch(() => {});
    await Promise.race([waitForPing(this.socket, 10_000), exited]);
  }

  /** Kills the server by its PID (SIGKILL: a crash, not a shutdown) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // A stopped process takes no SIGTERM; SIGCONT lets it act on the signal.
    if (signal !== 'SIGKILL') process.kill(child.pid!, 'SIGCONT');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, signal);
    await exited;
  }

  /** Freezes the server (SIGSTOP): the socket stays open and nothing answers, as a hung Redis. */
  pause(): void {
    if (this.#process?.pid) process.kill(this.#process.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.#process?.pid) process.kill(this.#process.pid, 'SIGCONT');
  }

  /** Stops the server and removes its temp dir. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
