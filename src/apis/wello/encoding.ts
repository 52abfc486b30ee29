// The request body's character encoding, as Web API's formatters pick it and read it
// (docs/fidelity.md, Wello: Route and format):
//
// - Both formatters' SupportedEncodings are UTF-8, then UTF-16 (little-endian), both
//   refusing invalid bytes (`throwOnInvalidBytes: true`; AspNetWebStack
//   src/System.Net.Http.Formatting/Formatting/BaseJsonMediaTypeFormatter.cs and
//   XmlMediaTypeFormatter.cs constructors).
// - MediaTypeFormatter.SelectCharacterEncoding: the Content-Type's charset when it equals
//   one of their WebNames, `utf-8` or `utf-16`, in any letter case; any other charset
//   (`latin1`, `utf8`, `utf-16le`) or none gives the first, UTF-8.
// - JSON is read through `new StreamReader(stream, encoding)` (JsonMediaTypeFormatter.CreateJsonReader),
//   which detects a byte order mark and lets it win over the charset: FE FF is UTF-16
//   big-endian, FF FE UTF-16 little-endian, EF BB BF UTF-8. Bytes the encoding refuses throw
//   DecoderFallbackException (DecoderExceptionFallbackBuffer.Throw), which the formatter logs
//   under the parameter (ReadFromStream → formatterLogger.LogError): see jsonDecodeError.
// - XML is read by XmlDictionaryReader.CreateTextReader(stream, encoding, …)
//   (XmlMediaTypeFormatter.CreateXmlReader), whose EncodingStreamWrapper (dotnet/runtime
//   src/libraries/System.Private.DataContractSerialization/src/System/Xml/EncodingStreamWrapper.cs,
//   reading constructor) reads the byte order mark and the declaration first: see decodeXmlBody.
import { BodyError } from '../../core/body.js';
import { errorDeserializing } from './data-contract.js';

export type WebEncoding = 'utf-8' | 'utf-16';

const decoders = {
  'utf-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  'utf-16le': new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }),
  'utf-16be': new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }),
};
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** SelectCharacterEncoding on the request's Content-Type. */
export function selectCharacterEncoding(contentType: string | undefined): WebEncoding {
  if (!contentType) return 'utf-8';
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const charset = (m?.[1] ?? m?.[2] ?? '').toLowerCase();
  return charset === 'utf-16' ? 'utf-16' : 'utf-8';
}

type Decoder = keyof typeof decoders;

