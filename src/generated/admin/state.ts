// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * A session's counters (the next ids to issue) and the clock. PUT /__admin/state sets the fields given; GET reads them all.
 */
export interface StubState {
  /**
   * The session the counters belong to (default: "default", or ?session=)
   */
  session?: string;
  /**
   * The next Wello id2
   */
  id2Next?: number;
  /**
   * The next ONLYOFFICE task id
   */
  taskIdNext?: number;
  /**
   * An ISO 8601 time to freeze the clock at, or null for real time
   */
  clock?: string | null;
}
