// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * ASP.NET Web API HttpError: {Message} and, for model validation, ModelState keyed 'task.<field>' with the messages. In XML: <Error><Message/><ModelState/></Error>. docs/fidelity.md, Wello: Validation errors.
 */
export interface WelloError {
  /**
   * The summary message, e.g. 'The request is invalid.'
   */
  Message: string;
  /**
   * Errors per model key
   */
  ModelState?: {
    /**
     * @minItems 1
     */
    [k: string]: [string, ...string[]];
  };
}
