// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * POST /__admin/faults: the next `times` calls that match `match` get `fault`. The matcher cannot name a status: the call has none yet.
 */
export interface QueuedFault {
  match?: Matcher;
  fault: Fault;
  /**
   * How many calls get the fault (default 1)
   */
  times?: number;
}
/**
 * Which calls (default: any)
 */
export interface Matcher {
  /**
   * The X-Stub-Session name (default: "default")
   */
  session?: string;
  /**
   * Which API was called
   */
  api?: "onlyoffice" | "wello";
  /**
   * HTTP method, any letter case
   */
  method?: string;
  /**
   * The request path, any letter case; * matches any characters
   */
  path?: string;
  /**
   * The status the stub answered
   */
  status?: number;
  /**
   * A subset of the parsed request body (JSON, XML or form)
   */
  body?: {
    [k: string]: unknown;
  };
}
/**
 * What goes wrong with a call: a delay before the answer, and at most one of a forced status (with the API's own error body), an empty body, or a connection reset.
 */
export interface Fault {
  /**
   * Wait this long before answering
   */
  delayMs?: number;
  /**
   * Answer this status with the API's own error body; the call is not processed
   */
  status?: number;
  /**
   * Process the call, then answer its status with an empty body
   */
  empty?: true;
  /**
   * Drop the connection without an answer; the call is not processed
   */
  reset?: true;
}
