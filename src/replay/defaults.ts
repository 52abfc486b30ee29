// replay's defaults, in a module of their own so that the CLI can show them in
// --help without loading the replay modules (`serve` starts without them).

/** How long one request may take, answer included, before its step fails; the health probe and the session resets too. */
export const DEFAULT_TIMEOUT_MS = 10_000;
