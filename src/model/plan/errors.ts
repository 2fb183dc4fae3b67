/**
 * Named errors of the plan engine. Each is an AppError (src/model/errors.ts):
 * the HTTP status a handler answers with, a stable PascalCase `code` (the
 * problem+json `type`), a human `title`, and the problem extensions it carries.
 */
import { AppError } from '../errors';

export abstract class PlanError extends AppError {}

/** The target topology is not achievable (replica in the home region, replicas without Premium, ...). */
export class InvalidTargetError extends PlanError {
  readonly status = 422;
  readonly code = 'InvalidTarget';
  readonly title = 'The target topology is not achievable';
}

/** The requested transition is not allowed from the plan's current state. */
export class PlanStateError extends PlanError {
  readonly status = 409;
  readonly code = 'PlanState';
  readonly title = 'The plan is not in a state that allows this';
  constructor(
    message: string,
    readonly state: string,
    readonly operation: string,
  ) {
    super(message);
  }
  override get extensions(): Record<string, unknown> {
    return { state: this.state, operation: this.operation };
  }
}

/** The requester tried to approve their own plan. */
export class SelfApprovalError extends PlanError {
  readonly status = 403;
  readonly code = 'SelfApproval';
  readonly title = 'A plan cannot be approved by the one who requested it';
}

export class PlanExpiredError extends PlanError {
  readonly status = 409;
  readonly code = 'PlanExpired';
  readonly title = 'The plan has expired';
  constructor(
    message: string,
    readonly expiresAt: string,
  ) {
    super(message);
  }
  override get extensions(): Record<string, unknown> {
    return { expiresAt: this.expiresAt };
  }
}

/** The plan content no longer hashes to what was approved (or to what the approver saw). */
export class PlanIntegrityError extends PlanError {
  readonly status = 409;
  readonly code = 'PlanContentChanged';
  readonly title = 'The plan content changed since it was approved';
  constructor(
    message: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(message);
  }
}

/** The live topology is not one the plan can start or resume from. */
export class StalePlanError extends PlanError {
  readonly status = 409;
  readonly code = 'PlanStale';
  readonly title = 'The registry changed since the plan was made';
  constructor(
    message: string,
    /** Human-readable differences between what the plan expects and the live topology. */
    readonly changes: string[],
    readonly expectedFingerprint: string,
    readonly liveFingerprint: string,
  ) {
    super(message);
  }
  override get extensions(): Record<string, unknown> {
    return { changes: this.changes };
  }
}
