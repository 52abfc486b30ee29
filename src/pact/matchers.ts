// Pact matching rules for what the server makes up: ids, counters, GUIDs,
// dates, tokens, the caller's own records. With them an exported interaction
// verifies against any fresh stub and against the real server, whose values
// differ from the recorded ones; everything else stays literal (the contract).
// Which fields these are comes from the create handlers (src/apis/wello/create-task.ts
// createWelloTask, src/apis/onlyoffice/ CreateTask and authentication) and the response
// schemas (schemas/onlyoffice/task-wrapper.schema.json, schemas/wello/task.schema.json).
// The regexes are Rust's regex syntax (the verifier is pact_ffi).

/**
 * One Pact V4 matcher. `type` with `min` on an array is pact-js's eachLike: each item is compared by type (the
 * rule applies to everything under the array that has no rule of its own), `[*]` rules refine every item.
 */
export type PactMatcher = { match: 'regex'; regex: string } | { match: 'integer' } | { match: 'type'; min?: number };

export interface MatcherList {
  combine: 'AND';
  matchers: PactMatcher[];
}

/** A GUID in any letter case (.NET writes them lower case; an echoed one keeps the caller's case). */
export const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** ONLYOFFICE ApiDateTime as written: 7 fraction digits, then Z or an offset (schemas/onlyoffice/task-wrapper.schema.json apiDateTimeOut). */
export const API_DATETIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}(Z|[+-]\\d{2}:\\d{2})$';
/**
 * A task's `created` read back (get, list, close, reopen, update, delete): the database keeps whole seconds, so
 * the fraction is `.0000000` (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
 */
export const API_DATETIME_WHOLE_SECOND = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.0000000(Z|[+-]\\d{2}:\\d{2})$';
/**
 * A .NET DateTime as Json.NET writes it (JSON) or DataContractSerializer (XML): the fraction has 1 to 7 digits
 * with trailing zeros dropped, and none at all on a whole second (.0000000), so a fixed pattern fails one time
 * in ten million; the zone is Z, an offset, or absent (DateTimeKind.Unspecified).
 */
export const DOTNET_DATETIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?(Z|[+-]\\d{2}:\\d{2})?$';
/** An ONLYOFFICE token (schemas/onlyoffice/authentication-response.schema.json). */
export const TOKEN = '^[A-Za-z0-9+/=]{20,200}$';
/** Wello's Location: …/api/Task(<guid>) on whatever host the verifier reached (src/apis/wello/index.ts). */
export const welloLocation = (guid?: string): string => `^https?://[^/]+/api/Task\\(${guid ? guid.replace(/[^0-9a-fA-F-]/g, '') : GUID}\\)$`;

export const regex = (pattern: string): PactMatcher => ({ match: 'regex', regex: pattern });
const guid: PactMatcher = regex(`^${GUID}$`);
const integer: PactMatcher = { match: 'integer' };
const type: PactMatcher = { match: 'type' };

