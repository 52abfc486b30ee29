// POST api/2.0/authentication: a token for any non-empty userName and password
// (docs/fidelity.md, ONLYOFFICE: Authentication).
import type { Session } from '../../core/sessions.js';
import type { JsonSchema } from '../../core/schemas.js';
import { TICKS_PER_MS, type Ticks } from '../../core/ticks.js';
import type { Bound } from './binder.js';
import { OnlyofficeError } from './errors.js';
import { formatApiDateTime } from './api-datetime.js';
import type { Portal } from './portal.js';

// How long an issued token lives [inferred: the portal's default cookie lifetime].
const TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedToken {
  token: string;
  /** The userName the token was issued to. */
  login: string;
}

export function authenticate(
  portal: Portal,
  tokenSchema: JsonSchema,
  { bound, session, now }: { bound: Bound; session: Session; now: Ticks },
): { response: Record<string, unknown>; issued: IssuedToken } {
  const userName = bound.values.userName as string | undefined;
  const password = bound.values.password as string | undefined;
  if (!userName || !password) throw new OnlyofficeError('missingCredentials');
  const token = session.generator.generate(tokenSchema) as string;
  const expires = formatApiDateTime(now + BigInt(TOKEN_LIFETIME_MS) * TICKS_PER_MS, portal.utcOffsetMinutes);
  return { response: { token, expires }, issued: { token, login: userName } };
}
