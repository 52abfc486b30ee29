// What each read route (GET api/Task(<id>), the TaskView routes) is given: the session's tasks, the chosen format and
// the writers, made once per API (docs/fidelity.md, Wello: Read-back routes).
import type { TaskTable } from '../../store/task-table.js';
import type { ResponseFormat } from './negotiate.js';
import type { TaskWriter } from './serialize.js';
import type { StoredWelloTask } from './task-store.js';
import type { TaskViews } from './task-view.js';

export interface ReadRequest {
  tasks: TaskTable<StoredWelloTask>;
  format: ResponseFormat;
  /** `http://<Host>`: what `@odata.context` and `@odata.nextLink` start with, as the create's Location does. */
  base: string;
  query: Readonly<Record<string, string>>;
  /** The GUID in the path's parentheses, lower case. */
  key?: string;
}

export interface ReadTools {
  views: TaskViews;
  writeJson: TaskWriter;
  writeXml: TaskWriter;
}
