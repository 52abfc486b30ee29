// The Wello ServiceDesk API: routing, request and response formats, and the
// one place where its errors become HTTP (docs/fidelity.md, Wello).
import { BodyError } from '../../core/body.js';
import { type CoreRequest, type CoreResponse, header, mediaType, perRequest } from '../../core/http.js';
import { type Api, DROPPED, type HandleOptions } from '../../core/api.js';
import type { CallRecord, IssuedIds } from '../../core/record.js';
import type { JsonSchema } from '../../core/schemas.js';
import { sessionName, SESSION_HEADER } from '../../core/sessions.js';
import type { StubContext } from '../../context.js';
import { basicLogin } from './auth.js';
import { createWelloTask } from './create-task.js';
import { createDirectory } from './directory.js';
import { decodeJsonBody, decodeXmlBody, selectCharacterEncoding } from './encoding.js';
import { errorResponse, forcedError, invalidModel, methodNotAllowed, type ModelState, notFound, unsupportedMediaType, WelloError } from './errors.js';
import { emptyTask, taskFields } from './fields.js';
import { contentTypeFor, negotiate, type ResponseFormat } from './negotiate.js';
import { type ReadTask, readJsonTask, readXmlTask } from './read-task.js';
import { taskJsonWriter, taskXmlWriter } from './serialize.js';
import { modelErrors } from './validate-task.js';
import { type StoredWelloTask, welloTaskKind } from './task-store.js';
import { countOpen } from './count-open.js';
import { getTask } from './get-task.js';
import { getTaskView, listTaskView } from './list-task-view.js';
import type { ReadRequest, ReadTools } from './reads.js';
import { matchRoute, type Operation, type RouteMatch } from './routes.js';
import { createTaskViews } from './task-view.js';
import { TaskLimitError } from '../../store/task-table.js';

// ASP.NET routes are case-insensitive (docs/fidelity.md, Wello: Route and format).
/** The paths this API owns, once ONLYOFFICE's are taken out. */
export const WELLO_PATHS = /^\/api(\/|$)/i;
const JSON_TYPES = new Set(['application/json', 'text/json']);
const XML_TYPES = new Set(['application/xml', 'text/xml']);


interface Call {
  /** The route the path names (routes.ts), if any. */
  match: RouteMatch | undefined;
  /** Why a read's query was refused (its 400), for the journal. */
  queryError?: string;
  read?: ReadTask;
  validation: ModelState;
  issued: IssuedIds;
}

/** `Prefer: return=minimal` or `return=no-content` asks for 204 without a body. */
function prefersNoContent(req: CoreRequest): boolean {
  return /\breturn\s*=\s*"?(minimal|no-content)\b/i.test(header(req.headers, 'prefer') ?? '');
}

function requestUri(req: CoreRequest): string {
  const query = new URLSearchParams(req.query).toString();
  return `http://${header(req.headers, 'host') ?? 'localhost'}${req.path}${query ? `?${query}` : ''}`;
}

