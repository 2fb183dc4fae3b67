import type { ReplicaSpec, Topology } from '../../../src/model/types';
import { approve, createPlan } from '../../../src/model/plan/state';
import type { ExecutorPort, LiveTopology, Plan, PlanAction, PlanStep } from '../../../src/model/plan/types';

export const REGISTRY_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contoso';

export const T0 = new Date('2026-01-10T10:00:00.000Z');

export function rep(region: string, regionEndpointEnabled = true, zoneRedundancy = false): ReplicaSpec {
  return { region, regionEndpointEnabled, zoneRedundancy };
}

export function topo(sku: Topology['sku'], replicas: ReplicaSpec[], homeRegion = 'westus'): Topology {
  return { homeRegion, sku, replicas };
}

export function makePlan(current: Topology, target: Topology, allowDeletes = true, extra: Partial<Parameters<typeof createPlan>[0]> = {}): Plan {
  return createPlan({
    id: 'plan-1',
    registryId: REGISTRY_ID,
    registryName: 'contoso',
    requester: 'alice@contoso.com',
    current,
    target,
    allowDeletes,
    now: T0,
    costBefore: { monthlyTotal: 50, currency: 'USD' },
    costAfter: { monthlyTotal: 200, currency: 'USD' },
    priceAsOf: '2026-01-01',
    ...extra,
  });
}

export function approved(plan: Plan): Plan {
  return approve(plan, { actor: 'bob@contoso.com', now: new Date(T0.getTime() + 60_000) });
}

/** A fake registry: perform mutates the topology; failures can be injected per action id. */
export class FakeRegistry implements ExecutorPort {
  live: LiveTopology;
  readonly performed: string[] = [];
  readonly recorded: PlanStep[] = [];
  readonly log: string[] = [];
  failOnce = new Set<string>();
  private clock = T0.getTime() + 3600_000;

  constructor(initial: LiveTopology) {
    this.live = structuredClone(initial);
  }

  async readLive(): Promise<LiveTopology> {
    this.log.push('readLive');
    return structuredClone(this.live);
  }

  async perform(action: PlanAction): Promise<void> {
    this.log.push(`perform:${action.id}`);
    if (this.failOnce.has(action.id)) {
      this.failOnce.delete(action.id);
      throw new Error(`injected failure on ${action.id}`);
    }
    const t = this.live;
    switch (action.kind) {
      case 'upgradeSku':
        t.sku = action.to;
        break;
      case 'createReplica':
        if (t.replicas.some((r) => r.region === action.region)) throw new Error(`replica ${action.region} already exists`);
        if ((t.broken ?? []).some((r) => r.region === action.region)) throw new Error(`replica ${action.region} exists (broken): delete it first`);
        if (t.sku !== 'Premium') throw new Error('geo-replication requires Premium');
        t.replicas.push({ ...action.to });
        break;
      case 'updateReplica': {
        const r = t.replicas.find((x) => x.region === action.region);
        if (!r) throw new Error(`replica ${action.region} not found`);
        r.regionEndpointEnabled = action.to.regionEndpointEnabled;
        break;
      }
      case 'deleteReplica': {
        const b = (t.broken ?? []).findIndex((x) => x.region === action.region);
        if (b >= 0) {
          t.broken!.splice(b, 1);
          if (t.broken!.length === 0) delete t.broken;
          break;
        }
        const i = t.replicas.findIndex((x) => x.region === action.region);
        if (i < 0) throw new Error(`replica ${action.region} not found`);
        t.replicas.splice(i, 1);
        break;
      }
    }
    this.performed.push(action.id);
  }

  async recordStep(step: PlanStep): Promise<void> {
    this.log.push(`record:${step.actionId}:${step.status}`);
    this.recorded.push(step);
  }

  now(): Date {
    this.clock += 1000;
    return new Date(this.clock);
  }
}
