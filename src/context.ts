// Everything a request handler may read, built once per app by createApp.
import type { Clock } from './core/clock.js';
import type { SchemaRegistry } from './core/schemas.js';
import type { SessionStore } from './core/sessions.js';
import type { Fixtures } from './fixtures.js';

export type AuthMode = 'required' | 'off';

export interface StubContext {
  readonly registry: SchemaRegistry;
  readonly sessions: SessionStore;
  readonly clock: Clock;
  /** Replaced when --watch reloads them. */
  fixtures: Fixtures;
  readonly auth: AuthMode;
  /** ONLYOFFICE tokens issued by POST api/2.0/authentication, and the login each was issued to. */
  readonly tokens: Map<string, string>;
}
