/** Turns anything the SDK throws into one of our named AzureError classes. */
import {
  AzureAuthenticationError,
  AzureError,
  AzureForbiddenError,
  AzureNotFoundError,
  AzureOperationFailedError,
  AzureRequestRejectedError,
  AzureUpstreamError,
  RegistryNotFoundError,
  ReplicaNotFoundError,
  type AzureErrorDetails,
} from './errors';
import type { CallContext } from './pipeline';

export interface ErrorContext {
  /** What we were doing, e.g. 'get registry', 'create replica'. */
  operation: string;
  resourceId: string;
  replicaName?: string;
  call?: CallContext;
}

interface RestErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { status?: number; headers?: { get(name: string): string | undefined } };
  details?: { error?: { code?: string; message?: string } };
}

const LRO_FAILED_PREFIX = 'The long-running operation has failed';

function header(e: RestErrorLike, name: string): string | null {
  try {
    return e.response?.headers?.get(name) ?? null;
  } catch {
    return null;
  }
}

export function toAzureError(e: unknown, ctx: ErrorContext): AzureError {
  if (e instanceof AzureError) return e;
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as RestErrorLike;
  const message = err.details?.error?.message ?? err.message ?? String(e);
  const status = err.statusCode ?? err.response?.status;
  const retryAfter = header(err, 'retry-after');
  const details: AzureErrorDetails = {
    upstreamStatus: status ?? ctx.call?.lastStatus ?? null,
    upstreamCode: err.details?.error?.code ?? (typeof err.code === 'string' ? err.code : null),
    upstreamRequestId: header(err, 'x-ms-request-id') ?? ctx.call?.lastRequestId ?? null,
    correlationRequestId: header(err, 'x-ms-correlation-request-id') ?? ctx.call?.lastCorrelationId ?? null,
    retryAfterSeconds: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : (ctx.call?.lastRetryAfterSeconds ?? null),
    cause: e,
  };
  const what = `${ctx.operation} (${ctx.replicaName ? `${ctx.resourceId}/replications/${ctx.replicaName}` : ctx.resourceId})`;

  if (typeof err.message === 'string' && err.message.startsWith(LRO_FAILED_PREFIX)) {
    // core-lro: "The long-running operation has failed. <code>. <message>"
    const rest = err.message.slice(LRO_FAILED_PREFIX.length).replace(/^\.\s*/, '');
    const m = /^([A-Za-z0-9_.-]+)\.\s*([\s\S]*)$/.exec(rest);
    return new AzureOperationFailedError(ctx.operation, `Azure could not complete ${what}: ${m ? m[2] : rest || 'the operation failed'}`, {
      ...details,
      upstreamStatus: ctx.call?.lastStatus ?? null,
      upstreamCode: m ? (m[1] ?? null) : null,
    });
  }

  if (status === undefined) {
    if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ETIMEDOUT' || err.code === 'ESOCKETTIMEDOUT') {
      return new AzureUpstreamError(504, `Azure did not answer in time for ${what}.`, details);
    }
    return new AzureUpstreamError(502, `Could not reach Azure Resource Manager for ${what}: ${message}`, details);
  }
  if (status === 401) return new AzureAuthenticationError(`Azure Resource Manager rejected our credential for ${what}: ${message}`, details);
  if (status === 403) return new AzureForbiddenError(`Our identity is not allowed to ${what}: ${message}`, details);
  if (status === 404) {
    const aboutReplica = ctx.replicaName !== undefined && /replication/i.test(message);
    if (aboutReplica && ctx.replicaName !== undefined) return new ReplicaNotFoundError(ctx.resourceId, ctx.replicaName, details);
    if (/registr/i.test(message) || ctx.replicaName === undefined) return new RegistryNotFoundError(ctx.resourceId, details);
    return new AzureNotFoundError(`Not found: ${what}: ${message}`, details);
  }
  if (status === 409) return new AzureRequestRejectedError(409, `Azure refused to ${what}: ${message}`, details);
  if (status === 400 || status === 412 || status === 422) return new AzureRequestRejectedError(422, `Azure refused to ${what}: ${message}`, details);
  if (status === 429) {
    return new AzureUpstreamError(503, `Azure Resource Manager is throttling requests (${what}); retries exhausted: ${message}`, details);
  }
  if (status === 503) return new AzureUpstreamError(503, `Azure Resource Manager is unavailable (${what}): ${message}`, details);
  if (status === 504 || status === 408) return new AzureUpstreamError(504, `Azure Resource Manager timed out (${what}): ${message}`, details);
  return new AzureUpstreamError(502, `Azure Resource Manager failed (${what}, HTTP ${status}): ${message}`, details);
}
