// ASP.NET Web API content negotiation with Wello's two writing formatters, JSON
// registered first (docs/fidelity.md, Wello: Content negotiation), as
// AspNetWebStack's src/System.Net.Http.Formatting/Formatting/DefaultContentNegotiator.cs does it:
//
// - ComputeFormatterMatches: each formatter in turn takes the first Accept range, in
//   sorted order, that one of its media types is a subset of (MatchAcceptHeader; q=0
//   never matches), ranked literal, `type/*` or `*/*` by the range it matched; a
//   formatter with none matches the request's own media type (MatchRequestMediaType);
//   else it matches on type alone (MatchType: its first media type).
// - The Accept ranges are sorted by q, highest first; on equal q a literal type before
//   `type/*` before `*/*`, otherwise in header order (MediaTypeWithQualityHeaderValueComparer,
//   with LINQ's stable OrderByDescending).
// - SelectResponseMediaTypeFormatter: the best Accept match of each rank, then the best of
//   those three in the order literal, `type/*`, `*/*`, each replacing the one before only
//   with a strictly higher q (UpdateBestMatch), so on equal q the first formatter (JSON)
//   and the more literal rank win. Without an Accept match: the first formatter matching
//   the request's media type, then the first that can write (JSON). Never a 406.
import { header, mediaType, type RequestHeaders } from '../../core/http.js';
import { selectCharacterEncoding, type WebEncoding } from './encoding.js';

export interface ResponseFormat {
  kind: 'json' | 'xml';
  /** The media type answered: the formatter's own media type that matched. */
  mediaType: string;
  /** The answer's encoding (SelectResponseCharacterEncoding); utf-16 bodies are written as UTF-16LE after a byte order mark. */
  charset: WebEncoding;
}

interface Formatter {
  kind: 'json' | 'xml';
  /** SupportedMediaTypes, in their registered order. */
  mediaTypes: readonly string[];
}

// JsonMediaTypeFormatter and XmlMediaTypeFormatter, as HttpConfiguration registers them.
const FORMATTERS: readonly Formatter[] = [
  { kind: 'json', mediaTypes: ['application/json', 'text/json'] },
  { kind: 'xml', mediaTypes: ['application/xml', 'text/xml'] },
];

export const REQUEST_MEDIA_TYPES = FORMATTERS.flatMap((f) => f.mediaTypes);

/** MediaTypeFormatterMatchRanking's three Accept ranks, as indexes. */
const Rank = { Literal: 0, SubtypeRange: 1, AllRange: 2 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

interface AcceptRange {
  type: string;
  subtype: string;
  q: number;
}

/**
 * HeaderUtilities.GetQuality: `double.TryParse(value, NumberStyles.AllowDecimalPoint,
 * InvariantInfo)`, null (so 1, FormattingUtilities.Match) when that fails. No range
 * check: q=2 is 2; q=-1 or q=abc is 1.
 */
function quality(value: string | undefined): number {
  if (value === undefined || !/^(\d+\.?\d*|\.\d+)$/.test(value)) return 1;
  return Number(value);
}

/** The ranges of an Accept header; a part that is not `type/subtype` is left out ([stub]: .NET keeps it as an invalid value, which matches nothing). */
export function acceptRanges(accept: string): AcceptRange[] {
  const ranges: AcceptRange[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';');
    const m = /^\s*([^\s/]+)\/([^\s/]+)\s*$/.exec(range);
    if (!m) continue;
    let q: string | undefined;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'q') {
        q = param.slice(eq + 1).trim();
        break;
      }
    }
    ranges.push({ type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), q: quality(q) });
  }
  return ranges;
}

function specificity(range: AcceptRange): Rank {
  if (range.subtype !== '*') return Rank.Literal;
  return range.type === '*' ? Rank.AllRange : Rank.SubtypeRange;
}

/** MediaTypeWithQualityHeaderValueComparer, as OrderByDescending uses it (stable). */
function compareRanges(a: AcceptRange, b: AcceptRange): number {
  if (a.q !== b.q) return b.q - a.q;
  if (a.type !== b.type) {
    if (a.type === '*' && a.subtype === '*') return 1;
    if (b.type === '*' && b.subtype === '*') return -1;
    if (a.subtype === '*' && b.subtype !== '*') return 1;
    if (a.subtype !== '*' && b.subtype === '*') return -1;
  } else if (a.subtype !== b.subtype) {
    if (a.subtype === '*') return 1;
    if (b.subtype === '*') return -1;
  }
  return 0;
}

/** MediaTypeHeaderValueExtensions.IsSubsetOf: the formatter's media type inside the range, and how. */
function subsetOf(supported: string, range: AcceptRange): Rank | undefined {
  const slash = supported.indexOf('/');
  const [type, subtype] = [supported.slice(0, slash), supported.slice(slash + 1)];
  if (type !== range.type) return range.type === '*' && range.subtype === '*' ? Rank.AllRange : undefined;
  if (subtype !== range.subtype) return range.subtype === '*' ? Rank.SubtypeRange : undefined;
  return specificity(range);
}

interface Match {
  formatter: Formatter;
  mediaType: string;
  q: number;
}

/** MatchAcceptHeader: the first sorted range with q > 0 that one of the formatter's media types is a subset of. */
function matchAccept(sorted: readonly AcceptRange[], formatter: Formatter): (Match & { rank: Rank }) | undefined {
  for (const range of sorted) {
    if (range.q === 0) continue;
    for (const supported of formatter.mediaTypes) {
      const rank = subsetOf(supported, range);
      if (rank !== undefined) return { formatter, mediaType: supported, q: range.q, rank };
    }
  }
  return undefined;
}

