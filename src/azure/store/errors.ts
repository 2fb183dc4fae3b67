/**
 * Named errors of the plan store (the port and every adapter throw only these),
 * each with the HTTP status a handler should answer with.
 */

export abstract class StoreError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class PlanNotFoundError extends StoreError {
  readonly status = 404;
  readonly code = 'plan-not-found';
  constructor(readonly planId: string) {
    super(`plan ${planId} not found`);
  }
}

export class PlanAlreadyExistsError extends StoreError {
  readonly status = 409;
  readonly code = 'plan-exists';
  constructor(readonly planId: string) {
    super(`plan ${planId} already exists`);
  }
}

/** Optimistic concurrency: the record changed since it was read (ETag mismatch). */
export class ConcurrencyError extends StoreError {
  readonly status = 409;
  readonly code = 'concurrent-update';
  constructor(readonly planId: string, options?: { cause?: unknown }) {
    super(`plan ${planId} was changed by someone else; read it again and retry`, options);
  }
}

/** Another holder has the registry lock. */
export class LockBusyError extends StoreError {
  readonly status = 409;
  readonly code = 'registry-locked';
  constructor(
    readonly registryId: string,
    /** The current holder, when known. */
    readonly holder?: string,
    options?: { cause?: unknown },
  ) {
    super(`registry ${registryId} is locked${holder ? ` by ${holder}` : ''}; another apply is in progress`, options);
  }
}

/** The lock expired or was taken over before renew/release. */
export class LockLostError extends StoreError {
  readonly status = 409;
  readonly code = 'registry-lock-lost';
  constructor(readonly registryId: string, options?: { cause?: unknown }) {
    super(`the lock on registry ${registryId} was lost (expired or taken over)`, options);
  }
}

/** A key that the store cannot hold (bad plan id). */
export class InvalidKeyError extends StoreError {
  readonly status = 400;
  readonly code = 'invalid-key';
}

/** The storage service cannot be reached or is misconfigured. */
export class StoreUnavailableError extends StoreError {
  readonly status = 503;
  readonly code = 'store-unavailable';
}
