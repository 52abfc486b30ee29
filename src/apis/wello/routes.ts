// Wello's route table (docs/fidelity.md, Wello: Route and format; Read-back routes). ASP.NET routes match in any
// letter case, with or without a trailing slash [inferred]. A key is written as OData v4 writes a Guid key:
// `Task(9b1d0c1e-…)`, unquoted (OData v4 URL conventions, 4.3.1: a Guid literal has no quotes; the Wello
// ServiceDesk React client calls `api/TaskView(${ticketId})` so [client]), or named, `Task(id=9b1d0c1e-…)`. A quoted
// key (`Task('…')`) or one that is not a GUID matches no route: ODataLib cannot read it as the key's type, so
// Web API answers its "No HTTP resource was found" 404 [inferred].

export type Operation = 'createTask' | 'getTask' | 'listTaskView' | 'getTaskView' | 'countOpen';

export interface Route {
  operation: Operation;
  /** The one method the route answers; any other is a 405 with `Allow` naming it. */
  method: 'GET' | 'POST';
}

export interface RouteMatch {
  route: Route;
  /** The key in parentheses, as a lower-case GUID. */
  key?: string;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

// The create first: it is the hot path, and one test tells it apart.
const TABLE: readonly [RegExp, Route][] = [
  [/^\/api\/task\/?$/i, { operation: 'createTask', method: 'POST' }],
  [new RegExp(`^/api/task\\((?:id=)?(${GUID})\\)/?$`, 'i'), { operation: 'getTask', method: 'GET' }],
  [/^\/api\/taskview\/?$/i, { operation: 'listTaskView', method: 'GET' }],
  [new RegExp(`^/api/taskview\\((?:id=)?(${GUID})\\)/?$`, 'i'), { operation: 'getTaskView', method: 'GET' }],
  [/^\/api\/taskview\/countopen\/?$/i, { operation: 'countOpen', method: 'GET' }],
];

/** Parentheses and `=` may come percent-encoded (`%28…%29`); a path that does not decode matches nothing. */
function decoded(path: string): string | undefined {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

export function matchRoute(path: string): RouteMatch | undefined {
  const text = decoded(path);
  if (text === undefined) return undefined;
  for (const [pattern, route] of TABLE) {
    const m = pattern.exec(text);
    if (m) return m[1] === undefined ? { route } : { route, key: m[1].toLowerCase() };
  }
  return undefined;
}

/**
 * The response schema (schemas/wello/) a read route's answer is checked against (src/contract.ts, replay's drift
 * check): undefined when there is nothing to check (the empty 404, XML views, whose elements are not the JSON
 * shape), null when the path is not a read route or the status is an ordinary HttpError (401, 405).
 */
export function readResponseSchema(path: string, status: number, contentType = ''): string | undefined | null {
  const match = matchRoute(path.split('?', 1)[0]!);
  const operation = match?.route.operation;
  if (!match || operation === 'createTask') return null;
  const xml = /xml/i.test(contentType);
  if (status === 404 && match.key !== undefined) return undefined;
  if (status === 400 && operation === 'listTaskView') return xml ? 'wello/error' : 'wello/odata-error';
  if (status !== 200) return null;
  if (operation === 'getTask') return 'wello/task-response';
  if (operation === 'countOpen') return 'wello/count';
  if (xml) return undefined;
  return operation === 'listTaskView' ? 'wello/task-view-list' : 'wello/task-view';
}
