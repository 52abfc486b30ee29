// Who is calling: any one of the real credential forms (docs/fidelity.md, ONLYOFFICE,
// Authentication): `Authorization: <token>`, `Basic base64(user:password)`,
// `Bearer <token>`, or the cookie `asc_auth_key=<token>`.
import { header, type RequestHeaders } from '../../core/http.js';

export type Credential =
  | { kind: 'basic'; login: string }
  | { kind: 'token'; token: string }
  | { kind: 'none'; failedBasic: boolean };

function cookie(headers: RequestHeaders, name: string): string | undefined {
  for (const part of (header(headers, 'cookie') ?? '').split(';')) {
    const [key, ...rest] = part.split('=');
    if (key?.trim() === name) return rest.join('=').trim();
  }
  return undefined;
}

function decodeBasic(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? text.slice(0, colon) : undefined;
}

export function readCredential(headers: RequestHeaders): Credential {
  const authorization = header(headers, 'authorization')?.trim() ?? '';
  const [scheme = '', ...rest] = authorization.split(/\s+/);
  const parameter = rest.join(' ');
  if (/^basic$/i.test(scheme)) {
    const login = decodeBasic(parameter);
    return login ? { kind: 'basic', login } : { kind: 'none', failedBasic: true };
  }
  if (/^bearer$/i.test(scheme)) {
    if (parameter) return { kind: 'token', token: parameter };
  } else if (authorization) {
    return { kind: 'token', token: authorization };
  }
  const fromCookie = cookie(headers, 'asc_auth_key');
  return fromCookie ? { kind: 'token', token: fromCookie } : { kind: 'none', failedBasic: false };
}
