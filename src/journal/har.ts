// GET /__admin/requests.har: the journal as HAR 1.2, which browser devtools open.
import { STATUS_CODES } from 'node:http';
import type { Entry, Har, Header } from 'har-format';
import { formatIso } from '../core/clock.js';
import { header, type RequestHeaders } from '../core/http.js';
import { taskstubVersion } from '../version.js';
import { shownHeaders, type StoredEntry, unshownEntry } from './entry.js';

function headerList(headers: RequestHeaders | Record<string, string>): Header[] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => ({ name, value: v })) : value === undefined ? [] : [{ name, value }]));
}

/** In place of an entry that cannot be shown: an empty exchange whose comment says why (HAR 1.2 has `comment` on every object). */
function unshownHarEntry(entry: StoredEntry, error: unknown): Entry {
  const { error: comment, time } = unshownEntry(entry, error);
  return {
    startedDateTime: time?.replace(/(\.\d{3})\d{4}Z$/, '$1Z') ?? new Date(0).toISOString(),
    time: 0,
    request: { method: '', url: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: -1 },
    response: { status: 0, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    comment,
  };
}

/** `secrets` shows credentials unmasked (--journal-secrets). One entry that cannot be shown is a stub with a comment, never a failed export. */
export function toHar(entries: readonly StoredEntry[], secrets = false): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'taskstub', version: taskstubVersion() },
      entries: entries.map((entry) => {
        try {
          return harEntry(entry, secrets);
        } catch (error) {
          return unshownHarEntry(entry, error);
        }
      }),
    },
  };
}

function harEntry(entry: StoredEntry, secrets: boolean): Entry {
  if (entry.unreadable !== undefined) throw new Error(entry.unreadable);
  const { request, result, time, durationMs } = entry;
  const query = new URLSearchParams(request.query).toString();
  const requestType = header(request.headers, 'content-type');
  const responseType = result.response.headers['content-type'] ?? '';
  return {
    startedDateTime: formatIso(time).replace(/(\.\d{3})\d{4}Z$/, '$1Z'),
    time: durationMs,
    request: {
      method: request.method,
      url: `http://${header(request.headers, 'host') ?? 'localhost'}${request.path}${query ? `?${query}` : ''}`,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(shownHeaders(request.headers, secrets)),
      queryString: Object.entries(request.query).map(([name, value]) => ({ name, value })),
      ...(request.body.length > 0 ? { postData: { mimeType: requestType ?? '', text: request.body.toString('utf8') } } : {}),
      headersSize: -1,
      bodySize: request.body.length,
    },
    response: {
      status: result.response.status,
      statusText: STATUS_CODES[result.response.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headerList(result.response.headers),
      content: { size: Buffer.byteLength(result.response.body), mimeType: responseType, text: result.response.body },
      redirectURL: result.response.headers.location ?? '',
      headersSize: -1,
      bodySize: Buffer.byteLength(result.response.body),
    },
    cache: {},
    timings: { send: 0, wait: durationMs, receive: 0 },
  };
}
