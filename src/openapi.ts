// `taskstub openapi` and GET /__admin/openapi.json: an OpenAPI 3.1 document
// made from schemas/ (the same files ajv compiles), so that it cannot drift
// from what the stub checks. Each schema file becomes a component, each of
// its $defs another, and every $ref is rewritten to point at them. Status
// codes come from each API's own error table, plus what a fault can force.
// Kept clean for the tools users run on it (test/openapi-tools.test.ts:
// Redocly's recommended lint, openapi-typescript, tsc --strict): one
// operationId per path, security on every operation.
import { ERRORS as ONLYOFFICE_ERRORS } from './apis/onlyoffice/errors.js';
import { ERRORS as WELLO_ERRORS } from './apis/wello/errors.js';
import { DELAY_HEADER, FAULT_HEADER, MAX_DELAY_MS } from './faults.js';
import { SESSION_HEADER } from './core/sessions.js';
import { SCHEMA_BASE, schemaId, type SchemaRegistry } from './core/schemas.js';
import { taskstubVersion } from './version.js';

/** The schema files of the two APIs, in the order the document lists them. */
const API_SCHEMAS = [
  'onlyoffice/create-task-request',
  'onlyoffice/envelope',
  'onlyoffice/task-wrapper',
  'onlyoffice/error',
  'onlyoffice/authentication-request',
  'onlyoffice/authentication-response',
  'onlyoffice/task-envelope',
  'onlyoffice/task-list-envelope',
  'onlyoffice/category-list-envelope',
  'onlyoffice/update-task-request',
  'wello/task',
  'wello/task-response',
  'wello/error',
  'wello/task-view',
  'wello/task-view-list',
  'wello/odata-error',
  'wello/count',
];

type Json = Record<string, unknown>;

/** "https://taskstub.local/schemas/onlyoffice/task-wrapper.schema.json" → "onlyoffice.task-wrapper". */
function componentName(id: string, def?: string): string {
  const file = id.slice(SCHEMA_BASE.length).replace(/\.schema\.json$/, '').replace(/\//g, '.');
  return def ? `${file}.${def}` : file;
}

const componentRef = (name: string) => `#/components/schemas/${name}`;

/** A copy of a schema with $id, $schema and $defs removed and every $ref pointing into components. */
function rewrite(node: unknown, baseId: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, baseId));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$id' || key === '$schema' || key === '$defs') continue;
    if (key === '$ref' && typeof value === 'string') {
      const target = new URL(value, baseId);
      const fragment = decodeURIComponent(target.hash.slice(1));
      target.hash = '';
      const def = /^\/\$defs\/([^/]+)$/.exec(fragment)?.[1];
      if (fragment && !def) throw new Error(`openapi: cannot rewrite $ref ${value} in ${baseId}`);
      out.$ref = componentRef(componentName(target.href, def));
    } else {
      out[key] = rewrite(value, baseId);
    }
  }
  return out;
}

function components(registry: SchemaRegistry): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const name of API_SCHEMAS) {
    const id = schemaId(name);
    const schema = registry.get(id);
    schemas[componentName(id)] = rewrite(schema, id);
    for (const [def, defSchema] of Object.entries(schema.$defs ?? {})) schemas[componentName(id, def)] = rewrite(defSchema, id);
  }
  return schemas;
}

const ref = (name: string, xmlRoot?: string): Json => ({ $ref: componentRef(componentName(schemaId(name))), ...(xmlRoot ? { xml: { name: xmlRoot } } : {}) });

/** taskstub's own answer to a bad X-Stub-Fault or X-Stub-Delay value (src/stub.ts), not either API's. */
const PROBLEM_COMPONENT = 'taskstub.problem';
const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description: 'taskstub\'s own RFC 9457 problem details: a bad X-Stub-Fault or X-Stub-Delay value. Never sent by the real servers.',
  required: ['type', 'title', 'status'],
  properties: { type: { type: 'string', format: 'uri' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
};

type ErrorTable = Record<string, { status: number; message: string }>;

/** One response per distinct status among the given codes of an API's error table, naming the messages it can carry. */
function errorResponses<T extends ErrorTable>(table: T, codes: readonly (keyof T)[], content: Json): Record<string, Json> {
  const byStatus = new Map<number, Set<string>>();
  for (const code of codes) {
    const { status, message } = table[code]!;
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(message.trim()));
  }
  return Object.fromEntries([...byStatus].map(([status, messages]) => [String(status), { description: [...messages].map((m) => `"${m}"`).join(', '), content }]));
}

