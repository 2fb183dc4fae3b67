/**
 * The cost model of DESIGN §2, exactly:
 *   fee      = Σ_{l∈L} unitPrice(sku, l) × D            (D = 730/24 days)
 *   storage  = Σ_{l∈L} max(0, S − included(sku)) × storagePrice
 *   egress   = Σ_w V_w × rate(s(w), w)
 * where s(w) is the enabled location with the lowest RTT measured from w
 * (ties: lower transfer rate, then region name). Pure: no I/O.
 */
import { pricingGroup, type Catalog } from './catalog';
import type { Latency, PriceBook, PushSite, Region, Sku, Topology, Workload, WorkloadSite } from './types';

export const HOURS_PER_MONTH = 730;

/**
 * A computed figure, or null when it is not a finite number (an overflow to
 * Infinity, or NaN): such a figure is unknown, listed in `unknown`, never
 * shown as 0. Request bounds (src/schemas/common.ts LIMITS) keep every
 * product finite; this is the model's own guarantee.
 */
export function finiteOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Any replica forces Premium (geo-replication is a Premium feature). */
export function effectiveSku(topology: Topology): Sku {
  return topology.replicas.length > 0 ? 'Premium' : topology.sku;
}

/** Registry-unit fee of one location for a month, in the price book's currency. */
export function locationFee(sku: Sku, region: string, prices: PriceBook): number {
  const perDay = prices.regionOverrides[region]?.[sku] ?? prices.registryUnitPerDay[sku];
  return perDay * DAYS_PER_MONTH;
}

/** Storage overage of one location for a month (each location holds a full copy); null when S is unknown. */
export function locationStorage(sku: Sku, storageGiB: number | null, prices: PriceBook): number | null {
  if (storageGiB === null) return null;
  return Math.max(0, storageGiB - prices.includedStorageGiB[sku]) * prices.storageOveragePerGiBMonth;
}

export interface TransferRate {
  /** Currency per GB. */
  ratePerGB: number;
  basis: string;
}

/** Rate of moving a pull from location `source` to workload `site` (priced by the source's continent). */
export function transferRate(source: Region, site: WorkloadSite, catalog: Catalog, prices: PriceBook): TransferRate {
  const bw = prices.bandwidth;
  if (site.kind === 'external') {
    return { ratePerGB: bw.internet[source.continent], basis: `internet egress from ${source.continent}` };
  }
  if (site.region === source.name) return { ratePerGB: 0, basis: 'same region (free)' };
  const dest = catalog.get(site.region);
  if (dest && pricingGroup(dest.continent) === pricingGroup(source.continent)) {
    return { ratePerGB: bw.withinContinent[source.continent], basis: `inter-region within ${source.continent}` };
  }
  return { ratePerGB: bw.toOtherContinent[source.continent], basis: `inter-region from ${source.continent} to another continent` };
}

export function siteLatency(site: WorkloadSite, location: string, catalog: Catalog): Latency {
  return site.kind === 'azure'
    ? catalog.rtt(site.region, location)
    : catalog.rttFromPoint(site.latitude, site.longitude, location);
}

export interface RankedLocation {
  region: string;
  latency: Latency;
  rate: TransferRate;
}

/**
 * The candidate locations in the order Traffic Manager would prefer them for
 * this workload: lowest RTT first (unknown RTT last), then lower transfer rate,
 * then region name. The first entry among the enabled locations serves it.
 */
export function rankLocations(site: WorkloadSite, locations: readonly string[], catalog: Catalog, prices: PriceBook): RankedLocation[] {
  const ranked: RankedLocation[] = [];
  for (const region of locations) {
    const r = catalog.get(region);
    if (!r) continue;
    ranked.push({ region, latency: siteLatency(site, region, catalog), rate: transferRate(r, site, catalog, prices) });
  }
  return ranked.sort(compareRanked);
}

/**
 * rankLocations(site, locations, …)[0] without ranking (or pricing) the rest: the location Traffic Manager
 * serves this workload from. Same order (lowest RTT, unknown last; then rate; then name), same first entry.
 */
export function bestLocation(site: WorkloadSite, locations: readonly string[], catalog: Catalog, prices: PriceBook): RankedLocation | undefined {
  let best: RankedLocation | undefined;
  for (const region of locations) {
    const r = catalog.get(region);
    if (!r) continue;
    const latency = siteLatency(site, region, catalog);
    if (best !== undefined && (latency.ms ?? Number.POSITIVE_INFINITY) > (best.latency.ms ?? Number.POSITIVE_INFINITY)) continue;
    const cand: RankedLocation = { region, latency, rate: transferRate(r, site, catalog, prices) };
    if (best === undefined || compareRanked(cand, best) < 0) best = cand;
  }
  return best;
}

