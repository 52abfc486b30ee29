// An ONLYOFFICE task as the portal stores it (a crm_task row: TaskDao.SaveOrUpdateTaskInDb, TaskDao.ToTask),
// which the read, list, update, close and delete routes turn into a TaskWrapper again. Plain JSON, so that any
// store can hold it; instants as decimal ticks (src/core/ticks.ts) because a bigint is not JSON.
import type { TaskKind } from '../../core/sessions.js';
import type { EntityType } from './portal.js';

export interface OnlyofficeTaskEntity {
  readonly id: number;
  title: string;
  /** null when none was given: the column is nullable, and a read-back shows it as "" (Convert.ToString). */
  description: string | null;
  /** Ticks, as sent (the create's answer echoes them); the column keeps whole seconds. */
  deadline: string;
  /** The responsible user's id; Guid.Empty when none. */
  responsibleId: string;
  categoryId: number;
  contactId: number;
  entityType: EntityType | null;
  entityId: number;
  alertValue: number;
  isClosed: boolean;
  /** The user who created it (the caller). */
  createdBy: string;
  /** Ticks of the create; the column keeps whole seconds. */
  created: string;
}

/** The session's table of ONLYOFFICE tasks, counted by category (ListItemDao.GetRelativeItemsCount). */
export const ONLYOFFICE_TASKS: TaskKind<OnlyofficeTaskEntity> = { api: 'onlyoffice', index: (task) => task.categoryId };
