// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * PUT api/2.0/crm/task/{taskid} (CRMApi.UpdateTask), parameters in the method's order. A full replace: a field left out becomes its default. An id no task has creates a new task with a new id (TaskDao.SaveOrUpdateTask's insert branch).
 */
export interface OnlyofficeUpdateTaskRequest {
  /**
   * Task ID (the route's)
   */
  taskid: number;
  /**
   * Task title
   */
  title: string;
  /**
   * Task description
   */
  description?: string;
  /**
   * Task due date (ApiDateTime)
   */
  deadline: string;
  /**
   * Task responsible ID
   */
  responsibleid?: string;
  /**
   * Task category ID
   */
  categoryid: number;
  /**
   * Contact ID
   */
  contactid?: number;
  /**
   * Related entity type: opportunity or case (any letter case)
   */
  entityType?: string;
  /**
   * Related entity ID
   */
  entityid?: number;
  /**
   * Notify the responsible (no effect in the stub)
   */
  isNotify?: boolean;
  /**
   * Time period in minutes for reminder to the responsible about the task (optional)
   */
  alertValue?: number;
}
