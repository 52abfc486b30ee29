// What every API module gives the core.
import type { CoreRequest } from './http.js';
import type { ApiName, Check, CoreResult } from './record.js';
import type { Session } from './sessions.js';

export interface HandleOptions {
  /** The body was over the limit and was not read. */
  bodyTooLarge?: boolean;
  /** A fault: answer this status with the API's own error body instead of processing the call. */
  forcedStatus?: number;
  /** A fault: do not process the call (its connection is about to be dropped). */
  dropped?: boolean;
  /** The X-Stub-Session header names no valid session (too long, control characters): answer 400 with this message in the API's error shape. */
  invalidSession?: string;
}

export interface Api {
  readonly name: ApiName;
  /** Whether requests to this path are this API's to answer. */
  owns(path: string): boolean;
  handle(req: CoreRequest, options?: HandleOptions): CoreResult;
  /** The verdict on a call whose result was a CheckedLater, from the request alone. */
  check?: Check;
  /** The tasks this session holds on this API, oldest first, each as JSON text in the shape the API reads a task back in (GET /__admin/tasks). */
  storedTasks(session: Session): string[];
}

/** The answer to a dropped call: nothing is sent; the adapter resets the connection. */
export const DROPPED = { status: 0, headers: {}, body: '' };