/**
 * What X-Stub-Fault (or a queued fault) can force besides the statuses an
 * operation declares: any status from 400 to 599, in the API's own error
 * shape (src/faults.ts; the bodies are forcedErrorResponse / forcedError in
 * each API's errors.ts). 503 is named because it is the fault people ask for;
 * the ranges tell a generated client that any other 4xx or 5xx has the same shape.
 */
function faultResponses(content: Json): Record<string, Json> {
  return {
    '503': { description: 'Service Unavailable: only with X-Stub-Fault: 503 (or a queued fault); the call is not processed', content },
    '4XX': { description: 'Any other 4xx, forced by X-Stub-Fault; the call is not processed', content },
    '5XX': { description: 'Any other 5xx, forced by X-Stub-Fault; the call is not processed', content },
  };
}

/** The 400s also carry taskstub's problem for its own bad X-Stub-* headers. */
function withProblem400(responses: Record<string, Json>): Record<string, Json> {
  const bad = responses['400'];
  if (!bad) return responses;
  const content = { ...(bad.content as Json), 'application/problem+json': { schema: { $ref: componentRef(PROBLEM_COMPONENT) } } };
  return { ...responses, '400': { description: `${String(bad.description)}; or application/problem+json for a bad X-Stub-Fault / X-Stub-Delay value (taskstub's own)`, content } };
}

/** Numbered statuses in order, then the ranges (4XX, 5XX), as readers of the document expect. */
function ordered(responses: Record<string, Json>): Record<string, Json> {
  const rank = (status: string) => (/^\d+$/.test(status) ? Number(status) : Number(status[0]) * 100 + 99.5);
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => rank(a) - rank(b)));
}

const STUB_HEADERS: Json[] = [
  { name: SESSION_HEADER, in: 'header', required: false, description: 'taskstub: the session (own journal view, id counters and random stream); default "default"', schema: { type: 'string' } },
  {
    name: FAULT_HEADER,
    in: 'header',
    required: false,
    description: 'taskstub: a status from 400 to 599 answers that status in the API\'s own error shape without processing the call; "empty" processes it and answers its status with an empty body; "reset" drops the connection. Faults queued through POST /__admin/faults do the same. A value of none of these forms is a 400 application/problem+json',
    schema: { type: 'string' },
  },
  { name: DELAY_HEADER, in: 'header', required: false, description: 'taskstub: wait this many milliseconds before answering', schema: { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS } },
];

/**
 * Every ONLYOFFICE method answers at no suffix, .json, .xml and .tml
 * (ASC.Api ApiHttpHandler; src/apis/onlyoffice/index.ts routes the same), so
 * each operation is declared at the four paths, each with its own operationId.
 */
const ONLYOFFICE_SUFFIXES = ['', '.json', '.xml', '.tml'] as const;
type Suffix = (typeof ONLYOFFICE_SUFFIXES)[number];
const SUFFIX_ID: Record<Suffix, string> = { '': '', '.json': 'Json', '.xml': 'Xml', '.tml': 'Tml' };
const isXmlSuffix = (suffix: Suffix) => suffix === '.xml' || suffix === '.tml';

/** XML (<result>) only from the .xml/.tml suffix, and there JSON still answers a JSON request; Accept is never read. */
function onlyofficeBody(suffix: Suffix, name: string): Json {
  const json = { 'application/json': { schema: ref(name) } };
  return isXmlSuffix(suffix) ? { 'text/xml': { schema: ref(name, 'result') }, ...json } : json;
}

function formatNote(suffix: Suffix): string {
  if (isXmlSuffix(suffix)) return `The ${suffix} suffix answers in XML (<result>, elements in the JSON key order) unless the request's Content-Type is application/json, which is answered in JSON; Accept is never read.`;
  return `Answers in JSON${suffix ? ' (the same as with no suffix)' : ''}; only the .xml/.tml suffix gives XML.`;
}

const ONLYOFFICE_REQUEST_NOTE = 'JSON; text/xml, read as the child elements of any root; anything else (even application/xml) as form fields. Query-string values fill parameters the body does not give; names match in any letter case.';

