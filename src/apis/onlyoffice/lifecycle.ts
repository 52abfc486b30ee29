// The routes around the create: read-back, list, update, close, reopen, delete and the task categories
// (CRMApi.Tasks.cs, CRMApi.ListItem.cs). Their route table, binding and answers; index.ts routes to them and maps
// their errors (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import type { StubContext } from '../../context.js';
import { type CoreRequest, type CoreResponse, header, JSON_UTF8 } from '../../core/http.js';
import type { IssuedIds } from '../../core/record.js';
import { jsonWriter, renderByShape, type Shape, shapeOf } from '../../core/render.js';
import type { JsonSchema } from '../../core/schemas.js';
import type { Session } from '../../core/sessions.js';
import type { Ticks } from '../../core/ticks.js';
import { type TaskTable, TaskLimitError } from '../../store/task-table.js';
import { listContext } from './api-context.js';
import { type Bound, bindParameters } from './binder.js';
import { getCategory, listCategories } from './categories.js';
import { add, addQuery, type Collected } from './collect.js';
import { queryValues } from './query-string.js';
import { setTaskClosed } from './close-task.js';
import { deleteTask } from './delete-task.js';
import type { ResponseFormat } from './errors.js';
import { getTask } from './get-task.js';
import { listTasks } from './list-tasks.js';
import type { Portal, PortalUser } from './portal.js';
import { requestedFields } from './response-fields.js';
import { onlyofficeTaskKind, type OnlyofficeTaskEntity } from './task-entity.js';
import { createTaskLookups } from './task-lookups.js';
import { readBack, toTaskListWrapper, toTaskWrapper } from './task-wrapper.js';
import { updateTask } from './update-task.js';
import { renderXmlResult, XML_UTF8 } from './xml.js';

export type LifecycleOperation = 'getTask' | 'listTasks' | 'updateTask' | 'closeTask' | 'reopenTask' | 'deleteTask' | 'listCategories' | 'getCategory';

export const LIFECYCLE_OPERATIONS: ReadonlySet<string> = new Set<LifecycleOperation>(['getTask', 'listTasks', 'updateTask', 'closeTask', 'reopenTask', 'deleteTask', 'listCategories', 'getCategory']);

export interface LifecycleRoute {
  readonly operation: LifecycleOperation;
  /** The route's values ({taskid} or {categoryid}), bound before the query and the body. */
  readonly values: Readonly<Record<string, string>> | undefined;
}

// ApiRouteConfigurator turns `{taskid:[0-9]+}` into a regex constraint: digits only, so `task/abc` and `task/-1`
// match no route. Literal routes (`filter`, `category`) are registered first and win.
const TASK_PATH = /^crm\/task\/(?:(filter|category)|category\/(\d+)|(\d+)(?:\/(close|reopen))?)$/;
const LIST_TASKS: LifecycleRoute = { operation: 'listTasks', values: undefined };
const LIST_CATEGORIES: LifecycleRoute = { operation: 'listCategories', values: undefined };

/** The route a method and path (without api/2.0/ and the suffix, in lower case) name, or undefined: 404 Method not found. */
export function matchLifecycleRoute(method: string, name: string): LifecycleRoute | undefined {
  const m = TASK_PATH.exec(name);
  if (!m) return undefined;
  const [, literal, categoryId, taskId, action] = m;
  if (method === 'GET') {
    if (literal === 'filter') return LIST_TASKS;
    if (literal === 'category') return LIST_CATEGORIES;
    if (categoryId !== undefined) return { operation: 'getCategory', values: { categoryid: categoryId } };
    if (taskId !== undefined && !action) return { operation: 'getTask', values: { taskid: taskId } };
    return undefined;
  }
  if (taskId === undefined) return undefined;
  if (method === 'PUT') return { operation: action === 'close' ? 'closeTask' : action === 'reopen' ? 'reopenTask' : 'updateTask', values: { taskid: taskId } };
  if (method === 'DELETE' && !action) return { operation: 'deleteTask', values: { taskid: taskId } };
  return undefined;
}

/** The request schema each operation binds its parameters from (the list of categories has none). */
const REQUEST_SCHEMAS: Record<LifecycleOperation, string | undefined> = {
  getTask: 'onlyoffice/task-id-request',
  closeTask: 'onlyoffice/task-id-request',
  reopenTask: 'onlyoffice/task-id-request',
  deleteTask: 'onlyoffice/task-id-request',
  updateTask: 'onlyoffice/update-task-request',
  listTasks: 'onlyoffice/list-tasks-request',
  getCategory: 'onlyoffice/category-id-request',
  listCategories: undefined,
};

