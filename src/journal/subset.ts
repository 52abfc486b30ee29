// Subset matching, shared by the admin matchers, the client and the scenario
// reports: `expected` is contained in `actual` (objects by their keys, arrays
// item by item; "5" matches 5 and "true" matches true, since form and XML
// values are text; {matches: regex} matches any string the pattern finds).
// Every difference is named by its path, for a report a person can read.
// Patterns run on the linear-time engine (pattern.ts), never on RegExp.
import { compilePattern, type Pattern, type PatternBudget, PatternCostError } from './pattern.js';

export interface Difference {
  path: string;
  expected: unknown;
  actual: unknown;
  problem: string;
}

const isPattern = (value: unknown): value is { matches: string } =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { matches?: unknown }).matches === 'string';

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

export interface SubsetOptions {
  /** Patterns compiled beforehand (a matcher's own, by source); any other is compiled, and cached, when met. */
  patterns?: ReadonlyMap<string, Pattern>;
  /** Charged for every pattern run: the admin API's bound per call. Without one (the client, replay: the user's own process) patterns run unbounded. */
  budget?: PatternBudget;
}

/** Each `{matches}` in `expected`, with its JSON pointer under `at` (e.g. /body/title/matches). */
export function patternsIn(expected: unknown, at: string): { source: string; pointer: string }[] {
  if (isPattern(expected)) return [{ source: expected.matches, pointer: `${at}/matches` }];
  if (expected === null || typeof expected !== 'object') return [];
  return Object.entries(expected).flatMap(([key, value]) => patternsIn(value, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`));
}

function patternMatches(source: string, actual: string, path: string, options: SubsetOptions): boolean {
  const pattern = options.patterns?.get(source) ?? compilePattern(source);
  try {
    return pattern.test(actual, options.budget);
  } catch (error) {
    if (error instanceof PatternCostError) error.at ??= path;
    throw error;
  }
}

/** Every place where `expected` is not a subset of `actual`. `{matches: regex}` stands for any string it matches. */
export function diffSubset(expected: unknown, actual: unknown, path = 'body', options: SubsetOptions = {}): Difference[] {
  if (isPattern(expected)) {
    return typeof actual === 'string' && patternMatches(expected.matches, actual, path, options)
      ? []
      : [{ path, expected, actual, problem: `${show(actual)} does not match /${expected.matches}/` }];
  }
  if (expected === null || typeof expected !== 'object') {
    if (Object.is(expected, actual)) return [];
    if (typeof actual === 'string' && (typeof expected === 'number' || typeof expected === 'boolean') && actual === String(expected)) return [];
    return [{ path, expected, actual, problem: `expected ${show(expected)}, got ${show(actual)}` }];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, expected, actual, problem: `expected an array, got ${show(actual)}` }];
    if (actual.length !== expected.length) return [{ path, expected, actual, problem: `expected ${expected.length} items, got ${actual.length}` }];
    return expected.flatMap((item, i) => diffSubset(item, actual[i], `${path}[${i}]`, options));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [{ path, expected, actual, problem: `expected an object, got ${show(actual)}` }];
  return Object.entries(expected).flatMap(([key, value]) => {
    const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    if (!Object.hasOwn(actual, key)) return [{ path: child, expected: value, actual: undefined, problem: `missing; expected ${show(value)}` }];
    return diffSubset(value, (actual as Record<string, unknown>)[key], child, options);
  });
}

export function isSubset(expected: unknown, actual: unknown, options: SubsetOptions = {}): boolean {
  return diffSubset(expected, actual, 'body', options).length === 0;
}
