/**
 * The webhook sender port: one JSON POST with bounded retries. It never
 * throws: the outcome is returned for the caller to record, so a receiver
 * that is down can never undo or lose what was already stored.
 * Adapter: src/azure/webhook.ts.
 */

export interface WebhookOutcome {
  status: 'sent' | 'failed';
  attempts: number;
  httpStatus?: number;
  lastError?: string;
  at: string;
}

export interface WebhookSendOptions {
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

export type WebhookSender = (url: string, payload: unknown, opts: WebhookSendOptions) => Promise<WebhookOutcome>;
