// The pure core's view of HTTP: plain data in, plain data out. Only the
// adapters (src/app.ts) know Express's req and res.

export type HeaderValue = string | string[] | undefined;
/** Request headers with lower-case names, as Node gives them. */
export type RequestHeaders = Record<string, HeaderValue>;

export interface CoreRequest {
  method: string;
  /** The path without the query string, percent-decoding left to the router. */
  path: string;
  /** The query string's names and values, the first value of a name given twice. */
  query: Record<string, string>;
  /**
   * The query string as sent (without the `?`), when the adapter has it: for an API that reads every value of a
   * repeated name, or a name without `=`, as its real server does (ONLYOFFICE's HttpValueCollection).
   */
  rawQuery?: string;
  headers: RequestHeaders;
  /** The raw body bytes (empty when there was none). */
  body: Buffer;
  /**
   * Work that depends on this request alone (reading and binding its body), kept for the call's next pass:
   * the shared store runs the core more than once per call (src/store/redis/shared-path.ts). Unset with the
   * memory store, which runs it once: nothing is kept and `perRequest` costs one property read.
   */
  memo?: Map<object, { value: unknown } | { error: unknown }>;
  /**
   * This pass's answer is thrown away (the shared store's first pass, which only learns what the call draws and
   * reads): a create that succeeded may leave its body unrendered. Everything that draws or reads runs as usual.
   */
  planOnly?: boolean;
}

/** `compute()`, or what it answered (or threw) for this request before, under `key` (see CoreRequest.memo). */
export function perRequest<T>(req: CoreRequest, key: object, compute: () => T): T {
  const memo = req.memo;
  if (!memo) return compute();
  const kept = memo.get(key);
  if (kept) {
    if ('error' in kept) throw kept.error;
    return kept.value as T;
  }
  try {
    const value = compute();
    memo.set(key, { value });
    return value;
  } catch (error) {
    memo.set(key, { error });
    throw error;
  }
}

export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** "application/json; charset=utf-8" -> "application/json". */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export const JSON_UTF8 = 'application/json; charset=utf-8';
