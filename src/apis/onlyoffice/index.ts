// The ONLYOFFICE CRM API: routing, request formats, and the one place where
// its errors become HTTP (docs/fidelity.md, ONLYOFFICE).
import { BodyError, decodeUtf8, jsonNesting, NestingError, parseXml } from '../../core/body.js';
import { type CoreRequest, type CoreResponse, header, JSON_UTF8, mediaType, perRequest } from '../../core/http.js';
import { type Api, DROPPED, type HandleOptions } from '../../core/api.js';
import { type CallRecord, CheckedLater, fromAjvErrors, type IssuedIds, type Verdict } from '../../core/record.js';
import { jsonWriter, renderByShape, type Shape, shapeOf } from '../../core/render.js';
import type { JsonSchema } from '../../core/schemas.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { sessionName, SESSION_HEADER } from '../../core/sessions.js';
import type { StubContext } from '../../context.js';
import { readCredential } from './auth.js';
import { authenticate } from './authentication.js';
import { type Bound, bindParameters } from './binder.js';
import { type Collected, readJsonBody, xmlToValues } from './collect.js';
import { collectForm, isUrlEncodedForm } from './request-values.js';
import { createTask } from './create-task.js';
import { errorResponse, forcedErrorResponse, JSON_MAX_DEPTH, OnlyofficeError, type ResponseFormat, unauthorizedResponse, XML_MAX_DEPTH } from './errors.js';
import { createPortal, type PortalUser } from './portal.js';
import { fieldsKey, projectResponse, requestedFields } from './response-fields.js';
import { queryValues } from './query-string.js';
import { renderXmlResult, XML_UTF8 } from './xml.js';
import { bindingCookie, bindLifecycle, createLifecycle, LIFECYCLE_OPERATIONS, type LifecycleOperation, type LifecycleRoute, matchLifecycleRoute } from './lifecycle.js';
import { TaskLimitError } from '../../store/task-table.js';

/** The paths this API owns. */
export const ONLYOFFICE_PATHS = /^\/api\/2\.0\//i;
// Every method answers with no suffix, .json, .xml and .tml (docs/fidelity.md, ONLYOFFICE: Routes and format),
// in lower case only: ApiExtensionConstraint.Match looks the suffix up with List<string>.Contains (ordinal), so
// `task.XML` matches no route, and JsonNetSerializer.IsXmlRequest compares with `==`.
const SUFFIX = /\.(json|xml|tml)$/;
// Writers for `?fields=` answers, one per operation and set of names (SerializerContractResolver caches a
// contract per type and set); a bound on how many, since the names come from the caller.
const MAX_FIELD_WRITERS = 256;

type Operation = 'createTask' | 'authenticate' | LifecycleOperation;
const isOperation = (name: string): name is Operation => name === 'createTask' || name === 'authenticate' || LIFECYCLE_OPERATIONS.has(name);
/** A POST's route: one object each, so that the create's path allocates nothing to route. */
type PostOperation = 'createTask' | 'authenticate';
type PostRoute = { readonly operation: PostOperation; readonly values?: undefined };
const CREATE: PostRoute = { operation: 'createTask' };
const AUTHENTICATE: PostRoute = { operation: 'authenticate' };
/** A 201 whose body nobody reads (CoreRequest.planOnly). */
const PLAN_ONLY: CoreResponse = { status: 201, headers: {}, body: '' };

/** The route table: the two POSTs first (the create's fast path), then the lifecycle routes (lifecycle.ts). */
function route(method: string, path: string): PostRoute | LifecycleRoute | undefined {
  const name = path.replace(ONLYOFFICE_PATHS, '').replace(SUFFIX, '').toLowerCase();
  if (method === 'POST') {
    if (name === 'crm/task') return CREATE;
    if (name === 'authentication') return AUTHENTICATE;
    return undefined;
  }
  return matchLifecycleRoute(method, name);
}

/** XML only from a .xml/.tml suffix, and only when the request is not JSON; Accept is never read. */
function responseFormat(req: CoreRequest): ResponseFormat {
  const suffix = SUFFIX.exec(req.path)?.[1]?.toLowerCase();
  const isXml = (suffix === 'xml' || suffix === 'tml') && mediaType(header(req.headers, 'content-type')) !== 'application/json';
  return isXml ? 'xml' : 'json';
}

/**
 * Body fields: JSON, text/xml (child elements of any root), anything else as
 * Request.Form, which only an urlencoded body fills (and which cannot nest). A body nested past its limit is refused
 * before anything parses it (docs/fidelity.md, ONLYOFFICE: Errors).
 */
