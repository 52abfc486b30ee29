// `taskstub validate <onlyoffice|wello> <file>`: is this request body what the
// API's request schema allows? It asks a throwaway stub for the same check the
// journal records for every call, so the answer is exactly the server's.
import { extname } from 'node:path';
import type { RequestError } from './core/record.js';
import { xmlSkippedMemberWarnings } from './apis/wello/read-task.js';
import { taskFields } from './apis/wello/fields.js';
import { createStub, type Stub } from './stub.js';

export type ApiChoice = 'onlyoffice' | 'wello';

/** How a file is sent: the server decides by Content-Type, so validate decides what that type would be. */
export type BodyKind = 'json' | 'xml' | 'form';

const ROUTES: Record<ApiChoice, { path: string; xmlType: string }> = {
  onlyoffice: { path: '/api/2.0/crm/task', xmlType: 'text/xml' },
  wello: { path: '/api/Task', xmlType: 'application/xml' },
};

export const BODY_KIND_NAMES: Record<BodyKind, string> = { json: 'JSON', xml: 'XML', form: 'form fields' };

/**
 * A .json or .xml file is what its name says; any other is JSON when it starts
 * with { or [, XML when it starts with <, else form fields (`title=x&deadline=...`):
 * ONLYOFFICE reads every content type but JSON and text/xml as a form
 * (ASC.Api's form binder), and Wello refuses a form with 415, as it answers one.
 */
export function bodyKind(fileName: string, text: string): BodyKind {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.xml') return 'xml';
  const start = text.trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  if (start === '<') return 'xml';
  return 'form';
}

function contentType(api: ApiChoice, kind: BodyKind): string {
  if (kind === 'json') return 'application/json';
  return kind === 'xml' ? ROUTES[api].xmlType : 'application/x-www-form-urlencoded';
}

export function validateRequestBody(api: ApiChoice, text: string, kind: BodyKind = bodyKind('', text)): RequestError[] {
  return validateRequest(api, text, kind).errors;
}

/**
 * The errors, and what the server would do without a word that a user wants to hear of:
 * Wello XML members it skips because they come out of contract order (docs/fidelity.md,
 * Wello: Serialization).
 */
export function validateRequest(api: ApiChoice, text: string, kind: BodyKind = bodyKind('', text)): { errors: RequestError[]; warnings: RequestError[] } {
  const stub = createStub({ auth: 'off', seed: 0, clock: '2000-01-01T00:00:00Z', journalLimit: 1 });
  const errors = checkedBody(stub, api, text, kind);
  const warnings = api === 'wello' && kind === 'xml' ? xmlSkippedMemberWarnings(text, taskFields(stub.context.registry.get('wello/task'))) : [];
  return { errors, warnings };
}

function checkedBody(stub: Stub, api: ApiChoice, text: string, kind: BodyKind): RequestError[] {
  const route = ROUTES[api];
  const result = stub.handle({
    method: 'POST',
    path: route.path,
    query: {},
    headers: { 'content-type': contentType(api, kind) },
    body: Buffer.from(text),
  });
  if (!result) return [{ path: '', message: 'no API answered' }];
  // The journal's check: binding failures in the server's own words (ApiArgumentBuilder), then the schema's.
  return result.record.errors;
}
