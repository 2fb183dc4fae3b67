/**
 * Which failures are worth retrying later — the one definition, used by the
 * ARM pipeline (network errors, before any answer) and by the drift check
 * (any error, to let the queue retry the message).
 */

/** Node/undici error codes of a request that never got an answer (reset, refused, timed out, DNS). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'REQUEST_SEND_ERROR']);

/** A request that got no answer for a reason that may pass: a transient network error code, an abort or a timeout. */
export function isTransientNetworkError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; name?: unknown };
  return (typeof err.code === 'string' && TRANSIENT_NETWORK_CODES.has(err.code)) || err.name === 'AbortError' || err.name === 'TimeoutError';
}

/** Transient = worth retrying: throttled (429), timed out (408), upstream 5xx, or no HTTP status at all (network, timeouts). */
export function isTransient(e: unknown): boolean {
  const status = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  if (typeof status !== 'number') return true;
  return status === 408 || status === 429 || status >= 500;
}
