/**
 * RFC 9457 problem details: the one shape every error answer has
 * (`Content-Type: application/problem+json`), and the named HTTP errors the
 * handlers throw. Every error that knows its answer is an AppError
 * (src/model/errors.ts) and is mapped here, in one place, by instanceof;
 * anything else is a 500 without internals.
 */
import type { HttpResponseInit } from '@azure/functions';
import { AppError, type InputIssue } from '../model/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: InputIssue[];
  [extension: string]: unknown;
}

/** urn:acr-geoplanner:problem:<code in kebab-case> (PlanStale → plan-stale). */
export function problemType(code: string): string {
  return `urn:acr-geoplanner:problem:${code.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** An error that knows its HTTP answer, raised by the HTTP layer and the bindings. */
export class HttpError extends AppError {
  private readonly ext: Record<string, unknown>;
  private readonly hdrs: Record<string, string>;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.ext = extensions;
    this.hdrs = headers;
  }
  override get extensions(): Record<string, unknown> {
    return this.ext;
  }
  override get headers(): Record<string, string> {
    return this.hdrs;
  }
}

export class BadRequestError extends HttpError {
  /** `errorsOmitted`: issues found beyond those listed (the list is capped). */
  constructor(detail: string, issues: InputIssue[] = [], errorsOmitted = 0) {
    super(400, 'InvalidInput', 'The request is not valid', detail, { ...(issues.length ? { errors: issues } : {}), ...(errorsOmitted > 0 ? { errorsOmitted } : {}) });
  }
}
export class NotFoundError extends HttpError {
  constructor(detail: string) {
    super(404, 'NotFound', 'Not found', detail);
  }
}
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, allow: readonly string[]) {
    super(405, 'MethodNotAllowed', 'Method not allowed', `${method} is not allowed here; allowed: ${allow.join(', ')}`, { allow }, { Allow: allow.join(', ') });
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', 'Request body too large', `The request body exceeds the limit of ${limitBytes} bytes (setting MAX_BODY_BYTES).`, { limitBytes });
  }
}
export class UnsupportedMediaTypeError extends HttpError {
  constructor(contentType: string | null) {
    super(415, 'UnsupportedMediaType', 'Unsupported media type', `Send the body as application/json (got ${contentType ? `'${contentType}'` : 'no Content-Type'}).`);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(detail: string) {
    super(401, 'Unauthorized', 'Sign-in required', detail);
  }
}
export class ForbiddenError extends HttpError {
  constructor(detail: string) {
    super(403, 'Forbidden', 'Forbidden', detail);
  }
}
export class ConflictError extends HttpError {
  constructor(detail: string, extensions: Record<string, unknown> = {}, code = 'Conflict') {
    super(409, code, 'Conflict', detail, extensions);
  }
}
export class ServiceUnavailableError extends HttpError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(503, 'ServiceUnavailable', 'Service unavailable', detail, extensions);
  }
}

/** Anything thrown by a handler, as a problem answer. Unknown errors become a 500 without internals. */
export function toProblem(err: unknown, instance?: string, invocationId?: string): { status: number; body: ProblemBody; headers: Record<string, string> } {
  const base = (status: number, code: string, title: string, detail: string, ext: Record<string, unknown> = {}): ProblemBody => ({
    type: problemType(code),
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...ext,
  });
  if (err instanceof AppError && err.status >= 400 && err.status <= 599) {
    return { status: err.status, body: base(err.status, err.code, err.title, err.detail, err.extensions), headers: { ...err.headers } };
  }
  return {
    status: 500,
    body: base(500, 'InternalError', 'Internal error', `An unexpected error occurred${invocationId ? ` (invocation ${invocationId})` : ''}; it has been logged.`),
    headers: {},
  };
}

export function problemResponse(err: unknown, instance?: string, invocationId?: string): HttpResponseInit {
  const p = toProblem(err, instance, invocationId);
  return {
    status: p.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...p.headers },
    body: JSON.stringify(p.body, null, 2),
  };
}
