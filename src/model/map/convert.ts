/**
 * From the planner's answers to a map input: an estimate (request resolved
 * to domain values, or its response) and a recommendation output. The shapes
 * are structural, so a recommendation a client posts back (validated by
 * src/schemas/map.ts) converts the same way as one built in-process.
 */
import type { Catalog } from '../catalog';
import type { CostInput } from '../cost';
import { buildEstimate, type EstimateOptions } from '../estimate';
import type { PriceBook, ReplicaSpec, Sku, Topology } from '../types';
import type { MapCost, MapWorkload, ReplicationMapInput } from './types';

/** A topology as the API presents it (`presentTopology`), or as a client sends it back. */
export interface TopologyLike {
  homeRegion: string;
  sku?: string;
  homeZoneRedundancy?: boolean;
  replicas: { region: string; regionEndpointEnabled?: boolean; zoneRedundancy?: boolean }[];
}

/** A workload line of an estimate response (`workloads[]`). */
export interface WorkloadCostLike {
  id: string;
  kind?: 'azure' | 'external' | string;
  region?: string;
  latitude?: number;
  longitude?: number;
  servedBy: string | null;
  pullGBPerMonth: number | null;
  latencyMs?: number | null;
}

export interface MonthlyCostLike {
  total: number | null;
  totalKnown?: number;
  unknown?: string[];
}

export interface EstimateLike {
  currency: string;
  prices: { asOf: string };
  topology: TopologyLike;
  monthlyCost: MonthlyCostLike;
  workloads: WorkloadCostLike[];
}

export interface RecommendationLike {
  currency: string;
  prices: { asOf: string };
  current: { topology: TopologyLike; monthlyCost?: MonthlyCostLike };
  recommended: { topology: TopologyLike; monthlyCost?: MonthlyCostLike; estimate?: { workloads?: WorkloadCostLike[] } };
}

const SKU_NAMES: readonly string[] = ['Basic', 'Standard', 'Premium'];

export function toTopology(t: TopologyLike): Topology {
  const replicas: ReplicaSpec[] = t.replicas.map((r) => ({
    region: r.region,
    regionEndpointEnabled: r.regionEndpointEnabled !== false,
    zoneRedundancy: r.zoneRedundancy === true,
  }));
  const sku = (t.sku && SKU_NAMES.includes(t.sku) ? t.sku : 'Premium') as Sku;
  return { homeRegion: t.homeRegion, sku: replicas.length > 0 ? 'Premium' : sku, homeZoneRedundancy: t.homeZoneRedundancy === true, replicas };
}

/** Map workloads from estimate workload lines: Azure workloads at their region's coordinates; others at their point. */
export function toMapWorkloads(lines: readonly WorkloadCostLike[], catalog: Catalog): MapWorkload[] {
  return lines.flatMap((w) => {
    const region = w.region !== undefined ? catalog.get(w.region) : undefined;
    const lat = region ? region.latitude : (w.latitude ?? null);
    const lon = region ? region.longitude : (w.longitude ?? null);
    if (lat === null || lon === null) return [];
    return [
      {
        id: w.id,
        ...(region ? { region: region.name } : {}),
        latitude: lat,
        longitude: lon,
        servedBy: w.servedBy,
        pullGBPerMonth: w.pullGBPerMonth,
        ...(w.latencyMs !== undefined ? { latencyMs: w.latencyMs } : {}),
      },
    ];
  });
}

const cost = (c: MonthlyCostLike | undefined): MapCost | undefined =>
  c === undefined ? undefined : { total: c.total, ...(c.totalKnown !== undefined ? { totalKnown: c.totalKnown } : {}), ...(c.unknown ? { unknown: c.unknown } : {}) };

/** The map of one topology, from an estimate response (POST /api/estimate's answer). */
export function mapInputFromEstimate(estimate: EstimateLike, catalog: Catalog): ReplicationMapInput {
  const c = cost(estimate.monthlyCost);
  return {
    current: toTopology(estimate.topology),
    workloads: toMapWorkloads(estimate.workloads, catalog),
    ...(c !== undefined ? { costBefore: c } : {}),
    currency: estimate.currency,
    pricesAsOf: estimate.prices.asOf,
  };
}

/** The map of a topology from an estimate request already resolved to domain values (prices the estimate first). */
export function mapInputFromEstimateRequest(input: CostInput, catalog: Catalog, prices: PriceBook, opts: EstimateOptions = {}): ReplicationMapInput {
  return mapInputFromEstimate(buildEstimate(input, catalog, prices, opts), catalog);
}

/** Current vs recommended, from a recommendation (POST /api/recommendations' answer); workloads as served by the recommended topology. */
export function mapInputFromRecommendation(rec: RecommendationLike, catalog: Catalog): ReplicationMapInput {
  const before = cost(rec.current.monthlyCost);
  const after = cost(rec.recommended.monthlyCost);
  return {
    current: toTopology(rec.current.topology),
    recommended: toTopology(rec.recommended.topology),
    workloads: toMapWorkloads(rec.recommended.estimate?.workloads ?? [], catalog),
    ...(before !== undefined ? { costBefore: before } : {}),
    ...(after !== undefined ? { costAfter: after } : {}),
    currency: rec.currency,
    pricesAsOf: rec.prices.asOf,
  };
}
