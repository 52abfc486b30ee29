// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * The one parameter of GET api/2.0/crm/task/category/{categoryid} (CRMApi.GetTaskCategoryByID): the route's categoryid.
 */
export interface OnlyofficeCategoryIdRequest {
  /**
   * Category ID (0 is refused with 400)
   */
  categoryid: number;
}
