// A request filter for pact-js's Verifier (`requestFilter`: Express-style
// middleware that pact-js runs in its proxy on every request the verifier
// makes to the provider), for pacts taskstub exported. It does two things:
//
// - Fills masked credentials. A pact exported from the journal carries them
//   as the journal shows them (`Basic ****`, `Bearer ****`, `****`); sent as
//   they are, the provider refuses them. Each masked Authorization is replaced
//   by the one given for its API. A credential the API refused when recorded
//   is exported as `<scheme> refused-credential` (export.ts REFUSED_CREDENTIAL),
//   not masked, so it is left alone and refused again.
// - Sends form bodies as forms. pact-js's proxy parses an
//   application/x-www-form-urlencoded body (body-parser) and forwards it as
//   JSON (its parseBody JSON.stringifies an object body), so ONLYOFFICE would
//   read a JSON text as form fields; the fields are encoded back here.
//
// Kept free of the stub's modules: `taskstub/client` re-exports it.

/** The journal's mask (src/journal/entry.ts MASK; test/pact-export.test.ts checks they are the same). */
export const MASKED = '****';

/** The Authorization value to send in place of a masked one: for both APIs, or per API. */
export type CredentialFill = string | { onlyoffice?: string; wello?: string };

export interface PactRequestFilterOptions {
  /** What to send in place of each masked Authorization; without it, masked ones are sent as they are. */
  credentials?: CredentialFill;
}

/** What the filter reads and changes of a request (Node's IncomingMessage, as Express gives it to pact-js's filter). */
export interface FilteredRequest {
  url?: string;
  path?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** Which API a path is for, as the stub routes it (src/stub.ts): ONLYOFFICE owns /api/2.0/, Wello the rest of /api/. */
function apiOf(path: string): 'onlyoffice' | 'wello' | undefined {
  if (/^\/api\/2\.0\//i.test(path)) return 'onlyoffice';
  if (/^\/api\//i.test(path)) return 'wello';
  return undefined;
}

/** The fields body-parser made of a form, encoded back (repeated names as repeated fields). */
function formText(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  return params.toString();
}

/**
 * `new Verifier({ ..., requestFilter: pactRequestFilter({ credentials: { wello: 'Basic ...', onlyoffice: 'TOKEN' } }) })`.
 * Requests with neither a masked credential nor a form body pass unchanged.
 */
export function pactRequestFilter(options: PactRequestFilterOptions = {}): (req: FilteredRequest, res: unknown, next: () => void) => void {
  const fill = options.credentials;
  return (req, _res, next) => {
    const path = req.path ?? (req.url ?? '/').split('?')[0]!;
    const api = apiOf(path);
    const value = fill === undefined ? undefined : typeof fill === 'string' ? fill : api && fill[api];
    const current = req.headers.authorization;
    if (value !== undefined && typeof current === 'string' && current.includes(MASKED)) req.headers.authorization = value;
    const type = req.headers['content-type'];
    if (typeof type === 'string' && /^application\/x-www-form-urlencoded\b/i.test(type) && req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
      const text = formText(req.body as Record<string, unknown>);
      req.body = Buffer.from(text);
      req.headers['content-length'] = String(Buffer.byteLength(text));
    }
    next();
  };
}
