// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * A query option that cannot be used (GET api/TaskView): ASP.NET OData's error, {"error":{"code":"","message":"The query specified in the URI is not valid. …"}}. docs/fidelity.md, Wello: Read-back routes.
 */
export interface WelloODataError {
  error: {
    code: string;
    message: string;
  };
}
