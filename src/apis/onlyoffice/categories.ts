// GET api/2.0/crm/task/category and /category/{categoryid}: CRMApi.ListItem.cs GetTaskCategories and
// GetTaskCategoryByID, each category a TaskCategoryWrapper with relativeItemsCount counted now
// (docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes).
import { type ListContext, type ListNumbers, listNumbers, smartPage, smartSort } from './api-context.js';
import type { Bound } from './binder.js';
import { OnlyofficeError } from './errors.js';
import type { Category, Portal } from './portal.js';
import { categoryWrapper } from './task-wrapper.js';

/** TaskCategoryWrapper's members (ListItemWrapper.cs), the derived class's own first. */
const CATEGORY_KEYS = ['relativeItemsCount', 'imagePath', 'title', 'description', 'color', 'sortOrder', 'id'];

export interface CategoryListResult extends ListNumbers {
  items: Record<string, unknown>[];
}

/**
 * ListItemDao.GetItems(TaskCategory): ORDER BY sort_order (ties in fixture order [assumption]). The method pages
 * nothing and sets no total, so the generic SmartList does: sortBy by a member, startIndex, count; it counts a
 * total only when the list is longer than count (ApiSmartListResponceFilter.TransformList).
 */
export function listCategories(categories: readonly Category[], ctx: ListContext, held: (categoryId: number) => number): CategoryListResult {
  const ordered = [...categories].sort((a, b) => a.sortOrder - b.sortOrder);
  // For the SmartList's sort a NULL description or color is "" (ListItemDao.ToListItem: Convert.ToString).
  const wrapped: Record<string, unknown>[] = ordered.map((c) => ({ description: '', color: '', ...categoryWrapper(c, held(c.id)) }));
  const total = ctx.specifiedCount < wrapped.length ? wrapped.length : undefined;
  const sorted = smartSort(wrapped, ctx.sortBy, ctx.descending, CATEGORY_KEYS);
  const returned = smartPage(sorted, ctx.startIndex, ctx.specifiedCount);
  const byId = new Map(ordered.map((c) => [c.id, c]));
  const items = returned.map((row) => categoryWrapper(byId.get(row.id as number)!, held(row.id as number)));
  return { items, ...listNumbers(ctx, returned.length, wrapped.length, ctx.startIndex, total) };
}

export function getCategory(portal: Portal, bound: Bound, held: (categoryId: number) => number): Record<string, unknown> {
  const failure = bound.failures[0];
  if (failure) throw failure.error;
  const id = (bound.values.categoryid as number | undefined) ?? 0;
  if (id <= 0) throw new OnlyofficeError('invalidArgument');
  const category = portal.category(id);
  if (!category) throw new OnlyofficeError('notFound');
  return categoryWrapper(category, held(id));
}
