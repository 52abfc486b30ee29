import { type Clock, SessionClock } from './clock.js';
import { createGenerator, createWords, deriveSeed, type Generator, guidFromWords } from './rng.js';

/** The id counters the APIs keep; each session has its own (DESIGN, Sessions). */
export type CounterName = 'onlyofficeTaskId' | 'welloId2';

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
}

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'x-stub-session';

export function createSession(name: string, seed: number, bases: Record<CounterName, number>, globalClock: Clock): Session {
  const counters = new Map<CounterName, number>(Object.entries(bases) as [CounterName, number][]);
  const word = createWords(deriveSeed(seed, `${name}:guid`));
  let generator: Generator | undefined;
  return {
    name,
    clock: name === DEFAULT_SESSION ? globalClock : new SessionClock(globalClock),
    // Made on first use: most sessions never need one.
    get generator() {
      return (generator ??= createGenerator(deriveSeed(seed, name)));
    },
    newGuid: () => guidFromWords(word(), word(), word(), word()),
    next(counter) {
      const value = counters.get(counter) ?? 1;
      counters.set(counter, value + 1);
      return value;
    },
    peek: (counter) => counters.get(counter) ?? 1,
    set: (counter, value) => void counters.set(counter, value),
  };
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
  /** Forgets one session (its counters, random stream and own clock) or all; the global clock is kept. */
  reset(name?: string): void;
}

export interface SessionStoreOptions {
  /** The most named sessions kept (default DEFAULT_MAX_SESSIONS). */
  max?: number;
  /** Told the name of each session evicted, after it is forgotten (the journal drops its entries, the fault queue its faults). */
  onEvict?: (name: string) => void;
  /** Told the name of each named session made, before any eviction its making causes. */
  onMake?: (name: string) => void;
}

/**
 * 10,000 named sessions: far more than parallel CI jobs or test files use at once (each takes one), and
 * with names of at most MAX_SESSION_NAME characters a full store costs a few MB, not unbounded memory.
 */
export const DEFAULT_MAX_SESSIONS = 10_000;

export function createSessionStore(seed: number, bases: Record<CounterName, number>, clock: Clock, options: SessionStoreOptions = {}): SessionStore {
  const max = options.max ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isInteger(max) || max < 1) throw new Error(`--max-sessions must be a positive integer, not ${max}`);
  const { onEvict, onMake } = options;
  // The default session is kept apart: it is never evicted and not counted.
  let defaultSession: Session | undefined;
  // Named sessions, least recently used first: a use moves a session to the end (a Map keeps insertion order), so
  // the one to evict is the first key. O(1) per call.
  const sessions = new Map<string, Session>();
  // The most recent use, so that a run of calls in one session (the usual case) skips the re-insert.
  let latest: Session | undefined;
  let evicted = 0;

  const make = (name: string) => createSession(name, seed, bases, clock);
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
  };
}

/**
 * The longest session name: room for what CI names a job by (a repository, workflow, job and matrix
 * entry, a test file's path, a UUID or commit SHA, joined), while 10,000 sessions of the longest names
 * hold about 4 MB of names (MAX_SESSION_NAME x 2 bytes per character, at most) rather than the 8 KB a
 * header line may carry each.
 */
export const MAX_SESSION_NAME = 200;

// C0 and C1 control characters and DEL: a name is printed in the live page, logs and reports.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What is wrong with a session name, worded for the caller (`where` names where it was given), or undefined when it is fine. */
export function sessionNameProblem(name: string, where = 'X-Stub-Session'): string | undefined {
  if (name.length > MAX_SESSION_NAME) return `${where}: a session name is at most ${MAX_SESSION_NAME} characters; this one has ${name.length}`;
  if (CONTROL.test(name)) return `${where}: a session name cannot hold control characters`;
  return undefined;
}

/** The session a request names; any header value is a name of its own. */
export function sessionName(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed ? trimmed : DEFAULT_SESSION;
}
