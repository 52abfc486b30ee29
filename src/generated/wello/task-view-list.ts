// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * GET api/TaskView: one page of task_view as OData v4 JSON. @odata.count with $count=true; @odata.nextLink when more remain than the page size (100). docs/fidelity.md, Wello: Read-back routes.
 */
export interface WelloTaskViewList {
  /**
   * <base>/api/$metadata#TaskView
   */
  "@odata.context": string;
  /**
   * How many match $filter, before $skip and $top (with $count=true)
   */
  "@odata.count"?: number;
  value: WelloTaskView[];
  /**
   * The next page: the same query with $skip moved on
   */
  "@odata.nextLink"?: string;
}
/**
 * One task_view (GET api/TaskView(<id>), and each item of GET api/TaskView): the task's fields, none null (the ServiceDesk database holds no nulls: empty strings, empty GUIDs, 1980-01-01T00:00:00.000Z), then the names the fixtures give its company, contact, type, status and priority. A single one starts with @odata.context. docs/fidelity.md, Wello: Read-back routes.
 */
export interface WelloTaskView {
  /**
   * <base>/api/$metadata#TaskView/$entity, on a single task_view
   */
  "@odata.context"?: string;
  company_name: string;
  contact_fullname: string;
  task_type_name: string;
  task_status_name: string;
  task_priority_name: string;
}
