/**
 * The per-run webhook: one POST of JSON, retried with exponential backoff
 * (bounded attempts; Retry-After honoured up to 30 s). Every retry is logged.
 * It never throws: the outcome is returned (and recorded on the run), so a
 * failing receiver cannot lose the stored reports.
 */
import type { DriftWebhookOutcome } from './types';

export interface WebhookOptions {
  attempts: number;
  /** First backoff; doubles each retry. */
  backoffMs: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

export async function postWebhook(url: string, payload: unknown, opts: WebhookOptions): Promise<DriftWebhookOutcome> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? (() => new Date());
  const body = JSON.stringify(payload);
  let lastError = '';
  let httpStatus: number | undefined;
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let wait: number | undefined;
    let retryable = true;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'acr-geoplanner-drift' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        if (attempt > 1) opts.log('info', `drift webhook: delivered on attempt ${attempt}/${opts.attempts} (HTTP ${res.status})`);
        return { status: 'sent', attempts: attempt, httpStatus: res.status, at: now().toISOString() };
      }
      lastError = `HTTP ${res.status}`;
      retryable = RETRYABLE.has(res.status);
      wait = retryAfterMs(res.headers.get('retry-after'));
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      lastError = err.cause?.code ?? err.cause?.message ?? err.message;
    }
    if (!retryable || attempt === opts.attempts) {
      opts.log('error', `drift webhook: attempt ${attempt}/${opts.attempts} failed (${lastError}); ${retryable ? 'giving up' : 'not retryable'}. The reports are stored.`);
      return { status: 'failed', attempts: attempt, ...(httpStatus !== undefined ? { httpStatus } : {}), lastError, at: now().toISOString() };
    }
    const delay = Math.min(MAX_RETRY_AFTER_MS, wait ?? opts.backoffMs * 2 ** (attempt - 1));
    opts.log('warn', `drift webhook: attempt ${attempt}/${opts.attempts} failed (${lastError}); retrying in ${delay} ms`);
    await sleep(delay);
  }
  return { status: 'failed', attempts: opts.attempts, lastError, at: now().toISOString() };
}
