/**
 * The plan executor's registry I/O on Azure Resource Manager (port:
 * PlanExecutorPort of src/app/ports/arm.ts): the live topology in its apply
 * view (only replicas whose provisioning succeeded count as existing, so a
 * failed create is retried, not mistaken for done) and one ARM call per plan action.
 */
import type { PlanAction } from '../../model/plan/types';
import type { Topology } from '../../model/types';
import { topologyFromLive } from '../../model/live';
import type { LiveRegistry, PlanExecutorPort, RegistryTopologyPort } from '../../app/ports/arm';

export function armPlanExecutor(port: RegistryTopologyPort, registryId: string): PlanExecutorPort {
  let lastLive: LiveRegistry | undefined;
  const replicaName = (region: string): string => lastLive?.replicas.find((r) => r.location === region)?.name ?? region;
  return {
    readLive: async (): Promise<Topology> => {
      lastLive = await port.getRegistry(registryId);
      return topologyFromLive(lastLive, { view: 'apply' });
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
