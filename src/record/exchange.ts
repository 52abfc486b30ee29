// One recorded call: the request as the client sent it, and the target's
// answer (or why there was none). Kept in memory only; credentials in it are
// real, so nothing writes an exchange as it is (scenario-writer.ts masks them).
import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { type HeaderPairs, headerValue, type NoAnswer, type TargetAnswer } from './forward.js';

export interface Exchange {
  /** Order of completion: a call that reuses a value from an earlier answer was sent after it, so it completes after it. */
  seq: number;
  /** The X-Stub-Session header's value, or "default". */
  session: string;
  method: string;
  /** Path and query as sent. */
  url: string;
  /** As the client sent them (before the Host rewrite). */
  headers: HeaderPairs;
  body: Buffer;
  answer?: TargetAnswer;
  failure?: NoAnswer;
  durationMs: number;
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

/** The answer's body as text, decompressed when the target compressed it (the client got the bytes as sent). */
export function answerText(answer: TargetAnswer): string {
  const encoding = headerValue(answer.headers, 'content-encoding')?.trim().toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(answer.body).toString('utf8');
    if (encoding === 'deflate') return inflateSync(answer.body).toString('utf8');
    if (encoding === 'br') return brotliDecompressSync(answer.body).toString('utf8');
  } catch {
    // Not what it says it is: read as it came.
  }
  return answer.body.toString('utf8');
}

/** Whether bytes are valid UTF-8 (a scenario's string body is sent as UTF-8). */
export const isUtf8 = (bytes: Buffer): boolean => nodeIsUtf8(bytes);
