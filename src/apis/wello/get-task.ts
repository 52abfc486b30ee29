// GET api/Task(<id>): the task the create's Location names (docs/fidelity.md, Wello: Read-back routes). "Retrieves
// the task with the specified key" (Help/Api/GET-api-Task(id), general Wello API host [doc]); the ServiceDesk host's
// own help does not list it, so the stub serves it there [assumption]. The task is written exactly as the create
// wrote it, in JSON or XML by the same negotiation: a task read back unchanged is the create's answer, byte for byte.
import type { CoreResponse } from '../../core/http.js';
import { WelloError } from './errors.js';
import { contentTypeFor } from './negotiate.js';
import type { ReadRequest, ReadTools } from './reads.js';

export function getTask(req: ReadRequest, tools: ReadTools): CoreResponse {
  const task = req.key === undefined ? undefined : req.tasks.get(req.key);
  if (!task) throw new WelloError('entityNotFound');
  const body = req.format.kind === 'xml' ? tools.writeXml(task) : tools.writeJson(task);
  return { status: 200, headers: { 'content-type': contentTypeFor(req.format) }, body };
}
