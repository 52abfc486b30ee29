// The in-memory Store: every answer synchronous, nothing shared beyond this process.
import { type Clock } from '../core/clock.js';
import { type CounterName, createSessionStore, DEFAULT_MAX_SESSIONS } from '../core/sessions.js';
import { createFaultQueue } from '../faults.js';
import { createJournal, type JournalOptions } from '../journal/journal.js';
import type { Check } from '../core/record.js';
import type { Store, TokenStore } from './store.js';
import { DEFAULT_MAX_TASKS } from './task-table.js';

export interface MemoryStoreOptions {
  seed: number;
  bases: Record<CounterName, number>;
  clock: Clock;
  journalLimit: number;
  journal: JournalOptions;
  /** The most named sessions kept (least recently used evicted). */
  maxSessions?: number;
  /** The most tasks one session holds on one API. */
  maxTasks?: number;
  /** How a deferred check is made when a call is read (the API that answered it does it). */
  check: (api: string, operation: string, request: Parameters<Check>[1]) => ReturnType<Check>;
}

/**
 * 10,000 tokens: far more than one test run logs in, and a bound on what callers can make the stub hold; the
 * oldest is forgotten first (a forgotten token then reads as the portal owner's, as an unknown one does).
 */
const MAX_TOKENS = 10_000;

function createTokenStore(): TokenStore {
  const tokens = new Map<string, string>();
  return {
    remember(token, login) {
      if (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value!);
      tokens.set(token, login);
    },
    loginOf: (token) => tokens.get(token),
    get size() {
      return tokens.size;
    },
    clear: () => tokens.clear(),
  };
}

export function createMemoryStore(options: MemoryStoreOptions): Store {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const journal = createJournal(options.journalLimit, (name, operation, request) => options.check(name, operation, request), {
    ...options.journal,
    evictedSessionsKept: maxSessions,
  });
  const faults = createFaultQueue();
  const sessions = createSessionStore(options.seed, options.bases, options.clock, {
    max: maxSessions,
    maxTasks: options.maxTasks ?? DEFAULT_MAX_TASKS,
    // An evicted session is forgotten as a reset forgets it; its calls count as evicted.
    onEvict(name) {
      journal.evictSession(name);
      faults.clear(name);
    },
    // A session made again keeps the count of its calls evicted before.
    onMake: (name) => journal.sessionMade(name),
  });
  return {
    kind: 'memory',
    sessions,
    journal,
    faults,
    tokens: createTokenStore(),
    reset(session) {
      journal.clear(session);
      faults.clear(session);
      sessions.reset(session);
    },
    taskHealth: () => sessions.taskHealth(),
  };
}
