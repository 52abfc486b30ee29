// Which calls a matcher selects: {session?, api?, method?, path?, status?,
// body?}, where body matches when it is a subset of the request body; and,
// for a failed verification, the calls that came closest.
import type { Matcher } from '../generated/admin/matcher.js';
import { requestBody, type StoredEntry } from './entry.js';
import { isSubset } from './subset.js';

export type { Matcher };

export interface Mismatch {
  field: keyof Matcher;
  expected: unknown;
  actual: unknown;
}

/** A path matches exactly (any letter case), or as a pattern where * stands for any characters. */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern.toLowerCase() === path.toLowerCase();
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(path);
}

/** What a matcher looks at: a recorded call, or a request about to be answered (no status yet). */
export interface CallView {
  session: string;
  api: string | undefined;
  method: string;
  path: string;
  status: number | undefined;
  body(): unknown;
}

export function viewOf(entry: StoredEntry): CallView {
  return {
    session: entry.session,
    api: entry.result.record.api,
    method: entry.request.method,
    path: entry.request.path,
    status: entry.result.response.status,
    body: () => requestBody(entry).body,
  };
}

export function mismatches(matcher: Matcher, call: CallView): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (field: keyof Matcher, ok: boolean, actual: unknown) => {
    if (!ok) out.push({ field, expected: matcher[field], actual });
  };
  if (matcher.session !== undefined) check('session', matcher.session === call.session, call.session);
  if (matcher.api !== undefined) check('api', matcher.api === call.api, call.api);
  if (matcher.method !== undefined) check('method', matcher.method.toUpperCase() === call.method, call.method);
  if (matcher.path !== undefined) check('path', pathMatches(matcher.path, call.path), call.path);
  if (matcher.status !== undefined) check('status', matcher.status === call.status, call.status);
  if (matcher.body !== undefined) {
    const body = call.body();
    check('body', isSubset(matcher.body, body), body);
  }
  return out;
}

export function matches(matcher: Matcher, call: CallView): boolean {
  return mismatches(matcher, call).length === 0;
}

export interface NearMiss {
  id: number;
  session: string;
  api: string;
  method: string;
  path: string;
  status: number;
  /** How many of the matcher's fields this call met, out of how many it names. */
  matched: string;
  mismatches: Mismatch[];
}

/** The calls that met most of the matcher without meeting all of it, closest first, newest first among equals. */
export function nearMisses(matcher: Matcher, entries: readonly StoredEntry[], most = 5): NearMiss[] {
  const fields = Object.keys(matcher).filter((k) => matcher[k as keyof Matcher] !== undefined).length;
  return entries
    .map((entry) => ({ entry, missed: mismatches(matcher, viewOf(entry)) }))
    .filter(({ missed }) => missed.length > 0)
    .sort((a, b) => a.missed.length - b.missed.length || b.entry.id - a.entry.id)
    .slice(0, most)
    .map(({ entry, missed }) => ({
      id: entry.id,
      session: entry.session,
      api: entry.result.record.api,
      method: entry.request.method,
      path: entry.request.path,
      status: entry.result.response.status,
      matched: `${fields - missed.length}/${fields}`,
      mismatches: missed,
    }));
}