const better = (current: Match | undefined, candidate: Match | undefined) => (candidate && (!current || candidate.q > current.q) ? candidate : current);

const DEFAULT: ResponseFormat = Object.freeze({ kind: 'json', mediaType: 'application/json', charset: 'utf-8' });

/** The format chosen for an Accept header and a request media type, by the rules above. */
function negotiateAccept(accept: string, requestType: string): ResponseFormat {
  const sorted = acceptRanges(accept).sort(compareRanges);
  const best: (Match | undefined)[] = [undefined, undefined, undefined];
  let requestMatch: Match | undefined;
  for (const formatter of FORMATTERS) {
    const match = matchAccept(sorted, formatter);
    if (match) best[match.rank] = better(best[match.rank], match);
    else if (!requestMatch && formatter.mediaTypes.includes(requestType)) requestMatch = { formatter, mediaType: requestType, q: 1 };
  }
  const chosen = better(better(best[Rank.Literal], best[Rank.SubtypeRange]), best[Rank.AllRange]) ?? requestMatch;
  if (chosen) return Object.freeze({ kind: chosen.formatter.kind, mediaType: chosen.mediaType, charset: 'utf-8' });
  return DEFAULT;
}

// A client sends the same Accept and Content-Type on every call: the choice is kept
// (bounded) so that the create path does not parse and sort the header each time.
const CHOSEN = new Map<string, ResponseFormat>();
const CHOSEN_MAX = 256;

function negotiateFormat(headers: RequestHeaders): ResponseFormat {
  const accept = header(headers, 'accept');
  const requestType = mediaType(header(headers, 'content-type'));
  if (accept) {
    const key = `${requestType}\u0000${accept}`;
    let format = CHOSEN.get(key);
    if (format === undefined) {
      format = negotiateAccept(accept, requestType);
      if (CHOSEN.size >= CHOSEN_MAX) CHOSEN.clear();
      CHOSEN.set(key, format);
    }
    return format;
  }
  // No Accept: the request's media type, else the first formatter.
  for (const formatter of FORMATTERS) if (formatter.mediaTypes.includes(requestType)) return { kind: formatter.kind, mediaType: requestType, charset: 'utf-8' };
  return DEFAULT;
}

/**
 * StringWithQualityHeaderValue's q: a number from 0 to 1 with at most three decimals; a
 * value with any other q is not a valid Accept-Charset value, so it is left out [inferred:
 * System.Net.Http's header parser drops invalid values from the typed collection].
 */
function charsetQuality(value: string | undefined): number | undefined {
  if (value === undefined) return 1;
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value)) return undefined;
  return Number(value);
}

/** Accept-Charset's values with their q, sorted as SortStringWithQualityHeaderValuesByQFactor does (stable; `*` after others of the same q). */
export function acceptCharsets(value: string): { charset: string; q: number }[] {
  const charsets: { charset: string; q: number }[] = [];
  for (const part of value.split(',')) {
    const [name = '', ...params] = part.split(';').map((p) => p.trim());
    if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(name)) continue;
    let q: number | undefined = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'q') q = charsetQuality(param.slice(eq + 1).trim());
    }
    if (q !== undefined) charsets.push({ charset: name.toLowerCase(), q });
  }
  // StringWithQualityHeaderValueComparer: by q; on equal q, `*` is less than any other value.
  return charsets
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.q - a.c.q || (a.c.charset === '*' ? 1 : 0) - (b.c.charset === '*' ? 1 : 0) || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * DefaultContentNegotiator.SelectResponseCharacterEncoding: the first sorted Accept-Charset
 * value, other than q=0, that is a supported encoding's WebName (utf-8, utf-16) or `*` (the
 * first, utf-8); else the formatter's SelectCharacterEncoding on the request's Content-Type.
 * The chosen WebName becomes the answer's charset.
 */
export function responseCharset(headers: RequestHeaders): WebEncoding {
  const accept = header(headers, 'accept-charset');
  if (accept) {
    for (const { charset, q } of acceptCharsets(accept)) {
      if (q === 0) continue;
      if (charset === 'utf-8' || charset === '*') return 'utf-8';
      if (charset === 'utf-16') return 'utf-16';
    }
  }
  return selectCharacterEncoding(header(headers, 'content-type'));
}

const UTF16 = new WeakMap<ResponseFormat, ResponseFormat>();

export function negotiate(headers: RequestHeaders): ResponseFormat {
  const format = negotiateFormat(headers);
  // Most calls ask nothing of the charset: one header look-up and the Content-Type's charset.
  if ((headers['accept-charset'] === undefined && !/utf-16/i.test(header(headers, 'content-type') ?? '')) || responseCharset(headers) === 'utf-8') return format;
  let utf16 = UTF16.get(format);
  if (!utf16) UTF16.set(format, (utf16 = Object.freeze({ ...format, charset: 'utf-16' as const })));
  return utf16;
}

/** The answer's Content-Type: the chosen media type with the chosen encoding's WebName (MediaTypeFormatter.SetDefaultContentHeaders keeps the negotiated charset). */
export function contentTypeFor(format: ResponseFormat): string {
  return `${format.mediaType}; charset=${format.charset}`;
}
