// Which calls a matcher selects: {session?, api?, method?, path?, status?,
// body?}, where body matches when it is a subset of the request body; and,
// for a failed verification, the calls that came closest.
import type { Matcher } from '../generated/admin/matcher.js';
import type { JournalCall } from './journal.js';
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

/** A held call as a matcher sees it: the request body is decoded and parsed only when a matcher names one. */
export function viewOf(call: JournalCall): CallView {
  return {
    session: call.session,
    api: call.api,
    method: call.method,
    path: call.path,
    status: call.status,
    body: () => call.body().body,
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

/** Whether every field matches; the body, the costly one, is looked at only when the others do. */
export function matches(matcher: Matcher, call: CallView): boolean {
  const { body, ...cheap } = matcher;
  return mismatches(cheap, call).length === 0 && (body === undefined || mismatches({ body }, call).length === 0);
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
export function nearMisses(matcher: Matcher, calls: readonly JournalCall[], most = 5): NearMiss[] {
  const fields = Object.keys(matcher).filter((k) => matcher[k as keyof Matcher] !== undefined).length;
  return calls
    .map((call) => ({ call, missed: mismatches(matcher, viewOf(call)) }))
    .filter(({ missed }) => missed.length > 0)
    .sort((a, b) => a.missed.length - b.missed.length || b.call.id - a.call.id)
    .slice(0, most)
    .map(({ call, missed }) => ({
      id: call.id,
      session: call.session,
      api: call.api,
      method: call.method,
      path: call.path,
      status: call.status,
      matched: `${fields - missed.length}/${fields}`,
      mismatches: missed,
    }));
}
