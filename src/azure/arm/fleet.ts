/** Builds the fleet adapters (Resource Graph inventory, batched metrics) from the ARM client settings. */
import type { RegistryTopologyPort } from '../../app/ports/arm';
import type { ArmReadBudget } from '../../app/ports/inventory';
import { ArmClientFactory, type ArmClientSettings } from './clients';
import { ResourceGraphInventoryAdapter } from './inventory';
import { MonitorBatchPullMetricsAdapter } from './metrics-batch';

export { ResourceGraphInventoryAdapter, registriesFromRows, parseResetsAfter, INVENTORY_QUERY } from './inventory';
export { MonitorBatchPullMetricsAdapter, DEFAULT_METRICS_ENDPOINT_TEMPLATE, MAX_BATCH_RESOURCES } from './metrics-batch';

export interface FleetAdapters {
  inventory: ResourceGraphInventoryAdapter;
  batchMetrics: MonitorBatchPullMetricsAdapter;
}

export function createFleetAdapters(
  settings: ArmClientSettings,
  options: { metricsEndpointTemplate?: string; topology: () => RegistryTopologyPort; budget?: ArmReadBudget; sleep?: (ms: number) => Promise<void> },
): FleetAdapters {
  const clients = new ArmClientFactory(settings);
  return {
    inventory: new ResourceGraphInventoryAdapter({
      credential: () => clients.credential(),
      endpoint: clients.endpoint,
      scope: clients.scope,
      retry: clients.retry,
      topology: options.topology,
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    }),
    batchMetrics: new MonitorBatchPullMetricsAdapter({
      credential: () => clients.credential(),
      ...(options.metricsEndpointTemplate ? { endpointTemplate: options.metricsEndpointTemplate } : {}),
      retry: clients.retry,
    }),
  };
}
