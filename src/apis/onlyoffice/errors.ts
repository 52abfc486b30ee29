// Every error the ONLYOFFICE stub answers with, and the one place that turns
// them into HTTP (docs/fidelity.md, ONLYOFFICE: Errors).
import { type CoreResponse, JSON_UTF8 } from '../../core/http.js';
import { renderXmlResult, XML_UTF8 } from './xml.js';

import { STATUS_CODES } from 'node:http';

// HResults of the .NET exceptions the real server throws.
const HRESULT = {
  security: -2146233078, // SecurityException
  argument: -2147024809, // ArgumentException (COR_E_ARGUMENT)
  keyNotFound: -2146232969, // ItemNotFoundException : KeyNotFoundException [inferred]
  format: -2146233033, // FormatException
  overflow: -2146233066, // OverflowException
  httpException: -2147467259, // HttpException (E_FAIL) [inferred]
  exception: -2146233088, // System.Exception, e.g. Json.NET's JsonReaderException
} as const;

/**
 * How deep a JSON body may nest: Json.NET 13's default (JsonReader's
 * constructor sets MaxDepth 64; JsonConvert.DeserializeXNode, which
 * ApiArgumentBuilder.GetRequestParams calls, keeps it). The root is depth 1
 * (JsonReader.Push). See docs/fidelity.md, ONLYOFFICE: Binding, for the
 * Json.NET version the portal ships.
 */
export const JSON_MAX_DEPTH = 64;
/** How deep a text/xml body may nest: the stub's own limit (XDocument.Load has none), the same as for JSON. */
export const XML_MAX_DEPTH = 64;

export const ERRORS = {
  // `throw new ArgumentException()`: its default message.
  invalidArgument: { status: 400, hresult: HRESULT.argument, message: 'Value does not fall within the expected range.' },
  categoryNotFound: { status: 404, hresult: HRESULT.keyNotFound, message: 'Category is not found' },
  invalidDate: { status: 400, hresult: HRESULT.argument, message: 'invalid date time format: ' },
  notAnInteger: { status: 400, hresult: HRESULT.format, message: 'Input string was not in a correct format.' },
  intOverflow: { status: 400, hresult: HRESULT.overflow, message: 'Value was either too large or too small for an Int32.' },
  notAGuid: { status: 400, hresult: HRESULT.format, message: 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).' },
  notABoolean: { status: 400, hresult: HRESULT.format, message: 'String was not recognized as a valid Boolean.' },
  // More converter failures, each the innermost exception's message (src/apis/onlyoffice/convert.ts; docs/fidelity.md, ONLYOFFICE: Binding).
  guidUnrecognized: { status: 400, hresult: HRESULT.format, message: 'Unrecognized Guid format.' },
  guidDashes: { status: 400, hresult: HRESULT.format, message: 'Dashes are in the wrong position for GUID parsing.' },
  guidInvalidChar: { status: 400, hresult: HRESULT.format, message: 'Guid string should only contain hexadecimal characters.' },
  hexMinus: { status: 400, hresult: HRESULT.argument, message: 'String cannot contain a minus sign if the base is not 10.' },
  hexNoDigits: { status: 400, hresult: HRESULT.format, message: 'Could not find any recognizable digits.' },
  hexJunk: { status: 400, hresult: HRESULT.format, message: 'Additional non-parsable characters are at the end of the string.' },
  uint32Overflow: { status: 400, hresult: HRESULT.overflow, message: 'Value was either too large or too small for a UInt32.' },
  // ArgumentOutOfRangeException [inferred wording]; IndexOutOfRangeException; ArgumentNullException (E_POINTER).
  hexEmpty: { status: 400, hresult: -2146233086, message: 'Index was out of range. Must be non-negative and less than the size of the collection.' },
  indexOutOfRange: { status: 400, hresult: -2146233080, message: 'Index was outside the bounds of the array.' },
  dateNull: { status: 400, hresult: -2147467261, message: 'Value cannot be null.\r\nParameter name: data' },
  invalidDateShort: { status: 400, hresult: HRESULT.argument, message: 'invalid date time format' },
  notAString: { status: 400, hresult: HRESULT.argument, message: 'Value does not fall within the expected range.' },
  methodNotFound: { status: 404, hresult: HRESULT.httpException, message: 'Method not found' },
  malformedBody: { status: 400, hresult: HRESULT.exception, message: 'The request body could not be read: ' },
  // Json.NET's JsonReaderException, unwrapped from ArgumentException("Unable to deserialize json") by
  // ErrorWrapper: 400 with Json.NET's message; `Path '…', line L, position P.` follows.
  jsonTooDeep: { status: 400, hresult: HRESULT.exception, message: `The reader's MaxDepth of ${JSON_MAX_DEPTH} has been exceeded. ` },
  // The stub's own words (the real server has no limit): line and position follow.
  xmlTooDeep: { status: 400, hresult: HRESULT.exception, message: `The request body could not be read: its elements are nested more than ${XML_MAX_DEPTH} deep. ` },
  bodyTooLarge: { status: 413, hresult: HRESULT.httpException, message: 'Maximum request length exceeded.' },
  missingCredentials: { status: 400, hresult: HRESULT.argument, message: 'Value does not fall within the expected range.' },
  // taskstub's own header, refused as the server refuses a bad argument; the detail says what is wrong with it.
  invalidSession: { status: 400, hresult: HRESULT.argument, message: '' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An ONLYOFFICE API error; `detail` is appended to messages that end in ": " or ". ". */
export class OnlyofficeError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail = '',
  ) {
    super(ERRORS[code].message + detail);
  }
}

export type ResponseFormat = 'json' | 'xml';

/** `{"status":1,"statusCode":N,"error":{"message","hresult","data":{}}}`, in JSON or as <result> XML. */
function envelope(status: number, message: string, hresult: number, format: ResponseFormat): CoreResponse {
  const body = { status: 1, statusCode: status, error: { message, hresult, data: {} } };
  return format === 'xml'
    ? { status, headers: { 'content-type': XML_UTF8 }, body: renderXmlResult(body) }
    : { status, headers: { 'content-type': JSON_UTF8 }, body: JSON.stringify(body) };
}

export function errorResponse(error: OnlyofficeError, format: ResponseFormat): CoreResponse {
  const { status, hresult } = ERRORS[error.code];
  return envelope(status, error.message, hresult, format);
}

/** 401 with the plain body `Unauthorized`, no envelope; a failed Basic header also gets the challenge. */
export function unauthorizedResponse(basicRealm: string | undefined): CoreResponse {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (basicRealm !== undefined) headers['www-authenticate'] = `Basic Realm="${basicRealm}"`;
  return { status: 401, headers, body: 'Unauthorized' };
}

/** A forced status (a fault): the error the real server would give with that status (docs/fidelity.md, ONLYOFFICE: Errors: mapping). */
export function forcedErrorResponse(status: number, format: ResponseFormat): CoreResponse {
  if (status === 401) return unauthorizedResponse(undefined);
  const known: Record<number, { message: string; hresult: number }> = {
    400: ERRORS.invalidArgument,
    403: { message: 'Access denied.', hresult: HRESULT.security },
    404: ERRORS.methodNotFound,
  };
  const { message, hresult } = known[status] ?? { message: STATUS_CODES[status] ?? 'Error', hresult: HRESULT.exception };
  return envelope(status, message, hresult, format);
}
