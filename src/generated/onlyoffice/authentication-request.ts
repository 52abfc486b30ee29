// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * POST api/2.0/authentication: get an authentication token. docs/fidelity.md, ONLYOFFICE: Authentication.
 */
export interface OnlyofficeAuthenticationRequest {
  /**
   * User name or email
   */
  userName: string;
  /**
   * Password
   */
  password: string;
}