const onlyofficeRequest = (name: string): Json => ({
  required: true,
  description: ONLYOFFICE_REQUEST_NOTE,
  content: {
    'application/json': { schema: ref(name) },
    'text/xml': { schema: ref(name, 'task') },
    'application/x-www-form-urlencoded': { schema: ref(name) },
  },
});

// ErrorHttpHandler sets no ContentType: ASP.NET's default text/html (docs/fidelity.md, ONLYOFFICE: Authentication).
const ONLYOFFICE_UNAUTHORIZED = { 'text/html': { schema: { type: 'string', const: 'Unauthorized' } } };

// Every error of the table but the two a create cannot give (an unknown route's, the authentication's): the
// binding, CreateTask's checks and the body's limits, so a new error code is declared without a second list.
const NOT_FROM_CREATE = new Set(['methodNotFound', 'missingCredentials', 'notFound']);
const ONLYOFFICE_CREATE_ERRORS = Object.fromEntries(Object.entries(ONLYOFFICE_ERRORS).filter(([code]) => !NOT_FROM_CREATE.has(code))) as ErrorTable;

function onlyofficeCreate(suffix: Suffix): Json {
  const error = onlyofficeBody(suffix, 'onlyoffice/error');
  return {
    post: {
      tags: ['ONLYOFFICE CRM'],
      operationId: `onlyofficeCreateTask${SUFFIX_ID[suffix]}`,
      summary: `Create task${suffix ? ` (${suffix})` : ''}`,
      description: `Creates a task. ${formatNote(suffix)} Binding first (a value that does not convert is a 400), then CreateTask's checks in the real order: entityType, categoryId <= 0, unknown category (404), missing title or deadline.`,
      parameters: STUB_HEADERS,
      security: [{ onlyofficeToken: [] }, { onlyofficeBasic: [] }, { onlyofficeBearer: [] }, { onlyofficeCookie: [] }],
      requestBody: onlyofficeRequest('onlyoffice/create-task-request'),
      responses: ordered({
        '201': { description: 'The task, in the envelope {count, status, statusCode, response}', content: onlyofficeBody(suffix, 'onlyoffice/envelope') },
        '401': { description: 'No credential of the real forms (or X-Stub-Fault: 401): the plain body Unauthorized, no envelope', content: ONLYOFFICE_UNAUTHORIZED },
        ...faultResponses(error),
        ...withProblem400(
          errorResponses(ONLYOFFICE_CREATE_ERRORS, Object.keys(ONLYOFFICE_CREATE_ERRORS), error),
        ),
      }),
    },
  };
}

function onlyofficeAuthenticate(suffix: Suffix): Json {
  const error = onlyofficeBody(suffix, 'onlyoffice/error');
  return {
    post: {
      tags: ['ONLYOFFICE CRM'],
      operationId: `onlyofficeAuthenticate${SUFFIX_ID[suffix]}`,
      summary: `Get an authentication token${suffix ? ` (${suffix})` : ''}`,
      description: `A token for any non-empty userName and password; send it back as the whole Authorization header. ${formatNote(suffix)}`,
      parameters: STUB_HEADERS,
      // The route that hands out credentials needs none.
      security: [],
      requestBody: onlyofficeRequest('onlyoffice/authentication-request'),
      responses: ordered({
        '201': { description: 'The token and its expiry, in the envelope', content: onlyofficeBody(suffix, 'onlyoffice/authentication-response') },
        '401': { description: 'Only with X-Stub-Fault: 401 (this route needs no credential): the plain body Unauthorized', content: ONLYOFFICE_UNAUTHORIZED },
        ...faultResponses(error),
        ...withProblem400(errorResponses(ONLYOFFICE_ERRORS, ['missingCredentials', 'malformedBody', 'jsonTooDeep', 'xmlTooDeep', 'bodyTooLarge', 'invalidSession'], error)),
      }),
    },
  };
}

// The read-back and lifecycle routes (src/apis/onlyoffice/lifecycle.ts; docs/fidelity.md, ONLYOFFICE: Read-back and
// lifecycle routes): each operation with the errors its method can give, from the error table.
const BINDING_ERRORS = ['notAnInteger', 'intOverflow', 'hexMinus', 'hexNoDigits', 'hexJunk', 'hexEmpty', 'indexOutOfRange', 'uint32Overflow'] as const;
const GUID_ERRORS = ['notAGuid', 'guidUnrecognized', 'guidDashes', 'guidInvalidChar'] as const;
const DATE_ERRORS = ['invalidDate', 'invalidDateShort', 'dateNull'] as const;
const BODY_ERRORS = ['malformedBody', 'jsonTooDeep', 'xmlTooDeep', 'bodyTooLarge', 'invalidSession'] as const;
type OnlyofficeCode = keyof typeof ONLYOFFICE_ERRORS;

