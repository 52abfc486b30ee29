// Why a fetch got no answer, in words. Node's fetch says only "fetch failed";
// the socket's error code, in its cause, says why. Used by the typed client and
// by replay, which both talk to a stub (or a real API) over HTTP.

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed before an answer',
};

export function networkErrorReason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause as { code?: string; message?: string; errors?: { code?: string }[] } | undefined;
  // "localhost" tries ::1 and 127.0.0.1: an AggregateError holds one error per address.
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code) return REASONS[code] ?? code;
  return cause?.message ?? (error as Error).message;
}
