/**
 * The push section of an answer (issue #14): for every place CI pushes from
 * (pushRegions), the location its pushes land in (Traffic Manager's rule, as
 * for pulls), their monthly transfer (billed by the push site's continent),
 * whether a replica in the push region would pay, and the split-push
 * warning of the geo-replication article. Pure: no I/O.
 */
import type { Catalog } from './catalog';
import { locationsOf, monthlyCost, pushRate, rankLocations, type CostBreakdown, type CostInput, type PushCost } from './cost';
import { money } from './estimate';
import type { PriceBook, PushSite, Topology, WorkloadSite } from './types';
import type { UflInstance } from './ufl';

/**
 * ms: when, seen from a push site, the two closest enabled locations are
 * within this many ms of each other (P50 round trip), DNS resolution per
 * request can pick either, so a push may split across the two (the article's
 * Linux-host effect). 5 ms is below the jitter of a P50 measurement between
 * nearby regions, so the two are effectively tied for Traffic Manager.
 */
export const SPLIT_PUSH_MARGIN_MS = 5;

export interface SplitPush {
  /** The two closest enabled locations as seen from the push site, with their latency in ms. */
  closest: { location: string; latencyMs: number }[];
  differenceMs: number;
  warning: string;
}

export interface ReplicaHere {
  region: string;
  /** monthlyCost(T) − monthlyCost(T + a replica in `region`), currency per month; null when unknown. */
  monthlyValue: number | null;
  /** The same, without storage overage (when storage is unknown); an upper bound of monthlyValue. */
  monthlyValueBeforeStorage: number | null;
  pays: boolean | null;
}

export interface PushRegionReport {
  id: string;
  kind: 'azure' | 'external';
  region?: string;
  name?: string;
  servedBy: string | null;
  latencyMs: number | null;
  /** An enabled location (home or replica) in the push site's own region: pushes stay in-region. */
  inRegionReplica: boolean;
  pushGBPerMonth: number | null;
  ratePerGB: number | null;
  rateBasis: string;
  /** currency per month; null when pushGBPerMonth is unknown. */
  monthlyTransfer: number | null;
  /** The economics of a replica in the push region (Azure push sites without an in-region location). */
  replicaInPushRegion?: ReplicaHere;
  splitPush: SplitPush | null;
  advice: string;
}

export interface PushSection {
  /** currency per month; null when a push volume is unknown. */
  monthlyTransfer: number | null;
  splitPushMarginMs: number;
  regions: PushRegionReport[];
  warnings: string[];
  assumptions: string[];
}

export const PUSH_ASSUMPTIONS: readonly string[] = [
  'Pushes follow Traffic Manager like pulls: each lands in the lowest-latency enabled location as seen from the push site; replication to the other locations is not billed.',
  "A push into a location outside the push site's region is inter-region transfer billed by the push site's (the source's) continent; pushes from outside Azure are inbound transfer (ingress), which Azure does not bill.",
  `Split push: when the two closest enabled locations are within ${SPLIT_PUSH_MARGIN_MS} ms of each other as seen from a push site, a Linux host can resolve a different replica between layer pushes (DNS per request), so layers and manifest can land in two replicas.`,
];

const fmt = (x: number, currency: string) => `${x.toFixed(2)} ${currency}`;

/** The split-push risk of one site, or null when pushes stay in-region or the two closest are far apart. */
export function splitPushOf(site: WorkloadSite, topology: Topology, catalog: Catalog, prices: PriceBook, registryName = '<registry>'): SplitPush | null {
  const { enabled } = locationsOf(topology);
  if (site.kind === 'azure' && enabled.includes(site.region)) return null;
  const ranked = rankLocations(site, enabled, catalog, prices).filter((r) => r.latency.ms !== null);
  const [a, b] = ranked;
  if (!a || !b || a.latency.ms === null || b.latency.ms === null) return null;
  const diff = b.latency.ms - a.latency.ms;
  if (diff > SPLIT_PUSH_MARGIN_MS) return null;
  const from = site.kind === 'azure' ? site.region : site.name;
  // Only a replica's routing can be disabled (the home location always takes traffic).
  const toDisable = b.region !== topology.homeRegion ? b.region : a.region;
  const here = site.kind === 'azure' ? `a replica in the push-source region ${site.region}` : 'a replica in the Azure region nearest the push site';
  return {
    closest: [
      { location: a.region, latencyMs: a.latency.ms },
      { location: b.region, latencyMs: b.latency.ms },
    ],
    differenceMs: diff,
    warning:
      `Pushes from ${from} may split across ${a.region} (${a.latency.ms} ms) and ${b.region} (${b.latency.ms} ms): they are within ${SPLIT_PUSH_MARGIN_MS} ms, so a Linux host can resolve a different replica between layer pushes and the layers and manifest land in two replicas; the push can fail or be slow until replication catches up. ` +
      `Mitigations: put ${here}; or disable routing to one of them while pushing: az acr replication update --registry ${registryName} --name ${toDisable} --region-endpoint-enabled false (set it back to true afterwards; the replica keeps syncing and is still billed).`,
  };
}

