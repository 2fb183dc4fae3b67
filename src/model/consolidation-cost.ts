/**
 * Today's cost of several registries (#17), each priced as it is (its SKU, its replicas, its own
 * StorageUsed), with each workload pulling from the registry location nearest to it (as per-region
 * deployment configurations do today: the lowest-latency location among all the registries).
 */
import type { Catalog } from './catalog';
import { workloadId } from './cost';
import { buildEstimate } from './estimate';
import type { PriceBook, Topology, Workload } from './types';

export interface RegistryToPrice {
  id: string;
  name: string;
  topology: Topology;
  storageGiB: number | null;
}

export type EstimateAnswer = ReturnType<typeof buildEstimate>;
export type MonthlyCost = EstimateAnswer['monthlyCost'];

export interface CurrentCosts {
  registries: Array<{ id: string; name: string; workloads: string[]; estimate: EstimateAnswer }>;
  monthlyCost: MonthlyCost;
}

function locations(t: Topology): string[] {
  return [t.homeRegion, ...t.replicas.map((r) => r.region)];
}

const sumOrNull = (xs: Array<number | null>): number | null => (xs.some((x) => x === null) ? null : Math.round((xs as number[]).reduce((a, b) => a + b, 0) * 100) / 100);

export function currentCosts(registries: readonly RegistryToPrice[], workloads: readonly Workload[], catalog: Catalog, prices: PriceBook): CurrentCosts {
  // Which registry owns each location (the first listed, when two share a region).
  const owner = new Map<string, string>();
  for (const r of registries) for (const l of locations(r.topology)) if (!owner.has(l)) owner.set(l, r.id);
  const first = registries[0];
  const byRegistry = new Map<string, Workload[]>(registries.map((r) => [r.id, []]));
  if (first && workloads.length > 0) {
    const all = [...owner.keys()];
    const union: Topology = {
      homeRegion: all[0] ?? first.topology.homeRegion,
      sku: 'Premium',
      replicas: all.slice(1).map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })),
    };
    const served = buildEstimate({ topology: union, storageGiB: 0, workloads: [...workloads] }, catalog, prices);
    const servingLocation = new Map<string, string>();
    for (const l of served.locations) for (const w of l.servesWorkloads) servingLocation.set(w, l.region);
    for (const w of workloads) {
      const loc = servingLocation.get(workloadId(w.site));
      const id = (loc !== undefined ? owner.get(loc) : undefined) ?? first.id;
      byRegistry.get(id)?.push(w);
    }
  }
  const out = registries.map((r) => {
    const ws = byRegistry.get(r.id) ?? [];
    return {
      id: r.id,
      name: r.name,
      workloads: ws.map((w) => workloadId(w.site)),
      estimate: buildEstimate({ topology: r.topology, storageGiB: r.storageGiB, workloads: ws }, catalog, prices, { registryId: r.id }),
    };
  });
  const costs = out.map((o) => o.estimate.monthlyCost);
  return {
    registries: out,
    monthlyCost: {
      total: sumOrNull(costs.map((c) => c.total)),
      totalKnown: sumOrNull(costs.map((c) => c.totalKnown)) ?? 0,
      registryUnits: sumOrNull(costs.map((c) => c.registryUnits)),
      storage: sumOrNull(costs.map((c) => c.storage)),
      dataTransfer: sumOrNull(costs.map((c) => c.dataTransfer)),
      unknown: [...new Set(costs.flatMap((c) => c.unknown))],
    },
  };
}
