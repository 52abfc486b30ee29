// GET api/TaskView/CountOpen: how many of the session's tasks are open, as a bare number (the Wello ServiceDesk React
// client reads the answer as the count itself, `setContactCount(response)` [client]). Open means not archived; a
// task's `archived` comes from its status's `archived` flag in fixtures/wello.json, set when it is created and when a
// dispatcher changes its status (PATCH /__admin/wello/tasks/<id>) [assumption: the vendor does not define "open"].
// XML: an int as DataContractSerializer writes one (its primitive contract's root) [inferred].
import type { CoreResponse } from '../../core/http.js';
import { contentTypeFor } from './negotiate.js';
import type { ReadRequest } from './reads.js';

export const SERIALIZATION_NS = 'http://schemas.microsoft.com/2003/10/Serialization/';

export function countOpen(req: ReadRequest): CoreResponse {
  let open = 0;
  for (const task of req.tasks.values()) if (task.archived !== true) open++;
  const body = req.format.kind === 'xml' ? `<int xmlns="${SERIALIZATION_NS}">${open}</int>` : String(open);
  return { status: 200, headers: { 'content-type': contentTypeFor(req.format) }, body };
}
