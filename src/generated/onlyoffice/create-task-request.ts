// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * Creates the task with the parameters (title, description, due date, etc.) specified in the request. POST api/2.0/crm/task. Fields may come as JSON, as text/xml child elements or as form fields (docs/fidelity.md, ONLYOFFICE: Routes and format); the server converts each to the parameter's .NET type.
 */
export interface OnlyofficeCreateTaskRequest {
  /**
   * Task title
   */
  title: string;
  /**
   * Task description (optional)
   */
  description?: string;
  /**
   * Task due date. Date and Time (ApiDateTime). Roundtrip format: 2008-04-10T06-30-00.000Z
   */
  deadline: string;
  /**
   * Task responsible ID
   */
  responsibleId: string;
  /**
   * Task category ID
   */
  categoryId: number;
  /**
   * Contact ID (optional)
   */
  contactId?: number;
  /**
   * Related entity type (optional). Allowed values: opportunity or case (any letter case)
   */
  entityType?: string;
  /**
   * Related entity ID (optional)
   */
  entityId?: number;
  /**
   * Notify the responsible about the task (optional). Bool value
   */
  isNotify?: boolean;
  /**
   * Time period in minutes for reminder to the responsible about the task (optional)
   */
  alertValue?: number;
}
