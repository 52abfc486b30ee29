// `taskstub openapi` and GET /__admin/openapi.json: an OpenAPI 3.1 document
// made from schemas/ (the same files ajv compiles), so that it cannot drift
// from what the stub checks. Each schema file becomes a component, each of
// its $defs another, and every $ref is rewritten to point at them. Status
// codes come from each API's own error table.
import { ERRORS as ONLYOFFICE_ERRORS } from './apis/onlyoffice/errors.js';
import { ERRORS as WELLO_ERRORS } from './apis/wello/errors.js';
import { DELAY_HEADER, FAULT_HEADER } from './faults.js';
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
  'wello/task',
  'wello/task-response',
  'wello/error',
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

/** One response per distinct status of an API's error table, with the messages it can carry. */
function errorResponses(table: Record<string, { status: number; message: string }>, content: (status: number) => Json): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const { status, message } of Object.values(table)) byStatus.set(status, [...(byStatus.get(status) ?? []), message.trim()]);
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, messages]) => [String(status), { description: messages.map((m) => `"${m}"`).join(', '), content: content(status) }]));
}

const STUB_HEADERS: Json[] = [
  { name: SESSION_HEADER, in: 'header', required: false, description: 'taskstub: the session (own journal view, id counters and random stream); default "default"', schema: { type: 'string' } },
  { name: FAULT_HEADER, in: 'header', required: false, description: 'taskstub: answer with this status in the API\'s own error shape, or "empty" / "reset"', schema: { type: 'string' } },
  { name: DELAY_HEADER, in: 'header', required: false, description: 'taskstub: wait this many milliseconds before answering', schema: { type: 'integer', minimum: 0 } },
];

function onlyofficeCreate(format: 'json' | 'xml'): Json {
  const type = format === 'xml' ? 'text/xml' : 'application/json';
  const body = (name: string) => ({ [type]: { schema: ref(name, format === 'xml' ? 'result' : undefined) } });
  return {
    post: {
      tags: ['ONLYOFFICE CRM'],
      operationId: `onlyofficeCreateTask${format === 'xml' ? 'Xml' : ''}`,
      summary: 'Create task',
      description: `Creates a task. ${format === 'xml' ? 'The .xml (or .tml) suffix answers in XML, <result> with the elements in the JSON key order.' : 'JSON answers, with or without the .json suffix.'} Checks in the real order: entityType, categoryId <= 0, unknown category (404), missing title or deadline, unconvertible values.`,
      parameters: STUB_HEADERS,
      security: [{ onlyofficeToken: [] }, { onlyofficeBasic: [] }, { onlyofficeBearer: [] }, { onlyofficeCookie: [] }],
      requestBody: {
        required: true,
        description: 'JSON; text/xml, read as the child elements of any root; anything else as form fields',
        content: {
          'application/json': { schema: ref('onlyoffice/create-task-request') },
          'text/xml': { schema: ref('onlyoffice/create-task-request', 'task') },
          'application/x-www-form-urlencoded': { schema: ref('onlyoffice/create-task-request') },
        },
      },
      responses: {
        '201': { description: 'The task, in the envelope {count, status, statusCode, response}', content: body('onlyoffice/envelope') },
        '401': { description: 'No credential of the real forms', content: { 'text/plain': { schema: { type: 'string', const: 'Unauthorized' } } } },
        ...errorResponses(ONLYOFFICE_ERRORS, () => body('onlyoffice/error')),
      },
    },
  };
}

function welloCreate(): Json {
  const both = (name: string) => ({
    'application/json': { schema: ref(name) },
    'text/json': { schema: ref(name) },
    'application/xml': { schema: ref(name, name === 'wello/error' ? 'Error' : 'task') },
    'text/xml': { schema: ref(name, name === 'wello/error' ? 'Error' : 'task') },
  });
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
      responses: {
        '201': {
          description: 'The created task',
          headers: { Location: { description: 'api/Task(<id>)', schema: { type: 'string', format: 'uri' } } },
          content: both('wello/task-response'),
        },
        '204': { description: 'Created, with Prefer: return=minimal' },
        ...errorResponses(WELLO_ERRORS, () => both('wello/error')),
      },
    },
  };
}

function onlyofficeAuthenticate(): Json {
  const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
  return {
    post: {
      tags: ['ONLYOFFICE CRM'],
      operationId: 'onlyofficeAuthenticate',
      summary: 'Get an authentication token',
      requestBody: {
        required: true,
        content: { ...json('onlyoffice/authentication-request'), 'application/x-www-form-urlencoded': { schema: ref('onlyoffice/authentication-request') } },
      },
      responses: {
        '201': { description: 'The token and its expiry, in the envelope', content: json('onlyoffice/authentication-response') },
        '400': { description: 'No userName or password', content: json('onlyoffice/error') },
      },
    },
  };
}

export function openApiDocument(registry: SchemaRegistry): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'taskstub: ONLYOFFICE CRM and Wello ServiceDesk create-task APIs',
      version: taskstubVersion(),
      description: 'The two create-task APIs as taskstub serves them, made from its JSON Schemas (schemas/). The X-Stub-* headers are taskstub\'s own; the real servers ignore them.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: 'http://127.0.0.1:4010', description: 'taskstub, default port' }],
    tags: [
      { name: 'ONLYOFFICE CRM', description: 'POST api/2.0/crm/task and api/2.0/authentication' },
      { name: 'Wello ServiceDesk', description: 'POST api/Task' },
    ],
    paths: {
      '/api/2.0/crm/task': onlyofficeCreate('json'),
      '/api/2.0/crm/task.json': onlyofficeCreate('json'),
      '/api/2.0/crm/task.xml': onlyofficeCreate('xml'),
      '/api/2.0/authentication': onlyofficeAuthenticate(),
      '/api/Task': welloCreate(),
    },
    components: {
      schemas: components(registry),
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