export function compareRanked(a: RankedLocation, b: RankedLocation): number {
  const la = a.latency.ms ?? Number.POSITIVE_INFINITY;
  const lb = b.latency.ms ?? Number.POSITIVE_INFINITY;
  if (la !== lb) return la - lb;
  if (a.rate.ratePerGB !== b.rate.ratePerGB) return a.rate.ratePerGB - b.rate.ratePerGB;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/** Locations of a topology (home first), and those Traffic Manager may route to. */
export function locationsOf(topology: Topology): { all: string[]; enabled: string[] } {
  const all = [topology.homeRegion, ...topology.replicas.map((r) => r.region)];
  const enabled = [topology.homeRegion, ...topology.replicas.filter((r) => r.regionEndpointEnabled).map((r) => r.region)];
  return { all, enabled };
}

export function workloadId(site: WorkloadSite): string {
  return site.kind === 'azure' ? site.region : site.name;
}

// ---------------------------------------------------------------------------
// The estimate

export interface CostInput {
  topology: Topology;
  /** Stored GiB of the registry; null = unknown. */
  storageGiB: number | null;
  workloads: Workload[];
  /** Where CI pushes images from (pushRegions); omitted or empty: no push transfer line. */
  pushes?: PushSite[];
}

export interface LocationCost {
  region: string;
  displayName: string;
  role: 'home' | 'replica';
  regionEndpointEnabled: boolean;
  zoneRedundancy: boolean;
  /** null = unknown (the price gave no finite figure). */
  registryUnits: number | null;
  storage: number | null;
  total: number | null;
  servesWorkloads: string[];
  servedGBPerMonth: number | null;
  /** Replicas only: monthlyCost(T∖{r}) − monthlyCost(T); null when a volume it depends on is unknown. */
  marginalMonthlyValue?: number | null;
  /** Replicas only: GB/month r must serve for its transfer savings to pay its own monthly cost. */
  breakEvenGBPerMonth?: number | null;
  economicsNote?: string;
}

/** The cost line of one site (a pulling workload or a push source): where Traffic Manager sends it and what that costs. */
export interface SiteCostLine {
  id: string;
  kind: 'azure' | 'external';
  region?: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  volumeSource: string;
  servedBy: string | null;
  latencyMs: number | null;
  latencyEstimated: boolean;
  ratePerGB: number | null;
  rateBasis: string;
  cost: number | null;
}

export interface WorkloadCost extends SiteCostLine {
  pullGBPerMonth: number | null;
}

export interface CostBreakdown {
  sku: Sku;
  /** null = unknown (listed in `unknown`). */
  registryUnits: number | null;
  storage: number | null;
  dataTransfer: number | null;
  /** Push transfer (only when push sites were given); null = unknown. */
  pushTransfer?: number | null;
  /** null when any component is unknown. */
  total: number | null;
  /** Sum of the known components. */
  totalKnown: number;
  unknown: string[];
  locations: LocationCost[];
  workloads: WorkloadCost[];
  /** Only when push sites were given. */
  pushes?: PushCost[];
}

/** Serving and transfer cost of every workload under one topology. */
export function serveWorkloads(topology: Topology, workloads: readonly Workload[], catalog: Catalog, prices: PriceBook): WorkloadCost[] {
  return serveWorkloadsFrom(locationsOf(topology).enabled, workloads, catalog, prices);
}

/** Serving and transfer cost of every workload when Traffic Manager may route to `enabled` only. */
export function serveWorkloadsFrom(enabled: readonly string[], workloads: readonly Workload[], catalog: Catalog, prices: PriceBook): WorkloadCost[] {
  return workloads.map((w) => {
    const best = bestLocation(w.site, enabled, catalog, prices);
    if (!best || best.latency.ms === null) {
      return workloadCostLine(w, null, null, true, null, 'latency to every location is unknown: serving location unknown', null);
    }
    const cost = w.pullGBPerMonth === null ? null : finiteOrNull(w.pullGBPerMonth * best.rate.ratePerGB);
    return workloadCostLine(w, best.region, best.latency.ms, best.latency.estimated, best.rate.ratePerGB, best.rate.basis, cost);
  });
}

/**
 * One workload's cost line. Its members are listed in one literal per site kind
 * (not spread from a base line): the lines are read many times (economics,
 * outage moves, latency statistics), and objects built by spreads were the
 * slow part of every reader.
 */
function workloadCostLine(
  w: Workload,
  servedBy: string | null,
  latencyMs: number | null,
  latencyEstimated: boolean,
  ratePerGB: number | null,
  rateBasis: string,
  cost: number | null,
): WorkloadCost {
  const s = w.site;
  const { pullGBPerMonth, volumeSource } = w;
  return s.kind === 'azure'
    ? { id: s.region, kind: 'azure', region: s.region, pullGBPerMonth, volumeSource, servedBy, latencyMs, latencyEstimated, ratePerGB, rateBasis, cost }
    : { id: s.name, kind: 'external', name: s.name, latitude: s.latitude, longitude: s.longitude, pullGBPerMonth, volumeSource, servedBy, latencyMs, latencyEstimated, ratePerGB, rateBasis, cost };
}

/** The sum, or null when a term is unknown or the sum is not finite. */
export function sumOrNull(values: readonly (number | null)[]): number | null {
  let s = 0;
  for (const v of values) {
    if (v === null) return null;
    s += v;
  }
  return finiteOrNull(s);
}

// ---------------------------------------------------------------------------
// Pushes (pushRegions): they follow Traffic Manager like pulls, but the data
// flows from the push site INTO the serving location, so a push to another
// region is inter-region transfer billed by the SOURCE (the push site's)
// continent; a push from outside Azure is ingress, which Azure does not bill.

export interface PushCost extends SiteCostLine {
  pushGBPerMonth: number | null;
}

/** Rate of a push from `site` into location `target` (billed by the push site's continent). */
export function pushRate(site: WorkloadSite, target: Region, catalog: Catalog, prices: PriceBook): TransferRate {
  if (site.kind === 'external') return { ratePerGB: 0, basis: 'push from outside Azure into Azure: inbound transfer (ingress) is not billed' };
  if (site.region === target.name) return { ratePerGB: 0, basis: 'push in the same region (free)' };
  const source = catalog.get(site.region);
  if (!source) return { ratePerGB: Number.NaN, basis: `unknown push region '${site.region}'` };
  const r = transferRate(source, { kind: 'azure', region: target.name }, catalog, prices);
  return { ratePerGB: r.ratePerGB, basis: `push: ${r.basis} (billed by the push site's region)` };
}

/** Serving location (Traffic Manager's rule, as for pulls) and transfer cost of every push site. */
export function servePushes(enabled: readonly string[], pushes: readonly PushSite[], catalog: Catalog, prices: PriceBook): PushCost[] {
  return pushes.map((p) => {
    const best = bestLocation(p.site, enabled, catalog, prices);
    const target = best ? catalog.get(best.region) : undefined;
    const base: PushCost = {
      id: workloadId(p.site),
      kind: p.site.kind,
      ...(p.site.kind === 'azure' ? { region: p.site.region } : { name: p.site.name, latitude: p.site.latitude, longitude: p.site.longitude }),
      pushGBPerMonth: p.pushGBPerMonth,
      volumeSource: p.volumeSource,
      servedBy: null,
      latencyMs: null,
      latencyEstimated: true,
      ratePerGB: null,
      rateBasis: 'latency to every location is unknown: serving location unknown',
      cost: null,
    };
    if (!best || !target || best.latency.ms === null) return base;
    const rate = pushRate(p.site, target, catalog, prices);
    const ratePerGB = finiteOrNull(rate.ratePerGB);
    return {
      ...base,
      servedBy: best.region,
      latencyMs: best.latency.ms,
      latencyEstimated: best.latency.estimated,
      ratePerGB,
      rateBasis: rate.basis,
      cost: p.pushGBPerMonth === null || ratePerGB === null ? null : finiteOrNull(p.pushGBPerMonth * ratePerGB),
    };
  });
}

export interface LineTotals {
  total: number | null;
  totalKnown: number;
  unknown: string[];
}

/** The total of named line items (undefined = not part of this estimate; null = unknown, listed in `unknown`). */
export function totalOf(items: readonly (readonly [string, number | null | undefined])[]): LineTotals {
  const unknown: string[] = [];
  for (const [name, v] of items) if (v === null) unknown.push(name);
  // The known components, each added only while the sum stays finite (one that would overflow it is unknown too).
  let totalKnown = 0;
  for (const [name, v] of items) {
    if (v === null || v === undefined) continue;
    if (Number.isFinite(totalKnown + v)) totalKnown += v;
    else unknown.push(`total (${name} overflows it)`);
  }
  return { total: unknown.length === 0 ? totalKnown : null, totalKnown, unknown };
}

/** monthlyCost(T) with every line item, per location and per workload (unrounded). */
export function monthlyCost(input: CostInput, catalog: Catalog, prices: PriceBook): CostBreakdown {
  const { topology, storageGiB, workloads } = input;
  const sku = effectiveSku(topology);
  const served = serveWorkloads(topology, workloads, catalog, prices);
  const storageEach = finiteOrNull(locationStorage(sku, storageGiB, prices));

  const locs: LocationCost[] = [
    { region: topology.homeRegion, role: 'home' as const, regionEndpointEnabled: true, zoneRedundancy: topology.homeZoneRedundancy ?? false },
    ...topology.replicas.map((r) => ({ region: r.region, role: 'replica' as const, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy })),
  ].map((l) => {
    const fee = finiteOrNull(locationFee(sku, l.region, prices));
    const mine = served.filter((w) => w.servedBy === l.region);
    // Members listed, not spread from `l`: a spread object here made every monthlyCost ~3× slower (and its readers with it).
    return {
      region: l.region,
      role: l.role,
      regionEndpointEnabled: l.regionEndpointEnabled,
      zoneRedundancy: l.zoneRedundancy,
      displayName: catalog.get(l.region)?.displayName ?? l.region,
      registryUnits: fee,
      storage: storageEach,
      total: storageEach === null || fee === null ? null : finiteOrNull(fee + storageEach),
      servesWorkloads: mine.map((w) => w.id),
      servedGBPerMonth: sumOrNull(mine.map((w) => w.pullGBPerMonth)),
    };
  });

  const registryUnits = sumOrNull(locs.map((l) => l.registryUnits));
  const storage = storageEach === null ? null : finiteOrNull(storageEach * locs.length);
  const dataTransfer = sumOrNull(served.map((w) => w.cost));
  const pushes = input.pushes?.length ? servePushes(locationsOf(topology).enabled, input.pushes, catalog, prices) : undefined;
  const pushTransfer = pushes ? sumOrNull(pushes.map((p) => p.cost)) : undefined;
  const totals = totalOf([
    ['registryUnits', registryUnits],
    ['storage', storage],
    ['dataTransfer', dataTransfer],
    ['pushTransfer', pushTransfer],
  ]);
  return {
    sku,
    registryUnits,
    storage,
    dataTransfer,
    ...(pushes ? { pushTransfer: pushTransfer ?? null } : {}),
    ...totals,
    locations: locs,
    workloads: served,
    ...(pushes ? { pushes } : {}),
  };
}

/** `current` with the items served by `location` replaced by `reroute` of them (called once, with those items only). */
function rerouteServedBy<C extends { servedBy: string | null }, I>(location: string, current: readonly C[], items: readonly I[], reroute: (items: I[]) => C[]): C[] {
  const idx = current.flatMap((c, i) => (c.servedBy === location ? [i] : []));
  const rerouted = reroute(idx.map((i) => items[i] as I));
  const out = [...current];
  idx.forEach((i, q) => {
    const r = rerouted[q];
    if (r) out[i] = r;
  });
  return out;
}

/**
 * Adds the economics of every replica to a breakdown: its marginal monthly
 * value (cost without it − cost with it) and its break-even pull volume.
 */
export function withReplicaEconomics(input: CostInput, breakdown: CostBreakdown, catalog: Catalog, prices: PriceBook): CostBreakdown {
  const locations = breakdown.locations.map((loc) => {
    if (loc.role !== 'replica') return loc;
    const without: Topology = {
      ...input.topology,
      sku: breakdown.sku,
      replicas: input.topology.replicas.filter((r) => r.region !== loc.region),
    };
    // Only the workloads this replica serves are routed again; the others keep their location.
    const after = rerouteServedBy(loc.region, breakdown.workloads, input.workloads, (ws) => serveWorkloads(without, ws, catalog, prices));
    const ownCost = loc.registryUnits === null ? null : finiteOrNull(loc.registryUnits + (loc.storage ?? 0));
    let transferDelta: number | null = ownCost === null ? null : 0;
    let savedSum = 0;
    let weight = 0;
    let weightsKnown = true;
    let simpleSum = 0;
    let served = 0;
    breakdown.workloads.forEach((w, i) => {
      const alt = after[i];
      if (!alt || w.servedBy === alt.servedBy) return;
      if (transferDelta !== null) {
        transferDelta = w.cost === null || alt.cost === null ? null : transferDelta + (alt.cost - w.cost);
      }
      if (w.servedBy === loc.region && w.ratePerGB !== null && alt.ratePerGB !== null) {
        const saved = alt.ratePerGB - w.ratePerGB;
        served += 1;
        simpleSum += saved;
        if (w.pullGBPerMonth === null) weightsKnown = false;
        else {
          savedSum += saved * w.pullGBPerMonth;
          weight += w.pullGBPerMonth;
        }
      }
    });
    if (transferDelta !== null && breakdown.pushes) {
      const pushesAfter = rerouteServedBy(loc.region, breakdown.pushes, input.pushes ?? [], (ps) => servePushes(locationsOf(without).enabled, ps, catalog, prices));
      transferDelta = sumOrNull([
        transferDelta,
        ...breakdown.pushes.map((p, i): number | null => {
          const alt = pushesAfter[i];
          if (!alt || alt.servedBy === p.servedBy) return 0;
          return p.cost === null || alt.cost === null ? null : alt.cost - p.cost;
        }),
      ]);
    }
    const marginal = transferDelta === null || ownCost === null ? null : finiteOrNull(transferDelta - ownCost);
    const perGB = served === 0 ? null : weightsKnown && weight > 0 ? savedSum / weight : simpleSum / served;
    let breakEven: number | null = null;
    let note: string;
    if (!loc.regionEndpointEnabled) {
      note = 'regionEndpointEnabled=false: Traffic Manager routes nothing here, so it saves no transfer but is still billed';
    } else if (perGB === null) {
      note = 'serves no workload in this estimate: its transfer savings are 0 at the given volumes';
    } else if (ownCost === null) {
      note = 'its registry-unit cost is unknown: no break-even';
    } else if (perGB <= 0) {
      note = 'the traffic it serves would cost nothing more from the next-closest location: it never pays for itself on transfer';
    } else {
      breakEven = finiteOrNull(ownCost / perGB);
      note =
        breakEven === null
          ? `saves ${perGB.toExponential(2)} ${prices.currency}/GB on the traffic it serves: too little for a finite break-even`
          : `saves ${perGB.toFixed(4)} ${prices.currency}/GB on the traffic it serves; pays for itself above ${breakEven.toFixed(1)} GB/month`;
    }
    if (loc.storage === null) note += ' (storage unknown: break-even counts registry units only)';
    return { ...loc, marginalMonthlyValue: marginal, breakEvenGBPerMonth: breakEven, economicsNote: note };
  });
  return { ...breakdown, locations };
}

/** The assumptions behind every estimate, shown with it. */
export function costAssumptions(prices: PriceBook, catalog: Catalog): string[] {
  const fit = catalog.distanceFit();
  return [
    `Month = ${HOURS_PER_MONTH} hours = ${DAYS_PER_MONTH.toFixed(4)} days (the Azure pricing calculator's month).`,
    `Every location (home + each replica) is billed one registry unit per day at the list price (${prices.currency}, prices as of ${prices.asOf}); any replica requires Premium.`,
    'Storage above the SKU\'s included amount is billed per location (each location holds a full copy): an assumption, the pricing page does not say.',
    'Replication traffic between locations is not billed to the customer.',
    'Each pull is served by the enabled location with the lowest P50 round-trip time measured from the workload\'s region (Traffic Manager: network-closest, not cheapest); ties break on lower transfer rate, then region name.',
    'Transfer is billed per GB (decimal) by the continent of the serving location; pulls served in the workload\'s own region are free; Middle East and Africa are one pricing group.',
    `Workloads outside Azure pay internet egress by the serving location's zone; the first ${prices.bandwidth.internetFreeGBPerMonth} GB/month free per account are not deducted.`,
    `Where a latency pair is not published it is estimated as ${fit.interceptMs.toFixed(1)} ms + ${fit.msPerKm.toFixed(4)} ms/km × great-circle distance (least-squares over ${fit.pairs} published pairs) and flagged latencyEstimated.`,
    'Volumes given as pullsPerMonth × avgPullSizeMB use 1 GB = 1000 MB. Amounts are rounded to cents for display.',
  ];
}
