// PATCH /__admin/wello/tasks/<id>[?session=]: a dispatcher's change to a stored Wello task (close it, assign it,
// change its status), which the real ServiceDesk API has no route for (src/apis/wello/dispatch.ts;
// docs/fidelity.md, Wello: Read-back routes). 200 with the task as GET api/Task(<id>) gives it in JSON; 400
// problem+json for a change that is not a partial task; 404 problem+json for a task the session does not hold. With a
// shared store the task is read from and written to the session's table in Redis (src/store/redis/shared-path.ts).
import type { Router } from 'express';
import { DEFAULT_SESSION } from '../core/sessions.js';
import { DispatchError, welloDispatcher } from '../apis/wello/dispatch.js';
import { adminViewOf, type Stub } from '../stub.js';
import { invalid, Problem } from './problem.js';
import { namedSession } from './session.js';

export function addWelloTaskRoutes(router: Router, stub: Stub): void {
  const admin = adminViewOf(stub);
  router.patch('/wello/tasks/:id', async (req, res) => {
    const unknown = Object.keys(req.query).find((name) => name !== 'session');
    if (unknown !== undefined) throw invalid(`unknown query parameter ${JSON.stringify(unknown)}; known: session`);
    const session = namedSession(req) ?? DEFAULT_SESSION;
    try {
      // With a shared store the change runs against the session's tables in Redis (read, changed, written).
      const changed = admin.changeTasks(session, () => welloDispatcher(stub.context).update(session, String(req.params.id), req.body));
      const task = changed instanceof Promise ? await changed : changed;
      res.type('application/json; charset=utf-8').send(task);
    } catch (error) {
      if (!(error instanceof DispatchError)) throw error;
      if (error.kind === 'notFound') throw new Problem('taskNotFound', error.message);
      throw error.errors.length ? new Problem('invalidRequest', `${error.message} ${error.errors.slice(0, 3).map((e) => `At ${e.pointer}: ${e.message.replace(/\.$/, '')}.`).join(' ')}`, { errors: error.errors }) : invalid(error.message);
    }
  });
}
