/**
 * RFC 9457 problem details: the one shape every error answer has
 * (`Content-Type: application/problem+json`), and the named HTTP errors the
 * handlers throw. Domain errors (src/model/errors.ts) and adapter errors are
 * mapped here, in one place.
 */
import type { HttpResponseInit } from '@azure/functions';
import { DomainError, InvalidInputError, UnsatisfiableError, type InputIssue } from '../model/errors';

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

export function problemType(code: string): string {
  return `urn:acr-geoplanner:problem:${code.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** An error that knows its HTTP answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(detail: string, issues: InputIssue[] = []) {
    super(400, 'InvalidInput', 'The request is not valid', detail, issues.length ? { errors: issues } : {});
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
  if (err instanceof HttpError) {
    return { status: err.status, body: base(err.status, err.code, err.title, err.message, err.extensions), headers: err.headers };
  }
  if (err instanceof InvalidInputError) {
    return { status: 400, body: base(400, err.code, 'The request is not valid', err.message, { errors: err.issues }), headers: {} };
  }
  if (err instanceof UnsatisfiableError) {
    return {
      status: 422,
      body: base(422, err.code, 'The constraints cannot be satisfied', err.message, { constraint: err.constraint, ...(err.issues.length ? { errors: err.issues } : {}) }),
      headers: {},
    };
  }
  if (err instanceof DomainError) {
    return { status: err.status, body: base(err.status, err.code, err.name, err.message), headers: {} };
  }
  const mapped = mapAdapterError(err);
  if (mapped) return { status: mapped.status, body: base(mapped.status, mapped.code, mapped.title, mapped.detail, mapped.extensions), headers: mapped.headers };
  return {
    status: 500,
    body: base(500, 'InternalError', 'Internal error', `An unexpected error occurred${invocationId ? ` (invocation ${invocationId})` : ''}; it has been logged.`),
    headers: {},
  };
}

/**
 * Errors from adapters (src/azure) carry `status` (the answer we should give),
 * a `code` and optional `problemExtensions`; they are recognised structurally
 * so this module needs no adapter import.
 */
function mapAdapterError(err: unknown): { status: number; code: string; title: string; detail: string; extensions: Record<string, unknown>; headers: Record<string, string> } | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { status?: unknown; code?: unknown; problemExtensions?: unknown; retryAfterSeconds?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || e.status > 599) return undefined;
  const code = typeof e.code === 'string' ? e.code : e.name;
  const ext: Record<string, unknown> = typeof e.problemExtensions === 'object' && e.problemExtensions !== null ? { ...(e.problemExtensions as Record<string, unknown>) } : {};
  // Azure adapter errors (src/azure/arm/errors.ts) carry what the upstream said: pass it on.
  for (const key of ['upstreamStatus', 'upstreamCode', 'upstreamRequestId', 'correlationRequestId', 'changes', 'holder', 'state', 'operation', 'expiresAt'] as const) {
    const v = (err as unknown as Record<string, unknown>)[key];
    if (v !== null && v !== undefined) ext[key] = v;
  }
  const headers: Record<string, string> = typeof e.retryAfterSeconds === 'number' ? { 'Retry-After': String(Math.ceil(e.retryAfterSeconds)) } : {};
  return { status: e.status, code, title: e.name, detail: e.message, extensions: ext, headers };
}

export function problemResponse(err: unknown, instance?: string, invocationId?: string): HttpResponseInit {
  const p = toProblem(err, instance, invocationId);
  return {
    status: p.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...p.headers },
    body: JSON.stringify(p.body, null, 2),
  };
}