/** The response schema of each operation's 200. */
export const LIFECYCLE_RESPONSE_SCHEMAS: Record<LifecycleOperation, string> = {
  getTask: 'onlyoffice/task-envelope',
  closeTask: 'onlyoffice/task-envelope',
  reopenTask: 'onlyoffice/task-envelope',
  deleteTask: 'onlyoffice/task-envelope',
  updateTask: 'onlyoffice/task-envelope',
  listTasks: 'onlyoffice/task-list-envelope',
  getCategory: 'onlyoffice/category-envelope',
  listCategories: 'onlyoffice/category-list-envelope',
};

const NO_PARAMETERS: Bound = { values: {}, failures: [] };

/**
 * ApiArgumentBuilder.GetRequestParams: the route's values first, then the query string, then the body, in one
 * collection whose first value wins; so the route's taskid beats a taskid in the query or the body.
 */
export function bindLifecycle(schema: JsonSchema | undefined, route: LifecycleRoute, query: Collected | Readonly<Record<string, string>>, body: Collected, cookie: string | undefined): Bound {
  if (!schema) return NO_PARAMETERS;
  const collected: Collected = new Map();
  for (const name in route.values) add(collected, name, route.values[name]!);
  addQuery(collected, query);
  for (const [key, values] of body) for (const value of values) add(collected, key, value);
  return bindParameters(schema, collected, {}, cookie);
}

export interface LifecycleCall {
  route: LifecycleRoute;
  bound: Bound;
  session: Session;
  caller: PortalUser;
  now: Ticks;
  issued: IssuedIds;
}

export interface Lifecycle {
  schema(operation: LifecycleOperation): JsonSchema | undefined;
  /** The session's tasks, its id counter moved past the fixture tasks' ids when it is not yet. */
  tasksOf(session: Session): TaskTable<OnlyofficeTaskEntity>;
  /** A new task id: the counter's next that no task holds (AUTO_INCREMENT never gives a held id); none when full. */
  drawTaskId(session: Session, tasks: TaskTable<OnlyofficeTaskEntity>, issued: IssuedIds): number;
  run(call: LifecycleCall, req: CoreRequest, format: ResponseFormat): CoreResponse;
  /** The session's tasks as GET task/{id} reads each back (its TaskWrapper, JSON), oldest first. */
  storedTasks(session: Session): string[];
}

interface Writer {
  shape: Shape;
  write: (value: Record<string, unknown>) => string;
}

/** The members a shape keeps for `?fields=` (SerializerContractResolver: any letter case; the item type's own only). */
function trimmed(shape: Shape, fields: readonly string[] | undefined): Shape {
  if (!fields) return shape;
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  return { keys: shape.keys.filter((k) => wanted.has(k.name.toLowerCase())) };
}

