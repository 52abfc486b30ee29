// Pact matching rules for what the server makes up: ids, counters, GUIDs,
// dates, tokens, the caller's own records. With them an exported interaction
// verifies against any fresh stub and against the real server, whose values
// differ from the recorded ones; everything else stays literal (the contract).
// Which fields these are comes from the create handlers (src/apis/wello/create-task.ts
// createWelloTask, src/apis/onlyoffice/ CreateTask and authentication) and the response
// schemas (schemas/onlyoffice/task-wrapper.schema.json, schemas/wello/task.schema.json).
// The regexes are Rust's regex syntax (the verifier is pact_ffi).

/** One Pact V4 matcher. */
export type PactMatcher = { match: 'regex'; regex: string } | { match: 'integer' } | { match: 'type' };

export interface MatcherList {
  combine: 'AND';
  matchers: PactMatcher[];
}

/** A GUID in any letter case (.NET writes them lower case; an echoed one keeps the caller's case). */
export const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** ONLYOFFICE ApiDateTime as written: 7 fraction digits, then Z or an offset (schemas/onlyoffice/task-wrapper.schema.json apiDateTimeOut). */
export const API_DATETIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}(Z|[+-]\\d{2}:\\d{2})$';
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

/** A rule for the value at `path` (keys from the body's top object down). */
export interface FieldRule {
  path: string[];
  matcher: PactMatcher;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function at(body: unknown, path: readonly string[]): unknown {
  let node = body;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** The fields of ONLYOFFICE's user records (createBy, responsible): the portal's own people, not the caller's input. */
const USER_TEXT = ['displayName', 'title', 'avatarSmall', 'profileUrl'];

function onlyofficeRules(operation: string): FieldRule[] {
  if (operation === 'authenticate') return [{ path: ['response', 'token'], matcher: regex(TOKEN) }, { path: ['response', 'expires'], matcher: regex(API_DATETIME) }];
  return [
    { path: ['response', 'id'], matcher: integer },
    { path: ['response', 'created'], matcher: regex(API_DATETIME) },
    ...['createBy', 'responsible'].flatMap((user) => [
      { path: ['response', user, 'id'], matcher: guid },
      ...USER_TEXT.map((name) => ({ path: ['response', user, name], matcher: type })),
    ]),
    // Counts the session's tasks in the category: the real portal has its own.
    { path: ['response', 'category', 'relativeItemsCount'], matcher: integer },
  ];
}

/**
 * Wello fields the server fills (createWelloTask): each unless the request gave it, in which case the answer
 * echoes it and it stays literal. contact_id, company_id: from the credential; task_status_id: always the
 * default status; archived: that status's.
 */
function welloRules(request: Json | undefined): FieldRule[] {
  const given = (name: string) => request !== undefined && request[name] !== undefined && request[name] !== null && request[name] !== '';
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
  if (answer.status !== 201) return [];
  const rules = answer.api === 'onlyoffice' ? onlyofficeRules(answer.operation) : welloRules(rootOf(answer.requestBody, xml).top as Json | undefined);
  const { top } = rootOf(answer.body, xml);
  // Only fields the answer has (?fields= trims ONLYOFFICE's), and with a value (null stays literal).
  return rules.filter(({ path }) => {
    const value = at(top, path);
    return value !== undefined && value !== null && (!xml || typeof value === 'string');
  });
}

/** A body path in Pact's syntax: `$.response.id` for JSON, `$.task.id2.#text` for XML (the text of the element, as pact_ffi writes it). */
export function pactPath(path: readonly string[], xmlRoot?: string): string {
  const keys = xmlRoot === undefined ? path : [xmlRoot, ...path, '#text'];
  return `$${keys.map((key) => (/^[A-Za-z_#][\w#]*$/.test(key) ? `.${key}` : `['${key}']`)).join('')}`;
}

/** The rule in XML: an element's text is a string, so an integer is a pattern there. */
export function xmlMatcher(matcher: PactMatcher): PactMatcher {
  return matcher.match === 'integer' ? regex('^-?\\d+$') : matcher;
}

export const list = (matcher: PactMatcher): MatcherList => ({ combine: 'AND', matchers: [matcher] });
