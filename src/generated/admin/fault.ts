// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

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
