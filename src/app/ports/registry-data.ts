/**
 * The registry data-plane port (#17): what a registry holds — repositories, tags, digests and,
 * where the registry reports them, sizes — read through the registry's own endpoint
 * (<name>.azurecr.io), not ARM. Adapter: src/azure/registry-data (@azure/container-registry).
 */
import type { RegistryInventory } from '../../model/consolidation';

export type { RegistryInventory, InventoryRepository, InventoryTag } from '../../model/consolidation';

export interface RegistryDataPort {
  /**
   * Every repository of the registry with its tags (digest, size in bytes or null when unknown).
   * Throws (AppError) when the data plane cannot be read: no access, network, throttling.
   */
  inventory(loginServer: string, options?: { abortSignal?: AbortSignal }): Promise<RegistryInventory>;
}
