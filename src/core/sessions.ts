import { type Clock, SessionClock } from './clock.js';
import { createGenerator, createWords, deriveSeed, type Generator, guidFromWords } from './rng.js';
import type { ApiName } from './record.js';
import { createTaskTable, DEFAULT_MAX_TASKS, type StoredTask, type TaskTable } from '../store/task-table.js';

/** The id counters the APIs keep; each session has its own (README, Sessions). */
export type CounterName = 'onlyofficeTaskId' | 'welloId2';

/** Which API's tasks a table holds, and what it counts them by (e.g. ONLYOFFICE's category, for `relativeItemsCount`). One constant per API. */
export interface TaskKind<T extends StoredTask> {
  readonly api: ApiName;
  readonly index?: (task: T) => number | string | undefined;
  /**
   * The tasks a new session starts with (from the fixtures); none when absent. Called when the session's table is
   * made, and must return new objects each time: a session changes its own tasks, never another's. More than
   * --max-tasks of them fail that session's calls with the API's 507.
   */
  readonly initial?: () => readonly T[];
  /**
   * A counter a session's first new id comes after: past the highest fixture id (ONLYOFFICE: the portal's
   * AUTO_INCREMENT is never at or below MAX(id)). The memory store's lifecycle raises it itself (lifecycle.ts
   * tasksOf); a shared store raises it when it seeds the table.
   */
  readonly counterFloor?: { readonly counter: CounterName; readonly after: number };
}

export interface Session {
  readonly name: string;
  /** Schema-driven values (tokens), from json-schema-faker seeded for this session. */
  readonly generator: Generator;
  /** This session's clock: the default session's is the global clock; any other follows it unless given its own instant. */
  readonly clock: Clock;
  /** A new GUID from this session's own stream. */
  newGuid(): string;
  /** Returns the counter's next value and advances it: synchronous, so concurrent calls never share one. */
  next(counter: CounterName): number;
  peek(counter: CounterName): number;
  set(counter: CounterName, value: number): void;
  /** The tasks this session created on one API (made on first use, forgotten with the session). */
  tasks<T extends StoredTask>(kind: TaskKind<T>): TaskTable<T>;
  /** The task tables this session has made, for health: each API's held tasks. */
  taskTables(): readonly TaskTable<StoredTask>[];
}

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'x-stub-session';

/**
 * A class rather than an object literal with a getter and closures: V8 gives such a literal about
 * 1.6 KB per instance, the class about a tenth of that, and a store holds up to --max-sessions of them.
 */
class StoredSession implements Session {
  readonly clock: Clock;
  readonly #seed: number;
  readonly #counters: Record<CounterName, number>;
  readonly #word: () => number;
  #generator: Generator | undefined;
  readonly #maxTasks: number;
  // Made on the first create on each API, forgotten with the session (reset, eviction).
  #tasks: Map<ApiName, TaskTable<StoredTask>> | undefined;

  constructor(
    readonly name: string,
    seed: number,
    bases: Record<CounterName, number>,
    globalClock: Clock,
    maxTasks: number,
  ) {
    this.#maxTasks = maxTasks;
    this.clock = name === DEFAULT_SESSION ? globalClock : new SessionClock(globalClock);
    this.#seed = seed;
    this.#counters = { ...bases };
    this.#word = createWords(deriveSeed(seed, `${name}:guid`));
  }

