// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * 201 {count:1, status:0, statusCode:201, response:{token, expires}}. docs/fidelity.md, ONLYOFFICE: Authentication.
 */
export interface OnlyofficeAuthenticationEnvelope {
  count: 1;
  status: 0;
  statusCode: 201;
  response: {
    /**
     * Authentication token: send it as Authorization, Bearer or the asc_auth_key cookie
     */
    token: string;
    /**
     * When the token expires (ApiDateTime)
     */
    expires: string;
  };
}
