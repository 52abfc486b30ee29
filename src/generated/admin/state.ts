// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * A session's counters (the next ids to issue) and its clock. PUT /__admin/state sets the fields given; GET reads them all. The session is named by ?session=, the X-Stub-Session header or `session` (two that differ: 400); none names the default session.
 */
export interface StubState {
  /**
   * The session the counters and clock belong to (default: "default")
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
   * An ISO 8601 time to freeze this session's clock at. The default session's clock is the global one (--clock), which every other session follows until it sets its own. null: the default session's runs in real time again; another session's follows the global clock again. GET: the time the session's answers carry, or null when it runs in real time
   */
  clock?: string | null;
}
