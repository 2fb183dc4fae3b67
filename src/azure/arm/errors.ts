/**
 * Errors raised by the ARM adapters. Each is an AppError (src/model/errors.ts): `status` is the
 * HTTP status our API should answer with, and it carries what Azure said (`upstreamStatus`,
 * `upstreamCode`, `upstreamRequestId` from `x-ms-request-id`) as problem extensions, and
 * `Retry-After` when Azure sent one.
 */
import { AppError, retryAfterHeader } from '../../model/errors';

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
export abstract class AzureError extends AppError {
  readonly upstreamStatus: number | null;
  readonly upstreamCode: string | null;
  readonly upstreamRequestId: string | null;
  readonly correlationRequestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(message: string, details: AzureErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.upstreamStatus = details.upstreamStatus ?? null;
    this.upstreamCode = details.upstreamCode ?? null;
    this.upstreamRequestId = details.upstreamRequestId ?? null;
    this.correlationRequestId = details.correlationRequestId ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }

  /** What Azure said, for the problem answer (members that are known). */
  override get extensions(): Record<string, unknown> {
    const ext: Record<string, unknown> = {};
    if (this.upstreamStatus !== null) ext.upstreamStatus = this.upstreamStatus;
    if (this.upstreamCode !== null) ext.upstreamCode = this.upstreamCode;
    if (this.upstreamRequestId !== null) ext.upstreamRequestId = this.upstreamRequestId;
    if (this.correlationRequestId !== null) ext.correlationRequestId = this.correlationRequestId;
    return ext;
  }

  override get headers(): Record<string, string> {
    return retryAfterHeader(this.retryAfterSeconds);
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
  readonly title: string = 'The request to Azure is not valid';
}

/** The resource id given to an adapter is malformed (our caller's input): 400. */
export class InvalidResourceIdError extends InvalidArmRequestError {
  override readonly code = 'InvalidResourceId';
  override readonly title = 'The registry resource id is not valid';
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
  readonly title: string = 'Azure failed or could not be reached';
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
  override readonly title = 'Azure could not complete the operation';
  constructor(
    readonly operation: string,
    message: string,
    details: AzureErrorDetails = {},
  ) {
    super(502, message, details);
  }
  override get extensions(): Record<string, unknown> {
    return { ...super.extensions, operation: this.operation };
  }
}

/** ARM rejected our credential (401): a deployment problem, reported as 502 to our caller. */
export class AzureAuthenticationError extends AzureUpstreamError {
  override readonly code = 'AzureAuthenticationFailed';
  override readonly title = 'Azure rejected the service\'s credential';
  constructor(message: string, details: AzureErrorDetails = {}) {
    super(502, message, details);
  }
}

/** Our identity lacks a permission on the resource (ARM 403 AuthorizationFailed): 403. */
export class AzureForbiddenError extends AzureError {
  readonly status = 403;
  readonly code = 'AzureForbidden';
  readonly title = 'The service\'s identity is not allowed to do this in Azure';
}

/** A resource does not exist: 404. */
export class AzureNotFoundError extends AzureError {
  readonly status: number = 404;
  readonly code: string = 'AzureResourceNotFound';
  readonly title: string = 'The Azure resource was not found';
}

/** The registry does not exist (or is not visible to our identity): 404. */
export class RegistryNotFoundError extends AzureNotFoundError {
  override readonly code = 'RegistryNotFound';
  override readonly title = 'The container registry was not found';
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
  override readonly title = 'The replica was not found';
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
  readonly title = 'Azure refused the change';
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
