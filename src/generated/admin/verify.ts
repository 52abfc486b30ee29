// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * A matcher and how many calls must match it: count (exactly), or atLeast and/or atMost; none given means atLeast 1.
 */
export interface Verification {
  count?: number;
  atLeast?: number;
  atMost?: number;
}
