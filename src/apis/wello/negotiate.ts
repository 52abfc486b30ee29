// ASP.NET Web API content negotiation, reduced to the two formatters Wello
// has: the Accept header first (by quality), then the request's own media
// type, then the first formatter, JSON (docs/fidelity.md, Wello: Route and format).
import { header, mediaType, type RequestHeaders } from '../../core/http.js';

export interface ResponseFormat {
  kind: 'json' | 'xml';
  /** The media type answered: the one the client asked for when it named one. */
  mediaType: string;
}

const FORMATS: Record<string, ResponseFormat> = {
  'application/json': { kind: 'json', mediaType: 'application/json' },
  'text/json': { kind: 'json', mediaType: 'text/json' },
  'application/xml': { kind: 'xml', mediaType: 'application/xml' },
  'text/xml': { kind: 'xml', mediaType: 'text/xml' },
};
const JSON_DEFAULT = FORMATS['application/json']!;

export const REQUEST_MEDIA_TYPES = Object.keys(FORMATS);

function acceptRanges(accept: string): { type: string; q: number; order: number }[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, order };
    })
    .filter((range) => range.type && !Number.isNaN(range.q) && range.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

export function negotiate(headers: RequestHeaders): ResponseFormat {
  for (const { type } of acceptRanges(header(headers, 'accept') ?? '')) {
    const exact = FORMATS[type];
    if (exact) return exact;
    if (type === '*/*' || type === 'application/*') return JSON_DEFAULT;
    if (type === 'text/*') return FORMATS['text/json']!;
  }
  return FORMATS[mediaType(header(headers, 'content-type'))] ?? JSON_DEFAULT;
}

export function contentTypeFor(format: ResponseFormat): string {
  return `${format.mediaType}; charset=utf-8`;
}
