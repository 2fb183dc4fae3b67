/** The plan store: port, errors, adapters and settings (the Azurite launcher is devhost/azurite.ts). */
import { AzureStoragePlanStore } from './azure-storage';
import type { PlanStoreSettings } from './config';
import { StoreUnavailableError } from './errors';
import { InMemoryPlanStore } from './memory';
import type { PlanStore } from '../../app/ports/plan-store';

export * from './errors';
export { InMemoryPlanStore } from './memory';
export { AzureStoragePlanStore } from './azure-storage';
export type { AzureStorageClients, AzureStoragePlanStoreOptions } from './azure-storage';
export * from './config';
export { devConnectionString } from './dev-storage';

/** Builds the plan store the settings ask for (section storage.planStore of src/settings.ts). No I/O until first use. */
export function createPlanStore(s: PlanStoreSettings): PlanStore {
  if (s.backend === 'memory') return new InMemoryPlanStore();
  if (!s.connection) {
    throw new StoreUnavailableError(
      `no plan storage configured: set ${s.connectionName} (a connection string or UseDevelopmentStorage=true), ` +
        `${s.connectionName}__accountName for a managed identity, or PLAN_STORE=memory`,
    );
  }
  return new AzureStoragePlanStore({
    connection: s.connection,
    tableName: s.tableName,
    containerName: s.containerName,
    lockContainerName: s.lockContainerName,
  });
}
