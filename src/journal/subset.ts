/**
 * `expected` is contained in `actual`: objects by their keys, arrays item by
 * item; "1" matches 1 and "true" matches true, since form and XML values are
 * text. Shared by the stub's matcher and the client.
 */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') {
    if (typeof actual === 'string' && (typeof expected === 'number' || typeof expected === 'boolean')) return actual === String(expected);
    return Object.is(expected, actual);
  }
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((item, i) => isSubset(item, actual[i]));
  }
  return Object.entries(expected).every(([key, value]) => Object.hasOwn(actual, key) && isSubset(value, (actual as Record<string, unknown>)[key]));
}