const BOMS: readonly [bytes: readonly number[], decoder: Decoder][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

const startsWith = (body: Buffer, bytes: readonly number[]) => body.length >= bytes.length && bytes.every((b, i) => body[i] === b);

/** The first bytes the decoder refuses: where they start and how many they are. */
interface InvalidBytes {
  at: number;
  length: number;
}

/**
 * The first ill-formed UTF-8 sequence from `start`: a byte that cannot begin one, or the
 * longest start of a sequence that does not go on (the "maximal subpart" UTF8Encoding's
 * decoder hands its fallback [inferred: .NET's UTF8Encoding reads as the Unicode standard
 * recommends, as TextDecoder does]).
 */
export function firstInvalidUtf8(body: Buffer, start = 0): InvalidBytes | undefined {
  let i = start;
  while (i < body.length) {
    const b = body[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) [need, lo] = [2, 0xa0];
    else if (b === 0xed) [need, hi] = [2, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) [need, lo] = [3, 0x90];
    else if (b === 0xf4) [need, hi] = [3, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else return { at: i, length: 1 };
    let j = i + 1;
    for (let k = 0; k < need; k++, j++) {
      const c = body[j];
      if (c === undefined || c < lo || c > hi) return { at: i, length: j - i };
      [lo, hi] = [0x80, 0xbf];
    }
    i = j;
  }
  return undefined;
}

/** The first UTF-16 code unit that is not part of a well-formed pair (a lone surrogate), or an odd last byte. */
export function firstInvalidUtf16(body: Buffer, bigEndian: boolean, start = 0): InvalidBytes | undefined {
  const unit = (i: number) => (bigEndian ? (body[i]! << 8) | body[i + 1]! : body[i]! | (body[i + 1]! << 8));
  let i = start;
  for (; i + 1 < body.length; i += 2) {
    const u = unit(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (u >= 0xdc00) return { at: i, length: 2 };
    if (i + 3 >= body.length) return { at: i, length: body.length - i };
    const next = unit(i + 2);
    if (next < 0xdc00 || next > 0xdfff) return { at: i, length: 2 };
    i += 2;
  }
  return i < body.length ? { at: i, length: 1 } : undefined;
}

/** DecoderExceptionFallbackBuffer.Throw: each byte as `[XX]`, at most 20 then ` ...`, and the index. */
export function decoderFallbackMessage(bytes: Buffer, index: number): string {
  let shown = '';
  for (let i = 0; i < bytes.length && i < 20; i++) shown += `[${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}]`;
  if (bytes.length > 20) shown += ' ...';
  return `Unable to translate bytes ${shown} at index ${index} from specified code page to Unicode.`;
}

/**
 * [inferred] StreamReader decodes in reads of its 1024-byte buffer (its default size) and
 * the decoder's index is within the read: the first read starts after the byte order mark.
 */
const STREAM_READER_BUFFER = 1024;

/** A JSON body the encoding refuses: DecoderFallbackException's message, logged under `task` (see fidelity.md). */
function jsonDecodeError(body: Buffer, decoder: Decoder, skip: number): BodyError {
  const invalid = decoder === 'utf-8' ? firstInvalidUtf8(body, skip) : firstInvalidUtf16(body, decoder === 'utf-16be', skip);
  const { at, length } = invalid ?? { at: skip, length: 0 };
  const index = at < STREAM_READER_BUFFER ? at - skip : at % STREAM_READER_BUFFER;
  return new BodyError('encoding', decoderFallbackMessage(body.subarray(at, at + length), index));
}

function decodeJson(body: Buffer, decoder: Decoder, skip: number): string {
  try {
    return decoders[decoder].decode(skip ? body.subarray(skip) : body);
  } catch {
    throw jsonDecodeError(body, decoder, skip);
  }
}

/** A JSON body's text: a byte order mark decides, else the selected encoding. */
export function decodeJsonBody(body: Buffer, encoding: WebEncoding): string {
  for (const [bytes, decoder] of BOMS) if (startsWith(body, bytes)) return decodeJson(body, decoder, bytes.length);
  return decodeJson(body, encoding === 'utf-8' ? 'utf-8' : 'utf-16le', 0);
}

// ---------------------------------------------------------------------------------------
// XML: EncodingStreamWrapper's reading constructor, then XmlUTF8TextReader.

type SupportedEncoding = 'utf-8' | 'utf-16LE' | 'utf-16BE';

/** An XmlException thrown while the reader is made (CreateTextReader): its message as ModelState shows it, unwrapped. */
export class XmlEncodingError extends BodyError {
  constructor(
    message: string,
    /** True when ReadObject was already reading: XmlObjectSerializer.ReadObjectHandleExceptions wraps the message (SR.ErrorDeserializing). */
    readonly whileReading = false,
  ) {
    super('encoding', whileReading ? errorDeserializing(message) : message);
  }
}

export interface XmlText {
  text: string;
  /**
   * The body held bytes UTF-8 does not allow, read as U+FFFD. EncodingStreamWrapper passes
   * UTF-8 through unchecked; XmlBufferReader meets them only when it makes a string of the
   * text (XmlConverter.ToChars: SR.XmlInvalidUTF8Bytes), so read-task decides where.
   */
  invalidUtf8: boolean;
}

const expectedEncodingMismatch = (expected: SupportedEncoding, actual: SupportedEncoding) =>
  new XmlEncodingError(`The expected encoding '${expected}' does not match the actual encoding '${actual}'.`);
const declarationMismatch = (declared: string, document: SupportedEncoding) =>
  new XmlEncodingError(`The encoding in the declaration '${declared}' does not match the encoding of the document '${document}'.`);
const MALFORMED_DECLARATION = 'Malformed XML declaration.';
const INVALID_BYTES = 'Invalid byte encoding.';
const UNEXPECTED_END = 'Unexpected end of file.';

/**
 * ReadBOMEncoding(b1, b2, b3, b4, notOutOfBand: false): the encoding the first four bytes
 * show and how many of them are not a byte order mark (`preserve`).
 */
function bomEncoding(body: Buffer): { encoding: SupportedEncoding; skip: number } {
  const [b1, b2] = [body[0]!, body[1]!];
  if (b1 === 0x3c && b2 !== 0x00) return { encoding: 'utf-8', skip: 0 };
  if (b1 === 0xff && b2 === 0xfe) return { encoding: 'utf-16LE', skip: 2 };
  if (b1 === 0xfe && b2 === 0xff) return { encoding: 'utf-16BE', skip: 2 };
  if (b1 === 0x00 && b2 === 0x3c) return { encoding: 'utf-16BE', skip: 0 };
  if (b1 === 0x3c && b2 === 0x00) return { encoding: 'utf-16LE', skip: 0 };
  // EF BB: preserve 1, so the third byte goes with the mark, whatever it is (it is checked only without an out-of-band encoding).
  if (b1 === 0xef && b2 === 0xbb) return { encoding: 'utf-8', skip: 3 };
  return { encoding: 'utf-8', skip: 0 };
}

const isWhitespace = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;

/** BufferLength: the declaration is looked for in the first 128 bytes (UTF-8) or 127 characters (UTF-16). */
const BUFFER_LENGTH = 128;

/**
 * CheckUTF8DeclarationEncoding(buffer, …, e: the document's encoding, expectedEnc): the value
 * of `encoding`, the second `=` of a declaration at the start, must name the document's
 * encoding (`utf-16` names either UTF-16).
 */
function checkDeclarationEncoding(buffer: Buffer, e: SupportedEncoding): void {
  const max = Math.min(buffer.length, BUFFER_LENGTH);
  let quot = 0;
  let eq = 0;
  let encEq = -1;
  for (let i = 2; i < max; i++) {
    const b = buffer[i]!;
    if (quot !== 0) {
      if (b === quot) quot = 0;
      continue;
    }
    if (b === 0x27 || b === 0x22) quot = b;
    else if (b === 0x3d) {
      if (eq === 1) {
        encEq = i;
        break;
      }
      eq++;
    } else if (b === 0x3f) break;
  }
  if (encEq === -1) return;
  if (encEq < 28) throw new XmlEncodingError(MALFORMED_DECLARATION);
  let i = encEq - 1;
  while (i >= 0 && isWhitespace(buffer[i]!)) i--;
  if (buffer.toString('latin1', i - 7, i + 1) !== 'encoding') return;
  for (i = encEq + 1; i < max && isWhitespace(buffer[i]!); i++);
  const q = buffer[i];
  if (q !== 0x27 && q !== 0x22) throw new XmlEncodingError(MALFORMED_DECLARATION);
  let end = i + 1;
  while (end < max && buffer[end] !== q) end++;
  if (buffer[end] !== q) throw new XmlEncodingError(MALFORMED_DECLARATION);
  const declared = lenient.decode(buffer.subarray(i + 1, end));
  const name = declared.toLowerCase();
  if (name === 'utf-8') {
    if (e !== 'utf-8') throw declarationMismatch(declared, e);
  } else if (name === 'utf-16le') {
    if (e !== 'utf-16LE') throw declarationMismatch(declared, e);
  } else if (name === 'utf-16be') {
    if (e !== 'utf-16BE') throw declarationMismatch(declared, e);
  } else if (name === 'utf-16') {
    if (e === 'utf-8') throw declarationMismatch(declared, 'utf-8');
  } else throw declarationMismatch(declared, e);
}

/** The first read of a UTF-16 document: (BufferLength - 1) * 2 bytes, grown to keep a surrogate pair whole (CleanupCharBreak). */
const FIRST_UTF16_READ = (BUFFER_LENGTH - 1) * 2;

function isHighSurrogateAt(bytes: Buffer, at: number, bigEndian: boolean): boolean {
  const unit = bigEndian ? (bytes[at]! << 8) | bytes[at + 1]! : bytes[at]! | (bytes[at + 1]! << 8);
  return unit >= 0xd800 && unit <= 0xdbff;
}

function decodeUtf16Xml(body: Buffer, encoding: 'utf-16LE' | 'utf-16BE', skip: number): string {
  const bigEndian = encoding === 'utf-16BE';
  const bytes = body.subarray(skip);
  let first = Math.min(bytes.length, FIRST_UTF16_READ);
  // CleanupCharBreak: an odd count reads one more byte (none left: "Unexpected end of file."); a high surrogate at the end, two more.
  if (first % 2 !== 0) {
    if (first === bytes.length) throw new XmlEncodingError(UNEXPECTED_END);
    first++;
  }
  const last = bigEndian ? (bytes[first - 2]! << 8) | bytes[first - 1]! : bytes[first - 2]! | (bytes[first - 1]! << 8);
  if (first >= 2 && last >= 0xd800 && last <= 0xdbff && first < bytes.length) first = Math.min(first + 2, bytes.length);
  const invalid = firstInvalidUtf16(bytes, bigEndian);
  if (invalid) {
    // Inside the first read, the constructor throws (unwrapped); later, Read() does, while ReadObject reads.
    const late = invalid.at >= first;
    // A last byte alone, or a high surrogate with nothing after it: CleanupCharBreak finds the stream ended.
    const atEnd = invalid.at + invalid.length === bytes.length && (invalid.length !== 2 || isHighSurrogateAt(bytes, invalid.at, bigEndian));
    throw new XmlEncodingError(atEnd ? UNEXPECTED_END : INVALID_BYTES, late);
  }
  const text = decoders[bigEndian ? 'utf-16be' : 'utf-16le'].decode(bytes);
  if (text.startsWith('<?')) checkDeclarationEncoding(Buffer.from(text.slice(0, BUFFER_LENGTH - 1), 'utf8'), encoding);
  return text;
}

/**
 * An XML body's text as the reader gets it: the byte order mark and the first bytes must
 * show the selected encoding (SR.XmlExpectedEncoding), a declaration must agree with it
 * (SR.XmlEncodingMismatch), a body under 4 bytes is "Unexpected end of file."; UTF-16 is
 * checked as it is converted (SR.XmlInvalidBytes); UTF-8 goes through unchecked.
 */
export function decodeXmlBody(body: Buffer, selected: WebEncoding): XmlText {
  if (body.length < 4) throw new XmlEncodingError(UNEXPECTED_END);
  const expected: SupportedEncoding = selected === 'utf-8' ? 'utf-8' : 'utf-16LE';
  const { encoding, skip } = bomEncoding(body);
  if (encoding !== expected) throw expectedEncodingMismatch(expected, encoding);
  if (encoding !== 'utf-8') return { text: decodeUtf16Xml(body, encoding, skip), invalidUtf8: false };
  if (body[skip] === 0x3c && body[skip + 1] === 0x3f) checkDeclarationEncoding(body.subarray(skip, skip + BUFFER_LENGTH), 'utf-8');
  const bytes = skip ? body.subarray(skip) : body;
  try {
    return { text: decoders['utf-8'].decode(bytes), invalidUtf8: false };
  } catch {
    return { text: lenient.decode(bytes), invalidUtf8: true };
  }
}
