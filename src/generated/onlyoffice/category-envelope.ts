// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * GET crm/task/category/{categoryid} (CRMApi.GetTaskCategoryByID): one TaskCategoryWrapper with a live relativeItemsCount. docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes.
 */
export interface OnlyofficeTaskCategoryEnvelope {
  /**
   * Number of items in response: 1 for one object
   */
  count: 1;
  /**
   * The request's startIndex, when above 0
   */
  startIndex?: number;
  /**
   * 0 ok, 1 error
   */
  status: 0;
  /**
   * The HTTP status code
   */
  statusCode: 200;
  response: OnlyofficeTaskCategory;
}
/**
 * The category
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
