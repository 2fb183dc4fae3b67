/**
 * ARM adapters: registry topology (arm-containerregistry) and pull metrics (arm-monitor).
 * SDKs and credentials are loaded on first use, not here.
 */
import { ArmClientFactory, type ArmClientSettings } from './clients';
import { AzureMonitorPullMetricsAdapter } from './metrics';
import type { ArmAdapters } from '../../app/ports/arm';
import { ArmRegistryTopologyAdapter } from './topology';
import { ArmRegistryWebhooksAdapter } from './webhooks';
import { ArmPermissionsAdapter } from './permissions';

export type { ArmClientSettings } from './clients';
export { ArmConfigurationError, DEFAULT_ARM_ENDPOINT, resolveEndpoint, staticTokenCredential } from './clients';
export { DEFAULT_RETRY_SETTINGS, type RetrySettings } from './pipeline';
export * from './errors';
export { parseRegistryResourceId } from './resource-id';
export { ArmRegistryTopologyAdapter, canonicalLocation } from './topology';
export { AzureMonitorPullMetricsAdapter, MAX_METRIC_DAYS } from './metrics';
export { ArmRegistryWebhooksAdapter } from './webhooks';

/**
 * Builds both ports. Cheap: validates the settings (throws ArmConfigurationError for a bad
 * ARM_ENDPOINT, or a local http endpoint without ARM_STATIC_TOKEN) but loads no SDK until first use.
 */
export function createArmAdapters(settings: ArmClientSettings = {}): ArmAdapters {
  const clients = new ArmClientFactory(settings);
  return {
    topology: new ArmRegistryTopologyAdapter(clients),
    metrics: new AzureMonitorPullMetricsAdapter(clients),
    webhooks: new ArmRegistryWebhooksAdapter(clients),
    permissions: new ArmPermissionsAdapter(clients),
  };
}
