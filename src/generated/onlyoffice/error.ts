// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * Error envelope: {status:1, statusCode, error:{message, hresult, data}}; response and count absent. docs/fidelity.md, ONLYOFFICE: Errors.
 */
export interface OnlyofficeError {
  /**
   * 1 for an error
   */
  status: 1;
  /**
   * The HTTP status code
   */
  statusCode: number;
  /**
   * The exception as the server reports it
   */
  error: {
    /**
     * Exception message
     */
    message: string;
    /**
     * Exception HResult
     */
    hresult: number;
    /**
     * Exception data
     */
    data: {};
  };
}