function readFields(req: CoreRequest): Collected {
  if (req.body.length === 0) return new Map();
  const text = decodeUtf8(req.body);
  const type = mediaType(header(req.headers, 'content-type'));
  if (type === 'application/json') {
    const deep = jsonNesting(text, JSON_MAX_DEPTH);
    if (deep) throw new OnlyofficeError('jsonTooDeep', `Path '${deep.path}', line ${deep.line}, position ${deep.position}.`);
    // DeserializeXNode, then FillCollectionFromXElement (collect.ts; docs/fidelity.md, ONLYOFFICE: Binding).
    return readJsonBody(text);
  }
  if (type === 'text/xml') {
    try {
      return xmlToValues(parseXml(text, XML_MAX_DEPTH).root);
    } catch (error) {
      if (error instanceof NestingError) throw new OnlyofficeError('xmlTooDeep', `Line ${error.line}, position ${error.position}.`);
      throw error;
    }
  }
  // Request.Form: only an urlencoded body has fields (request-values.ts).
  return isUrlEncodedForm(header(req.headers, 'content-type')) ? collectForm(text) : new Map();
}


/** A new call on a route: a lifecycle route keeps its values. */
function callOf(found: PostRoute | LifecycleRoute | undefined): Call | undefined {
  if (!found) return undefined;
  if (found === CREATE || found === AUTHENTICATE) return { operation: found.operation, issued: {} };
  return { operation: found.operation, route: found as LifecycleRoute, issued: {} };
}

interface Call {
  operation: Operation;
  /** The lifecycle route (its values), for every operation but the two POSTs. */
  route?: LifecycleRoute;
  bound?: Bound;
  issued: IssuedIds;
}

