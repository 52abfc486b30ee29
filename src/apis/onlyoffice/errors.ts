// Every error the ONLYOFFICE stub answers with, and the one place that turns
// them into HTTP (docs/fidelity.md, ONLYOFFICE: Errors).
import { type CoreResponse, JSON_UTF8 } from '../../core/http.js';
import { renderXmlResult, XML_UTF8 } from './xml.js';

import { STATUS_CODES } from 'node:http';

/**
 * The .NET exception classes behind the real server's errors, with the
 * HResult each one's constructor sets. `ErrorWrapper` writes the innermost
 * exception's HResult as `hresult` (docs/fidelity.md, ONLYOFFICE: Errors).
 */
export const HRESULT = {
  ArgumentException: -2147024809, // COR_E_ARGUMENT, 0x80070057
  FormatException: -2146233033, // COR_E_FORMAT, 0x80131537
  OverflowException: -2146233066, // COR_E_OVERFLOW, 0x80131516
  SecurityException: -2146233078, // COR_E_SECURITY, 0x8013150A
  MissingMethodException: -2146233069, // COR_E_MISSINGMETHOD, 0x80131513
  // ASC.Api/Exceptions/ItemNotFound.cs: ItemNotFoundException : System.Web.HttpException, built with
  // base(404, message); HttpException : ExternalException, whose constructor sets E_FAIL, 0x80004005.
  HttpException: -2147467259,
  Exception: -2146233088, // COR_E_EXCEPTION, 0x80131500 (System.Exception; Json.NET's JsonReaderException)
} as const;

export type DotNetException = keyof typeof HRESULT | 'ItemNotFoundException' | 'InvalidOperationException';

/** The HResult an exception of this class carries (ItemNotFoundException is an HttpException). */
export function hresultOf(exception: DotNetException): number {
  if (exception === 'ItemNotFoundException') return HRESULT.HttpException;
  if (exception === 'InvalidOperationException') return -2146233079; // COR_E_INVALIDOPERATION, 0x80131509
  return HRESULT[exception];
}

/**
 * The status for an exception thrown by the method body (ASC.Api/Impl/ApiHttpHandler.cs, DoProcess: the
 * TargetInvocationException's inner exception): ItemNotFoundException 404, ArgumentException 400,
 * SecurityException and InvalidOperationException 403, anything else 500.
 */
export function methodStatusOf(exception: DotNetException): number {
  switch (exception) {
    case 'ItemNotFoundException':
      return 404;
    case 'ArgumentException':
      return 400;
    case 'SecurityException':
    case 'InvalidOperationException':
      return 403;
    default:
      return 500;
  }
}

interface ErrorSpec {
  readonly status: number;
  readonly exception: DotNetException;
  readonly hresult: number;
  readonly message: string;
}

