/**
 * Errors raised by the ARM adapters. Each carries `status`: the HTTP status our API should answer
 * with (handlers turn these into problem+json), and what Azure said (`upstreamStatus`,
 * `upstreamCode`, `upstreamRequestId` from `x-ms-request-id`).
 */

export interface AzureErrorDetails {
  upstreamStatus?: number | null;
  upstreamCode?: string | null;
  upstreamRequestId?: string | null;
  correlationRequestId?: string | null;
  /** Seconds the caller should wait before retrying (from Retry-After), when known. */
  retryAfterSeconds?: number | null;
  cause?: unknown;
}

/** Base class of every error the ARM adapters throw. */
export abstract class AzureError extends Error {
  /** HTTP status for our own caller. */
  abstract readonly status: number;
  /** Stable machine-readable code for problem+json `type`/`code`. */
  abstract readonly code: string;
  readonly upstreamStatus: number | null;
  readonly upstreamCode: string | null;
  readonly upstreamRequestId: string | null;
  readonly correlationRequestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(message: string, details: AzureErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = new.target.name;
    this.upstreamStatus = details.upstreamStatus ?? null;
    this.upstreamCode = details.upstreamCode ?? null;
    this.upstreamRequestId = details.upstreamRequestId ?? null;
    this.correlationRequestId = details.correlationRequestId ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }

  /** Plain data for logs and problem+json extensions (no stack, no cause). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      upstreamStatus: this.upstreamStatus,
      upstreamCode: this.upstreamCode,
      upstreamRequestId: this.upstreamRequestId,
      correlationRequestId: this.correlationRequestId,
      retryAfterSeconds: this.retryAfterSeconds,
    };
  }
}

/** An argument given to an adapter is invalid (our caller's input; nothing was sent to Azure): 400. */
export class InvalidArmRequestError extends AzureError {
  readonly status = 400;
  readonly code: string = 'InvalidArmRequest';
}

/** The resource id given to an adapter is malformed (our caller's input): 400. */
export class InvalidResourceIdError extends InvalidArmRequestError {
  override readonly code = 'InvalidResourceId';
  constructor(
    readonly resourceId: string,
    reason: string,
  ) {
    super(`Invalid container registry resource id '${resourceId}': ${reason}.`);
  }
}

/** Azure failed, throttled beyond our retry budget, or could not be reached: 502, 503 or 504. */
export class AzureUpstreamError extends AzureError {
  readonly code: string = 'AzureUpstreamError';
  constructor(
    readonly status: 502 | 503 | 504,
    message: string,
    details: AzureErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** A long-running operation ended in Failed/Canceled: 502 (Azure accepted the request but could not carry it out). */
export class AzureOperationFailedError extends AzureUpstreamError {
  override readonly code = 'AzureOperationFailed';
  constructor(
    readonly operation: string,
    message: string,
    details: AzureErrorDetails = {},
  ) {
    super(502, message, details);
  }
}

/** ARM rejected our credential (401): a deployment problem, reported as 502 to our caller. */
export class AzureAuthenticationError extends AzureUpstreamError {
  override readonly code = 'AzureAuthenticationFailed';
  constructor(message: string, details: AzureErrorDetails = {}) {
    super(502, message, details);
  }
}

/** Our identity lacks a permission on the resource (ARM 403 AuthorizationFailed): 403. */
export class AzureForbiddenError extends AzureError {
  readonly status = 403;
  readonly code = 'AzureForbidden';
}

/** A resource does not exist: 404. */
export class AzureNotFoundError extends AzureError {
  readonly status: number = 404;
  readonly code: string = 'AzureResourceNotFound';
}

/** The registry does not exist (or is not visible to our identity): 404. */
export class RegistryNotFoundError extends AzureNotFoundError {
  override readonly code = 'RegistryNotFound';
  constructor(
    readonly resourceId: string,
    details: AzureErrorDetails = {},
  ) {
    super(`Container registry '${resourceId}' was not found.`, details);
  }
}

/** A replica of an existing registry does not exist: 404. */
export class ReplicaNotFoundError extends AzureNotFoundError {
  override readonly code = 'ReplicaNotFound';
  constructor(
    readonly resourceId: string,
    readonly replicaName: string,
    details: AzureErrorDetails = {},
  ) {
    super(`Replica '${replicaName}' of container registry '${resourceId}' was not found.`, details);
  }
}

/**
 * ARM refused the change as invalid for the resource's current state (400/409 from ARM, e.g. a replica in the
 * home region, replicas on a non-Premium registry, changing zone redundancy): 409 for conflicts, 422 otherwise.
 */
export class AzureRequestRejectedError extends AzureError {
  readonly code = 'AzureRequestRejected';
  constructor(
    readonly status: 409 | 422,
    message: string,
    details: AzureErrorDetails = {},
  ) {
    super(message, details);
  }
}

export function isAzureError(e: unknown): e is AzureError {
  return e instanceof AzureError;
}
