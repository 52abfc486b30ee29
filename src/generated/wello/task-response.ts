// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * The body of 201 Created: the whole task as stored, every field present (null where empty). docs/fidelity.md, Wello: Success.
 */
export interface WelloCreatedTask {
  /**
   * Primary Key
   */
  id: string | null;
  /**
   * Foreign key of task type for this task.If not filled,one default will be used
   */
  task_type_id: string | null;
  /**
   * Foreign key of task status for this task.When adding a task, the default task_status will be used
   */
  task_status_id: string | null;
  /**
   * Foreign key of task priority for this task.If not filled,one default will be used
   */
  task_priority_id: string | null;
  /**
   * The company linked to this task. Autofilled based on credentials
   */
  company_id: string | null;
  /**
   * The contact that created this task. Filled automatically when adding a task
   */
  contact_id: string | null;
  /**
   * Foreign key to the table that is linked to this task (Example:project or jobs) using Guid
   */
  to_db_table_id: string | null;
  /**
   * Foreign key to the table that is linked to this task (Example:project or jobs) using table name
   */
  to_db_table_name: string | null;
  /**
   * Foreign key of the object that is linked to this task using Odyssee Guid Primary Key (Exemple:project.id or jobs.id)
   */
  to_id_in_table: string | null;
  /**
   * Subject of the Task
   */
  subject: string;
  /**
   * Remark of the Task (long text area field)
   */
  remark: string | null;
  /**
   * Reference of this task for the customer
   */
  customer_reference: string | null;
  /**
   * Creation date+time. Automaticaly filled when adding if no value specified
   */
  date_create: string | null;
  /**
   * Starting date of the task (date_start in the future are not shown on the UI)
   */
  date_start: string | null;
  /**
   * Deadline to close the task
   */
  due_date: string | null;
  /**
   * Date+Time when the task goes into archive (=completed)
   */
  date_closed: string | null;
  /**
   * Indicate that the task is now closed (has been updated to a task status 'Completed').Automatically filled when adding/updating a task based on the task_type
   */
  archived: boolean | null;
  /**
   * Date+Time when the task has been assigned to a specific user
   */
  date_assigned: string | null;
  /**
   * Date+Time suggested by the company to start working on this task
   */
  date_suggested_by_company: string | null;
  /**
   * Internal ID (numeric). Will be used on the UI to identify easily the task
   */
  id2: number | null;
  /**
   * The Id/Ref of the back office for this task
   */
  reference_back_office: string | null;
  /**
   * ReadOnly,Specify that the task has been created by ServiceDesk
   */
  created_by_servicedesk_api: boolean | null;
  /**
   * Readonly system field managed by database, filled with GetUtcDate when adding,updating
   */
  modified_dateutc: string | null;
}
