// Does an answer conform to the API's response schema? Used by `replay`
// (the contract drift check against a real API) and by tests. XML answers
// are read back into JSON guided by the schema (element text to integers,
// booleans; i:nil to null) and then checked the same way.
import { XMLParser } from 'fast-xml-parser';
import { ONLYOFFICE_PATHS } from './apis/onlyoffice/index.js';
import { lifecycleResponseSchema } from './apis/onlyoffice/lifecycle.js';
import { WELLO_PATHS } from './apis/wello/index.js';
import { readResponseSchema } from './apis/wello/routes.js';
import type { ApiName } from './core/record.js';
import { type JsonSchema, type SchemaRegistry, schemaId } from './core/schemas.js';

export function apiForPath(path: string): ApiName | undefined {
  if (ONLYOFFICE_PATHS.test(path)) return 'onlyoffice';
  if (WELLO_PATHS.test(path)) return 'wello';
  return undefined;
}

/** The schema an answer must conform to, or undefined when the answer has no body to check (401 text, 204, a reset). */
export function responseSchemaName(path: string, status: number, contentType = ''): string | undefined {
  const api = apiForPath(path);
  if (api === 'onlyoffice') {
    if (status === 401) return undefined;
    if (status === 200) return lifecycleResponseSchema(path);
    if (status !== 201) return 'onlyoffice/error';
    return /\/authentication(\.\w+)?$/i.test(path) ? 'onlyoffice/authentication-response' : 'onlyoffice/envelope';
  }
  if (api === 'wello') {
    if (status === 204) return undefined;
    // GET api/Task(<id>) and the TaskView routes (docs/fidelity.md, Wello: Read-back routes).
    const read = readResponseSchema(path, status, contentType);
    if (read !== null) return read;
    return status === 201 ? 'wello/task-response' : 'wello/error';
  }
  return undefined;
}

// Values untrimmed: a title of " " must read back as " " (the fuzz found the trimmed reading).
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, trimValues: false, processEntities: false, ignoreDeclaration: true });

type Node = string | Record<string, unknown> | undefined;

function resolve(registry: SchemaRegistry, schema: JsonSchema, baseId: string): { schema: JsonSchema; baseId: string } {
  let current = { schema, baseId };
  while (current.schema.$ref && !current.schema.properties) current = registry.resolveRef(current.schema.$ref, current.baseId);
  return current;
}

function types(schema: JsonSchema): string[] {
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if ('const' in schema) return [typeof schema.const === 'number' ? 'integer' : typeof schema.const];
  if (Array.isArray(schema.enum)) return [typeof schema.enum[0] === 'number' ? 'integer' : 'string'];
  return ['string'];
}

/** XML element content, read as the schema says the JSON value would be. */
function fromXml(registry: SchemaRegistry, node: Node, schema: JsonSchema, baseId: string): unknown {
  const { schema: s, baseId: base } = resolve(registry, schema, baseId);
  if (typeof node === 'object' && node['@nil'] === 'true') return null;
  const t = types(s);
  if (t.includes('object') && (s.properties || s.additionalProperties)) {
    const element = typeof node === 'object' ? node : {};
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(element)) {
      // Attributes, and the whitespace between the elements of an indented document.
      if (name.startsWith('@') || name === '#text') continue;
      const property = (s.properties?.[name] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined)) as JsonSchema | undefined;
      out[name] = property ? fromXml(registry, child as Node, property, base) : child;
    }
    return out;
  }
  if (t.includes('object')) return typeof node === 'object' ? node : {};
  const text = typeof node === 'string' ? node : typeof node === 'object' ? String(node['#text'] ?? '') : '';
  if (t.includes('array')) return text.split(' ');
  if (t.includes('integer') || t.includes('number')) return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (t.includes('boolean')) return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

/** The answer's body as JSON: parsed JSON, or XML read back by the schema. */
export function bodyAsJson(registry: SchemaRegistry, schemaName: string, contentType: string, text: string): unknown {
  if (/xml/i.test(contentType)) {
    const document = xml.parse(text) as Record<string, Node>;
    const root = Object.keys(document).find((k) => !k.startsWith('?'));
    const id = schemaId(schemaName);
    return fromXml(registry, root ? document[root] : undefined, registry.get(id), id);
  }
  return JSON.parse(text) as unknown;
}

/** Why an answer does not conform to its response schema; empty when it does. */
export function contractErrors(registry: SchemaRegistry, path: string, status: number, contentType: string, text: string): string[] {
  const name = responseSchemaName(path, status, contentType);
  if (!name) {
    if (apiForPath(path) === 'onlyoffice' && status === 401 && text !== 'Unauthorized') return ['a 401 body must be the plain text Unauthorized'];
    return [];
  }
  let body: unknown;
  try {
    body = bodyAsJson(registry, name, contentType, text);
  } catch (error) {
    return [`the body does not parse: ${(error as Error).message}`];
  }
  const validate = registry.validator(name);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${name}${e.instancePath || ''}: ${e.message ?? e.keyword}`);
}
