/**
 * Adapter: JSON webhooks — one POST, retried with exponential backoff
 * (bounded attempts; Retry-After honoured up to 30 s), every retry logged.
 * It never throws: the outcome is returned for the caller to record, so a
 * receiver that is down can never undo or lose what was already stored.
 * Used by plan notifications and by the drift run summary.
 */

export interface WebhookOutcome {
  status: 'sent' | 'failed';
  attempts: number;
  httpStatus?: number;
  lastError?: string;
  at: string;
}

export interface WebhookOptions {
  attempts: number;
  /** First backoff; doubles each retry. */
  backoffMs: number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Names the webhook in log lines, e.g. 'drift webhook'. */
  label?: string;
  /** Appended to the give-up line, e.g. what is safe despite the failure. */
  onGiveUp?: string;
  userAgent?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 30_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** https anywhere, http only to loopback (local receivers); returns the reason when not allowed. */
export function webhookUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return undefined;
  return 'must be an https URL (http is accepted only for localhost receivers)';
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

export async function postWebhook(url: string, payload: unknown, opts: WebhookOptions): Promise<WebhookOutcome> {
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
}