/** monthlyCost(T) − monthlyCost(T + replica in `region`): what such a replica saves net of its own cost. */
function replicaHere(region: string, input: CostInput, base: CostBreakdown, catalog: Catalog, prices: PriceBook): ReplicaHere {
  const topology: Topology = { ...input.topology, sku: 'Premium', replicas: [...input.topology.replicas, { region, regionEndpointEnabled: true, zoneRedundancy: false }] };
  const withIt = monthlyCost({ ...input, topology }, catalog, prices);
  const known = (b: CostBreakdown) => (b.registryUnits === null || b.dataTransfer === null || b.pushTransfer === null ? null : b.registryUnits + b.dataTransfer + (b.pushTransfer ?? 0));
  const a = known(base);
  const b = known(withIt);
  const beforeStorage = a === null || b === null ? null : a - b;
  const value = base.total === null || withIt.total === null ? null : base.total - withIt.total;
  const decisive = value ?? beforeStorage;
  return {
    region,
    monthlyValue: value === null ? null : money(value),
    monthlyValueBeforeStorage: beforeStorage === null ? null : money(beforeStorage),
    pays: value !== null ? value > 0 : decisive !== null && decisive <= 0 ? false : null,
  };
}

function adviceOf(p: PushCost, report: Omit<PushRegionReport, 'advice'>, currency: string): string {
  const parts: string[] = [];
  if (report.inRegionReplica) parts.push(`pushes land in-region (${p.servedBy}): no push transfer and no split-push risk`);
  else if (p.kind === 'external') parts.push(`pushes from outside Azure enter ${p.servedBy ?? 'an unknown location'}${p.latencyMs !== null ? ` (${p.latencyMs} ms)` : ''}: ingress is not billed`);
  else {
    parts.push(
      `no replica in ${p.region}: pushes go to ${p.servedBy ?? 'an unknown location'}${p.latencyMs !== null ? ` (${p.latencyMs} ms)` : ''}` +
        (report.monthlyTransfer === null ? ' and their transfer is unknown (give pushGBPerMonth)' : ` at ${report.ratePerGB ?? '?'} ${currency}/GB = ${fmt(report.monthlyTransfer, currency)}/month`),
    );
    const r = report.replicaInPushRegion;
    if (r?.pays === true) parts.push(`a replica in ${r.region} pays: it saves ${fmt(r.monthlyValue ?? 0, currency)}/month net of its own cost (push and pull transfer together); add it`);
    else if (r?.pays === false) {
      const v = r.monthlyValue ?? r.monthlyValueBeforeStorage ?? 0;
      parts.push(`a replica in ${r.region} does not pay: it would cost ${fmt(-v, currency)}/month more than the transfer it saves; the article still advises a replica in the push-source region for reliable pushes`);
    } else if (r) parts.push(`whether a replica in ${r.region} pays is unknown (a volume is unknown)`);
  }
  if (report.splitPush) parts.push('split-push risk: see splitPush.warning');
  return `${parts.join('; ')}.`;
}

