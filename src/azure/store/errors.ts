/**
 * Named errors of the plan store (the port and every adapter throw only these),
 * each an AppError with the HTTP status a handler should answer with.
 */
import { AppError, retryAfterHeader } from '../../model/errors';

export abstract class StoreError extends AppError {}

export class PlanNotFoundError extends StoreError {
  readonly status = 404;
  readonly code = 'PlanNotFound';
  readonly title = 'No such plan';
  constructor(readonly planId: string) {
    super(`plan ${planId} not found`);
  }
}

export class PlanAlreadyExistsError extends StoreError {
  readonly status = 409;
  readonly code = 'PlanExists';
  readonly title = 'A plan with this id already exists';
  constructor(readonly planId: string) {
    super(`plan ${planId} already exists`);
  }
}

/** Optimistic concurrency: the record changed since it was read (ETag mismatch). */
export class ConcurrencyError extends StoreError {
  readonly status = 409;
  readonly code = 'ConcurrentUpdate';
  readonly title = 'The plan was changed by someone else';
  constructor(readonly planId: string, options?: { cause?: unknown }) {
    super(`plan ${planId} was changed by someone else; read it again and retry`, options);
  }
}

/** Another holder has the registry lock. */
export class LockBusyError extends StoreError {
  readonly status = 409;
  readonly code = 'RegistryLocked';
  readonly title = 'Another apply holds the registry lock';
  constructor(
    readonly registryId: string,
    /** The current holder, when known. */
    readonly holder?: string,
    options?: { cause?: unknown },
  ) {
    super(`registry ${registryId} is locked${holder ? ` by ${holder}` : ''}; another apply is in progress`, options);
  }
  override get extensions(): Record<string, unknown> {
    return this.holder !== undefined ? { holder: this.holder } : {};
  }
}

/** The lock expired or was taken over before renew/release. */
export class LockLostError extends StoreError {
  readonly status = 409;
  readonly code = 'RegistryLockLost';
  readonly title = 'The registry lock was lost';
  constructor(readonly registryId: string, options?: { cause?: unknown }) {
    super(`the lock on registry ${registryId} was lost (expired or taken over)`, options);
  }
}

/** A key that the store cannot hold (bad plan id). */
export class InvalidKeyError extends StoreError {
  readonly status = 400;
  readonly code = 'InvalidKey';
  readonly title = 'The key cannot be stored';
}

/** Seconds a client should wait before retrying after a StoreUnavailableError (the `Retry-After` of the 503). */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The storage service cannot be reached or is misconfigured (503 with Retry-After). */
export class StoreUnavailableError extends StoreError {
  readonly status = 503;
  readonly code = 'StoreUnavailable';
  readonly title = 'Storage is unavailable';
  /** Sent as the `Retry-After` header of the 503. */
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
  override get headers(): Record<string, string> {
    return retryAfterHeader(this.retryAfterSeconds);
  }
}

/**
 * An error that already knows its HTTP answer (an AppError: the store's own errors, the plan
 * engine's such as self-approval 403 or a content-hash 409, the model's, HTTP's). Store adapters
 * must pass these through untouched.
 */
export function carriesOwnStatus(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** HTTP status of an Azure SDK error (RestError.statusCode), if any. */
export function storageStatusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const NETWORK_CODES = /^(E[A-Z0-9_]+|REQUEST_SEND_ERROR|PARSE_ERROR|UND_ERR_[A-Z_]+)$/;

/**
 * A failure of the storage service or the way to it: an Azure SDK RestError (any status or
 * none: DNS, refused, reset), a Node network error (ECONNREFUSED, ETIMEDOUT, ...), an abort or
 * timeout, or a credential that cannot get a token. Not: programming errors, bad data.
 */
export function isStorageFailure(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'RestError' || storageStatusOf(e) !== undefined) return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return /^(CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError)$/.test(e.name);
}

/**
 * The one mapping of store adapters: errors that carry their own status pass through; real
 * storage failures (unreachable, 5xx, throttled 429, 401/403 = the app's identity lacks
 * access) become StoreUnavailableError (503 + Retry-After); a storage 4xx that is none of
 * these, and anything else (a bug), passes through unchanged (500, logged).
 */
export function toStoreError(e: unknown, what: string, label = 'store'): unknown {
  if (carriesOwnStatus(e)) return e;
  if (!isStorageFailure(e)) return e;
  const status = storageStatusOf(e);
  if (status === undefined || status >= 500 || status === 429 || status === 401 || status === 403 || status === 408) {
    const msg = e instanceof Error ? e.message : String(e);
    return new StoreUnavailableError(`${label} unavailable (${what}): ${msg}`, { cause: e });
  }
  return e;
}
