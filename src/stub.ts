// The pure core of taskstub: options in, a request handler out. No Express,
// no sockets: both HTTP adapters call `handle`.
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClock, formatIso, parseClockOption } from './core/clock.js';
import type { CoreRequest } from './core/http.js';
import type { CoreResult } from './core/record.js';
import { compileAll, loadSchemas } from './core/schemas.js';
import { createSessionStore, sessionName, SESSION_HEADER } from './core/sessions.js';
import { render } from './journal/entry.js';
import { openJournalFile } from './journal/file.js';
import { createJournal, type Journal } from './journal/journal.js';
import type { StubState } from './generated/admin/state.js';
import type { AuthMode, StubContext } from './context.js';
import { DEFAULT_FIXTURES_DIR, loadFixtures } from './fixtures.js';
import { createOnlyofficeApi, onlyofficeFormats } from './apis/onlyoffice/index.js';
import { createWelloApi } from './apis/wello/index.js';
import { isGuid } from './core/guid.js';
import { isDotNetDateTime } from './core/dotnet-datetime.js';

export interface StubOptions {
  /** How many journal entries to keep (the newest); default 10000. */
  journalLimit?: number;
  /** Append every journal entry to this JSON Lines file. */
  journalFile?: string;
  /** Seeds every session's random stream; omitted: a random seed, reported by /__admin/health. */
  seed?: number;
  /** An ISO 8601 time to freeze the clock at; omitted: real time. */
  clock?: string;
  fixtures?: string;
  auth?: AuthMode;
  /** The first ONLYOFFICE task id of every session (default 1). */
  taskIdBase?: number;
  /** The first Wello id2 of every session (default 1). */
  id2Base?: number;
}

export interface Stub {
  readonly context: StubContext;
  readonly seed: number;
  readonly journal: Journal;
  /** The answer to an API request, recorded in the journal; undefined when no API owns the path. */
  handle(req: CoreRequest, flags?: { bodyTooLarge?: boolean }): CoreResult | undefined;
  /** Clears the journal, counters and random stream of one session, or of all. */
  reset(session?: string): void;
  state(session: string): StubState;
  setState(session: string, state: Omit<StubState, 'session'>): void;
  /** Writes what the journal file still holds and closes it. */
  close(): Promise<void>;
}

export const DEFAULT_JOURNAL_LIMIT = 10_000;

// Formats that are plain .NET types rather than one API's.
const sharedFormats = { guid: isGuid, 'dotnet-datetime': isDotNetDateTime };

const ALL_SCHEMAS = [
  'onlyoffice/create-task-request',
  'onlyoffice/envelope',
  'onlyoffice/error',
  'onlyoffice/authentication-request',
  'onlyoffice/authentication-response',
  'wello/task',
  'wello/task-response',
  'wello/error',
  'fixtures/onlyoffice',
  'fixtures/wello',
  'admin/matcher',
  'admin/verify',
  'admin/state',
];

export function createStub(options: StubOptions = {}): Stub {
  const registry = loadSchemas({ ...sharedFormats, ...onlyofficeFormats });
  compileAll(registry, ALL_SCHEMAS);
  const seed = options.seed ?? randomInt(2 ** 31);
  const context: StubContext = {
    registry,
    sessions: createSessionStore(seed, { onlyofficeTaskId: options.taskIdBase ?? 1, welloId2: options.id2Base ?? 1 }),
    clock: createClock(options.clock === undefined ? undefined : parseClockOption(options.clock)),
    fixtures: loadFixtures(registry, options.fixtures ?? DEFAULT_FIXTURES_DIR),
    auth: options.auth ?? 'required',
  };
  // ONLYOFFICE owns /api/2.0/; Wello answers the rest of /api/.
  const apis = [createOnlyofficeApi(context), createWelloApi(context)];
  const journal = createJournal(options.journalLimit ?? DEFAULT_JOURNAL_LIMIT);
  const file = options.journalFile === undefined ? undefined : openJournalFile(options.journalFile);

  function answer(req: CoreRequest, flags?: { bodyTooLarge?: boolean }): CoreResult | undefined {
    for (const api of apis) {
      const result = api.handle(req, flags);
      if (result) return result;
    }
    return undefined;
  }

  return {
    context,
    seed,
    journal,
    handle(req, flags) {
      const started = performance.now();
      const time = context.clock.now();
      const result = answer(req, flags);
      if (!result) return undefined;
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const entry = journal.add({ session: sessionName(req.headers[SESSION_HEADER]), time, request: req, result, durationMs });
      file?.append(() => JSON.stringify(render(entry)));
      return result;
    },
    reset(session) {
      journal.clear(session);
      context.sessions.reset(session);
    },
    state(session) {
      const s = context.sessions.get(session);
      const clock = context.clock.frozen ? formatIso(context.clock.now()) : null;
      return { session, id2Next: s.peek('welloId2'), taskIdNext: s.peek('onlyofficeTaskId'), clock };
    },
    setState(session, state) {
      const s = context.sessions.get(session);
      if (state.id2Next !== undefined) s.set('welloId2', state.id2Next);
      if (state.taskIdNext !== undefined) s.set('onlyofficeTaskId', state.taskIdNext);
      if (state.clock !== undefined) context.clock.set(state.clock === null ? undefined : parseClockOption(state.clock));
    },
    close: async () => file?.close(),
  };
}
