// GET api/TaskView (the OData list) and GET api/TaskView(<id>) (docs/fidelity.md, Wello: Read-back routes).
// "TaskView supports only GET" (HelpGuide LinkErp [doc]); the list is OData v4 JSON,
// {"@odata.context":"…/api/$metadata#TaskView","value":[…]} (HelpGuide CreateYourOwnServiceDesk [doc]), read by the
// Wello ServiceDesk React client as `.value` [client]; $filter and $orderby as the vendor's examples use them [doc],
// $top, $skip and the `@odata.nextLink` past the page as HelpGuide Paging describes them (general API host [doc]).
// One TaskView is the view with `"@odata.context":"…#TaskView/$entity"` first, as HelpGuide HandlingErrors shows a
// single entity (general API host [doc]). XML has no next-page link ("with XML, use $top/$skip", HelpGuide Paging
// [doc]): the page is written as DataContractSerializer writes a list of task_view, `<ArrayOftask_view>` [inferred].
import type { CoreResponse } from '../../core/http.js';
import { WelloError } from './errors.js';
import { contentTypeFor } from './negotiate.js';
import { ODataQueryError } from './odata-filter.js';
import { pageOf, readListQuery } from './odata-query.js';
import type { ReadRequest, ReadTools } from './reads.js';
import { VIEW_TYPE } from './task-view.js';
import { XSI } from './serialize.js';

/** `?name=value&…` as a next-page link writes it: OData's `$` kept as it is, the rest percent-encoded. */
function queryString(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`)
    .join('&');
}

export function listTaskView(req: ReadRequest, tools: ReadTools): CoreResponse {
  const { views } = tools;
  try {
    const list = readListQuery(req.query, { properties: views.properties, typeName: VIEW_TYPE });
    const page = pageOf(req.tasks.values().map((task) => views.view(task)), list, req.query);
    const headers = { 'content-type': contentTypeFor(req.format) };
    if (req.format.kind === 'xml') {
      const items = page.items.map((view) => views.xml(view, false)).join('');
      return { status: 200, headers, body: `<ArrayOf${VIEW_TYPE} xmlns:i="${XSI}">${items}</ArrayOf${VIEW_TYPE}>` };
    }
    const members = [`"@odata.context":${JSON.stringify(`${req.base}/api/$metadata#TaskView`)}`];
    if (list.count) members.push(`"@odata.count":${page.matched}`);
    members.push(`"value":[${page.items.map((view) => `{${views.jsonMembers(view)}}`).join(',')}]`);
    if (page.next) members.push(`"@odata.nextLink":${JSON.stringify(`${req.base}/api/TaskView?${queryString(page.next)}`)}`);
    return { status: 200, headers, body: `{${members.join(',')}}` };
  } catch (error) {
    if (error instanceof ODataQueryError) throw new WelloError('invalidQuery', error.message);
    throw error;
  }
}

export function getTaskView(req: ReadRequest, tools: ReadTools): CoreResponse {
  const task = req.key === undefined ? undefined : req.tasks.get(req.key);
  if (!task) throw new WelloError('entityNotFound');
  const view = tools.views.view(task);
  const headers = { 'content-type': contentTypeFor(req.format) };
  if (req.format.kind === 'xml') return { status: 200, headers, body: tools.views.xml(view, true) };
  const context = JSON.stringify(`${req.base}/api/$metadata#TaskView/$entity`);
  return { status: 200, headers, body: `{"@odata.context":${context},${tools.views.jsonMembers(view)}}` };
}
