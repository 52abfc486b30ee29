// The pure core of taskstub: options in, a request handler out. No Express,
// no sockets: both HTTP adapters call `handle`.
import { randomInt } from 'node:crypto';
import { frozenClock, parseClockOption, realClock } from './core/clock.js';
import type { CoreRequest } from './core/http.js';
import type { CoreResult } from './core/record.js';
import { compileAll, loadSchemas } from './core/schemas.js';
import { createSessionStore } from './core/sessions.js';
import type { AuthMode, StubContext } from './context.js';
import { DEFAULT_FIXTURES_DIR, loadFixtures } from './fixtures.js';
import { createOnlyofficeApi, onlyofficeFormats } from './apis/onlyoffice/index.js';
import { createWelloApi } from './apis/wello/index.js';
import { isGuid } from './core/guid.js';
import { isDotNetDateTime } from './core/dotnet-datetime.js';

export interface StubOptions {
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
  /** The answer to an API request and what to record of it, or undefined when no API owns the path. */
  handle(req: CoreRequest, flags?: { bodyTooLarge?: boolean }): CoreResult | undefined;
}

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
];

export function createStub(options: StubOptions = {}): Stub {
  const registry = loadSchemas({ ...sharedFormats, ...onlyofficeFormats });
  compileAll(registry, ALL_SCHEMAS);
  const seed = options.seed ?? randomInt(2 ** 31);
  const context: StubContext = {
    registry,
    sessions: createSessionStore(seed, { onlyofficeTaskId: options.taskIdBase ?? 1, welloId2: options.id2Base ?? 1 }),
    clock: options.clock === undefined ? realClock() : frozenClock(parseClockOption(options.clock)),
    fixtures: loadFixtures(registry, options.fixtures ?? DEFAULT_FIXTURES_DIR),
    auth: options.auth ?? 'required',
  };
  // ONLYOFFICE owns /api/2.0/; Wello answers the rest of /api/.
  const apis = [createOnlyofficeApi(context), createWelloApi(context)];
  return {
    context,
    seed,
    handle(req, flags) {
      for (const api of apis) {
        const result = api.handle(req, flags);
        if (result) return result;
      }
      return undefined;
    },
  };
}