interface LifecycleOperationDoc {
  method: 'get' | 'put' | 'delete';
  id: string;
  summary: string;
  description: string;
  response: string;
  errors: readonly OnlyofficeCode[];
  query?: Json[];
  body?: boolean;
}

const idParameter = (name: string, what: string): Json => ({ name, in: 'path', required: true, description: `${what} ([0-9]+; 0 is a 400, past Int32 the binding's 400)`, schema: { type: 'integer', minimum: 0 } });
const queryParameter = (name: string, description: string, schema: Json): Json => ({ name, in: 'query', required: false, description, schema });
const LIST_QUERY: Json[] = [
  queryParameter('responsibleid', 'Only the tasks of this responsible (the empty GUID: any)', { type: 'string', format: 'uuid' }),
  queryParameter('categoryid', 'Only the tasks of this category (0: any)', { type: 'integer' }),
  queryParameter('isClosed', 'true: closed only; false: open only; absent: both', { type: 'boolean' }),
  queryParameter('fromDate', 'Earliest deadline, inclusive (ApiDateTime)', { type: 'string' }),
  queryParameter('toDate', 'Latest deadline, inclusive (ApiDateTime)', { type: 'string' }),
  queryParameter('entityType', 'contact, opportunity or case (any letter case); anything else is a 400', { type: 'string' }),
  queryParameter('entityid', 'With entityType: the contact (a company: its persons too), opportunity or case', { type: 'integer' }),
  queryParameter('filterValue', 'Every space-separated keyword a word prefix of the title or the description (only the part before the first comma)', { type: 'string' }),
];
const PAGING_QUERY: Json[] = [
  queryParameter('count', 'Page size: at most 1000, the default', { type: 'integer', minimum: 0, maximum: 1000 }),
  queryParameter('startIndex', 'Offset', { type: 'integer', minimum: 0 }),
  queryParameter('sortBy', 'title, deadLine, category, contactManager, contact or id; another member name sorts the page in memory', { type: 'string' }),
  queryParameter('sortOrder', '"descending" (exactly) with sortBy', { type: 'string', enum: ['ascending', 'descending'] }),
];

const LIFECYCLE_ROUTES: { route: string; parameters: Json[]; operations: LifecycleOperationDoc[] }[] = [
  {
    route: 'crm/task/filter',
    parameters: [],
    operations: [{ method: 'get', id: 'ListTasks', summary: 'List tasks', description: 'GetAllTasks: open before closed, paged; total always written, nextIndex is startIndex + count + 1 when more follow.', response: 'onlyoffice/task-list-envelope', errors: ['invalidArgument', ...BINDING_ERRORS, ...GUID_ERRORS, ...DATE_ERRORS, 'notABoolean', 'invalidSession'], query: [...LIST_QUERY, ...PAGING_QUERY] }],
  },
  {
    route: 'crm/task/category',
    parameters: [],
    operations: [{ method: 'get', id: 'ListTaskCategories', summary: 'List task categories', description: 'GetTaskCategories: by sortOrder, each with relativeItemsCount counted now. One category: GET crm/task/category/{categoryid} (answered, not listed here: without the server\'s digits-only constraint it would be ambiguous with crm/task/{taskid}/close).', response: 'onlyoffice/category-list-envelope', errors: ['invalidSession'], query: PAGING_QUERY }],
  },
  // GET crm/task/category/{categoryid} is served but not listed: OpenAPI cannot say that {taskid} is digits only
  // (the server's route constraint), so it would be ambiguous with crm/task/{taskid}/close (Redocly's
  // no-ambiguous-paths). The list route's description names it.
  {
    route: 'crm/task/{taskid}',
    parameters: [idParameter('taskid', 'Task ID')],
    operations: [
      { method: 'get', id: 'GetTask', summary: 'Get a task', description: 'GetTaskByID: the task as stored (description "" when none, whole-second dates).', response: 'onlyoffice/task-envelope', errors: ['invalidArgument', 'notFound', 'intOverflow', 'invalidSession'] },
      {
        method: 'put',
        id: 'UpdateTask',
        summary: 'Update (replace) a task',
        description: 'UpdateTask: a full replace (fields left out become defaults); an id no task has creates a new task with a new id (200). Binding first, then the checks in the real order.',
        response: 'onlyoffice/task-envelope',
        errors: ['invalidArgument', 'categoryNotFound', ...BINDING_ERRORS, ...GUID_ERRORS, ...DATE_ERRORS, 'notABoolean', 'notAString', ...BODY_ERRORS, 'taskLimit'],
        body: true,
      },
      { method: 'delete', id: 'DeleteTask', summary: 'Delete a task', description: 'DeleteTask: 200 with the deleted task.', response: 'onlyoffice/task-envelope', errors: ['invalidArgument', 'notFound', 'intOverflow', 'invalidSession'] },
    ],
  },
  {
    route: 'crm/task/{taskid}/close',
    parameters: [idParameter('taskid', 'Task ID')],
    operations: [{ method: 'put', id: 'CloseTask', summary: 'Close a task', description: 'CloseTask: a missing task is a 400 (the DAO throws ArgumentException).', response: 'onlyoffice/task-envelope', errors: ['invalidArgument', 'intOverflow', 'invalidSession'] }],
  },
  {
    route: 'crm/task/{taskid}/reopen',
    parameters: [idParameter('taskid', 'Task ID')],
    operations: [{ method: 'put', id: 'ReopenTask', summary: 'Reopen a task', description: 'ReOpenTask: a missing task is a 400.', response: 'onlyoffice/task-envelope', errors: ['invalidArgument', 'intOverflow', 'invalidSession'] }],
  },
];

