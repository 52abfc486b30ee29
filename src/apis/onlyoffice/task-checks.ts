// The checks CreateTask and UpdateTask both make, in the same order (CRMApi.Tasks.cs: each method repeats them
// before TaskDao.SaveOrUpdateTask), in one place (docs/fidelity.md, ONLYOFFICE: Errors: create-task checks).
import type { Ticks } from '../../core/ticks.js';
import { parseApiDateTime } from './api-datetime.js';
import { OnlyofficeError } from './errors.js';
import type { Category, EntityType, Portal } from './portal.js';

/** `opportunity` or `case` in any letter case; anything else is no entity type. */
export function entityTypeOf(value: unknown): EntityType | undefined {
  const text = typeof value === 'string' ? value.toLowerCase() : '';
  return text === 'opportunity' || text === 'case' ? text : undefined;
}

export interface TaskValues {
  title: string | undefined;
  deadline: string | undefined;
  categoryId: number;
  entityTypeText: string | undefined;
}

export interface CheckedTask {
  title: string;
  deadlineTicks: Ticks;
  category: Category;
  entityType: EntityType | undefined;
}

/**
 * 1. An entityType other than opportunity/case (any case), or categoryId <= 0: ArgumentException (400).
 * 2. An unknown category: ItemNotFoundException (404).
 * 3. Title null or empty, or no deadline [inferred: SaveOrUpdateTask's ArgumentException].
 * The deadline converted during binding; it is read here in the portal's time zone.
 */
export function checkTaskValues(portal: Portal, { title, deadline, categoryId, entityTypeText }: TaskValues): CheckedTask {
  if ((entityTypeText && !entityTypeOf(entityTypeText)) || categoryId <= 0) throw new OnlyofficeError('invalidArgument');
  const category = portal.category(categoryId);
  if (!category) throw new OnlyofficeError('categoryNotFound');
  if (!title || !deadline) throw new OnlyofficeError('invalidArgument');
  const deadlineTicks = parseApiDateTime(deadline, portal.utcOffsetMinutes);
  if (deadlineTicks === undefined) throw new OnlyofficeError('invalidDate', deadline);
  return { title, deadlineTicks, category, entityType: entityTypeOf(entityTypeText) };
}
