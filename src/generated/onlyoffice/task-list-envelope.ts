// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * GET crm/task/filter (CRMApi.GetAllTasks): count (items returned, left out when 0), startIndex (the request's, left out when 0), nextIndex (startIndex + count + 1 when there are more: ApiHttpHandlerBase.PostProcessResponse's off-by-one), total (always written, 0 included), status, statusCode 200, response. Each task's category is a TaskCategoryBaseWrapper: no relativeItemsCount (ToTaskListWrapper). docs/fidelity.md, ONLYOFFICE: Read-back and lifecycle routes.
 */
export interface OnlyofficeTaskListEnvelope {
  /**
   * Number of tasks in response
   */
  count?: number;
  /**
   * The request's startIndex, when above 0
   */
  startIndex?: number;
  /**
   * startIndex + count + 1, when more tasks follow
   */
  nextIndex?: number;
  /**
   * How many tasks match (startIndex + count on the last page)
   */
  total: number;
  /**
   * 0 ok, 1 error
   */
  status: 0;
  /**
   * The HTTP status code
   */
  statusCode: 200;
  /**
   * The tasks: open before closed, then by sortBy
   */
  response: OnlyofficeTaskWrapper[];
}
/**
 * Task (TaskWrapper, DataContract name "task"). Keys appear in this order; every field but id is left out when null, false or 0 (EmitDefaultValue = false). docs/fidelity.md, ONLYOFFICE: The task in the response.
 */
export interface OnlyofficeTaskWrapper {
  createBy?: OnlyofficeUser;
  /**
   * Creation date (ApiDateTime: 7 fraction digits and Z or the portal offset)
   */
  created?: string;
  contact?: OnlyofficeContactBase;
  /**
   * Task title
   */
  title?: string;
  /**
   * Task description; an empty one is echoed as "" (only null is left out)
   */
  description?: string;
  /**
   * Task due date
   */
  deadLine?: string;
  /**
   * Time period in minutes for reminder to the responsible about the task
   */
  alertValue?: number;
  responsible?: OnlyofficeUser2;
  /**
   * Whether the task is closed (false is left out)
   */
  isClosed?: true;
  category?: OnlyofficeTaskCategory;
  entity?: OnlyofficeEntity;
  /**
   * Whether the caller can edit the task (false is left out)
   */
  canEdit?: true;
  /**
   * Task ID
   */
  id: number;
}
/**
 * The user who created the task
 */
export interface OnlyofficeUser {
  /**
   * User ID
   */
  id: string;
  /**
   * Display name
   */
  displayName: string;
  /**
   * Job title
   */
  title?: string;
  /**
   * URL to the small avatar
   */
  avatarSmall: string;
  /**
   * URL to the user's profile
   */
  profileUrl: string;
}
/**
 * The contact the task is linked to; left out when not found
 */
export interface OnlyofficeContactBase {
  email?: OnlyofficeContactInfo;
  smallFotoUrl?: string;
  mediumFotoUrl?: string;
  displayName: string;
  isCompany: boolean;
  accessList?: OnlyofficeUser1[];
  isPrivate: boolean;
  isShared: boolean;
  /**
   * 0 none, 1 read-write, 2 read
   */
  shareType: 0 | 1 | 2;
  currency: {} | null;
  canEdit: boolean;
  canDelete: boolean;
  id: number;
}
/**
 * The primary email (ContactInfoWrapper)
 */
export interface OnlyofficeContactInfo {
  infoType: number;
  category: number;
  data: string;
  isPrimary: boolean;
  id: number;
}
/**
 * EmployeeWraper (DataContract "person"): id, displayName, title (left out when null), avatarSmall, profileUrl ("" for the empty GUID)
 */
export interface OnlyofficeUser1 {
  /**
   * User ID
   */
  id: string;
  /**
   * Display name
   */
  displayName: string;
  /**
   * Job title
   */
  title?: string;
  /**
   * URL to the small avatar
   */
  avatarSmall: string;
  /**
   * URL to the user's profile
   */
  profileUrl: string;
}
/**
 * EmployeeWraper (DataContract "person"): id, displayName, title (left out when null), avatarSmall, profileUrl ("" for the empty GUID)
 */
export interface OnlyofficeUser2 {
  /**
   * User ID
   */
  id: string;
  /**
   * Display name
   */
  displayName: string;
  /**
   * Job title
   */
  title?: string;
  /**
   * URL to the small avatar
   */
  avatarSmall: string;
  /**
   * URL to the user's profile
   */
  profileUrl: string;
}
/**
 * Task category
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
/**
 * Related opportunity or case; left out when not found
 */
export interface OnlyofficeEntity {
  /**
   * opportunity or case
   */
  entityType: "opportunity" | "case";
  /**
   * Entity ID
   */
  entityId: number;
  /**
   * Entity title
   */
  entityTitle: string;
}
