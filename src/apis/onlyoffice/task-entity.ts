// An ONLYOFFICE task as the portal stores it (a crm_task row: TaskDao.SaveOrUpdateTaskInDb, TaskDao.ToTask),
// which the read, list, update, close and delete routes turn into a TaskWrapper again. Plain JSON, so that any
// store can hold it; instants as decimal ticks (src/core/ticks.ts) because a bigint is not JSON.
import { parseGuid } from '../../core/guid.js';
import type { TaskKind } from '../../core/sessions.js';
import type { Ticks } from '../../core/ticks.js';
import type { OnlyofficeFixtures } from '../../generated/fixtures/onlyoffice.js';
import { parseApiDateTime } from './api-datetime.js';
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

/** A fixture task (fixtures/onlyoffice.json `tasks`), as the portal would hold it. */
export type OnlyofficeFixtureTask = NonNullable<OnlyofficeFixtures['tasks']>[number];

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * The fixture tasks as rows, checked against the rest of the fixtures: a repeated id, an unknown category or a
 * deadline that does not parse stops the start (or a --watch reload) with the task's place named.
 * `created` defaults to `now` (the stub's clock when a session starts), `createdBy` to the portal owner.
 */
export function fixtureTaskRows(fixtures: OnlyofficeFixtures, now: () => Ticks): () => OnlyofficeTaskEntity[] {
  const tasks = fixtures.tasks ?? [];
  const categories = new Set(fixtures.categories.map((c) => c.id));
  const seen = new Set<number>();
  const offset = fixtures.portal.utcOffsetMinutes;
  const parsed = tasks.map((t, i) => {
    const where = `fixture onlyoffice.json: field /tasks/${i}`;
    if (seen.has(t.id)) throw new Error(`${where}/id: ${t.id} is the id of an earlier task`);
    seen.add(t.id);
    if (!categories.has(t.categoryId)) throw new Error(`${where}/categoryId: no category has the id ${t.categoryId}`);
    const deadline = parseApiDateTime(t.deadline, offset);
    if (deadline === undefined) throw new Error(`${where}/deadline: invalid date time format: ${t.deadline}`);
    const created = t.created === undefined ? undefined : parseApiDateTime(t.created, offset);
    if (t.created !== undefined && created === undefined) throw new Error(`${where}/created: invalid date time format: ${t.created}`);
    return { t, deadline, created };
  });
  const owner = fixtures.portal.ownerId;
  // New objects every time: a session changes its own rows, never another's.
  return () => {
    const at = String(now());
    return parsed.map(({ t, deadline, created }) => ({
      id: t.id,
      title: t.title,
      description: t.description ?? null,
      deadline: String(deadline),
      responsibleId: t.responsibleId === undefined ? EMPTY_GUID : (parseGuid(t.responsibleId) ?? EMPTY_GUID),
      categoryId: t.categoryId,
      contactId: t.contactId ?? 0,
      entityType: t.entityType ?? null,
      entityId: t.entityId ?? 0,
      alertValue: t.alertValue ?? 0,
      isClosed: t.isClosed ?? false,
      createdBy: parseGuid(t.createdBy ?? owner) ?? owner,
      created: created === undefined ? at : String(created),
    }));
  };
}

/**
 * The session's table of ONLYOFFICE tasks with the fixture tasks as its first rows, and the highest fixture id:
 * the portal's AUTO_INCREMENT is never at or below MAX(id), so a session's next new id is past it.
 */
export function onlyofficeTaskKind(fixtures: OnlyofficeFixtures, now: () => Ticks): { kind: TaskKind<OnlyofficeTaskEntity>; highestFixtureId: number } {
  const rows = fixtureTaskRows(fixtures, now);
  const highestFixtureId = Math.max(0, ...(fixtures.tasks ?? []).map((t) => t.id));
  if (highestFixtureId === 0) return { kind: ONLYOFFICE_TASKS, highestFixtureId };
  return { kind: { ...ONLYOFFICE_TASKS, initial: rows, counterFloor: { counter: 'onlyofficeTaskId', after: highestFixtureId } }, highestFixtureId };
}
