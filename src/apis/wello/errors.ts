// Every error the Wello stub answers with, and the one place that turns them
// into HTTP: ASP.NET Web API's HttpError, {"Message", "ModelState"} in JSON or
// <Error> in XML (API-NOTES API 2, Validation errors).
import { create } from 'xmlbuilder2';
import type { CoreResponse } from '../../core/http.js';
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
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Model errors by key ("task.subject"), in the order they were found. */
export type ModelState = [key: string, message: string][];

export class WelloError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail = '',
    readonly modelState?: ModelState,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERRORS[code].message + detail);
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

function errorXml(error: WelloError): string {
  const root = create().ele('Error');
  root.ele('Message').txt(error.message);
  if (error.modelState) {
    const state = root.ele('ModelState');
    for (const [key, messages] of Object.entries(grouped(error.modelState))) state.ele(key).txt(messages.join(' '));
  }
  return root.end({ headless: true });
}

export function errorResponse(error: WelloError, format: ResponseFormat): CoreResponse {
  const { status } = ERRORS[error.code];
  const headers = { 'content-type': contentTypeFor(format), ...error.headers };
  if (format.kind === 'xml') return { status, headers, body: errorXml(error) };
  const body = error.modelState ? { Message: error.message, ModelState: grouped(error.modelState) } : { Message: error.message };
  return { status, headers, body: JSON.stringify(body) };
}
