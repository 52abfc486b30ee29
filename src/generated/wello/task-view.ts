// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

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
