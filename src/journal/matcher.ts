// Which calls a matcher selects: {session?, api?, method?, path?, status?,
// body?}, where body matches when it is a subset of the request body; and,
// for a failed verification, the calls that came closest.
import type { Matcher } from '../generated/admin/matcher.js';
import type { JournalCall } from './journal.js';
import { compilePattern, MAX_PROGRAM_SIZE, type Pattern, type PatternBudget, PatternError, patternBudget } from './pattern.js';
import { isSubset, patternsIn } from './subset.js';

export type { Matcher };

export interface Mismatch {
  field: keyof Matcher;
  expected: unknown;
  actual: unknown;
}

/** Longest path pattern with wildcards, in characters. */
export const MAX_PATH_PATTERN_LENGTH = 1000;
/** Most wildcards (*) in one path pattern. */
export const MAX_WILDCARDS = 20;
/** Most {matches} patterns in one matcher's body. */
export const MAX_BODY_PATTERNS = 100;

/** A matcher that cannot be used: where in it (a JSON pointer, e.g. /body/title/matches) and why. */
export class MatcherError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`At ${pointer}: ${reason}`);
    this.name = 'MatcherError';
  }
}

/**
 * A path test: exact (any letter case), or a pattern where * stands for any
 * characters. No RegExp: the pattern's literal parts are found left to right,
 * each at its first place after the one before (for * alone the leftmost
 * placement is always one that works), so a test reads the path once per part
 * at most, where a backtracking /.*a.*a.*b/ tried every split of the path.
 */
export function compilePath(pattern: string): (path: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!lower.includes('*')) return (path) => path.toLowerCase() === lower;
  const parts = lower.split('*');
  const wildcards = parts.length - 1;
  if (pattern.length > MAX_PATH_PATTERN_LENGTH) throw new MatcherError('/path', `the pattern is ${pattern.length} characters long; a path pattern with * may have at most ${MAX_PATH_PATTERN_LENGTH}`);
  if (wildcards > MAX_WILDCARDS) throw new MatcherError('/path', `the pattern has ${wildcards} wildcards (*); a path pattern may have at most ${MAX_WILDCARDS}`);
  const first = parts[0] as string;
  const last = parts[wildcards] as string;
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  const fixed = first.length + last.length;
  return (path) => {
    const text = path.toLowerCase();
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    const end = text.length - last.length;
    let from = first.length;
    for (const part of middle) {
      const found = text.indexOf(part, from);
      if (found === -1 || found + part.length > end) return false;
      from = found + part.length;
    }
    return true;
  };
}

/** A path matches exactly (any letter case), or as a pattern where * stands for any characters. */
export function pathMatches(pattern: string, path: string): boolean {
  return compilePath(pattern)(path);
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

/** A matcher checked and made ready once (path test, body patterns), then tested against any number of calls. */
export interface CompiledMatcher {
  readonly matcher: Matcher;
  /**
   * The fields that do not match. The body's patterns are charged to
   * `budget` (by default a fresh one for this call); one that would exceed it
   * throws PatternCostError rather than run.
   */
  mismatches(call: CallView, budget?: PatternBudget): Mismatch[];
  /** Whether every field matches; the body, the costly one, is looked at only when the others do. */
  matches(call: CallView, budget?: PatternBudget): boolean;
}

const compiled = new WeakMap<Matcher, CompiledMatcher>();

/**
 * Checks `matcher`'s patterns and compiles them, once per matcher object.
 * Throws MatcherError naming the field (a JSON pointer, under `at`: /match for
 * a queued fault) and why it cannot be used.
 */
export function compileMatcher(matcher: Matcher, at = ''): CompiledMatcher {
  const known = compiled.get(matcher);
  if (known) return known;
  let path: ((path: string) => boolean) | undefined;
  try {
    path = matcher.path === undefined ? undefined : compilePath(matcher.path);
  } catch (error) {
    throw error instanceof MatcherError ? new MatcherError(`${at}${error.pointer}`, error.reason) : error;
  }
  const found = matcher.body === undefined ? [] : patternsIn(matcher.body, `${at}/body`);
  if (found.length > MAX_BODY_PATTERNS) throw new MatcherError(`${at}/body`, `the body has ${found.length} {matches} patterns; a matcher may have at most ${MAX_BODY_PATTERNS}`);
  const patterns = new Map<string, Pattern>();
  // The instructions all of the matcher's patterns may compile to: compiling is the one cost not charged per call.
  let room = MAX_PROGRAM_SIZE;
  for (const { source, pointer } of found) {
    try {
      if (patterns.has(source)) continue;
      const pattern = compilePattern(source, room);
      patterns.set(source, pattern);
      room -= pattern.size;
    } catch (error) {
      throw error instanceof PatternError ? new MatcherError(pointer, error.message) : error;
    }
  }
  const mismatches = (fields: Matcher, call: CallView, budget = patternBudget()): Mismatch[] => {
    const out: Mismatch[] = [];
    const check = (field: keyof Matcher, ok: boolean, actual: unknown) => {
      if (!ok) out.push({ field, expected: fields[field], actual });
    };
    if (fields.session !== undefined) check('session', fields.session === call.session, call.session);
    if (fields.api !== undefined) check('api', fields.api === call.api, call.api);
    if (fields.method !== undefined) check('method', fields.method.toUpperCase() === call.method, call.method);
    if (path && fields.path !== undefined) check('path', path(call.path), call.path);
    if (fields.status !== undefined) check('status', fields.status === call.status, call.status);
    if (fields.body !== undefined) {
      const body = call.body();
      check('body', isSubset(fields.body, body, { patterns, budget }), body);
    }
    return out;
  };
  const { body, ...cheap } = matcher;
  const result: CompiledMatcher = {
    matcher,
    mismatches: (call, budget) => mismatches(matcher, call, budget),
    matches: (call, budget) => mismatches(cheap, call).length === 0 && (body === undefined || mismatches({ body }, call, budget).length === 0),
  };
  compiled.set(matcher, result);
  return result;
}

export function mismatches(matcher: Matcher, call: CallView): Mismatch[] {
  return compileMatcher(matcher).mismatches(call);
}

/** Whether every field matches; the body, the costly one, is looked at only when the others do. */
export function matches(matcher: Matcher, call: CallView): boolean {
  return compileMatcher(matcher).matches(call);
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

/**
 * The calls that met most of the matcher without meeting all of it, closest
 * first, newest first among equals. `total`: what the body's patterns may
 * spend over all the calls (requestBudget()).
 */
export function nearMisses(matcher: Matcher, calls: readonly JournalCall[], total?: PatternBudget, most = 5): NearMiss[] {
  const fields = Object.keys(matcher).filter((k) => matcher[k as keyof Matcher] !== undefined).length;
  const checked = compileMatcher(matcher);
  return calls
    .map((call) => ({ call, missed: checked.mismatches(viewOf(call), patternBudget(total)) }))
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
