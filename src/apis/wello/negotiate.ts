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

export interface ResponseFormat {
  kind: 'json' | 'xml';
  /** The media type answered: the formatter's own media type that matched. */
  mediaType: string;
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

const DEFAULT: ResponseFormat = Object.freeze({ kind: 'json', mediaType: 'application/json' });

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
  if (chosen) return Object.freeze({ kind: chosen.formatter.kind, mediaType: chosen.mediaType });
  return DEFAULT;
}

// A client sends the same Accept and Content-Type on every call: the choice is kept
// (bounded) so that the create path does not parse and sort the header each time.
const CHOSEN = new Map<string, ResponseFormat>();
const CHOSEN_MAX = 256;

export function negotiate(headers: RequestHeaders): ResponseFormat {
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
  for (const formatter of FORMATTERS) if (formatter.mediaTypes.includes(requestType)) return { kind: formatter.kind, mediaType: requestType };
  return DEFAULT;
}

/**
 * The answer's charset. The formatters' SupportedEncodings are UTF-8 then UTF-16; Web API
 * would pick from Accept-Charset, then the request's charset (SelectResponseCharacterEncoding),
 * but the stub always writes UTF-8 (docs/fidelity.md, Known divergences).
 */
export function contentTypeFor(format: ResponseFormat): string {
  return `${format.mediaType}; charset=utf-8`;
}
