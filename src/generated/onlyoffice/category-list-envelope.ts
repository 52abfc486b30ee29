// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * GET crm/task/category (CRMApi.GetTaskCategories): every task category by sortOrder, each a TaskCategoryWrapper with a live relativeItemsCount. The method sets no total: the generic SmartList pages the list (startIndex, count, sortBy) and writes total only when the list is longer than count. docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes.
 */
export interface OnlyofficeTaskCategoryListEnvelope {
  /**
   * Number of categories in response
   */
  count?: number;
  /**
   * The request's startIndex, when above 0
   */
  startIndex?: number;
  /**
   * startIndex + count + 1, when more categories follow
   */
  nextIndex?: number;
  /**
   * How many categories there are, when the list is longer than count
   */
  total?: number;
  /**
   * 0 ok, 1 error
   */
  status: 0;
  /**
   * The HTTP status code
   */
  statusCode: 200;
  /**
   * The categories
   */
  response: OnlyofficeTaskCategory[];
}
/**
 * TaskCategoryWrapper: all but id left out when null or 0
 */
export interface OnlyofficeTaskCategory {
  /**
   * How many items use the category
   */
  relativeItemsCount?: number;
  /**
   * Path to the category icon
   */
  imagePath?: string;
  /**
   * Category title
   */
  title?: string;
  /**
   * Category description
   */
  description?: string;
  /**
   * Category color
   */
  color?: string;
  /**
   * Sort order
   */
  sortOrder?: number;
  /**
   * Category ID
   */
  id: number;
}
