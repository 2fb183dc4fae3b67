/**
 * Adapter: JSON webhooks — one POST, retried with exponential backoff
 * (bounded attempts; Retry-After honoured up to 30 s), every retry logged.
 * It never throws: the outcome is returned for the caller to record, so a
 * receiver that is down can never undo or lose what was already stored.
 * Used by plan notifications and by the drift run summary.
 */
import type { WebhookOutcome, WebhookSendOptions, WebhookSender } from '../app/ports/webhook';

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

export const postWebhook: WebhookSender = async (url: string, payload: unknown, opts: WebhookSendOptions): Promise<WebhookOutcome> => {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? (() => new Date());
  const label = opts.label ?? 'webhook';
  const body = JSON.stringify(payload);
  let lastError = '';
  let httpStatus: number | undefined;
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let wait: number | undefined;
    let retryable = true;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': opts.userAgent ?? 'acr-geoplanner' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        if (attempt > 1) opts.log('info', `${label}: delivered on attempt ${attempt}/${opts.attempts} (HTTP ${res.status})`);
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
      opts.log('error', `${label}: attempt ${attempt}/${opts.attempts} failed (${lastError}); ${retryable ? 'giving up' : 'not retryable'}.${opts.onGiveUp ? ` ${opts.onGiveUp}` : ''}`);
      return { status: 'failed', attempts: attempt, ...(httpStatus !== undefined ? { httpStatus } : {}), lastError, at: now().toISOString() };
    }
    const delay = Math.min(MAX_RETRY_AFTER_MS, wait ?? opts.backoffMs * 2 ** (attempt - 1));
    opts.log('warn', `${label}: attempt ${attempt}/${opts.attempts} failed (${lastError}); retrying in ${delay} ms`);
    await sleep(delay);
  }
  return { status: 'failed', attempts: opts.attempts, lastError, at: now().toISOString() };
};
