// HTTP Basic with `login:password@domain` (docs/fidelity.md, Wello: Authentication).
import { header, type RequestHeaders } from '../../core/http.js';

/** The login of a well-formed Basic credential, or undefined when it is missing or malformed. */
export function basicLogin(headers: RequestHeaders): string | undefined {
  const m = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header(headers, 'authorization') ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const secret = text.slice(colon + 1);
  const at = secret.lastIndexOf('@');
  // A password and a domain, both non-empty: "123456@TESTAPI".
  return at > 0 && at < secret.length - 1 ? text.slice(0, colon) : undefined;
}
