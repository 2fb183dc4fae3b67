/**
 * Named domain errors raised by the pure model. The HTTP layer turns each into
 * an `application/problem+json` answer (see src/http/problem.ts); the model
 * itself knows nothing of HTTP beyond the status it suggests.
 */

/** One problem with the input, located by an RFC 6901 JSON pointer into the request body. */
export interface InputIssue {
  pointer: string;
  message: string;
  /** e.g. 'required', 'minimum', 'unknownRegion' */
  code: string;
  /** Suggestions, e.g. the region names closest to an unknown one. */
  didYouMean?: string[];
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is malformed: every issue found, each with its pointer (400). */
export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly code = 'InvalidInput';
  constructor(readonly issues: InputIssue[], message?: string) {
    super(message ?? `The request has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`);
  }
}

/** The input is well-formed but cannot be satisfied (422): names the constraint. */
export class UnsatisfiableError extends DomainError {
  readonly status = 422;
  readonly code = 'Unsatisfiable';
  constructor(
    message: string,
    readonly constraint: string,
    readonly issues: InputIssue[] = [],
  ) {
    super(message);
  }
}
