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
  get(name: string): Session;
  /** The clock of this session, without making the session when it has none yet. */
  clockOf(name: string): Clock;
  /** Forgets one session (its counters, random stream and own clock) or all; the global clock is kept. */
  reset(name?: string): void;
}

export function createSessionStore(seed: number, bases: Record<CounterName, number>, clock: Clock): SessionStore {
  const sessions = new Map<string, Session>();
  return {
    clock,
    get(name) {
      let session = sessions.get(name);
      if (!session) {
        session = createSession(name, seed, bases, clock);
        sessions.set(name, session);
      }
      return session;
    },
    clockOf: (name) => sessions.get(name)?.clock ?? clock,
    reset(name) {
      if (name === undefined) sessions.clear();
      else sessions.delete(name);
    },
  };
}

/** The session a request names; any header value is a name of its own. */
export function sessionName(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed ? trimmed : DEFAULT_SESSION;
}
