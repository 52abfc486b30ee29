// Stage 2 of ONLYOFFICE's binding: one text value to one parameter type, as
// ASC.Api/Utils/ConvertUtils.cs, GetConverted does it with
// TypeDescriptor.GetConverter(type).ConvertFromString(…, InvariantCulture, value).
// The error shown is the innermost exception's (ErrorWrapper unwraps InnerException),
// so each failure names the .NET exception the converter's inner call throws
// (docs/fidelity.md, ONLYOFFICE: Binding).
import type { ErrorCode } from './errors.js';
import { parseApiDateTime } from './api-datetime.js';
import type { Ticks } from '../../core/ticks.js';

export type Converted<T> = { ok: true; value: T } | { ok: false; error: ErrorCode; detail?: string };

const fail = (error: ErrorCode, detail?: string): { ok: false; error: ErrorCode; detail?: string } => ({ ok: false, error, detail });

// String.Trim() drops Char.IsWhiteSpace characters; JavaScript's trim() drops nearly the same set [inferred].
const trim = (s: string): string => s.trim();

/** Int32.Parse(text, NumberStyles.Integer, InvariantCulture): optional sign, decimal digits. */
function parseDecimalInt32(text: string): Converted<number> {
  if (!/^[+-]?\d+$/.test(text)) return fail('notAnInteger');
  const value = Number(text.replace(/^\+/, ''));
  // Number() is exact for anything up to 2^53; past Int32 the real parse overflows whatever the digits.
  if (value < -2147483648 || value > 2147483647 || !Number.isFinite(value)) return fail('intOverflow');
  return { ok: true, value: Object.is(value, -0) ? 0 : value };
}

/**
 * Convert.ToInt32(text, 16), ParseNumbers.StringToInt with IsTight: no white
 * space, no minus, an optional `+` and a second `0x`, up to 32 bits (the sign bit
 * may be set: `0xFFFFFFFF` is -1), nothing after the digits (dotnet/runtime
 * src/libraries/System.Private.CoreLib/src/System/ParseNumbers.cs).
 */
function parseHexInt32(text: string): Converted<number> {
  if (text.length === 0) return fail('hexEmpty');
  let i = 0;
  if (text[i] === '-') return fail('hexMinus');
  if (text[i] === '+') i++;
  if (i + 1 < text.length && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) i += 2;
  const start = i;
  let value = 0;
  while (i < text.length && /[0-9a-f]/i.test(text[i]!)) {
    value = value * 16 + parseInt(text[i]!, 16);
    if (value > 0xffffffff) return fail('uint32Overflow');
    i++;
  }
  if (i === start) return fail('hexNoDigits');
  if (i < text.length) return fail('hexJunk');
  return { ok: true, value: value | 0 };
}

/** Int32Converter (BaseNumberConverter.ConvertFrom): trimmed; `#…` and `0x…`/`0X…`/`&h…`/`&H…` are hexadecimal. */
export function toInt32(raw: string): Converted<number> {
  const text = trim(raw);
  // text[0] on an empty string: IndexOutOfRangeException.
  if (text.length === 0) return fail('indexOutOfRange');
  if (text[0] === '#') return parseHexInt32(text.slice(1));
  if (/^(0x|0X|&h|&H)/.test(text)) return parseHexInt32(text.slice(2));
  return parseDecimalInt32(text);
}

/** BooleanConverter → Boolean.Parse: "true" or "false" in any letter case, white space around. */
export function toBoolean(raw: string): Converted<boolean> {
  // Boolean.Parse also trims trailing NUL characters.
  const text = trim(raw).replace(/\0+$/, '').trim().toLowerCase();
  if (text === 'true') return { ok: true, value: true };
  if (text === 'false') return { ok: true, value: false };
  return fail('notABoolean');
}

const HEX = /^[0-9a-f]*$/i;

/**
 * GuidConverter → new Guid(text.Trim()) (Guid.TryParseGuid with GuidStyles.Any):
 * with dashes, the `D`, `B` and `P` forms; without, 32 digits (`N`); with braces
 * and no dash, the `X` form. Each failure has its own .NET message. The value
 * is written as the lower-case `D` form.
 */
const D_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toGuid(raw: string): Converted<string> {
  if (D_FORM.test(raw)) return { ok: true, value: raw.toLowerCase() }; // the usual form, nothing to trim
  const text = trim(raw);
  if (text.length === 0) return fail('guidUnrecognized');
  if (text.includes('-')) {
    let body = text;
    if (text[0] === '{' || text[0] === '(') {
      const close = text[0] === '{' ? '}' : ')';
      if (text.length !== 38 || text[37] !== close) return fail('notAGuid');
      body = text.slice(1, 37);
    } else if (text.length !== 36) return fail('notAGuid');
    if (body[8] !== '-' || body[13] !== '-' || body[18] !== '-' || body[23] !== '-') return fail('guidDashes');
    const digits = body.slice(0, 8) + body.slice(9, 13) + body.slice(14, 18) + body.slice(19, 23) + body.slice(24);
    if (!HEX.test(digits)) return fail('guidInvalidChar');
    return { ok: true, value: dForm(digits) };
  }
  if (text.includes('{')) return toGuidX(text);
  if (text.length !== 32) return fail('notAGuid');
  if (!HEX.test(text)) return fail('guidInvalidChar');
  return { ok: true, value: dForm(text) };
}

const dForm = (d: string): string =>
  `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`.toLowerCase();

/** The `X` form, `{0xdddddddd,0xdddd,0xdddd,{0xdd,…8…}}` (TryParseGuidWithHexPrefix); any failure is "Unrecognized" here [inferred]. */
function toGuidX(text: string): Converted<string> {
  const m = /^\{0[xX]([0-9a-fA-F]{1,8}),0[xX]([0-9a-fA-F]{1,4}),0[xX]([0-9a-fA-F]{1,4}),\{((?:0[xX][0-9a-fA-F]{1,2},){7}0[xX][0-9a-fA-F]{1,2})\}\}$/.exec(
    text.replace(/\s+/g, ''),
  );
  if (!m) return fail('guidUnrecognized');
  const bytes = m[4]!.split(',').map((b) => b.slice(2).padStart(2, '0'));
  return { ok: true, value: dForm(m[1]!.padStart(8, '0') + m[2]!.padStart(4, '0') + m[3]!.padStart(4, '0') + bytes.join('')) };
}

/**
 * ApiDateTimeTypeConverter → ApiDateTime.Parse (ASC.Specific/ApiDateTime.cs):
 * an empty value is ArgumentNullException, fewer than 7 characters
 * `invalid date time format`, a value in none of the formats
 * `invalid date time format: <value>`.
 */
export function toApiDateTime(raw: string, portalOffsetMinutes: number): Converted<Ticks> {
  if (raw.length === 0) return fail('dateNull');
  if (raw.length < 7) return fail('invalidDateShort');
  const ticks = parseApiDateTime(raw, portalOffsetMinutes);
  return ticks === undefined ? fail('invalidDate', raw) : { ok: true, value: ticks };
}
