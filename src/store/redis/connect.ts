// Connecting to Redis (or Valkey): the --store URL, the client's options, and
// the one error every failure becomes. A replica never queues commands while
// Redis is away and never resends one whose answer was lost (a record sent
// twice would journal a call twice): it fails the call at once, and the API
// layer answers 503 in the API's own shape.
import { Redis, type RedisOptions } from 'ioredis';
import { SCRIPTS } from './scripts.js';

/** Redis cannot be reached, did not answer within the command timeout, or refuses writes (out of memory, loading, read-only). */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The shared store (Redis) is unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A --store value that is not a Redis URL this store understands. */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

export interface RedisTarget {
  /** ioredis connection options: host/port/db/tls or path. */
  connection: RedisOptions;
  /** Prepended to every key, so that several deployments can share one Redis (default "ts:"). */
  prefix: string;
  /** The URL without its password, for logs and health. */
  display: string;
}

export const DEFAULT_PREFIX = 'ts:';

/**
 * Reads `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS) or
 * `redis+unix:///path/to.sock`, each with `?prefix=` (and `?db=` for a
 * socket, which has no path segment left for it).
 */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreUrlError(`--store: not a URL: ${text} (expected redis://host:6379/0, rediss://… or redis+unix:///path/to.sock)`);
  }
  const connection: RedisOptions = {};
  const unknown = [...url.searchParams.keys()].filter((key) => key !== 'prefix' && key !== 'db');
  if (unknown.length > 0) throw new StoreUrlError(`--store: unknown parameter ${unknown.join(', ')} (only prefix and db are read)`);
  const prefix = url.searchParams.get('prefix') ?? DEFAULT_PREFIX;
  if (prefix === '' || /[\s*?[\]\\]/.test(prefix)) throw new StoreUrlError(`--store: prefix must be non-empty, without spaces or the glob characters * ? [ ] \\ (got "${prefix}")`);
  if (url.username) connection.username = decodeURIComponent(url.username);
  if (url.password) connection.password = decodeURIComponent(url.password);
  let db = url.searchParams.get('db') ?? undefined;
  if (url.protocol === 'redis+unix:' || url.protocol === 'unix:') {
    if (!url.pathname || url.pathname === '/') throw new StoreUrlError(`--store: ${url.protocol}// needs a socket path, e.g. redis+unix:///run/redis.sock`);
    connection.path = decodeURIComponent(url.pathname);
  } else if (url.protocol === 'redis:' || url.protocol === 'rediss:') {
    if (!url.hostname) throw new StoreUrlError(`--store: ${text} names no host`);
    connection.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    connection.port = url.port ? Number(url.port) : 6379;
    const segment = url.pathname.replace(/^\//, '');
    if (segment !== '') db = segment;
    if (url.protocol === 'rediss:') connection.tls = { servername: connection.host };
  } else {
    throw new StoreUrlError(`--store: ${url.protocol}// is not a Redis URL (redis://, rediss:// or redis+unix://)`);
  }
  if (db !== undefined) {
    if (!/^\d+$/.test(db)) throw new StoreUrlError(`--store: the database is a number, not "${db}"`);
    connection.db = Number(db);
  }
  const shown = new URL(text);
  if (shown.password) shown.password = '****';
  return { connection, prefix, display: shown.toString() };
}

export interface ConnectOptions {
  /** The most a command waits for its answer (ms, default 2000): past it the call fails with StoreUnavailableError, never hangs. */
  commandTimeout?: number;
  /** The most the first connection waits (ms, default 5000). */
  connectTimeout?: number;
}

/** What every replica's client is made with (no offline queue, no resend: see CONTRIBUTING.md, dependencies). */
export function clientOptions(target: RedisTarget, options: ConnectOptions = {}): RedisOptions {
  const commandTimeout = options.commandTimeout ?? 2000;
  return {
    ...target.connection,
    lazyConnect: true,
    // Fail at once while disconnected: a queued command would answer late or, after a failover, twice.
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails at once (0 retries) and is never sent again: its
    // effect on the server is unknown, and a record sent twice would journal the call twice.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout,
    connectTimeout: options.connectTimeout ?? 5000,
    // Keep trying to reconnect in the background (capped at 1 s), so that a replica works again as soon as Redis is back.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    // No auto-pipelining: with script commands it cost more Node CPU than it saved. begin+record from 50 in flight
    // (bench/redis-store.ts, same machine, same hour): 9.5k/s at 61 µs of Node CPU each with it, 15.8k/s at 42 µs
    // without; a no-op EVALSHA alone: 19 µs with it, 12 µs without.
    enableAutoPipelining: false,
    // RESP2: the stream and script replies keep their array shapes (RESP3 turns XREAD's reply into a map).
    protocol: 2,
    scripts: Object.fromEntries(Object.entries(SCRIPTS).map(([name, lua]) => [name, { lua, numberOfKeys: 1 }])),
  };
}

// Redis refuses the command but is there: out of memory under noeviction, still loading, a replica, a busy script.
const UNAVAILABLE_REPLIES = /^(OOM|LOADING|READONLY|MASTERDOWN|BUSY|NOREPLICAS|CLUSTERDOWN|TRYAGAIN)\b/;

/** The error a store operation throws for `error`: StoreUnavailableError for anything about reaching Redis, else the error itself (a bug). */
export function storeError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof Error && error.name === 'ReplyError') {
    return UNAVAILABLE_REPLIES.test(error.message) ? new StoreUnavailableError(error.message, { cause: error }) : error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(message, { cause: error });
}

/** Runs one store operation, turning connection failures into StoreUnavailableError. */
export async function guarded<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw storeError(error);
  }
}

/** A connected client, or StoreUnavailableError within the connect timeout. */
export async function openClient(target: RedisTarget, options: ConnectOptions = {}): Promise<Redis> {
  const client = new Redis(clientOptions(target, options));
  // Without a listener ioredis prints every reconnect error; the store reports failures per call instead.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw storeError(error);
  }
}