/** The push section of an estimate; undefined when the request gives no push sites. */
export function pushSectionOf(input: CostInput, breakdown: CostBreakdown, catalog: Catalog, prices: PriceBook, opts: { registryName?: string } = {}): PushSection | undefined {
  const pushes = breakdown.pushes;
  if (!pushes || !input.pushes?.length) return undefined;
  const { all, enabled } = locationsOf(input.topology);
  const regions = pushes.map((p, i): PushRegionReport => {
    const site = input.pushes?.[i]?.site ?? { kind: 'azure' as const, region: p.region ?? '' };
    const inRegion = p.kind === 'azure' && p.region !== undefined && enabled.includes(p.region);
    const candidate = p.kind === 'azure' && p.region !== undefined && !all.includes(p.region) && catalog.get(p.region)?.restricted !== true ? p.region : undefined;
    const report: Omit<PushRegionReport, 'advice'> = {
      id: p.id,
      kind: p.kind,
      ...(p.region !== undefined ? { region: p.region } : { name: p.name }),
      servedBy: p.servedBy,
      latencyMs: p.latencyMs,
      inRegionReplica: inRegion,
      pushGBPerMonth: p.pushGBPerMonth,
      ratePerGB: p.ratePerGB,
      rateBasis: p.rateBasis,
      monthlyTransfer: p.cost === null ? null : money(p.cost),
      ...(candidate ? { replicaInPushRegion: replicaHere(candidate, input, breakdown, catalog, prices) } : {}),
      splitPush: splitPushOf(site, input.topology, catalog, prices, opts.registryName),
    };
    return { ...report, advice: adviceOf(p, report, prices.currency) };
  });
  return {
    monthlyTransfer: breakdown.pushTransfer === null || breakdown.pushTransfer === undefined ? null : money(breakdown.pushTransfer),
    splitPushMarginMs: SPLIT_PUSH_MARGIN_MS,
    regions,
    warnings: regions.flatMap((r) => (r.splitPush ? [r.splitPush.warning] : [])),
    assumptions: [...PUSH_ASSUMPTIONS],
  };
}

// ---------------------------------------------------------------------------
// Pushes in the optimiser: each push site is one more client of the facility-
// location instance, with Traffic Manager's preference order (as for pulls)
// and the cost of its pushes into each facility (billed by the push site's
// continent). Exact: a push's cost depends only on the location serving it.

/**
 * The instance with one client appended per push site (after the workloads).
 * Side constraints stay about the workloads: in coverage a push client has
 * weight 0; in redundancy its set is every facility (at least `min` open in
 * total, which every workload's own set already implies).
 */
export function withPushClients(instance: UflInstance, facilities: readonly string[], pushes: readonly PushSite[] | undefined, catalog: Catalog, prices: PriceBook): UflInstance {
  if (!pushes?.length) return instance;
  const n = instance.nFacilities;
  const m = instance.nClients;
  const k = pushes.length;
  const m2 = m + k;
  const index = new Map(facilities.map((f, i) => [f, i]));
  const cost = new Float64Array(n * m2);
  for (let i = 0; i < n; i++) cost.set(instance.cost.subarray(i * m, i * m + m), i * m2);
  const prefs: number[][] = (instance.prefs ?? []).map((p) => [...p]);
  pushes.forEach((p, q) => {
    const ranked = rankLocations(p.site, facilities, catalog, prices);
    prefs.push(ranked.map((r) => index.get(r.region) ?? -1));
    for (const r of ranked) {
      const i = index.get(r.region);
      const target = catalog.get(r.region);
      if (i === undefined || !target) continue;
      const rate = pushRate(p.site, target, catalog, prices).ratePerGB;
      // Unknown volume: optimised without it (the recommender warns), as for pulls.
      cost[i * m2 + m + q] = (p.pushGBPerMonth ?? 0) * (Number.isFinite(rate) ? rate : 0);
    }
  });
  const everyFacility = Array.from({ length: n }, (_, i) => i);
  const out: UflInstance = { ...instance, nClients: m2, cost, prefs };
  if (instance.coverage) {
    out.coverage = { ...instance.coverage, sets: [...instance.coverage.sets, ...pushes.map(() => everyFacility)], weights: [...instance.coverage.weights, ...pushes.map(() => 0)] };
  }
  if (instance.redundancy) {
    out.redundancy = { ...instance.redundancy, sets: [...instance.redundancy.sets, ...pushes.map(() => everyFacility)] };
  }
  return out;
}
