// What the core reports about each call besides the HTTP answer: which API and
// operation it was, whether the request conformed to the request schema (ajv),
// and the ids it issued. The journal records it.
import type { ErrorObject } from 'ajv';
import type { CoreRequest, CoreResponse } from './http.js';

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
  /** For ONLYOFFICE, computed on first read: see CheckedLater. */
  record: CallRecord;
}

/** Whether a request conformed to its schema, and where it did not. */
export type Verdict = Pick<CallRecord, 'valid' | 'errors'>;

/** An API's own check of one request, made from the request alone. */
export type Check = (operation: string, req: CoreRequest) => Verdict;

/**
 * A result whose record's `valid` and `errors` are computed when first read,
 * not while answering: ONLYOFFICE checks its requests against the schema for
 * the journal only. The journal stores such a call without its verdict and
 * makes the check again when someone reads it (Api.check).
 *
 * A class, so that one per request is a fixed-shape object: the object
 * literal with getter closures it replaces was made in dictionary mode, cost
 * ~0.45 µs, and under load was the largest part of what reached V8's old
 * generation (bench/README.md).
 */
export class CheckedLater implements CoreResult {
  #record: CallRecord | undefined;

  constructor(
    public response: CoreResponse,
    readonly api: ApiName,
    readonly operation: string,
    readonly issued: IssuedIds,
    private readonly request: CoreRequest,
    private readonly check: Check,
  ) {}

  get record(): CallRecord {
    if (!this.#record) {
      const { valid, errors } = this.check(this.operation, this.request);
      this.#record = { api: this.api, operation: this.operation, valid, errors, issued: this.issued };
    }
    return this.#record;
  }
}

export function fromAjvErrors(errors: readonly ErrorObject[] | null | undefined): RequestError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String((e.params as { missingProperty: string }).missingProperty)}` : '';
    return { path: e.instancePath + missing, message: e.message ?? e.keyword };
  });
}
