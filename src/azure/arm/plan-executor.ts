/**
 * The plan executor's registry I/O on Azure Resource Manager (port:
 * PlanExecutorPort of src/app/ports/arm.ts): the live topology in the one plan
 * view (model/live.ts liveTopology: broken replicas apart, the same view plan
 * creation used) and one ARM call per plan action. A create that finds its
 * replica broken (a create of this same plan that failed in an earlier run)
 * deletes it first: ARM does not repair a Failed replica by a second PUT.
 */
import type { LiveTopology, PlanAction } from '../../model/plan/types';
import { DEFAULT_STUCK_AFTER_MINUTES, liveTopology, replicaBreakage } from '../../model/live';
import type { LiveRegistry, PlanExecutorPort, RegistryTopologyPort, RegistryWebhooksPort } from '../../app/ports/arm';

export interface ArmPlanExecutorOptions {
  now?: () => Date;
  /** A replica in a transition longer than this is broken (default DEFAULT_STUCK_AFTER_MINUTES). */
  stuckAfterMinutes?: number;
  /** Webhooks: read with the live topology (which webhook creates are done) and created by createWebhook actions. */
  webhooks?: RegistryWebhooksPort;
}

export function armPlanExecutor(port: RegistryTopologyPort, registryId: string, options: ArmPlanExecutorOptions = {}): PlanExecutorPort {
  const now = options.now ?? (() => new Date());
  const stuckAfterMinutes = options.stuckAfterMinutes ?? DEFAULT_STUCK_AFTER_MINUTES;
  let lastLive: LiveRegistry | undefined;
  const replica = (region: string) => lastLive?.replicas.find((r) => r.location === region);
  const replicaName = (region: string): string => replica(region)?.name ?? region;
  return {
    readLive: async (readOptions?: { webhooks?: boolean }): Promise<LiveTopology> => {
      lastLive = await port.getRegistry(registryId);
      const t = liveTopology(lastLive, { now: now(), stuckAfterMinutes });
      if (options.webhooks && readOptions?.webhooks) t.webhooks = (await options.webhooks.listWebhooks(registryId)).map((w) => ({ name: w.name, location: w.location }));
      return t;
    },
    replicaStatuses: async () => (await port.getRegistry(registryId)).replicas.map((r) => ({ region: r.location, displayStatus: r.displayStatus, provisioningState: r.provisioningState })),
    perform: async (action: PlanAction): Promise<void> => {
      switch (action.kind) {
        case 'upgradeSku':
          await port.updateSku(registryId, action.to);
          return;
        case 'createReplica': {
          const existing = replica(action.region);
          if (existing && replicaBreakage(existing, now(), stuckAfterMinutes)) await port.deleteReplica(registryId, existing.name);
          await port.createReplica(registryId, {
            location: action.region,
            regionEndpointEnabled: action.to.regionEndpointEnabled,
            zoneRedundancy: action.to.zoneRedundancy,
          });
          return;
        }
        case 'updateReplica':
          await port.updateReplica(registryId, replicaName(action.region), { regionEndpointEnabled: action.to.regionEndpointEnabled });
          return;
        case 'deleteReplica':
          await port.deleteReplica(registryId, replicaName(action.region));
          // The replica is gone: a following re-create must not delete it again.
          if (lastLive) lastLive = { ...lastLive, replicas: lastLive.replicas.filter((r) => r.location !== action.region) };
          return;
        case 'createWebhook':
          if (!options.webhooks) throw new Error(`webhook ${action.webhook.name} cannot be created: this host has no webhook adapter`);
          await options.webhooks.createWebhook(registryId, action.webhook);
          return;
      }
    },
  };
}
