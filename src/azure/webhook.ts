/**
 * Adapter: JSON webhook delivery with bounded retries and backoff. A failed
 * delivery is reported, never thrown: callers record it and carry on.
 */
export interface WebhookResult {
  delivered: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

export interface WebhookOptions {
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

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

export async function postJsonWithRetry(url: string, body: unknown, opts: WebhookOptions = {}): Promise<WebhookResult> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: WebhookResult = { delivered: false, attempts: 0 };
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'acr-geoplanner-webhook' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
      });
      if (res.ok) return { delivered: true, attempts: i, status: res.status };
      last = { delivered: false, attempts: i, status: res.status, error: `HTTP ${res.status}` };
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break; // not retryable
    } catch (e) {
      last = { delivered: false, attempts: i, error: (e as Error).message };
    }
    opts.log?.(`webhook ${url}: attempt ${i}/${attempts} failed (${last.error ?? 'unknown'})`);
    if (i < attempts) await sleep((opts.backoffMs ?? 250) * 2 ** (i - 1));
  }
  return last;
}
