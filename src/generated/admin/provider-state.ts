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
    /**
     * Tasks that should exist after the reset, created in order through each API's own create (POST api/2.0/crm/task, POST api/Task: checked and filled by the server as a real create; one the API refuses is a 400 naming it, and the session is left reset) at the state's clock; then the session's journal is cleared and id2Next/taskIdNext, if given, set (past the tasks' ids). The answer lists the ids (tasks.onlyoffice, tasks.wello) and gives flat keys for fromProviderState: onlyofficeTaskId, onlyofficeTaskId2, ..., welloTaskId, welloTaskId2, ...
     */
    tasks?: {
      /**
       * ONLYOFFICE tasks: each the JSON body of a create (title, deadline, categoryId, responsibleId, description, ...), plus id and isClosed, which taskstub reads and leaves out of the create
       *
       * @maxItems 1000
       */
      onlyoffice?: {
        /**
         * The id the task gets (the counter is set to it before the create), each greater than the one before; without it, the next id
         */
        id?: number;
        /**
         * true: closed after the create (PUT api/2.0/crm/task/{id}/close)
         */
        isClosed?: boolean;
        [k: string]: unknown;
      }[];
      /**
       * Wello tasks: each the JSON body of a create (subject, customer_reference, ..., id for a GUID of your own), plus dispatch, which taskstub reads and leaves out of the create
       *
       * @maxItems 1000
       */
      wello?: {
        /**
         * A dispatcher's change applied after the create, as PATCH /__admin/wello/tasks/{id} applies it (e.g. {"task_status_id": a closed status})
         */
        dispatch?: {};
        [k: string]: unknown;
      }[];
    };
    [k: string]: unknown;
  } | null;
}
