// What the parts of the Redis store share: the client with the scripts loaded,
// the key prefix with its hash tag, and the options every replica must agree on.
import type { Redis } from 'ioredis';
import { guarded } from './connect.js';
import type { ScriptName } from './scripts.js';

type ScriptCall = (...args: (string | number | Buffer | Uint8Array)[]) => Promise<unknown>;
/** The client with its defineCommand scripts: `tsBegin(...)` answers strings, `tsBeginBuffer(...)` Buffers. */
export type ScriptedRedis = Redis & Record<ScriptName | `${ScriptName}Buffer`, ScriptCall>;

export interface StoreContext {
  readonly client: ScriptedRedis;
  /** The key prefix followed by the hash tag: every key starts with it. */
  readonly base: string;
  /** The idle expiry of a session's keys, in seconds (0: never). */
  readonly ttl: number;
}

export const globalsKey = (base: string) => `${base}g`;
export const journalKey = (base: string) => `${base}journal`;
export const eventsKey = (base: string) => `${base}events`;
export const tokensKey = (base: string) => `${base}tokens`;

/** Runs a script: the globals hash as its one key, the prefix as ARGV[1], then `args`; failures become StoreUnavailableError. */
export function script<T>(ctx: StoreContext, name: ScriptName, ...args: (string | number | Uint8Array)[]): Promise<T> {
  return guarded(ctx.client[name](globalsKey(ctx.base), ctx.base, ...args) as Promise<T>);
}

/** The same, answering Buffers (for entry bytes). */
export function scriptBuffer<T>(ctx: StoreContext, name: ScriptName, ...args: (string | number | Uint8Array)[]): Promise<T> {
  return guarded(ctx.client[`${name}Buffer`](globalsKey(ctx.base), ctx.base, ...args) as Promise<T>);
}