function onlyofficeLifecyclePath(route: (typeof LIFECYCLE_ROUTES)[number], suffix: Suffix): Json {
  const error = onlyofficeBody(suffix, 'onlyoffice/error');
  const path: Json = {};
  for (const op of route.operations) {
    path[op.method] = {
      tags: ['ONLYOFFICE CRM'],
      operationId: `onlyoffice${op.id}${SUFFIX_ID[suffix]}`,
      summary: `${op.summary}${suffix ? ` (${suffix})` : ''}`,
      description: `${op.description} ${formatNote(suffix)}`,
      parameters: [...route.parameters, ...(op.query ?? []), ...STUB_HEADERS],
      security: [{ onlyofficeToken: [] }, { onlyofficeBasic: [] }, { onlyofficeBearer: [] }, { onlyofficeCookie: [] }],
      ...(op.body ? { requestBody: onlyofficeRequest('onlyoffice/update-task-request') } : {}),
      responses: ordered({
        '200': { description: 'In the envelope {count, status, statusCode: 200, response}', content: onlyofficeBody(suffix, op.response) },
        '401': { description: 'No credential of the real forms (or X-Stub-Fault: 401): the plain body Unauthorized, no envelope', content: ONLYOFFICE_UNAUTHORIZED },
        ...faultResponses(error),
        ...withProblem400(errorResponses(ONLYOFFICE_ERRORS, op.errors, error)),
      }),
    };
  }
  return path;
}

function welloCreate(): Json {
  const both = (name: string) => ({
    'application/json': { schema: ref(name) },
    'text/json': { schema: ref(name) },
    'application/xml': { schema: ref(name, name === 'wello/error' ? 'Error' : 'task') },
    'text/xml': { schema: ref(name, name === 'wello/error' ? 'Error' : 'task') },
  });
  const location = { Location: { description: 'api/Task(<id>)', schema: { type: 'string', format: 'uri' } } };
  const error = both('wello/error');
  return {
    post: {
      tags: ['Wello ServiceDesk'],
      operationId: 'welloCreateTask',
      summary: 'Create task',
      description: 'Creates a task (the path is case-insensitive). The answer\'s format follows Accept, then the request\'s Content-Type, then JSON. id2 comes from a per-session counter; id from a seeded GUID stream.',
      parameters: [
        ...STUB_HEADERS,
        { name: 'Prefer', in: 'header', required: false, description: 'return=minimal answers 204 with no body', schema: { type: 'string' } },
      ],
      security: [{ welloBasic: [] }],
      requestBody: { required: true, content: both('wello/task') },
      responses: ordered({
        '201': { description: 'The created task', headers: location, content: both('wello/task-response') },
        '204': { description: 'Created, with Prefer: return=minimal', headers: location },
        ...faultResponses(error),
        ...withProblem400(errorResponses(WELLO_ERRORS, WELLO_CREATE_ERRORS, error)),
      }),
    },
  };
}

