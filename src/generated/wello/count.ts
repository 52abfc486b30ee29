// Generated from schemas/ by `npm run gen:types`. Do not edit.
/* eslint-disable */

/**
 * GET api/TaskView/CountOpen: how many tasks are open (not archived), a bare number; in XML <int xmlns="http://schemas.microsoft.com/2003/10/Serialization/">. docs/fidelity.md, Wello: Read-back routes.
 */
export type WelloCount = number;
