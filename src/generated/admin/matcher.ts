// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * Selects recorded calls: every field given must match. body matches when it is a subset of the request body.
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
