// The Wello tasks a session created, as the create answered them: what GET api/Task(<guid>) and the TaskView
// routes read back.
import type { TaskKind } from '../../core/sessions.js';
import type { Task } from './fields.js';

/** A created task: every member of the contract, its id a GUID. */
export type StoredWelloTask = Task & { readonly id: string };

export const WELLO_TASKS: TaskKind<StoredWelloTask> = { api: 'wello' };
