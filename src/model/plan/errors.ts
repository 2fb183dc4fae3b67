/**
 * Named errors of the plan engine. Each carries the HTTP status a handler should
 * answer with and a stable machine-readable `code` (for problem+json `type`).
 */

export abstract class PlanError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The target topology is not achievable (replica in the home region, replicas without Premium, ...). */
export class InvalidTargetError extends PlanError {
  readonly status = 422;
  readonly code = 'invalid-target';
}

/** The requested transition is not allowed from the plan's current state. */
export class PlanStateError extends PlanError {
  readonly status = 409;
  readonly code = 'plan-state';
  constructor(
    message: string,
    readonly state: string,
    readonly operation: string,
  ) {
    super(message);
  }
}

/** The requester tried to approve their own plan. */
export class SelfApprovalError extends PlanError {
  readonly status = 403;
  readonly code = 'self-approval';
}

export class PlanExpiredError extends PlanError {
  readonly status = 409;
  readonly code = 'plan-expired';
  constructor(
    message: string,
    readonly expiresAt: string,
  ) {
    super(message);
  }
}

/** The plan content no longer hashes to what was approved (or to what the approver saw). */
export class PlanIntegrityError extends PlanError {
  readonly status = 409;
  readonly code = 'plan-content-changed';
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
  readonly code = 'plan-stale';
  constructor(
    message: string,
    /** Human-readable differences between what the plan expects and the live topology. */
    readonly changes: string[],
    readonly expectedFingerprint: string,
    readonly liveFingerprint: string,
  ) {
    super(message);
  }
}
