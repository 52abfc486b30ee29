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
  readonly fixtures: Fixtures;
  readonly auth: AuthMode;
}
