// Contract warnings: where the seed document and the real server disagree in
// the client's favour. The ONLYOFFICE seed lists `responsibleId` as required,
// but CRMApi.Tasks.cs CreateTask never checks it (a missing or unknown user is
// rendered as the placeholder user, "Profile has been removed"). The request
// schemas keep the seed's `required`, so `valid` and `errors` still say what
// the document says, and name such fields in `x-requiredNotEnforced`. When an
// entry is shown, each "missing" error for one of them is also given as a
// warning, so that a call the real server accepts does not read like one it
// rejects. Computed when shown, from the errors: nothing is stored, and the
// create path pays nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiName, RequestError } from '../core/record.js';
import { SCHEMAS_DIR } from '../core/schemas.js';

export const NOT_ENFORCED_MESSAGE = 'documented as required; the real server accepts it';

/** A finding of the contract check that the real server would not act on. */
export interface ContractWarning {
  /** JSON pointer of the field, as in `errors`. */
  path: string;
  message: string;
}

/** Each API operation's request schema: the one whose `required` produced the errors. */
const REQUEST_SCHEMAS: Record<ApiName, Record<string, string>> = {
  onlyoffice: { createTask: 'onlyoffice/create-task-request', authenticate: 'onlyoffice/authentication-request' },
  wello: { createTask: 'wello/task' },
};

// The shipped schemas are the contract for the whole process: read once, on the first entry shown.
const notEnforcedBySchema = new Map<string, ReadonlySet<string>>();

function notEnforced(api: ApiName, operation: string): ReadonlySet<string> | undefined {
  const name = Object.hasOwn(REQUEST_SCHEMAS[api], operation) ? REQUEST_SCHEMAS[api][operation] : undefined;
  if (!name) return undefined;
  let fields = notEnforcedBySchema.get(name);
  if (!fields) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as { 'x-requiredNotEnforced'?: string[] };
    fields = new Set(schema['x-requiredNotEnforced'] ?? []);
    notEnforcedBySchema.set(name, fields);
  }
  return fields;
}

/**
 * The errors that are only contract warnings. A field's missing-required
 * error is ajv's `required` message at `/<field>` (fromAjvErrors); a value
 * that is there but does not convert has the same path and another message,
 * and stays a plain error: the real server rejects that.
 */
export function contractWarnings(record: { api: ApiName; operation: string; errors: readonly RequestError[] }): ContractWarning[] {
  if (record.errors.length === 0) return [];
  const fields = notEnforced(record.api, record.operation);
  if (!fields || fields.size === 0) return [];
  const warnings: ContractWarning[] = [];
  for (const error of record.errors) {
    const field = error.path.slice(1);
    if (fields.has(field) && error.message === `must have required property '${field}'`) warnings.push({ path: error.path, message: NOT_ENFORCED_MESSAGE });
  }
  return warnings;
}