export function createLifecycle(ctx: StubContext, portal: Portal): Lifecycle {
  const { registry } = ctx;
  const fixtures = ctx.fixtures.onlyoffice;
  const { kind, highestFixtureId } = onlyofficeTaskKind(fixtures, () => ctx.clock.now());
  const lookups = createTaskLookups(fixtures);
  const schemas = new Map<LifecycleOperation, JsonSchema>();
  for (const [operation, name] of Object.entries(REQUEST_SCHEMAS)) if (name) schemas.set(operation as LifecycleOperation, registry.get(name));
  const envelope = (name: string): Writer => {
    const shape = shapeOf(registry, name);
    return { shape, write: jsonWriter(shape) };
  };
  const single = envelope('onlyoffice/task-envelope');
  const taskList = envelope('onlyoffice/task-list-envelope');
  const oneCategory = envelope('onlyoffice/category-envelope');
  const categoryList = envelope('onlyoffice/category-list-envelope');
  const taskShape = single.shape.keys.find((k) => k.name === 'response')!.child!;
  const categoryShape = oneCategory.shape.keys.find((k) => k.name === 'response')!.child!;
  const wrapperKeys = taskShape.keys.map((k) => k.name);
  // TaskCategoryBaseWrapper: the category without relativeItemsCount, one frozen object each (its JSON kept).
  const baseCategories = new Map(fixtures.categories.map((c) => [c.id, Object.freeze({ ...c, relativeItemsCount: undefined })]));
  const baseCategory = (id: number) => baseCategories.get(id);

  /** The envelope with its response, 200, in JSON or XML; `?fields=` trims the response object, or each item of a list. */
  function answer(writer: Writer, item: Shape, body: Record<string, unknown>, req: CoreRequest, format: ResponseFormat): CoreResponse {
    const fields = requestedFields(queryValues(req));
    const list = Array.isArray(body.response);
    const itemShape = trimmed(item, fields);
    const response = list ? (body.response as Record<string, unknown>[]).map((r) => renderByShape(itemShape, r)) : body.response;
    // A list's items are rendered here (the envelope's shape does not reach into arrays); an object by the envelope's.
    const shape = fields && !list ? { keys: writer.shape.keys.map((k) => (k.name === 'response' ? { ...k, child: itemShape } : k)) } : writer.shape;
    const full = { ...body, response, status: 0, statusCode: 200 };
    if (format === 'xml') return { status: 200, headers: { 'content-type': XML_UTF8 }, body: renderXmlResult(renderByShape(shape, full)) };
    return { status: 200, headers: { 'content-type': JSON_UTF8 }, body: fields && !list ? JSON.stringify(renderByShape(shape, full)) : writer.write(full) };
  }

  const lifecycle: Lifecycle = {
    schema: (operation) => schemas.get(operation),
    tasksOf(session) {
      const tasks = session.tasks(kind);
      if (highestFixtureId > 0 && session.peek('onlyofficeTaskId') <= highestFixtureId) session.set('onlyofficeTaskId', highestFixtureId + 1);
      return tasks;
    },
    drawTaskId(session, tasks, issued) {
      // A full session is refused before it draws an id: failed calls use none.
      if (!tasks.room()) throw new TaskLimitError(tasks.limit);
      let id: number;
      do id = session.next('onlyofficeTaskId');
      while (tasks.get(id));
      return (issued.taskId = id);
    },
    storedTasks(session) {
      const tasks = lifecycle.tasksOf(session);
      const write = jsonWriter(taskShape);
      return tasks.values().map((task) => write(toTaskWrapper(portal, task, readBack(task), (c) => tasks.countIn(c))));
    },
    run({ route, bound, session, caller, now, issued }, req, format) {
      const tasks = lifecycle.tasksOf(session);
      const held = (categoryId: number) => tasks.countIn(categoryId);
      // startIndex is echoed on every answer (ApiHttpHandler.DoProcess sets it before the method runs).
      const startIndex = listContext(queryValues(req)).startIndex;
      const one = (response: Record<string, unknown>) => answer(single, taskShape, { count: 1, startIndex, response }, req, format);
      switch (route.operation) {
        case 'getTask':
          return one(getTask(portal, { bound, tasks }));
        case 'closeTask':
          return one(setTaskClosed(portal, { bound, tasks }, true));
        case 'reopenTask':
          return one(setTaskClosed(portal, { bound, tasks }, false));
        case 'deleteTask':
          return one(deleteTask(portal, { bound, tasks }));
        case 'updateTask':
          return one(updateTask(portal, { bound, tasks, caller, now, nextTaskId: () => lifecycle.drawTaskId(session, tasks, issued) }));
        case 'listTasks': {
          const listed = listTasks(portal, lookups, {
            bound,
            ctx: listContext(queryValues(req)),
            tasks: tasks.values(),
            wrap: (task) => toTaskListWrapper(portal, task, baseCategory),
            wrapperKeys,
          });
          const { items, ...numbers } = listed;
          return answer(taskList, taskShape, { ...numbers, response: items }, req, format);
        }
        case 'getCategory':
          return answer(oneCategory, categoryShape, { count: 1, startIndex, response: getCategory(portal, bound, held) }, req, format);
        case 'listCategories': {
          const { items, ...numbers } = listCategories(fixtures.categories, listContext(queryValues(req)), held);
          return answer(categoryList, categoryShape, { ...numbers, response: items }, req, format);
        }
      }
    },
  };
  return lifecycle;
}

/** The cookie the binder may fall back to: BuildCallingArguments reads Request[name] for any method but GET. */
export function bindingCookie(req: CoreRequest): string | undefined {
  return req.method === 'GET' ? undefined : header(req.headers, 'cookie');
}

/** The schema of a 200 at this path (every ONLYOFFICE 200 is a lifecycle route's), for the contract check. */
export function lifecycleResponseSchema(path: string): string {
  // A scenario's path may carry its query string.
  const name = path.replace(/[?#].*$/s, '').replace(/^\/api\/2\.0\//i, '').replace(/\.(json|xml|tml)$/, '').toLowerCase();
  if (name === 'crm/task/filter') return LIFECYCLE_RESPONSE_SCHEMAS.listTasks;
  if (name === 'crm/task/category') return LIFECYCLE_RESPONSE_SCHEMAS.listCategories;
  if (/^crm\/task\/category\/\d+$/.test(name)) return LIFECYCLE_RESPONSE_SCHEMAS.getCategory;
  return LIFECYCLE_RESPONSE_SCHEMAS.getTask;
}
