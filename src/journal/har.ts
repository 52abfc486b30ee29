// GET /__admin/requests.har: the journal as HAR 1.2, which browser devtools open.
import { STATUS_CODES } from 'node:http';
import type { Har, Header } from 'har-format';
import { formatIso } from '../core/clock.js';
import { header, type RequestHeaders } from '../core/http.js';
import { taskstubVersion } from '../version.js';
import { shownHeaders, type StoredEntry } from './entry.js';

function headerList(headers: RequestHeaders | Record<string, string>): Header[] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => ({ name, value: v })) : value === undefined ? [] : [{ name, value }]));
}

/** `secrets` shows credentials unmasked (--journal-secrets). */
export function toHar(entries: readonly StoredEntry[], secrets = false): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'taskstub', version: taskstubVersion() },
      entries: entries.map(({ request, result, time, durationMs }) => {
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
      }),
    },
  };
}
