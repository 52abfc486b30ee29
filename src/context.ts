// Everything a request handler may read, built once per app by createApp.
import type { CallClock } from './core/clock.js';
import type { SchemaRegistry } from './core/schemas.js';
import type { SessionStore } from './core/sessions.js';
import type { Fixtures } from './fixtures.js';

export type AuthMode = 'required' | 'off';

export interface StubContext {
  readonly registry: SchemaRegistry;
  readonly sessions: SessionStore;
  /** "Now" for the call being answered: its session's clock, read once per call (the global clock's is `sessions.clock`). */
  readonly clock: CallClock;
  /** Replaced when --watch reloads them. */
  fixtures: Fixtures;
  readonly auth: AuthMode;
  /** ONLYOFFICE tokens issued by POST api/2.0/authentication, and the login each was issued to. */
  readonly tokens: Map<string, string>;
}
