// ASP.NET's request collections as ApiArgumentBuilder reads them (docs/fidelity.md, ONLYOFFICE: Binding):
// Request.Form (HttpRequest.FillInFormCollection → HttpValueCollection.FillFromEncodedBytes) and
// Request.Cookies (HttpRequest.FillInCookiesCollection, CreateCookieFromString; HttpCookie.Value), read in
// System.Web of .NET Framework (microsoft/referencesource, System.Web/HttpRequest.cs, HttpCookie.cs,
// Util/HttpEncoder.cs).
import { add, type Collected } from './collect.js';

/**
 * Request.Form has values only for a Content-Type that starts with
 * `application/x-www-form-urlencoded` in any letter case (the header as sent,
 * parameters included), or `multipart/form-data` (not modelled: no values).
 */
export const isUrlEncodedForm = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.slice(0, 33).toLowerCase() === 'application/x-www-form-urlencoded';

const hex = (c: string | undefined): number => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * HttpUtility.UrlDecode(bytes, offset, count, UTF-8) (HttpEncoder.UrlDecode): `+` is
 * a space; `%XX` a byte and `%uXXXX` a UTF-16 unit, each only with enough
 * characters after the `%`; anything else as it is. Bytes are decoded as UTF-8
 * with U+FFFD for what is not [inferred: Encoding.UTF8's replacement fallback].
 */
export function urlDecode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const count = text.length;
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) out += utf8.decode(new Uint8Array(bytes));
    bytes = [];
  };
  for (let i = 0; i < count; i++) {
    const c = text[i]!;
    if (c === '+') {
      bytes.push(0x20);
      continue;
    }
    if (c === '%' && i < count - 2) {
      if (text[i + 1] === 'u' && i < count - 5) {
        const h = [hex(text[i + 2]), hex(text[i + 3]), hex(text[i + 4]), hex(text[i + 5])];
        if (h.every((d) => d >= 0)) {
          flush();
          out += String.fromCharCode((h[0]! << 12) | (h[1]! << 8) | (h[2]! << 4) | h[3]!);
          i += 5;
          continue;
        }
      } else {
        const h1 = hex(text[i + 1]);
        const h2 = hex(text[i + 2]);
        if (h1 >= 0 && h2 >= 0) {
          bytes.push((h1 << 4) | h2);
          i += 2;
          continue;
        }
      }
    }
    const code = c.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else {
      // A character of the (already UTF-8-decoded) body: its own bytes again; a surrogate pair stays whole.
      const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < count ? c + text[++i] : c;
      for (const b of encoder.encode(pair)) bytes.push(b);
    }
  }
  flush();
  return out;
}

/**
 * HttpValueCollection.FillFromEncodedBytes: pairs split on `&`, the first `=`
 * ends the name; a pair with no `=` has no name (a null key, which no
 * parameter reads); a trailing `&` adds one more nameless pair. A name given
 * several times keeps every value, in order (NameValueCollection.Add), so
 * `title=a&title=b` is title: [a, b] and the binder takes `a`.
 */
export function collectForm(text: string): Collected {
  const collected: Collected = new Map();
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue; // name null
    add(collected, urlDecode(pair.slice(0, eq)), urlDecode(pair.slice(eq + 1)));
  }
  return collected;
}

/**
 * `Request.Cookies[name].Value`, or undefined. The Cookie header is split on
 * `;` only (not `,`), each part trimmed; a part is `name=value`, with `&` and
 * further `=` making sub-values (CreateCookieFromString); a `$Path` or
 * `$Domain` part after a cookie is that cookie's attribute. Names match in any
 * letter case and the first cookie of a name wins (HttpCookieCollection:
 * OrdinalIgnoreCase, BaseGet finds the first). Values are not URL-decoded.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const wanted = name.toLowerCase();
  let seen = false;
  for (const raw of header.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const amp = part.indexOf('&');
    // The whole part is a name when it has no '=' before any '&' and no '&' at all.
    const cookieName = eq >= 0 && (amp < 0 || eq < amp) ? part.slice(0, eq) : amp < 0 ? part : '';
    if (seen && cookieName.startsWith('$')) continue;
    seen = true;
    if (cookieName.toLowerCase() !== wanted) continue;
    if (eq < 0 && amp < 0) return ''; // a name alone: no value
    return httpCookieValue(eq >= 0 && (amp < 0 || eq < amp) ? part.slice(eq + 1) : part);
  }
  return undefined;
}

/**
 * HttpCookie.Value for what follows the cookie's name: CreateCookieFromString
 * always fills Values (its single-value branch needs numValues == 0, and
 * numValues starts at 1), one entry per `&` part, `k=v` under k and a bare
 * value under the null key; Value is Values.ToString(false), which groups the
 * values of a key in the order the keys first came, joined by `&` (a key, even
 * an empty one, written `key=`).
 */
function httpCookieValue(rest: string): string {
  if (!rest.includes('&')) return rest;
  const groups = new Map<string | null, string[]>();
  for (const piece of rest.split('&')) {
    const eq = piece.indexOf('=');
    const key = eq >= 0 ? piece.slice(0, eq) : null;
    const value = eq >= 0 ? piece.slice(eq + 1) : piece;
    const found = [...groups.keys()].find((k) => (k === null ? key === null : key !== null && k.toLowerCase() === key.toLowerCase()));
    if (found !== undefined) groups.get(found)!.push(value);
    else groups.set(key, [value]);
  }
  const parts: string[] = [];
  for (const [key, values] of groups) for (const value of values) parts.push(key !== null ? `${key}=${value}` : value);
  return parts.join('&');
}
