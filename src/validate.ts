// `taskstub validate <onlyoffice|wello> <file>`: is this request body what the
// API's request schema allows? It asks a throwaway stub for the same check the
// journal records for every call, so the answer is exactly the server's.
import type { RequestError } from './core/record.js';
import { createStub } from './stub.js';

export type ApiChoice = 'onlyoffice' | 'wello';

const ROUTES: Record<ApiChoice, { path: string; xmlType: string }> = {
  onlyoffice: { path: '/api/2.0/crm/task', xmlType: 'text/xml' },
  wello: { path: '/api/Task', xmlType: 'application/xml' },
};

export function validateRequestBody(api: ApiChoice, text: string): RequestError[] {
  const stub = createStub({ auth: 'off', seed: 0, clock: '2000-01-01T00:00:00Z', journalLimit: 1 });
  const route = ROUTES[api];
  const isXml = text.trimStart().startsWith('<');
  const result = stub.handle({
    method: 'POST',
    path: route.path,
    query: {},
    headers: { 'content-type': isXml ? route.xmlType : 'application/json' },
    body: Buffer.from(text),
  });
  return result?.record.errors ?? [{ path: '', message: 'no API answered' }];
}
