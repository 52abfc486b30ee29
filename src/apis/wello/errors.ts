// Every error the Wello stub answers with, and the one place that turns them
// into HTTP: ASP.NET Web API's HttpError, {"Message", "ModelState"} in JSON or
// <Error> in XML (docs/fidelity.md, Wello: Validation errors).
import { createXml as create } from '../../core/xml-builder.js';
import type { CoreResponse } from '../../core/http.js';
import { encodeLocalName } from '../../core/xml-names.js';
import { type ResponseFormat, contentTypeFor } from './negotiate.js';

export const ERRORS = {
  invalidModel: { status: 400, message: 'The request is invalid.' },
  unauthorized: { status: 401, message: 'Authorization has been denied for this request.' },
  notFound: { status: 404, message: 'No HTTP resource was found that matches the request URI ' },
  methodNotAllowed: { status: 405, message: 'The requested resource does not support http method ' },
  // [inferred] IIS refuses the body before ASP.NET sees it.
  bodyTooLarge: { status: 413, message: 'The request entity is too large.' },
  unsupportedMediaType: { status: 415, message: "The request entity's media type " },
  // The vendor's status list: 422 for foreign keys that do not exist [doc]; the wording is [inferred].
  unknownForeignKey: { status: 422, message: 'The value of a foreign key does not exist: ' },
  // taskstub's own header (X-Stub-Session) refused; the detail is the whole message.
  invalidSession: { status: 400, message: '' },
  // taskstub's own bound on the tasks a session holds (--max-tasks; the real service has none): 507 Insufficient
  // Storage, the server's capacity rather than the request's fault; the detail is the whole message.
  taskLimit: { status: 507, message: '' },
  // ASP.NET's words for an unhandled exception when error details are off.
  serverError: { status: 500, message: 'An error has occurred.' },
  // A key that names no task (GET api/Task(<id>), api/TaskView(<id>)): stock Web API OData answers an empty 404, no
  // body (EnableQueryAttribute.OnActionExecuted on an empty SingleResult, or NotFound()) [src, framework].
  entityNotFound: { status: 404, message: '', body: 'none' },
  // A $filter, $orderby, $top, $skip or $count that cannot be used: EnableQuery's 400, written by ASP.NET OData as an
  // OData error, {"error":{"code":"","message":"The query specified in the URI is not valid. <ODataLib's message>"}}
  // [client: a real ASP.NET OData answer]; in XML as HttpError [assumption].
  invalidQuery: { status: 400, message: 'The query specified in the URI is not valid. ', body: 'odata' },
  // A create whose id a stored task has: the database refuses a second primary key; 409 Conflict is on the
  // vendor's status list (HelpGuide HandlingErrors [doc]), the wording is [assumption].
  duplicateKey: { status: 409, message: 'A task with this id already exists: ' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Model errors by key ("task.subject"), in the order they were found. */
export type ModelState = [key: string, message: string][];

export class WelloError extends Error {
  /** The HTTP status: the code's own, unless a fault forces another. */
  status: number;

  constructor(
    readonly code: ErrorCode,
    detail = '',
    readonly modelState?: ModelState,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERRORS[code].message + detail);
    this.status = ERRORS[code].status;
  }
}

export const unsupportedMediaType = (type: string) => new WelloError('unsupportedMediaType', `'${type}' is not supported for this resource.`);
export const notFound = (uri: string) => new WelloError('notFound', `'${uri}'.`);
export const methodNotAllowed = (method: string, allow: string) => new WelloError('methodNotAllowed', `'${method}'.`, undefined, { allow });
export const invalidModel = (modelState: ModelState) => new WelloError('invalidModel', '', modelState);

function grouped(modelState: ModelState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, message] of modelState) (out[key] ??= []).push(message);
  return out;
}

/** HttpError as XML; ModelState keys become element names the way XmlConvert.EncodeLocalName makes them. */
function errorXml(error: WelloError): string {
  const root = create().ele('Error');
  root.ele('Message').txt(error.message);
  if (error.modelState?.length) {
    const state = root.ele('ModelState');
    for (const [key, messages] of Object.entries(grouped(error.modelState))) state.ele(encodeLocalName(key)).txt(messages.join(' '));
  }
  return root.end({ headless: true });
}

/** A forced status (a fault): the ASP.NET error that status comes with. */
export function forcedError(status: number, req: { method: string; uri: string; mediaType: string }): WelloError {
  const byStatus: Record<number, () => WelloError> = {
    400: () => invalidModel([]),
    401: () => new WelloError('unauthorized'),
    404: () => notFound(req.uri),
    405: () => methodNotAllowed(req.method, 'POST'),
    413: () => new WelloError('bodyTooLarge'),
    415: () => unsupportedMediaType(req.mediaType || 'application/octet-stream'),
  };
  const error = byStatus[status]?.() ?? new WelloError('serverError');
  error.status = status;
  return error;
}

/** How a row's body is written when it is not HttpError: none at all, or an OData error in JSON. */
const bodyOf = (code: ErrorCode): string | undefined => (ERRORS[code] as { body?: string }).body;

export function errorResponse(error: WelloError, format: ResponseFormat): CoreResponse {
  const { status } = error;
  const shape = bodyOf(error.code);
  if (shape === 'none') return { status, headers: { ...error.headers }, body: '' };
  const headers = { 'content-type': contentTypeFor(format), ...error.headers };
  if (format.kind === 'xml') return { status, headers, body: errorXml(error) };
  if (shape === 'odata') return { status, headers, body: JSON.stringify({ error: { code: '', message: error.message } }) };
  const body = error.modelState?.length ? { Message: error.message, ModelState: grouped(error.modelState) } : { Message: error.message };
  return { status, headers, body: JSON.stringify(body) };
}
