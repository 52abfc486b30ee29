// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * The method parameters of GET api/2.0/crm/task/filter (CRMApi.GetAllTasks), in its order; every one optional. The paging and sorting parameters (count, startIndex, sortBy, sortOrder, filterValue) are ApiContext's, read from the query string only, and are not listed here.
 */
export interface OnlyofficeListTasksRequest {
  /**
   * Only the tasks of this responsible (the empty GUID: any)
   */
  responsibleid?: string;
  /**
   * Only tasks of this category (0: any)
   */
  categoryid?: number;
  /**
   * Only closed (true) or open (false) tasks; absent: both
   */
  isClosed?: boolean;
  /**
   * Earliest due date (inclusive)
   */
  fromDate?: string;
  /**
   * Latest due date (inclusive)
   */
  toDate?: string;
  /**
   * contact, opportunity or case (any letter case); anything else is a 400
   */
  entityType?: string;
  /**
   * With entityType: the contact, opportunity or case the tasks are linked to
   */
  entityid?: number;
}