export function createWelloApi(ctx: StubContext): Api {
  const schema: JsonSchema = ctx.registry.get('wello/task');
  const validate = ctx.registry.validator('wello/task');
  const fields = taskFields(schema);
  const directory = createDirectory(ctx.fixtures.wello);
  const empty = emptyTask(fields);
  const writeXml = taskXmlWriter(fields);
  const writeJson = taskJsonWriter(fields);
  const kind = welloTaskKind(ctx.fixtures.wello, fields);
  const tools: ReadTools = { views: createTaskViews(fields, ctx.fixtures.wello), writeJson, writeXml };

  function readBody(req: CoreRequest): ReadTask {
    const type = mediaType(header(req.headers, 'content-type'));
    if (!type && req.body.length === 0) return readJsonTask('', fields);
    if (!JSON_TYPES.has(type) && !XML_TYPES.has(type)) throw unsupportedMediaType(type || 'application/octet-stream');
    try {
      const encoding = selectCharacterEncoding(header(req.headers, 'content-type'));
      if (JSON_TYPES.has(type)) return readJsonTask(decodeJsonBody(req.body, encoding), fields);
      const { text, invalidUtf8 } = decodeXmlBody(req.body, encoding);
      return readXmlTask(text, fields, { invalidUtf8 });
    } catch (error) {
      if (error instanceof BodyError) return { values: new Map(), modelState: [['task', error.message]], parsed: false };
      throw error;
    }
  }

  function create(req: CoreRequest, call: Call, format: ResponseFormat): CoreResponse {
    const login = basicLogin(req.headers);
    if (!login && ctx.auth === 'required') throw new WelloError('unauthorized');
    const { read, validation } = perRequest(req, schema, () => {
      const read = readBody(req);
      return { read, validation: read.parsed ? modelErrors(validate, schema, read.values) : [] };
    });
    call.read = read;
    call.validation = validation;
    const modelState = [...read.modelState, ...call.validation];
    if (modelState.length > 0) throw invalidModel(modelState);

    const session = ctx.sessions.get(sessionName(req.headers[SESSION_HEADER]));
    const tasks = session.tasks(kind);
    // A full session is refused before it draws an id: failed calls use none.
    if (!tasks.room()) throw new WelloError('taskLimit', new TaskLimitError(tasks.limit).message);
    // A given id a stored task has: refused (409) before any id is drawn, never overwritten (errors.ts, duplicateKey).
    const givenId = read.values.get('id');
    if (typeof givenId === 'string' && tasks.get(givenId)) throw new WelloError('duplicateKey', `'${givenId}'.`);
    const task = createWelloTask(directory, {
      empty,
      values: read.values,
      login,
      now: ctx.clock.now(),
      nextId2: () => (call.issued.id2 = session.next('welloId2')),
      newGuid: () => {
        const guid = session.newGuid();
        call.issued.guids = [guid];
        return guid;
      },
    });
    tasks.put(task as StoredWelloTask);
    const location = `http://${header(req.headers, 'host') ?? 'localhost'}/api/Task(${String(task.id)})`;
    if (prefersNoContent(req)) return { status: 204, headers: { location }, body: '' };
    // A pass whose answer is thrown away (CoreRequest.planOnly) leaves the body unrendered.
    const body = req.planOnly ? '' : format.kind === 'xml' ? writeXml(task) : writeJson(task);
    return { status: 201, headers: { 'content-type': contentTypeFor(format), location }, body };
  }

  function respond(req: CoreRequest, call: Call, format: ResponseFormat, options: HandleOptions): CoreResponse {
    if (options.dropped) return DROPPED;
    if (options.forcedStatus) {
      const requestType = mediaType(header(req.headers, 'content-type'));
      return errorResponse(forcedError(options.forcedStatus, { method: req.method, uri: requestUri(req), mediaType: requestType }), format);
    }
    try {
      if (options.invalidSession !== undefined) throw new WelloError('invalidSession', options.invalidSession);
      const { match } = call;
      if (!match) throw notFound(requestUri(req));
      if (req.method !== match.route.method) throw methodNotAllowed(req.method, match.route.method);
      if (options.bodyTooLarge) throw new WelloError('bodyTooLarge');
      if (match.route.operation === 'createTask') return create(req, call, format);
      return read(req, match, format);
    } catch (error) {
      if (error instanceof WelloError) {
        if (error.code === 'invalidQuery') call.queryError = error.message;
        return errorResponse(error, format);
      }
      throw error;
    }
  }

  /** The read routes (get-task.ts, list-task-view.ts, count-open.ts): the caller's credential as for a create, then the session's tasks. */
  function read(req: CoreRequest, match: RouteMatch, format: ResponseFormat): CoreResponse {
    if (!basicLogin(req.headers) && ctx.auth === 'required') throw new WelloError('unauthorized');
    // The call's session (the stub has made it, as for every API call): a new one holds its fixture tasks only.
    const session = ctx.sessions.get(sessionName(req.headers[SESSION_HEADER]));
    const base = `http://${header(req.headers, 'host') ?? 'localhost'}`;
    const request: ReadRequest = { tasks: session.tasks(kind), format, base, query: req.query, key: match.key };
    const handlers: Record<Exclude<Operation, 'createTask'>, () => CoreResponse> = {
      getTask: () => getTask(request, tools),
      listTaskView: () => listTaskView(request, tools),
      getTaskView: () => getTaskView(request, tools),
      countOpen: () => countOpen(request),
    };
    return handlers[match.route.operation as Exclude<Operation, 'createTask'>]();
  }

  /** What the journal keeps: the body checked against the schema, even when the call was refused before reading it. */
  function record(req: CoreRequest, call: Call): CallRecord {
    const route = call.match?.route;
    const operation = route && req.method === route.method ? route.operation : 'unknown';
    if (operation === 'unknown') return { api: 'wello', operation, valid: false, errors: [{ path: '', message: 'no such route' }], issued: call.issued };
    // A read has no body: its query is what can be wrong.
    if (operation !== 'createTask') {
      const errors = call.queryError === undefined ? [] : [{ path: '', message: call.queryError }];
      return { api: 'wello', operation, valid: errors.length === 0, errors, issued: call.issued };
    }
    if (!call.read) {
      try {
        call.read = readBody(req);
        call.validation = call.read.parsed ? modelErrors(validate, schema, call.read.values) : [];
      } catch (error) {
        if (!(error instanceof WelloError)) throw error;
        return { api: 'wello', operation, valid: false, errors: [{ path: '', message: error.message }], issued: call.issued };
      }
    }
    const errors = [...call.read.modelState, ...call.validation].map(([key, message]) => ({ path: key === 'task' ? '' : `/${key.slice('task.'.length)}`, message }));
    return { api: 'wello', operation, valid: errors.length === 0, errors, issued: call.issued };
  }

  return {
    name: 'wello',
    storedTasks: (session) => session.tasks(kind).values().map((task) => writeJson(task)),
    // Every /api/ path but ONLYOFFICE's /api/2.0/, which the stub asks first.
    owns: (path) => WELLO_PATHS.test(path),
    handle(req, options = {}) {
      const call: Call = { match: matchRoute(req.path), validation: [], issued: {} };
      const response = respond(req, call, negotiate(req.headers), options);
      return { response, record: record(req, call) };
    },
  };
}