  // Made on first use: most sessions never need one.
  get generator(): Generator {
    return (this.#generator ??= createGenerator(deriveSeed(this.#seed, this.name)));
  }

  newGuid(): string {
    const word = this.#word;
    return guidFromWords(word(), word(), word(), word());
  }

  next(counter: CounterName): number {
    const value = this.#counters[counter] ?? 1;
    this.#counters[counter] = value + 1;
    return value;
  }

  peek(counter: CounterName): number {
    return this.#counters[counter] ?? 1;
  }

  set(counter: CounterName, value: number): void {
    this.#counters[counter] = value;
  }

  tasks<T extends StoredTask>(kind: TaskKind<T>): TaskTable<T> {
    const tables = (this.#tasks ??= new Map());
    let table = tables.get(kind.api) as TaskTable<T> | undefined;
    if (!table) {
      table = createTaskTable<T>({ limit: this.#maxTasks, index: kind.index });
      for (const task of kind.initial?.() ?? []) table.put(task);
      tables.set(kind.api, table as unknown as TaskTable<StoredTask>);
    }
    return table;
  }

  taskTables(): readonly TaskTable<StoredTask>[] {
    return this.#tasks ? [...this.#tasks.values()] : [];
  }
}

export function createSession(name: string, seed: number, bases: Record<CounterName, number>, globalClock: Clock, maxTasks = DEFAULT_MAX_TASKS): Session {
  return new StoredSession(name, seed, bases, globalClock, maxTasks);
}

export interface SessionStore {
  /** The global clock (`--clock`): the default session's, and every other session's until it sets its own. */
  readonly clock: Clock;
  /** How many named sessions are kept at most (--max-sessions); the default session is not counted. */
  readonly max: number;
  /** How many named sessions are held now. */
  readonly size: number;
  /** How many sessions were evicted (least recently used) to stay within `max`, since the start or the last reset of all. */
  readonly evicted: number;
  /**
   * The session, made when it is not held (from the seed and its name alone, so a session evicted and made
   * again answers as it did the first time), and marked as the most recently used. Only API calls and
   * writes (PUT /__admin/state, a queued fault) call it: reads use `find` or `view`.
   */
  get(name: string): Session;
  /** The session if it is held: never makes one, nor counts as a use. */
  find(name: string): Session | undefined;
  /** The session if it is held, else a new one as it would start, not kept (what a read of an unknown session shows). */
  view(name: string): Session;
  /** The clock of this session, without making the session when it has none yet. */
  clockOf(name: string): Clock;
  /** Forgets one session (its counters, random stream, own clock and tasks) or all; the global clock is kept. */
  reset(name?: string): void;
  /** The tasks held in every session, and how many tables are full. */
  taskHealth(): { held: number; maxPerSession: number; full: number };
}

export interface SessionStoreOptions {
  /** The most named sessions kept (default DEFAULT_MAX_SESSIONS). */
  max?: number;
  /** Told the name of each session evicted, after it is forgotten (the journal drops its entries, the fault queue its faults). */
  onEvict?: (name: string) => void;
  /** Told the name of each named session made, before any eviction its making causes. */
  onMake?: (name: string) => void;
  /** The most tasks a session holds on one API (default DEFAULT_MAX_TASKS). */
  maxTasks?: number;
}

/**
 * 10,000 named sessions: far more than parallel CI jobs or test files use at once (each takes one),
 * and a full store of the longest names takes about 8 MB of heap (0.8 KB a session, measured), not
 * unbounded memory.
 */
export const DEFAULT_MAX_SESSIONS = 10_000;

export function createSessionStore(seed: number, bases: Record<CounterName, number>, clock: Clock, options: SessionStoreOptions = {}): SessionStore {
  const max = options.max ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isInteger(max) || max < 1) throw new Error(`--max-sessions must be a positive integer, not ${max}`);
  const { onEvict, onMake } = options;
  const maxTasks = options.maxTasks ?? DEFAULT_MAX_TASKS;
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new Error(`--max-tasks must be a positive integer, not ${maxTasks}`);
  // The default session is kept apart: it is never evicted and not counted.
  let defaultSession: Session | undefined;
  // Named sessions, least recently used first: a use moves a session to the end (a Map keeps insertion order), so
  // the one to evict is the first key. O(1) per call.
  const sessions = new Map<string, Session>();
  // The most recent use, so that a run of calls in one session (the usual case) skips the re-insert.
  let latest: Session | undefined;
  let evicted = 0;

  const make = (name: string) => createSession(name, seed, bases, clock, maxTasks);
  function find(name: string): Session | undefined {
    return name === DEFAULT_SESSION ? defaultSession : sessions.get(name);
  }

  return {
    clock,
    max,
    get size() {
      return sessions.size;
    },
    get evicted() {
      return evicted;
    },
    get(name) {
      if (latest !== undefined && latest.name === name) return latest;
      if (name === DEFAULT_SESSION) return (latest = defaultSession ??= make(name));
      let session = sessions.get(name);
      if (session) sessions.delete(name);
      else {
        session = make(name);
        onMake?.(name);
        if (sessions.size >= max) {
          const [oldest] = sessions.keys();
          sessions.delete(oldest!);
          evicted++;
          onEvict?.(oldest!);
        }
      }
      sessions.set(name, session);
      return (latest = session);
    },
    find,
    view: (name) => find(name) ?? make(name),
    clockOf: (name) => find(name)?.clock ?? clock,
    reset(name) {
      latest = undefined;
      if (name === undefined) {
        defaultSession = undefined;
        sessions.clear();
        evicted = 0;
      } else if (name === DEFAULT_SESSION) defaultSession = undefined;
      else sessions.delete(name);
    },
    taskHealth() {
      let held = 0;
      let full = 0;
      const all = defaultSession ? [defaultSession, ...sessions.values()] : sessions.values();
      for (const session of all)
        for (const table of session.taskTables()) {
          held += table.size;
          if (!table.room()) full++;
        }
      return { held, maxPerSession: maxTasks, full };
    },
  };
}

/**
 * The longest session name: room for what CI names a job by (a repository, workflow, job and matrix
 * entry, a test file's path, a UUID or commit SHA, joined), while a name costs its session at most a
 * few hundred bytes rather than the 8 KB and more a header line may carry.
 */
export const MAX_SESSION_NAME = 200;

/** C0 and C1 control characters and DEL: a name is printed in the live page, logs and reports. A loop: cheaper than a regex on every call. */
function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** What is wrong with a session name, worded for the caller (`where` names where it was given), or undefined when it is fine. */
export function sessionNameProblem(name: string, where = 'X-Stub-Session'): string | undefined {
  if (name.length > MAX_SESSION_NAME) return `${where}: a session name is at most ${MAX_SESSION_NAME} characters; this one has ${name.length}`;
  if (hasControlCharacter(name)) return `${where}: a session name cannot hold control characters`;
  return undefined;
}

/** The session a request names; any header value is a name of its own. */
export function sessionName(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed ? trimmed : DEFAULT_SESSION;
}
