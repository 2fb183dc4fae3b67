/** RegistryWebhooksPort over @azure/arm-containerregistry (api-version 2025-11-01: Webhooks_List, Webhooks_GetCallbackConfig, Webhooks_Create). */
import type { Webhook } from '@azure/arm-containerregistry';
import type { OperationOptions, RegistryWebhooksPort } from '../../app/ports/arm';
import type { LiveWebhook, WebhookSpec } from '../../model/plan/types';
import type { ArmClientFactory } from './clients';
import { InvalidArmRequestError } from './errors';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import { parseRegistryResourceId } from './resource-id';
import { canonicalLocation } from './topology';

const NAME_RE = /^[a-zA-Z0-9]{5,50}$/;

export function toLiveWebhook(w: Webhook, callback: { serviceUri: string; customHeaders?: Record<string, string> } | null): LiveWebhook {
  return {
    name: w.name ?? '',
    location: canonicalLocation(w.location),
    actions: [...(w.actions ?? [])],
    scope: w.scope ?? '',
    status: w.status === 'disabled' ? 'disabled' : 'enabled',
    serviceUri: callback?.serviceUri ?? null,
    // names only: header values are secrets and never leave this adapter
    customHeaderNames: Object.keys(callback?.customHeaders ?? {}).sort(),
  };
}

export class ArmRegistryWebhooksAdapter implements RegistryWebhooksPort {
  constructor(private readonly clients: ArmClientFactory) {}

  private call<T>(operation: string, resourceId: string, fn: () => Promise<T>): Promise<T> {
    return runWithCallContext(async (ctx) => {
      try {
        return await fn();
      } catch (e) {
        throw toAzureError(e, { operation, resourceId, call: ctx });
      }
    });
  }

  async listWebhooks(resourceId: string, options: OperationOptions & { withCallbackConfig?: boolean } = {}): Promise<LiveWebhook[]> {
    const id = parseRegistryResourceId(resourceId);
    return this.call('list webhooks', id.id, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      const req = options.abortSignal ? { abortSignal: options.abortSignal } : {};
      const out: LiveWebhook[] = [];
      for await (const w of client.webhooks.list(id.resourceGroup, id.name, req)) {
        const callback = options.withCallbackConfig && w.name ? await client.webhooks.getCallbackConfig(id.resourceGroup, id.name, w.name, req) : null;
        out.push(toLiveWebhook(w, callback));
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async createWebhook(resourceId: string, webhook: WebhookSpec, options: OperationOptions = {}): Promise<void> {
    const id = parseRegistryResourceId(resourceId);
    if (!NAME_RE.test(webhook.name)) throw new InvalidArmRequestError(`Webhook name '${webhook.name}' is invalid (5-50 letters and digits).`);
    await this.call(`create webhook ${webhook.name}`, id.id, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      await client.webhooks
        .create(
          id.resourceGroup,
          id.name,
          webhook.name,
          { location: canonicalLocation(webhook.location), serviceUri: webhook.serviceUri, actions: webhook.actions, scope: webhook.scope, status: webhook.status },
          {
            ...(this.clients.lroPollIntervalMs !== undefined ? { updateIntervalInMs: this.clients.lroPollIntervalMs } : {}),
            ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
          },
        )
        .pollUntilDone();
    });
  }
}
