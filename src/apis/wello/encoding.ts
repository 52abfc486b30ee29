// The request body's character encoding, as Web API's formatters pick it
// (docs/fidelity.md, Wello: Route and format):
//
// - Both formatters' SupportedEncodings are UTF-8, then UTF-16 (little-endian), both
//   refusing invalid bytes (AspNetWebStack src/System.Net.Http.Formatting/Formatting/
//   JsonMediaTypeFormatter.cs and XmlMediaTypeFormatter.cs constructors).
// - MediaTypeFormatter.SelectCharacterEncoding: the Content-Type's charset when it equals
//   one of their WebNames, `utf-8` or `utf-16`, in any letter case; any other charset
//   (`latin1`, `utf8`, `utf-16le`) or none gives the first, UTF-8.
// - JSON is read through `new StreamReader(stream, encoding)` (JsonMediaTypeFormatter.CreateJsonReader),
//   which detects a byte order mark and lets it win over the charset: FE FF is UTF-16
//   big-endian, FF FE UTF-16 little-endian, EF BB BF UTF-8.
// - XML is read through XmlDictionaryReader.CreateTextReader(stream, encoding, …) with the
//   selected encoding; the stub drops that encoding's own byte order mark only.
import { BodyError } from '../../core/body.js';

export type WebEncoding = 'utf-8' | 'utf-16';

const decoders = {
  'utf-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  'utf-16le': new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }),
  'utf-16be': new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }),
};

/** SelectCharacterEncoding on the request's Content-Type. */
export function selectCharacterEncoding(contentType: string | undefined): WebEncoding {
  if (!contentType) return 'utf-8';
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const charset = (m?.[1] ?? m?.[2] ?? '').toLowerCase();
  return charset === 'utf-16' ? 'utf-16' : 'utf-8';
}

const BOMS: readonly [bytes: readonly number[], decoder: keyof typeof decoders][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

const startsWith = (body: Buffer, bytes: readonly number[]) => body.length >= bytes.length && bytes.every((b, i) => body[i] === b);

function decode(body: Buffer, decoder: keyof typeof decoders, skip: number, encoding: string): string {
  try {
    return decoders[decoder].decode(skip ? body.subarray(skip) : body);
  } catch {
    // [stub] wording: .NET's DecoderFallbackException names the bytes and their index.
    throw new BodyError('encoding', `The request body is not valid ${encoding}.`);
  }
}

/** A JSON body's text: a byte order mark decides, else the selected encoding. */
export function decodeJsonBody(body: Buffer, encoding: WebEncoding): string {
  for (const [bytes, decoder] of BOMS) if (startsWith(body, bytes)) return decode(body, decoder, bytes.length, decoder === 'utf-8' ? 'UTF-8' : 'UTF-16');
  return encoding === 'utf-8' ? decode(body, 'utf-8', 0, 'UTF-8') : decode(body, 'utf-16le', 0, 'UTF-16');
}

/** An XML body's text in the selected encoding, its own byte order mark dropped. */
export function decodeXmlBody(body: Buffer, encoding: WebEncoding): string {
  if (encoding === 'utf-8') return decode(body, 'utf-8', startsWith(body, BOMS[0]![0]) ? 3 : 0, 'UTF-8');
  return decode(body, 'utf-16le', startsWith(body, BOMS[2]![0]) ? 2 : 0, 'UTF-16');
}
