/** ARM sandbox: registry webhooks and the caller's permissions (network.ts, webhooks.ts). */
import { PERMISSIONS_API_VERSION } from '../network';
import { ACR_API_VERSION, requireApiVersion } from './common';
import { getRegistry } from './registries';
import type { ArmHandler } from './routes';

const webhookHandler: ArmHandler = (ctx, { kind, method, query, body, sub, rg, name, child }) => {
  requireApiVersion(query, ACR_API_VERSION, 'registries/webhooks');
  const r = getRegistry(ctx, sub, rg, name);
  const locations = [r.location, ...[...r.replicas.values()].filter((x) => x.provisioningState === 'Succeeded').map((x) => x.location)];
  return ctx.webhooks.handle(kind, method, r, child, body, locations);
};

export const WEBHOOK_NETWORK_HANDLERS: Record<string, ArmHandler> = {
  permissions(ctx, { method, query, sub, rg, name }) {
    requireApiVersion(query, PERMISSIONS_API_VERSION, 'permissions');
    if (method !== 'GET') return undefined;
    return ctx.network.permissions(getRegistry(ctx, sub, rg, name));
  },
  webhooks: webhookHandler,
  webhook: webhookHandler,
  webhookCallback: webhookHandler,
};
