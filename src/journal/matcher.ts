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

export function mismatches(matcher: Matcher, entry: StoredEntry): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (field: keyof Matcher, ok: boolean, actual: unknown) => {
    if (!ok) out.push({ field, expected: matcher[field], actual });
  };
  if (matcher.session !== undefined) check('session', matcher.session === entry.session, entry.session);
  if (matcher.api !== undefined) check('api', matcher.api === entry.result.record.api, entry.result.record.api);
  if (matcher.method !== undefined) check('method', matcher.method.toUpperCase() === entry.request.method, entry.request.method);
  if (matcher.path !== undefined) check('path', pathMatches(matcher.path, entry.request.path), entry.request.path);
  if (matcher.status !== undefined) check('status', matcher.status === entry.result.response.status, entry.result.response.status);
  if (matcher.body !== undefined) {
    const body = requestBody(entry).body;
    check('body', isSubset(matcher.body, body), body);
  }
  return out;
}

export function matches(matcher: Matcher, entry: StoredEntry): boolean {
  return mismatches(matcher, entry).length === 0;
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
    .map((entry) => ({ entry, missed: mismatches(matcher, entry) }))
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
