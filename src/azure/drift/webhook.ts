/**
 * The per-run drift webhook: the shared JSON webhook sender (src/azure/webhook.ts),
 * labelled for the drift job. A failing receiver cannot lose the stored reports.
 */
import { postWebhook as post } from '../webhook';
import type { WebhookSendOptions as SenderOptions } from '../../app/ports/webhook';
import type { DriftWebhookOutcome } from '../../app/ports/drift';

export type WebhookOptions = Omit<SenderOptions, 'label' | 'userAgent' | 'onGiveUp'>;

export function postWebhook(url: string, payload: unknown, opts: WebhookOptions): Promise<DriftWebhookOutcome> {
  return post(url, payload, { ...opts, label: 'drift webhook', userAgent: 'acr-geoplanner-drift', onGiveUp: 'The reports are stored.' });
}
