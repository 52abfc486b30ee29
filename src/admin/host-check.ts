// Who may use the admin API when it has no token (the default, on loopback):
// this machine's tools and pages, not any web page the user happens to open.
//
// - DNS rebinding: a page on rebind.attacker.example makes its name resolve to
//   127.0.0.1, then reads http://rebind.attacker.example:4010/__admin/requests as
//   its own origin (the journal holds what was sent to /api/2.0/authentication).
//   The browser still sends `Host: rebind.attacker.example:4010`, so the admin API
//   answers only a Host that names this machine (localhost, *.localhost, 127/8,
//   [::1]) or one given with --allowed-host, as Vite, webpack-dev-server and the
//   Node inspector do.
// - Cross-site requests: any page can send a "simple" POST (text/plain) to
//   http://127.0.0.1:4010/__admin/reset or /__admin/faults, and the admin API reads
//   every body as JSON. CORS only hides the answer; the call is made. So a call
//   whose Origin is neither this machine, the stub itself, nor a --cors-origin is
//   refused before any route runs.
//
// With an admin token neither check runs: the token is the protection (a page
// cannot send it without knowing it), and --host 0.0.0.0 always has one, so
// the names a LAN or a container mapping uses just work.
//
// The two APIs are not checked: they answer only what the caller sends (any
// non-empty credential passes), so a page reaches nothing there it could not
// make itself. The journal, which holds every caller's calls, is admin-only.
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { isLoopbackHost } from './token.js';

/** Whether a host name or address (no port; IPv6 with or without brackets) is this machine. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  // RFC 6761: every name under .localhost is loopback, and browsers resolve it so without DNS.
  return isLoopbackHost(name) || (name.endsWith('.localhost') && isIP(name) === 0);
}

/** The host of a Host header (`name`, `name:port`, `[v6]:port`), lowercased, brackets dropped; undefined when it is none of those. */
export function hostOfHeader(value: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::\d{1,5})?$/i.exec(value);
  if (!m) return undefined;
  return (m[1] ?? m[2])!.toLowerCase();
}

/** Whether an Origin is a page served from this machine: http(s) on a loopback name, any port. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(url.hostname);
}

/** A --allowed-host value, normalised; throws with the option's name when it is not a host name or address. */
export function parseAllowedHost(value: string): string {
  const text = value.trim().toLowerCase();
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) return bare;
  // A leading dot: the name and every name under it (Vite's allowedHosts syntax).
  if (/^\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/.test(text)) return text;
  throw new Error(`--allowed-host ${JSON.stringify(value)}: give a host name or address without scheme, port or path (stub.internal; .example.test for it and every name under it)`);
}

function isAllowedName(host: string, allowed: readonly string[]): boolean {
  return allowed.some((name) => (name.startsWith('.') ? host === name.slice(1) || host.endsWith(name) : host === name));
}

export interface LocalCallerOptions {
  /** Names besides loopback the admin API answers to (--allowed-host), already parsed by parseAllowedHost. */
  allowedHosts?: readonly string[];
  /** Origins besides loopback whose pages may call the admin API (--cors-origin). */
  origins?: readonly string[];
}

/** A 403 problem+json, the admin API's error shape (problem.ts), naming what was refused and how to allow it. */
function refuse(res: Parameters<RequestHandler>[1], code: string, title: string, detail: string): void {
  res.status(403).type('application/problem+json');
  res.send(JSON.stringify({ type: `https://taskstub.local/problems/${code}`, title, status: 403, detail }));
}

/** The guard in front of the admin routes when there is no admin token. */
export function requireLocalCaller(options: LocalCallerOptions = {}): RequestHandler {
  const allowedHosts = options.allowedHosts ?? [];
  const origins = options.origins ?? [];
  return (req, res, next) => {
    const hostHeader = req.headers.host;
    // No Host at all: only HTTP/1.0 may leave it out (Node answers HTTP/1.1 without one 400), and no browser
    // does, so no page can be behind such a call. Refusing it would only break old scripts.
    if (hostHeader !== undefined) {
      const host = hostOfHeader(hostHeader);
      if (host === undefined || !(isLoopbackName(host) || isAllowedName(host, allowedHosts))) {
        const shown = JSON.stringify(hostHeader.slice(0, 100));
        const name = host ?? 'HOST';
        refuse(
          res,
          'hostNotAllowed',
          'The admin API does not answer this Host',
          `Host ${shown} is not this machine: the admin API answers localhost, *.localhost, 127.x.x.x and [::1] only, against DNS rebinding. ` +
            `To reach it by this name, start taskstub with --allowed-host ${name}, or set an admin token (--admin-token).`,
        );
        return;
      }
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin) && !origins.includes(origin) && !isSameOrigin(origin, hostHeader)) {
      refuse(
        res,
        'originNotAllowed',
        'The admin API does not answer pages of this origin',
        `A page of ${JSON.stringify(origin.slice(0, 100))} may not call the admin API (it could read the journal or reset the stub): ` +
          `it answers pages served from this machine. To allow that origin, start taskstub with --cors-origin ${origin === 'null' ? 'ORIGIN' : origin.slice(0, 100)}.`,
      );
      return;
    }
    next();
  };
}

/** The stub's own pages (the live page reached by an --allowed-host name): the Origin names the Host the call went to. */
function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  try {
    return new URL(origin).host === new URL(`http://${hostHeader}`).host;
  } catch {
    return false;
  }
}
