// Everything the stub remembers between calls, behind one interface: each
// session's counters, random draws, clock and tasks; the journal; the queued
// faults; the issued tokens. The in-memory store (memory.ts) answers
// synchronously, which keeps a create as fast as before. A shared store (Redis,
// for N replicas) implements the same interface; fixtures, schemas, validators
// and renderers are not state and stay in each process.
import type { FaultQueue } from '../faults.js';
import type { Journal } from '../journal/journal.js';
import type { SessionStore } from '../core/sessions.js';

/** ONLYOFFICE tokens issued by POST api/2.0/authentication, and the login each was issued to. Global, as on the portal. */
export interface TokenStore {
  remember(token: string, login: string): void;
  loginOf(token: string): string | undefined;
  readonly size: number;
  clear(): void;
}

/** What GET /__admin/health shows of the stored tasks. */
export interface TaskHealth {
  /** Tasks held in all sessions and both APIs. */
  held: number;
  /** The most tasks one session holds on one API (--max-tasks). */
  maxPerSession: number;
  /** How many session and API pairs are full: their next create is refused until a reset. */
  full: number;
}

export interface Store {
  /** `memory` (this process only) or the shared store's kind. */
  readonly kind: string;
  readonly sessions: SessionStore;
  readonly journal: Journal;
  readonly faults: FaultQueue;
  readonly tokens: TokenStore;
  /** Forgets one session (its calls, counters, random draws, own clock, tasks and queued faults) or all of them. */
  reset(session?: string): void;
  taskHealth(): TaskHealth;
}
