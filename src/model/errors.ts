/**
 * The one error root. Every error that knows its HTTP answer extends AppError:
 * a `status`, a PascalCase `code` (the problem+json `type` is derived from it),
 * a human `title`, the message as `detail`, problem `extensions` and response
 * `headers` (e.g. Retry-After), and an optional `cause`. The HTTP layer maps
 * them to `application/problem+json` by `instanceof AppError` (src/http/problem.ts);
 * anything else is a 500 without internals. Lives in the pure model so the
 * model can throw it; it knows nothing of HTTP beyond the status it suggests.
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

export abstract class AppError extends Error {
  /** HTTP status our API answers with (400..599). */
  abstract readonly status: number;
  /** Stable machine-readable code, PascalCase (e.g. `PlanStale`); the problem `type` is urn:acr-geoplanner:problem:<kebab-case>. */
  abstract readonly code: string;
  /** A short human sentence, the same for every occurrence (the problem `title`). */
  abstract readonly title: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options && options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }

  /** The problem `detail`: this occurrence, in words. */
  get detail(): string {
    return this.message;
  }

  /** Problem members beyond type/title/status/detail/instance (subclasses add theirs). */
  get extensions(): Record<string, unknown> {
    return {};
  }

  /** Response headers that go with the answer (e.g. `Retry-After`, `Allow`). */
  get headers(): Record<string, string> {
    return {};
  }
}

/** `Retry-After` for a wait in seconds (rounded up), or none. */
export function retryAfterHeader(seconds: number | null | undefined): Record<string, string> {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? { 'Retry-After': String(Math.ceil(seconds)) } : {};
}

/** The errors of the pure model (input and constraint problems). */
export abstract class DomainError extends AppError {}

/** The input is malformed: every issue found, each with its pointer (400). */
export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly code = 'InvalidInput';
  readonly title = 'The request is not valid';
  /** Issues found beyond those listed in `issues` (the list is capped), when any. */
  readonly errorsOmitted: number | undefined;
  constructor(
    readonly issues: InputIssue[],
    message?: string,
    options: { errorsOmitted?: number } = {},
  ) {
    super(message ?? `The request has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`);
    this.errorsOmitted = options.errorsOmitted !== undefined && options.errorsOmitted > 0 ? options.errorsOmitted : undefined;
  }
  override get extensions(): Record<string, unknown> {
    return { errors: this.issues, ...(this.errorsOmitted !== undefined ? { errorsOmitted: this.errorsOmitted } : {}) };
  }
}

/** The input is well-formed but cannot be satisfied (422): names the constraint. */
export class UnsatisfiableError extends DomainError {
  readonly status = 422;
  readonly code = 'Unsatisfiable';
  readonly title = 'The constraints cannot be satisfied';
  constructor(
    message: string,
    readonly constraint: string,
    readonly issues: InputIssue[] = [],
  ) {
    super(message);
  }
  override get extensions(): Record<string, unknown> {
    return { constraint: this.constraint, ...(this.issues.length ? { errors: this.issues } : {}) };
  }
}
