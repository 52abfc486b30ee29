// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * What a Pact verifier POSTs to /__admin/provider-states before (setup) and after (teardown) each interaction: {state, params, action} as pact_ffi sends it, or the older {consumer, states: [...], params} of pact-provider-verifier (read as a setup). Setup resets the session the verifier's traffic uses (?session=, the X-Stub-Session header or params.session; none: the default session) and applies params; teardown changes nothing.
 */
export interface ProviderStateChange {
  /**
   * The provider state's name. Any name is accepted: taskstub has no named states, every setup is a reset plus params
   */
  state?: string;
  /**
   * The older form: the names of the states (pact-provider-verifier)
   */
  states?: string[];
  /**
   * The consumer's name (the older form sends it); not used
   */
  consumer?: string;
  /**
   * setup (the default) or teardown
   */
  action?: "setup" | "teardown";
  /**
   * The state's parameters. Those below are applied; any other is accepted and left alone (it is meant for the real provider's own state handler)
   */
  params?: {
    /**
     * The session to reset and set up (default: "default")
     */
    session?: string;
    /**
     * The next Wello id2
     */
    id2Next?: number;
    /**
     * The next ONLYOFFICE task id
     */
    taskIdNext?: number;
    /**
     * An ISO 8601 time to freeze the session's clock at, as PUT /__admin/state takes it (on the default session: the global clock); null lets it run in real time again
     */
    clock?: string | null;
    [k: string]: unknown;
  } | null;
}
