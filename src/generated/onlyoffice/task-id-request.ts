// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * The one parameter of GET, DELETE, PUT close and PUT reopen of api/2.0/crm/task/{taskid} (CRMApi.GetTaskByID, DeleteTask, CloseTask, ReOpenTask): the route's taskid, bound before any query or body value of the same name (ApiArgumentBuilder.GetRequestParams).
 */
export interface OnlyofficeTaskIdRequest {
  /**
   * Task ID (the route's [0-9]+ segment; 0 is refused with 400)
   */
  taskid: number;
}
