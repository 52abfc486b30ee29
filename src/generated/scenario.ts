// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * A QA scenario: steps run in order in a session of their own, each a request and what its answer must be. `taskstub replay` runs it against the stub or a real API.
 */
export interface Scenario {
  $schema?: string;
  /**
   * Unique name; also the session the steps run in
   */
  name: string;
  description?: string;
  /**
   * "stub": the scenario uses what only the stub has (faults, sessions); it is skipped against a real API
   */
  requires?: "stub";
  fault?: Fault;
  /**
   * @minItems 1
   */
  steps: [Step, ...Step[]];
}
/**
 * A fault for every step
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
export interface Step {
  name: string;
  request: Request;
  fault?: Fault1;
  expect: Expect;
  /**
   * Values of the answer to use in later steps as {{name}}, in their path, headers, body and expect: name -> dotted path into the parsed body (e.g. response.token)
   */
  capture?: {
    [k: string]: string;
  };
}
export interface Request {
  method: string;
  /**
   * Path and query, e.g. /api/Task
   */
  path: string;
  headers?: {
    [k: string]: string;
  };
  /**
   * JSON (sent as application/json unless a Content-Type says otherwise), or a string sent as it is (XML, form)
   */
  body?: {
    [k: string]: unknown;
  };
}
/**
 * A fault for this step only
 */
export interface Fault1 {
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
export interface Expect {
  status?: number;
  /**
   * Header values: a string to equal, or {matches: regex}; null: the header must be absent
   */
  headers?: {
    [k: string]:
      | string
      | null
      | {
          matches: string;
        };
  };
  /**
   * A subset of the parsed answer (JSON or XML); strings as {matches: regex} match by pattern
   */
  body?: {
    [k: string]: unknown;
  };
  /**
   * The whole answer text, exactly
   */
  bodyText?: string;
  /**
   * The answer conforms to the API's response schema
   */
  conformsToSchema?: boolean;
  /**
   * The connection is dropped without an answer
   */
  connectionReset?: true;
}
