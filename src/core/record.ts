// What the core reports about each call besides the HTTP answer: which API and
// operation it was, whether the request conformed to the request schema (ajv),
// and the ids it issued. The journal records it.
import type { ErrorObject } from 'ajv';
import type { CoreResponse } from './http.js';

export type ApiName = 'onlyoffice' | 'wello';

export interface RequestError {
  /** JSON pointer into the request body ("" for the body itself). */
  path: string;
  message: string;
}

export interface IssuedIds {
  taskId?: number;
  id2?: number;
  guids?: string[];
  token?: string;
}

export interface CallRecord {
  api: ApiName;
  operation: string;
  valid: boolean;
  errors: RequestError[];
  issued: IssuedIds;
}

export interface CoreResult {
  response: CoreResponse;
  record: CallRecord;
}

export function fromAjvErrors(errors: readonly ErrorObject[] | null | undefined): RequestError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String((e.params as { missingProperty: string }).missingProperty)}` : '';
    return { path: e.instancePath + missing, message: e.message ?? e.keyword };
  });
}
