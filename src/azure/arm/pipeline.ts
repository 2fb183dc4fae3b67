/**
 * Pipeline customisations for the ARM SDK clients (both are @azure-rest/core-client based):
 * - a bounded retry policy replacing the SDK's `defaultRetryPolicy` (which honours Retry-After on
 *   429/503 without any upper bound and retries 5xx with exponential backoff up to 64 s);
 * - a per-try timeout;
 * - for a plain-http loopback endpoint (the ARM sandbox), a bearer policy that is allowed over http
 *   (the SDK's bearerTokenAuthenticationPolicy refuses non-https URLs);
 * - capture of the last `x-ms-request-id` per adapter call (AsyncLocalStorage), for error reports.
 * Types come from the client itself, so no transitive package is imported at runtime.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TokenCredential } from '@azure/core-auth';
import type { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { isTransientNetworkError } from '../../model/transient';

export type Pipeline = ContainerRegistryManagementClient['pipeline'];
export type PipelinePolicy = Parameters<Pipeline['addPolicy']>[0];
type SendRequest = PipelinePolicy['sendRequest'];
type PipelineRequest = Parameters<SendRequest>[0];
type PipelineResponse = Awaited<ReturnType<SendRequest>>;

export interface RetrySettings {
  /** Retries after the first try (default 3). */
  maxRetries: number;
  /** Base delay of the exponential backoff for 5xx/408/network errors (default 800 ms). */
  retryDelayMs: number;
  /** Cap of one backoff delay (default 8000 ms). */
  maxRetryDelayMs: number;
  /** A Retry-After longer than this is not waited for: the throttled response is returned (default 30000 ms). */
  maxRetryAfterMs: number;
  /** Total time spent waiting between tries of one request (default 60000 ms). */
  maxTotalRetryWaitMs: number;
  /** Per-try timeout (default 30000 ms; 0 = none). */
  requestTimeoutMs: number;
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = {
  maxRetries: 3,
  retryDelayMs: 800,
  maxRetryDelayMs: 8000,
  maxRetryAfterMs: 30_000,
  maxTotalRetryWaitMs: 60_000,
  requestTimeoutMs: 30_000,
};

/** What the last response of the current adapter call said (see runWithCallContext). */
export interface CallContext {
  lastRequestId: string | null;
  lastCorrelationId: string | null;
  lastStatus: number | null;
  lastRetryAfterSeconds: number | null;
  attempts: number;
}

const callContext = new AsyncLocalStorage<CallContext>();

export function runWithCallContext<T>(fn: (ctx: CallContext) => Promise<T>): Promise<T> {
  const ctx: CallContext = { lastRequestId: null, lastCorrelationId: null, lastStatus: null, lastRetryAfterSeconds: null, attempts: 0 };
  return callContext.run(ctx, () => fn(ctx));
}

/** Retry-After (seconds or HTTP date), retry-after-ms or x-ms-retry-after-ms, in ms. */
export function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = response.headers.get(h);
    if (v !== undefined && v.trim() !== '' && Number.isFinite(Number(v))) return Math.max(0, Number(v));
  }
  const ra = response.headers.get('retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function backoff(attempt: number, s: RetrySettings): number {
  const exp = Math.min(s.maxRetryDelayMs, s.retryDelayMs * 2 ** attempt);
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

type SignalLike = PipelineRequest['abortSignal'];

function sleep(ms: number, signal: SignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function note(response: PipelineResponse): void {
  const ctx = callContext.getStore();
  if (!ctx) return;
  ctx.lastRequestId = response.headers.get('x-ms-request-id') ?? ctx.lastRequestId;
  ctx.lastCorrelationId = response.headers.get('x-ms-correlation-request-id') ?? ctx.lastCorrelationId;
  ctx.lastStatus = response.status;
  const ra = retryAfterMs(response);
  ctx.lastRetryAfterSeconds = ra === undefined ? null : Math.ceil(ra / 1000);
}

/**
 * Retries 429 (after Retry-After), 5xx except 501/505 and 408 (after Retry-After when given, else
 * exponential backoff), and transient network errors; never waits longer than the settings allow.
 */
export function boundedRetryPolicy(settings: RetrySettings): PipelinePolicy {
  return {
    name: 'acrGeoplannerBoundedRetryPolicy',
    async sendRequest(request: PipelineRequest, next) {
      let waited = 0;
      if (settings.requestTimeoutMs > 0 && !request.timeout) request.timeout = settings.requestTimeoutMs;
      for (let attempt = 0; ; attempt++) {
        let response: PipelineResponse | undefined;
        let error: unknown;
        const ctx = callContext.getStore();
        if (ctx) ctx.attempts += 1;
        try {
          response = await next(request);
          note(response);
        } catch (e) {
          error = e;
          const r = (e as { response?: PipelineResponse }).response;
          if (r) note(r);
        }
        if (request.abortSignal?.aborted) throw error ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
        let delay: number | undefined;
        if (response) {
          const s = response.status;
          const ra = retryAfterMs(response);
          if (s === 429) delay = ra ?? backoff(attempt, settings);
          else if (s === 408 || (s >= 500 && s !== 501 && s !== 505)) delay = ra ?? backoff(attempt, settings);
        } else if (isTransientNetworkError(error)) {
          delay = backoff(attempt, settings);
        }
        const giveUp =
          delay === undefined || attempt >= settings.maxRetries || delay > settings.maxRetryAfterMs || waited + delay > settings.maxTotalRetryWaitMs;
        if (giveUp) {
          if (response) return response;
          throw error;
        }
        await sleep(delay as number, request.abortSignal);
        waited += delay as number;
      }
    },
  };
}

/** Bearer auth that also works over plain http (only used for loopback endpoints such as the ARM sandbox). */
export function loopbackBearerPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  return {
    name: 'acrGeoplannerLoopbackBearerPolicy',
    async sendRequest(request, next) {
      const token = await credential.getToken(scope, { abortSignal: request.abortSignal as AbortSignal | undefined });
      if (!token) throw new Error(`The credential returned no token for scope '${scope}'.`);
      request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}

/** Installs our policies on an SDK client's pipeline. */
export function customizePipeline(pipeline: Pipeline, options: { retry: RetrySettings; loopback?: { credential: TokenCredential; scope: string } }): void {
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.addPolicy(boundedRetryPolicy(options.retry), { phase: 'Retry' });
  if (options.loopback) {
    pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
    pipeline.addPolicy(loopbackBearerPolicy(options.loopback.credential, options.loopback.scope));
  }
}