/** Thrown by the method body (CRMApi.CreateTask): the status follows from the class. */
const thrownByMethod = (exception: DotNetException, message: string): ErrorSpec => ({ status: methodStatusOf(exception), exception, hresult: hresultOf(exception), message });
/** A parameter that does not convert: ApiArgumentMismatchException, 400, with the converter's exception inside. */
const thrownByBinding = (exception: DotNetException, message: string): ErrorSpec => ({ status: 400, exception, hresult: hresultOf(exception), message });
/** Answered outside the method with a status of its own. */
const answered = (status: number, exception: DotNetException, message: string): ErrorSpec => ({ status, exception, hresult: hresultOf(exception), message });

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
  invalidArgument: thrownByMethod('ArgumentException', 'Value does not fall within the expected range.'),
  // `throw new ItemNotFoundException(CRMErrorsResource.TaskCategoryNotFound)` (CRMApi.Tasks.cs, CreateTask).
  categoryNotFound: thrownByMethod('ItemNotFoundException', 'Category is not found'),
  // `throw new ItemNotFoundException()`: HttpException(404, "Not found") (CRMApi.Tasks.cs GetTaskByID and DeleteTask;
  // CRMApi.ListItem.cs GetTaskCategoryByID).
  notFound: thrownByMethod('ItemNotFoundException', 'Not found'),
  invalidDate: thrownByBinding('ArgumentException', 'invalid date time format: '),
  notAnInteger: thrownByBinding('FormatException', 'Input string was not in a correct format.'),
  intOverflow: thrownByBinding('OverflowException', 'Value was either too large or too small for an Int32.'),
  notAGuid: thrownByBinding('FormatException', 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).'),
  notABoolean: thrownByBinding('FormatException', 'String was not recognized as a valid Boolean.'),
  // More converter failures, each the innermost exception's message (src/apis/onlyoffice/convert.ts; docs/fidelity.md, ONLYOFFICE: Binding).
  guidUnrecognized: thrownByBinding('FormatException', 'Unrecognized Guid format.'),
  guidDashes: thrownByBinding('FormatException', 'Dashes are in the wrong position for GUID parsing.'),
  guidInvalidChar: thrownByBinding('FormatException', 'Guid string should only contain hexadecimal characters.'),
  hexMinus: thrownByBinding('ArgumentException', 'String cannot contain a minus sign if the base is not 10.'),
  hexNoDigits: thrownByBinding('FormatException', 'Could not find any recognizable digits.'),
  hexJunk: thrownByBinding('FormatException', 'Additional non-parsable characters are at the end of the string.'),
  uint32Overflow: thrownByBinding('OverflowException', 'Value was either too large or too small for a UInt32.'),
  // ArgumentOutOfRangeException (COR_E_ARGUMENTOUTOFRANGE) [inferred wording]; IndexOutOfRangeException (COR_E_INDEXOUTOFRANGE);
  // ArgumentNullException (E_POINTER): subclasses the DotNetException list does not name, so their HResults are given here.
  hexEmpty: { ...thrownByBinding('ArgumentException', 'Index was out of range. Must be non-negative and less than the size of the collection.'), hresult: -2146233086 },
  indexOutOfRange: { ...thrownByBinding('Exception', 'Index was outside the bounds of the array.'), hresult: -2146233080 },
  dateNull: { ...thrownByBinding('ArgumentException', 'Value cannot be null.\r\nParameter name: data'), hresult: -2147467261 },
  invalidDateShort: thrownByBinding('ArgumentException', 'invalid date time format'),
  notAString: thrownByBinding('ArgumentException', 'Value does not fall within the expected range.'),
  // ApiHttpHandler.DoProcess: SetError(context, new MissingMethodException("Method not found"), HttpStatusCode.NotFound).
  methodNotFound: answered(404, 'MissingMethodException', 'Method not found'),
  malformedBody: answered(400, 'Exception', 'The request body could not be read: '),
  // Json.NET's JsonReaderException, unwrapped from ArgumentException("Unable to deserialize json") by
  // ErrorWrapper: 400 with Json.NET's message; `Path '…', line L, position P.` follows.
  jsonTooDeep: answered(400, 'Exception', `The reader's MaxDepth of ${JSON_MAX_DEPTH} has been exceeded. `),
  // What else fails DeserializeXNode, unwrapped the same way (docs/fidelity.md, ONLYOFFICE: Binding):
  // JsonSerializationException (XmlNodeConverter.ReadJson) and JsonReaderException (JsonTextReader.ParseReadNumber),
  // both Exception's HResult; `Path '…', line L, position P.` follows, or the number's message with it.
  jsonNotObject: answered(400, 'Exception', 'XmlNodeConverter can only convert JSON that begins with an object. '),
  jsonNumber: answered(400, 'Exception', ''),
  // The XDocument refusing an element name (XName: XmlConvert.VerifyNCName, an XmlException, HResults.Xml 0x80131940;
  // XName.Get, an ArgumentException) [inferred wording].
  jsonNameColon: { ...answered(400, 'Exception', "The ':' character, hexadecimal value 0x3A, cannot be included in a name."), hresult: -2146232000 },
  jsonNameStartColon: { ...answered(400, 'Exception', "Name cannot begin with the ':' character, hexadecimal value 0x3A."), hresult: -2146232000 },
  jsonEmptyName: answered(400, 'ArgumentException', "'' is an invalid expanded name."),
  // The stub's own words (the real server has no limit): line and position follow.
  xmlTooDeep: answered(400, 'Exception', `The request body could not be read: its elements are nested more than ${XML_MAX_DEPTH} deep. `),
  // ASP.NET's HttpRequest throws HttpException("Maximum request length exceeded.").
  bodyTooLarge: answered(413, 'HttpException', 'Maximum request length exceeded.'),
  missingCredentials: answered(400, 'ArgumentException', 'Value does not fall within the expected range.'),
  // taskstub's own header, refused as the server refuses a bad argument; the detail says what is wrong with it.
  invalidSession: answered(400, 'ArgumentException', ''),
  // taskstub's own bound on the tasks a session holds (--max-tasks; the portal has none): 507 Insufficient
  // Storage, the server's capacity rather than the request's fault; the detail says how to go on.
  taskLimit: answered(507, 'Exception', ''),
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

/**
 * The 401's content type: ApiRouteHandler.GetHttpHandler answers with ErrorHttpHandler
 * (ASC.Api/Utils/ErrorHttpHandler.cs), whose ProcessRequest writes `Unauthorized` and never sets
 * ContentType, so ASP.NET's HttpResponse default, text/html, goes out with the response encoding's
 * charset (utf-8 by default) [inferred].
 */
export const UNAUTHORIZED_CONTENT_TYPE = 'text/html; charset=utf-8';

/** 401 with the plain body `Unauthorized`, no envelope; a failed Basic header also gets the challenge. */
export function unauthorizedResponse(basicRealm: string | undefined): CoreResponse {
  const headers: Record<string, string> = { 'content-type': UNAUTHORIZED_CONTENT_TYPE };
  if (basicRealm !== undefined) headers['www-authenticate'] = `Basic Realm="${basicRealm}"`;
  return { status: 401, headers, body: 'Unauthorized' };
}

/** A forced status (a fault): the error the real server would give with that status (docs/fidelity.md, ONLYOFFICE: Errors: mapping). */
export function forcedErrorResponse(status: number, format: ResponseFormat): CoreResponse {
  if (status === 401) return unauthorizedResponse(undefined);
  const known: Record<number, { message: string; hresult: number }> = {
    400: ERRORS.invalidArgument,
    403: { message: 'Access denied.', hresult: HRESULT.SecurityException },
    404: ERRORS.methodNotFound,
  };
  const { message, hresult } = known[status] ?? { message: STATUS_CODES[status] ?? 'Error', hresult: HRESULT.Exception };
  return envelope(status, message, hresult, format);
}