// The read routes' errors are not the create's: an unknown key's empty 404, a query's OData 400.
const WELLO_READ_ERRORS = new Set<keyof typeof WELLO_ERRORS>(['entityNotFound', 'invalidQuery']);
const WELLO_CREATE_ERRORS = (Object.keys(WELLO_ERRORS) as (keyof typeof WELLO_ERRORS)[]).filter((code) => !WELLO_READ_ERRORS.has(code));

/** JSON and XML by Accept, as the create negotiates (src/apis/wello/negotiate.ts); a view's XML root is task_view. */
function welloContent(name: string, xmlRoot: string): Json {
  return {
    'application/json': { schema: ref(name) },
    'text/json': { schema: ref(name) },
    'application/xml': { schema: ref(name, xmlRoot) },
    'text/xml': { schema: ref(name, xmlRoot) },
  };
}

const WELLO_KEY: Json = { name: 'id', in: 'path', required: true, description: 'The task\'s id, an unquoted GUID as OData v4 writes a Guid key: api/Task(9b1d0c1e-…)', schema: { type: 'string', format: 'uuid' } };

/**
 * A Wello read route (docs/fidelity.md, Wello: Read-back routes): GET only (any other method is a 405 with Allow:
 * GET), the Basic credential as for a create, the answer negotiated as the create's.
 */
function welloRead(operationId: string, summary: string, description: string, ok: Json, options: { key?: boolean; query?: Json[] } = {}): Json {
  const error = welloContent('wello/error', 'Error');
  const codes: (keyof typeof WELLO_ERRORS)[] = ['unauthorized', 'notFound', 'methodNotAllowed', 'invalidSession', 'serverError'];
  const responses: Record<string, Json> = {
    '200': ok,
    ...faultResponses(error),
    ...withProblem400(errorResponses(WELLO_ERRORS, codes, error)),
  };
  if (options.key) responses['404'] = { description: 'No task has this id: an empty body, as Web API OData answers an empty SingleResult; "No HTTP resource was found…" (HttpError) for a key that is not a GUID' };
  if (options.query) {
    const odata = { 'application/json': { schema: ref('wello/odata-error') }, 'application/xml': { schema: ref('wello/error', 'Error') } };
    responses['400'] = { description: '"The query specified in the URI is not valid. …": a $filter, $orderby, $top, $skip or $count that cannot be used (an OData error in JSON, HttpError in XML); or application/problem+json for a bad X-Stub-Fault / X-Stub-Delay value (taskstub\'s own)', content: { ...odata, 'application/problem+json': { schema: { $ref: componentRef(PROBLEM_COMPONENT) } } } };
  }
  return {
    get: {
      tags: ['Wello ServiceDesk'],
      operationId,
      summary,
      description,
      parameters: [...(options.key ? [WELLO_KEY] : []), ...(options.query ?? []), ...STUB_HEADERS],
      security: [{ welloBasic: [] }],
      responses: ordered(responses),
    },
  };
}