/** A rule for the value at `path` (keys from the body's top object down; `*` is every item of an array). */
export interface FieldRule {
  path: string[];
  matcher: PactMatcher;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at `path`; at `*`, the array's first item (a rule there is kept when the first item has the value). */
function at(body: unknown, path: readonly string[]): unknown {
  let node = body;
  for (const key of path) node = key === '*' ? (Array.isArray(node) ? node[0] : undefined) : isObject(node) ? node[key] : undefined;
  return node;
}

const under = (prefix: string[], rules: FieldRule[]): FieldRule[] => rules.map((rule) => ({ ...rule, path: [...prefix, ...rule.path] }));
/** An array of objects compared item by item by type (eachLike), at least one item. */
const eachLike: PactMatcher = { match: 'type', min: 1 };

/** The fields of ONLYOFFICE's user records (createBy, responsible): the portal's own people, not the caller's input. */
const USER_TEXT = ['displayName', 'title', 'avatarSmall', 'profileUrl'];

/** A TaskWrapper's made-up values; `created` as the create writes it (now, 7 digits) or as a read gives it (whole seconds). */
function taskWrapperRules(created: string): FieldRule[] {
  return [
    { path: ['id'], matcher: integer },
    { path: ['created'], matcher: regex(created) },
    ...['createBy', 'responsible'].flatMap((user) => [{ path: [user, 'id'], matcher: guid }, ...USER_TEXT.map((name) => ({ path: [user, name], matcher: type }))]),
    // Counts the session's tasks in the category: the real portal has its own.
    { path: ['category', 'relativeItemsCount'], matcher: integer },
  ];
}

/** A list envelope's numbers: how many items this page has, how many match, where the next page starts. */
const LIST_COUNTS: FieldRule[] = ['count', 'total', 'nextIndex'].map((name) => ({ path: [name], matcher: integer }));

/** The ONLYOFFICE operations that answer one task read back (src/apis/onlyoffice/lifecycle.ts). */
const ONLYOFFICE_TASK_READS = new Set(['getTask', 'closeTask', 'reopenTask', 'updateTask', 'deleteTask']);

function onlyofficeRules(operation: string): FieldRule[] {
  if (operation === 'authenticate') return [{ path: ['response', 'token'], matcher: regex(TOKEN) }, { path: ['response', 'expires'], matcher: regex(API_DATETIME) }];
  if (operation === 'createTask') return under(['response'], taskWrapperRules(API_DATETIME));
  if (ONLYOFFICE_TASK_READS.has(operation)) return under(['response'], taskWrapperRules(API_DATETIME_WHOLE_SECOND));
  if (operation === 'listTasks') return [...LIST_COUNTS, { path: ['response'], matcher: eachLike }, ...under(['response', '*'], taskWrapperRules(API_DATETIME_WHOLE_SECOND))];
  // The portal's categories: the real one has its own (names, images, order); the counts are the session's.
  if (operation === 'listCategories') return [...LIST_COUNTS, { path: ['response'], matcher: eachLike }, { path: ['response', '*', 'id'], matcher: integer }, { path: ['response', '*', 'relativeItemsCount'], matcher: integer }];
  if (operation === 'getCategory') return [{ path: ['response', 'relativeItemsCount'], matcher: integer }];
  return [];
}

/**
 * Wello fields the server fills (createWelloTask): each unless the request gave it, in which case the answer
 * echoes it and it stays literal. contact_id, company_id: from the credential; task_status_id: always the
 * default status; archived: that status's.
 */
function welloRules(request: Json | undefined): FieldRule[] {
  const given = (name: string) => request !== undefined && request[name] !== undefined && request[name] !== null && request[name] !== '';
  // Read back, every server-filled value is matched (what the create was given is not in this call).
  const unlessGiven = (name: string, matcher: PactMatcher): FieldRule[] => (given(name) ? [] : [{ path: [name], matcher }]);
  return [
    ...unlessGiven('id', guid),
    { path: ['id2'], matcher: integer },
    ...unlessGiven('task_type_id', guid),
    ...unlessGiven('task_priority_id', guid),
    { path: ['task_status_id'], matcher: guid },
    { path: ['contact_id'], matcher: guid },
    { path: ['company_id'], matcher: guid },
    { path: ['archived'], matcher: type },
    ...unlessGiven('date_create', regex(DOTNET_DATETIME)),
    { path: ['modified_dateutc'], matcher: regex(DOTNET_DATETIME) },
  ];
}

/**
 * TaskView's own members (src/apis/wello/task-view.ts): the names the portal gives its company, contact, type,
 * status and priority (the real one has its own, as it has its own GUIDs), and the dates a dispatcher fills.
 */
const VIEW_NAMES = ['company_name', 'contact_fullname', 'task_type_name', 'task_status_name', 'task_priority_name'];
function taskViewRules(): FieldRule[] {
  return [
    ...welloRules(undefined),
    ...['date_closed', 'date_assigned'].map((name) => ({ path: [name], matcher: regex(DOTNET_DATETIME) })),
    ...VIEW_NAMES.map((name) => ({ path: [name], matcher: type })),
  ];
}
/** OData's @odata.context and @odata.nextLink: absolute URLs on whatever host the verifier reached (src/apis/wello/list-task-view.ts). */
const odataContext = (what: string): FieldRule => ({ path: ['@odata.context'], matcher: regex(`^https?://[^/]+/api/\\$metadata#${what}$`) });

function welloReadRules(operation: string): FieldRule[] {
  if (operation === 'getTask') return welloRules(undefined);
  if (operation === 'getTaskView') return [odataContext('TaskView/\\$entity'), ...taskViewRules()];
  if (operation === 'listTaskView') {
    return [
      // With $select, the context names the members: TaskView(id,subject).
      odataContext('TaskView(\\([^)]*\\))?'),
      { path: ['@odata.count'], matcher: integer },
      { path: ['@odata.nextLink'], matcher: regex('^https?://[^/]+/api/TaskView\\?.*$') },
      { path: ['value'], matcher: eachLike },
      ...under(['value', '*'], taskViewRules()),
    ];
  }
  // A bare JSON number (application/json): the rule at the root, which pact_ffi applies to a number body.
  if (operation === 'countOpen') return [{ path: [], matcher: integer }];
  return [];
}

export interface Answer {
  api: 'onlyoffice' | 'wello';
  operation: string;
  status: number;
  /** The answer's body, parsed (JSON as is; XML from its root element: {task: {...}}), or undefined. */
  body: unknown;
  /** The request's body, parsed the same way, for the fields the answer echoes. */
  requestBody: unknown;
}

/** The top object of a body: JSON as it is; XML under its one root element. */
export function rootOf(body: unknown, xml: boolean): { root?: string; top: unknown } {
  if (!xml || !isObject(body)) return { top: body };
  const [root] = Object.keys(body).filter((key) => !key.startsWith('@') && !key.startsWith('?'));
  return root === undefined ? { top: body } : { root, top: body[root] };
}

/** The field rules that apply to this answer: only successes carry made-up values (errors are the server's words). */
export function fieldRules(answer: Answer, xml: boolean): FieldRule[] {
  if (answer.status < 200 || answer.status > 299) return [];
  const wello = answer.operation === 'createTask' ? welloRules(rootOf(answer.requestBody, xml).top as Json | undefined) : welloReadRules(answer.operation);
  const rules = answer.api === 'onlyoffice' ? onlyofficeRules(answer.operation) : wello;
  const { top } = rootOf(answer.body, xml);
  // Only fields the answer has (?fields= trims ONLYOFFICE's), and with a value (null stays literal); an empty
  // list stays literal (eachLike needs an item). In XML, only element text (a list's items stay literal).
  return rules.filter(({ path, matcher }) => {
    const value = at(top, path);
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return false;
    return !xml || (typeof value === 'string' && !path.includes('*') && !('min' in matcher));
  });
}

/** A body path in Pact's syntax: `$.response.id` for JSON, `$.task.id2.#text` for XML (the text of the element, as pact_ffi writes it). */
export function pactPath(path: readonly string[], xmlRoot?: string): string {
  const keys = xmlRoot === undefined ? path : [xmlRoot, ...path, '#text'];
  return `$${keys.map((key) => (key === '*' ? '[*]' : /^[A-Za-z_#][\w#]*$/.test(key) ? `.${key}` : `['${key}']`)).join('')}`;
}

/** The rule in XML: an element's text is a string, so an integer is a pattern there. */
export function xmlMatcher(matcher: PactMatcher): PactMatcher {
  return matcher.match === 'integer' ? regex('^-?\\d+$') : matcher;
}

export const list = (matcher: PactMatcher): MatcherList => ({ combine: 'AND', matchers: [matcher] });