export function createOnlyofficeApi(ctx: StubContext): Api {
  const { registry } = ctx;
  const portal = createPortal(ctx.fixtures.onlyoffice);
  const lifecycle = createLifecycle(ctx, portal);
  const schemas = {
    createTask: registry.get('onlyoffice/create-task-request'),
    authenticate: registry.get('onlyoffice/authentication-request'),
  };
  const validators = {
    createTask: registry.validator('onlyoffice/create-task-request'),
    authenticate: registry.validator('onlyoffice/authentication-request'),
  };
  const authResponse = registry.get('onlyoffice/authentication-response');
  const tokenSchema = (authResponse.properties?.response?.properties?.token ?? {}) as JsonSchema;
  const shapes = { createTask: shapeOf(registry, 'onlyoffice/envelope'), authenticate: shapeOf(registry, 'onlyoffice/authentication-response') };
  const writers = { createTask: jsonWriter(shapes.createTask), authenticate: jsonWriter(shapes.authenticate) };
  const fieldWriters = new Map<string, { shape: Shape; write: (value: Record<string, unknown>) => string }>();

  /** The shape and writer for an answer trimmed by `?fields=`, made once per set of names. */
  function projection(operation: PostOperation, fields: readonly string[]): { shape: Shape; write: (value: Record<string, unknown>) => string } {
    const key = `${operation}:${fieldsKey(fields)}`;
    let entry = fieldWriters.get(key);
    if (!entry) {
      if (fieldWriters.size >= MAX_FIELD_WRITERS) fieldWriters.clear();
      const shape = projectResponse(shapes[operation], fields);
      fieldWriters.set(key, (entry = { shape, write: jsonWriter(shape) }));
    }
    return entry;
  }
  const { tokens } = ctx.store;

  function callerOf(req: CoreRequest): PortalUser | 'unauthorized' | { failedBasic: true } {
    const credential = readCredential(req.headers);
    if (credential.kind === 'basic') return portal.userByLogin(credential.login) ?? portal.owner;
    if (credential.kind === 'token') {
      const login = tokens.loginOf(credential.token);
      return (login && portal.userByLogin(login)) || portal.owner;
    }
    if (ctx.auth === 'off') return portal.owner;
    return credential.failedBasic ? { failedBasic: true } : 'unauthorized';
  }

  /**
   * 201 with {count:1,status:0,statusCode:201,response}, keys in the schema's order, defaults left out;
   * `?fields=` trims the response object (the XML is made from the trimmed JSON, as JsonNetSerializer.RespondTo does).
   */
  function created(operation: PostOperation, response: Record<string, unknown>, format: ResponseFormat, req: CoreRequest): CoreResponse {
    if (req.planOnly) return PLAN_ONLY;
    const body = { count: 1, status: 0, statusCode: 201, response };
    const fields = requestedFields(queryValues(req));
    const { shape, write } = fields ? projection(operation, fields) : { shape: shapes[operation], write: writers[operation] };
    return format === 'xml'
      ? { status: 201, headers: { 'content-type': XML_UTF8 }, body: renderXmlResult(renderByShape(shape, body)) }
      : { status: 201, headers: { 'content-type': JSON_UTF8 }, body: write(body) };
  }

  /** The request checked against its schema by ajv, after conversion (for the journal's `valid` and `errors`). */
  function validation(call: Call | undefined, req: CoreRequest): Pick<CallRecord, 'valid' | 'errors'> {
    if (!call) return { valid: false, errors: [{ path: '', message: 'no such route' }] };
    let bound = call.bound;
    if (call.route) {
      const schema = lifecycle.schema(call.route.operation);
      if (!schema) return { valid: true, errors: [] };
      try {
        bound ??= bindLifecycle(schema, call.route, queryValues(req), readFields(req), bindingCookie(req));
      } catch (error) {
        if (error instanceof BodyError || error instanceof OnlyofficeError) return { valid: false, errors: [{ path: '', message: error.message }] };
        throw error;
      }
      return verdict(registry.validator(schema.$id!), bound);
    }
    if (!bound) {
      // Not bound while answering (a 401, an unreadable or too large body): bind now, for the record only.
      try {
        bound = bindParameters(schemas[call.operation as PostOperation], readFields(req), queryValues(req), header(req.headers, 'cookie'));
      } catch (error) {
        if (error instanceof BodyError || error instanceof OnlyofficeError) return { valid: false, errors: [{ path: '', message: error.message }] };
        throw error;
      }
    }
    return verdict(validators[call.operation as PostOperation], bound);
  }

  function verdict(validate: ValidateFunction, bound: Bound): Pick<CallRecord, 'valid' | 'errors'> {
    const present = Object.fromEntries(Object.entries(bound.values).filter(([, v]) => v !== undefined));
    const failed = bound.failures.map(({ field, error }) => ({ path: `/${field}`, message: error.message }));
    // A value that did not convert is reported once, not again as missing.
    const schemaErrors = validate(present) ? [] : fromAjvErrors(validate.errors).filter((e) => !failed.some((f) => f.path === e.path));
    const errors = [...failed, ...schemaErrors];
    return { valid: errors.length === 0, errors };
  }

  /** The verdict on a stored request: it is bound again, so a record keeps nothing of the call but the request. */
  function check(operation: string, req: CoreRequest): Verdict {
    if (!isOperation(operation)) return validation(undefined, req);
    return validation(callOf(route(req.method, req.path)) ?? { operation, issued: {} }, req);
  }

  function run(call: Call, req: CoreRequest, format: ResponseFormat): CoreResponse {
    const session = ctx.sessions.get(sessionName(req.headers[SESSION_HEADER]));
    const now = ctx.clock.now();
    if (call.operation === 'authenticate') {
      const bound = (call.bound = bindParameters(schemas.authenticate, readFields(req), queryValues(req), header(req.headers, 'cookie')));
      const { response, issued } = authenticate(portal, tokenSchema, { bound, session, now });
      tokens.remember(issued.token, issued.login);
      call.issued.token = issued.token;
      return created('authenticate', response, format, req);
    }
    const caller = callerOf(req);
    if (caller === 'unauthorized') return unauthorizedResponse(undefined);
    if ('failedBasic' in caller) return unauthorizedResponse(portal.host);
    if (call.route) {
      const bound = (call.bound = bindLifecycle(lifecycle.schema(call.route.operation), call.route, queryValues(req), readFields(req), bindingCookie(req)));
      return lifecycle.run({ route: call.route, bound, session, caller, now, issued: call.issued }, req, format);
    }
    const bound = (call.bound = perRequest(req, schemas.createTask, () => bindParameters(schemas.createTask, readFields(req), queryValues(req), header(req.headers, 'cookie'))));
    const tasks = lifecycle.tasksOf(session);
    const task = createTask(portal, {
      bound,
      caller,
      now,
      nextTaskId: () => lifecycle.drawTaskId(session, tasks, call.issued),
      save: (task) => {
        tasks.put(task);
        return tasks.countIn(task.categoryId);
      },
    });
    return created('createTask', task, format, req);
  }

  function respond(req: CoreRequest, call: Call | undefined, format: ResponseFormat, options: HandleOptions): CoreResponse {
    if (options.dropped) return DROPPED;
    if (options.forcedStatus) return forcedErrorResponse(options.forcedStatus, format);
    try {
      if (options.invalidSession !== undefined) throw new OnlyofficeError('invalidSession', options.invalidSession);
      if (!call) throw new OnlyofficeError('methodNotFound');
      if (options.bodyTooLarge) throw new OnlyofficeError('bodyTooLarge');
      return run(call, req, format);
    } catch (error) {
      if (error instanceof OnlyofficeError) return errorResponse(error, format);
      if (error instanceof TaskLimitError) return errorResponse(new OnlyofficeError('taskLimit', error.message), format);
      if (error instanceof BodyError) return errorResponse(new OnlyofficeError('malformedBody', error.message), format);
      throw error;
    }
  }

  return {
    name: 'onlyoffice',
    // Each task as GET api/2.0/crm/task/{id} reads it back (its TaskWrapper).
    storedTasks: (session) => lifecycle.storedTasks(session),
    owns: (path) => ONLYOFFICE_PATHS.test(path),
    check,
    handle(req, options = {}) {
      const found = route(req.method, req.path);
      const call = callOf(found);
      const response = respond(req, call, responseFormat(req), options);
      // The schema check is for the journal only: made when someone reads it, not on the request path.
      return new CheckedLater(response, 'onlyoffice', found?.operation ?? 'unknown', call?.issued ?? {}, req, check);
    },
  };
}