const ODATA_OPTIONS: Json[] = [
  { name: '$filter', in: 'query', required: false, description: 'OData v4: eq ne gt ge lt le, and or not, parentheses; contains, startswith, endswith, tolower, toupper; literals \'text\' (\'\' a quote), integers, true, false, null, unquoted GUIDs and DateTimeOffset (a quoted date or GUID is read as one, as the vendor\'s examples write it). Operators are case-sensitive; at most 100 nodes', schema: { type: 'string', maxLength: 2048 } },
  { name: '$orderby', in: 'query', required: false, description: 'Properties, each asc (default) or desc, comma-separated', schema: { type: 'string' } },
  { name: '$top', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
  { name: '$skip', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
  { name: '$count', in: 'query', required: false, description: 'true adds @odata.count (JSON)', schema: { type: 'boolean' } },
];

function welloReadPaths(): [string, Json][] {
  return [
    ['/api/Task({id})', welloRead('welloGetTask', 'Read a task back', 'The task the create\'s Location names, written as the create wrote it (unchanged, the same bytes).', { description: 'The task', content: welloContent('wello/task-response', 'task') }, { key: true })],
    ['/api/TaskView', welloRead('welloListTaskView', 'List tasks (OData)', 'The session\'s tasks as task_view, 100 a page: JSON {"@odata.context","value"} with @odata.nextLink past the page; XML <ArrayOftask_view> (no next link: page with $top and $skip).', { description: 'One page of task_view', content: { ...welloContent('wello/task-view-list', 'ArrayOftask_view') } }, { query: ODATA_OPTIONS })],
    ['/api/TaskView({id})', welloRead('welloGetTaskView', 'Read one task_view', 'One task as TaskView shows it: no nulls (database defaults), the fixtures\' names of its company, contact, type, status and priority.', { description: 'The task_view, with @odata.context in JSON', content: welloContent('wello/task-view', 'task_view') }, { key: true })],
    ['/api/TaskView/CountOpen', welloRead('welloCountOpen', 'Count open tasks', 'How many of the session\'s tasks are not archived (a status whose archived flag is false in the fixtures), as a bare number.', { description: 'The count; XML <int xmlns="http://schemas.microsoft.com/2003/10/Serialization/">', content: welloContent('wello/count', 'int') })],
  ];
}

/** Where taskstub listens when nothing else is known: `taskstub serve`'s default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4010';

export interface OpenApiOptions {
  /** The URL the document's `servers` names, e.g. the one it was fetched from; default DEFAULT_SERVER_URL. */
  serverUrl?: string;
}

/**
 * The origin a request reached taskstub at (`http://127.0.0.1:54321`), from
 * its protocol and Host header, so a client generated from the served document
 * calls the stub that served it; undefined when the Host is missing or not a host.
 */
export function requestOrigin(protocol: string, host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    const url = new URL(`${protocol}://${host}`);
    // A Host with a path, a query or user info in it is not one.
    return url.pathname === '/' && !url.search && !url.hash && !url.username ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** `taskstub openapi --server URL`: an http(s) URL, written without a trailing slash (paths start with one). */
export function serverUrlOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--server: expected a URL such as http://127.0.0.1:4010, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--server: expected an http or https URL, not "${value}"`);
  return url.href.replace(/\/+$/, '');
}

export function openApiDocument(registry: SchemaRegistry, options: OpenApiOptions = {}): Json {
  const serverUrl = options.serverUrl ?? DEFAULT_SERVER_URL;
  const onlyofficePaths = (route: string, operation: (suffix: Suffix) => Json) => ONLYOFFICE_SUFFIXES.map((suffix) => [`/api/2.0/${route}${suffix}`, operation(suffix)]);
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskstub: ONLYOFFICE CRM and Wello ServiceDesk task APIs',
      version: taskstubVersion(),
      description: 'The two task APIs (create, read back, list, update, close, delete) as taskstub serves them, made from its JSON Schemas (schemas/). The X-Stub-* headers are taskstub\'s own; the real servers ignore them.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: serverUrl, description: options.serverUrl ? 'taskstub' : 'taskstub, default address' }],
    tags: [
      { name: 'ONLYOFFICE CRM', description: 'POST api/2.0/crm/task and api/2.0/authentication, and the task\'s read-back, list, update, close, reopen, delete and category routes, each with no suffix, .json, .xml and .tml' },
      { name: 'Wello ServiceDesk', description: 'POST api/Task; GET api/Task(<id>), api/TaskView, api/TaskView(<id>), api/TaskView/CountOpen' },
    ],
    paths: Object.fromEntries([
      ...onlyofficePaths('crm/task', onlyofficeCreate),
      ...onlyofficePaths('authentication', onlyofficeAuthenticate),
      ...LIFECYCLE_ROUTES.flatMap((route) => onlyofficePaths(route.route, (suffix) => onlyofficeLifecyclePath(route, suffix))),
      ['/api/Task', welloCreate()],
      ...welloReadPaths(),
    ]),
    components: {
      schemas: { ...components(registry), [PROBLEM_COMPONENT]: PROBLEM_SCHEMA },
      securitySchemes: {
        onlyofficeToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The token from api/2.0/authentication, as the whole header value' },
        onlyofficeBasic: { type: 'http', scheme: 'basic' },
        onlyofficeBearer: { type: 'http', scheme: 'bearer' },
        onlyofficeCookie: { type: 'apiKey', in: 'cookie', name: 'asc_auth_key' },
        welloBasic: { type: 'http', scheme: 'basic', description: 'login:password@domain' },
      },
    },
  };
}
