// Everything a request handler may read, built once per app by createApp.
import type { CallClock } from './core/clock.js';
import type { SchemaRegistry } from './core/schemas.js';
import type { SessionStore } from './core/sessions.js';
import type { Store } from './store/store.js';
import type { Fixtures } from './fixtures.js';

export type AuthMode = 'required' | 'off';

export interface StubContext {
  readonly registry: SchemaRegistry;
  /** Everything remembered between calls (src/store/store.ts). */
  readonly store: Store;
  /** The store's sessions (`store.sessions`), read on every call. */
  readonly sessions: SessionStore;
  /** "Now" for the call being answered: its session's clock, read once per call (the global clock's is `sessions.clock`). */
  readonly clock: CallClock;
  /** Replaced when --watch reloads them. */
  fixtures: Fixtures;
  readonly auth: AuthMode;
}
