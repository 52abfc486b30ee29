// The slow way to read an ONLYOFFICE JSON body: every number keeps its source
// text, so that it can be written back as Json.NET's reader and XmlConvert
// would write it (docs/fidelity.md, ONLYOFFICE: Binding). JSON.parse rounds
// integers past 2^53 and cannot tell `1e15` from `1000000000000000` or `-0`
// from `-0.0`, all of which Json.NET writes differently. collect.ts takes this
// path only when a number JSON.parse gave cannot be written back without its
// source (the flat create body never needs it).
import { OnlyofficeError } from './errors.js';

/** A JSON number as it was written in the body. */
export class JsonNumber {
  constructor(
    readonly text: string,
    /** Json.NET's path to it and the reader's line and position after it, for an error. */
    readonly where: string,
  ) {}
}

// Json.NET's JsonPosition.BuildPath writes a name holding one of these as ['name'].
const PATH_SPECIAL = /[. '/"[\]()\t\n\r\f\b\\\u0085\u2028\u2029]/;

/**
 * Parses JSON that JSON.parse has already accepted, the same way, except that
 * numbers become JsonNumber. Objects keep JSON.parse's semantics (a repeated
 * name keeps its last value). Depth is bounded before this runs (jsonNesting).
 */
export function parseJsonWithNumbers(text: string): unknown {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const path: (string | number)[] = [];
  const skip = (): void => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) return;
    }
  };
  const pathText = (): string => {
    let out = '';
    for (const part of path) {
      if (typeof part === 'number') out += `[${part}]`;
      else if (PATH_SPECIAL.test(part)) out += `['${part.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
      else out += out ? `.${part}` : part;
    }
    return out;
  };
  const string = (): string => {
    const start = i;
    for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      skip();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skip();
        const name = string();
        skip();
        i++; // ':'
        path.push(name);
        Object.defineProperty(object, name, { value: value(), enumerable: true, writable: true, configurable: true });
        path.pop();
        skip();
        if (text[i++] === '}') return object;
      }
    }
    if (c === '[') {
      i++;
      const array: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        path.push(array.length);
        array.push(value());
        path.pop();
        skip();
        if (text[i++] === ']') return array;
      }
    }
    if (c === '"') return string();
    if (c === 't' || c === 'n') {
      i += 4;
      return c === 't' ? true : null;
    }
    if (c === 'f') {
      i += 5;
      return false;
    }
    const start = i;
    while (i < text.length && /[-+.eE0-9]/.test(text[i]!)) i++;
    return new JsonNumber(text.slice(start, i), `Path '${pathText()}', line ${line}, position ${i - lineStart}.`);
  };
  return value();
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// JsonTextReader.MaximumJavascriptIntegerCharacterLength.
const MAX_INTEGER_LENGTH = 380;

/**
 * A number token as DeserializeXNode writes it (JsonTextReader.ParseReadNumber, then
 * XmlNodeConverter.ConvertTokenToXmlValue): digits only (with a sign) parse as Int64
 * (`-0` is 0) and past Int64 as BigInteger, both written as exact digits; a longer
 * integer than 380 characters is JsonReaderException `JSON integer … is too large to
 * parse.`; anything else is a Double, written by XmlConvert.ToString(double) (`-0`,
 * then "R"). A Double out of range fails .NET Framework's double.TryParse [inferred],
 * so `1e400` is `Input string '1e400' is not a valid number.`
 */
export function jsonNetNumberText(number: JsonNumber): string {
  const { text } = number;
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    if ((big < INT64_MIN || big > INT64_MAX) && text.length > MAX_INTEGER_LENGTH) {
      throw new OnlyofficeError('jsonNumber', `JSON integer ${text} is too large to parse. ${number.where}`);
    }
    return big.toString();
  }
  const double = Number(text);
  if (!Number.isFinite(double)) throw new OnlyofficeError('jsonNumber', `Input string '${text}' is not a valid number. ${number.where}`);
  return xmlConvertDouble(double);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * XmlConvert.ToString(double): `-0` for negative zero, else Double.ToString("R"):
 * 15 significant digits when they round-trip, else 17 (trailing zeros dropped;
 * so 5e-324 is `4.94065645841247E-324`, not the shortest `5E-324`),
 * in exponent form (`1E+15`, `1E-05`) when the exponent is 15 or more or below -5
 * [inferred: .NET Framework's "R", which formats as "G15" or "G17"].
 */
export function xmlConvertDouble(n: number): string {
  if (Object.is(n, -0)) return '-0';
  const negative = n < 0 ? '-' : '';
  // toExponential(d) rounds the exact binary value, as .NET's digit generation does.
  let [mantissa, exp] = Math.abs(n).toExponential(14).split('e') as [string, string];
  if (Number(`${mantissa}e${exp}`) !== Math.abs(n)) [mantissa, exp] = Math.abs(n).toExponential(16).split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const e = Number(exp);
  if (e >= 15 || e < -5) return `${negative}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${e < 0 ? '-' : '+'}${pad2(Math.abs(e))}`;
  if (e < 0) return `${negative}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const fraction = digits.slice(e + 1);
  return `${negative}${whole}${fraction ? `.${fraction}` : ''}`;
}
