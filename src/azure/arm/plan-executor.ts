/**
 * The plan executor's registry I/O on Azure Resource Manager: live topology
 * (only replicas whose provisioning succeeded count as existing, so a failed
 * create is retried, not mistaken for done) and one ARM call per plan action.
 */
import type { PlanAction } from '../../model/plan/types';
import type { Topology } from '../../model/types';
import type { LiveRegistry, RegistryTopologyPort } from './ports';

export function liveTopologyForApply(live: LiveRegistry): Topology {
  return {
    homeRegion: live.location,
    sku: live.sku,
    homeZoneRedundancy: live.zoneRedundancy,
    replicas: live.replicas
      .filter((r) => r.location !== live.location && (r.provisioningState === null || r.provisioningState === 'Succeeded'))
      .map((r) => ({ region: r.location, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}

export function armPlanExecutor(port: RegistryTopologyPort, registryId: string) {
  let lastLive: LiveRegistry | undefined;
  const replicaName = (region: string): string => lastLive?.replicas.find((r) => r.location === region)?.name ?? region;
  return {
    readLive: async (): Promise<Topology> => {
      lastLive = await port.getRegistry(registryId);
      return liveTopologyForApply(lastLive);
    },
    perform: async (action: PlanAction): Promise<void> => {
      switch (action.kind) {
        case 'upgradeSku':
          await port.updateSku(registryId, action.to);
          return;
        case 'createReplica':
          await port.createReplica(registryId, {
            location: action.region,
            regionEndpointEnabled: action.to.regionEndpointEnabled,
            zoneRedundancy: action.to.zoneRedundancy,
          });
          return;
        case 'updateReplica':
          await port.updateReplica(registryId, replicaName(action.region), { regionEndpointEnabled: action.to.regionEndpointEnabled });
          return;
        case 'deleteReplica':
          await port.deleteReplica(registryId, replicaName(action.region));
          return;
      }
    },
  };
}
