/** The plan store: port, errors, adapters and settings (the Azurite launcher is devhost/azurite.ts). */
import { AzureStoragePlanStore } from './azure-storage';
import { readPlanStoreSettings } from './config';
import { StoreUnavailableError } from './errors';
import { InMemoryPlanStore } from './memory';
import type { PlanStore } from './types';

export * from './types';
export * from './errors';
export { InMemoryPlanStore } from './memory';
export { AzureStoragePlanStore } from './azure-storage';
export type { AzureStorageClients, AzureStoragePlanStoreOptions } from './azure-storage';
export * from './config';
export { devConnectionString } from './dev-storage';

/** Builds the plan store the settings ask for (see config.ts). No I/O until first use. */
export function createPlanStore(env: Record<string, string | undefined> = process.env): PlanStore {
  const s = readPlanStoreSettings(env);
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
export { withRegistryLock } from './lock';
export type { HeldLock, WithLockOptions } from './lock';
export { applyStoredPlan } from './apply';
export type { ApplyStoredPlanOptions, ApplyStoredPlanResult } from './apply';
