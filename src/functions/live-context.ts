/**
 * The seam between the planning handlers and a live registry: when the body
 * names `registry.id`, its topology and the last 30 days of pull metrics come
 * from Azure Resource Manager through the ports in src/azure/arm. Azure has no
 * bytes-pulled metric and no per-region pull split, so the monthly volume of
 * a workload is derived as TotalPullCount × avgPullSizeMB × share, and every
 * derived figure says so.
 */
import type { RequestContext } from '../http/endpoint';
import { DAYS_PER_MONTH } from '../model/cost';
import { IssueCollector, applyPriceOverrides, resolveTopology, resolveWorkloads, type ResolvedTopology, type WorkloadDefaults } from '../model/inputs';
import type { CostInput } from '../model/cost';
import type { EstimateOptions } from '../model/estimate';
import type { PriceBook } from '../model/types';
import type { Sku, Topology } from '../model/types';
import type { LiveRegistry, PullSummary } from '../azure/arm';
import { registryResourceIdIssue } from '../azure/arm/resource-id';
import { BadRequestError } from '../http/problem';
import type { EstimateRequest, RegistryInput, WorkloadInput } from '../schemas/estimate';

export const METRIC_DAYS = 30;
const GIB = 1024 ** 3;

export interface LiveContext {
  registryId: string;
  live: LiveRegistry;
  metrics: PullSummary | null;
  /** The live topology, or (when the body gives `replicas`) the live home + SKU with those replicas. */
  resolved(replicasOverride: unknown, out: IssueCollector): ResolvedTopology | undefined;
  workloadDefaults: WorkloadDefaults;
  assumptions: string[];
}

/** The live registry as a planning topology (canonical locations, replicas sorted). */
export function topologyFromLive(live: LiveRegistry): Topology {
  return {
    homeRegion: live.location,
    sku: live.sku,
    homeZoneRedundancy: live.zoneRedundancy,
    replicas: live.replicas
      .filter((r) => r.location !== live.location)
      .map((r) => ({ region: r.location, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}

/** Pulls per 730-hour month from a metric summary; null when no day has data. */
export function monthlyPulls(m: PullSummary | null): number | null {
  if (!m || m.totalPullCount === null || m.daysWithData === 0) return null;
  return (m.totalPullCount / m.daysWithData) * DAYS_PER_MONTH;
}

/** Stored GiB: the home geolocation's StorageUsed (else the largest reported); null when unknown. */
export function storageGiBFromMetrics(m: PullSummary | null, home: string): number | null {
  if (!m) return null;
  const byGeo = m.storageUsedBytesByGeolocation;
  const homeBytes = byGeo[home];
  if (typeof homeBytes === 'number') return homeBytes / GIB;
  const known = Object.values(byGeo).filter((v): v is number => typeof v === 'number');
  return known.length ? Math.max(...known) / GIB : null;
}

/**
 * Workloads that give no volume at all share what is left of the registry's
 * pulls equally (the documented default); returns the notes to show.
 */
export function fillEqualShares(workloads: WorkloadInput[]): string[] {
  const unspecified = workloads.filter((w) => w.pullGBPerMonth === undefined && w.pullsPerMonth === undefined && w.share === undefined);
  const given = workloads.reduce((s, w) => s + (typeof w.share === 'number' ? w.share : 0), 0);
  const notes: string[] = [];
  if (unspecified.length > 0) {
    const each = Math.max(0, 1 - given) / unspecified.length;
    for (const w of unspecified) w.share = each;
    notes.push(`${unspecified.length} workload(s) gave no volume or share: they split the remaining ${(Math.max(0, 1 - given) * 100).toFixed(1)}% of the registry's pulls equally (${(each * 100).toFixed(1)}% each).`);
  }
  const total = workloads.reduce((s, w) => s + (typeof w.share === 'number' ? w.share : 0), 0);
  if (workloads.some((w) => typeof w.share === 'number') && Math.abs(total - 1) > 0.005) {
    notes.push(`The workloads' shares add up to ${(total * 100).toFixed(1)}%, not 100%: the pulls not attributed to a workload are left out of the transfer cost.`);
  }
  return notes;
}

export async function resolveLiveContext(rc: RequestContext, registry: RegistryInput, out: IssueCollector, workloads?: WorkloadInput[]): Promise<LiveContext | undefined> {
  if (registry.id === undefined) return undefined;
  const registryId = registry.id;
  // A bad id (malformed escape, bad resource group) is the caller's input: a 400 naming the field, not an adapter error.
  const idIssue = registryResourceIdIssue(registryId, '/registry/id');
  if (idIssue) throw new BadRequestError(`/registry/id ${idIssue.message}`, [idIssue]);
  const { topology, metrics } = rc.services.arm();
  const live = await topology.getRegistry(registryId);
  const shareNotes = workloads ? fillEqualShares(workloads) : [];
  const needsMetrics = registry.storageGiB === undefined || (workloads ?? []).some((w) => typeof w.share === 'number');
  const summary = needsMetrics ? await metrics.getPullSummary(registryId, { days: METRIC_DAYS }) : null;
  const pulls = monthlyPulls(summary);
  const storageGiB = registry.storageGiB ?? storageGiBFromMetrics(summary, live.location);
  const liveTopology = topologyFromLive(live);
  const assumptions = [
    `Topology read live from Azure Resource Manager: ${live.name} (home ${live.location}, ${live.sku}, ${live.replicas.length} replica(s)).`,
    ...(summary
      ? [
          `Pull volume derived from Azure Monitor TotalPullCount over the last ${summary.days} days (${summary.daysWithData} with data, timespan ${summary.timespan}), scaled to a 730-hour month${pulls === null ? ': no data, so volumes are unknown' : `: ${pulls.toFixed(0)} pulls/month`}.`,
          'Azure Monitor has no bytes-pulled metric and no per-region pull split: each workload\'s volume = pulls × avgPullSizeMB × its share (shares are the caller\'s, or an equal split).',
        ]
      : []),
    ...(registry.storageGiB === undefined
      ? [storageGiB === null ? 'Stored size unknown (no StorageUsed data): storage cost unknown.' : `Stored size ${storageGiB.toFixed(2)} GiB from Azure Monitor StorageUsed (latest daily average).`]
      : []),
    ...shareNotes,
  ];
  if (registry.sku !== undefined && registry.sku !== live.sku) {
    out.warnings.push(`registry.sku '${registry.sku}' ignored: the live registry is ${live.sku}.`);
  }
  return {
    registryId,
    live,
    metrics: summary,
    resolved: (replicasOverride, o) => {
      if (!Array.isArray(replicasOverride)) return { topology: liveTopology, storageGiB };
      o.warnings.push('replicas given with registry.id: priced as the live registry with these replicas instead of its live ones.');
      const r = resolveTopology({ homeRegion: live.location, sku: live.sku as Sku, storageGiB: storageGiB ?? undefined, zoneRedundancy: live.zoneRedundancy }, replicasOverride, rc.services.catalog, o);
      return r ? { ...r, storageGiB } : undefined;
    },
    workloadDefaults: { livePullsPerMonth: pulls, livePullsSource: `TotalPullCount (last ${METRIC_DAYS} days)` },
    assumptions,
  };
}

export interface PlanningInput {
  costInput: CostInput;
  prices: PriceBook;
  live: LiveContext | undefined;
  /** warnings, assumptions and registry id for buildEstimate and friends. */
  estimateOptions: EstimateOptions;
}

/**
 * The topology (explicit, or read live by registry.id), the workloads with
 * their volumes and the price book of a planning body; throws one 400 with
 * every problem. `extraChecks` may add problems of its own before that.
 */
export async function resolvePlanningInput(rc: RequestContext, req: EstimateRequest, extraChecks?: (out: IssueCollector) => void): Promise<PlanningInput> {
  const { catalog } = rc.services;
  const out = new IssueCollector();
  const live = await resolveLiveContext(rc, req.registry, out, req.workloads);
  const resolved = live ? live.resolved(req.replicas, out) : resolveTopology(req.registry, req.replicas, catalog, out);
  const workloads = resolveWorkloads(req.workloads, { avgPullSizeMB: req.avgPullSizeMB, ...live?.workloadDefaults }, catalog, out);
  extraChecks?.(out);
  out.throwIfAny();
  if (!resolved) throw new Error('topology could not be resolved although no issue was recorded');
  return {
    costInput: { ...resolved, workloads },
    prices: applyPriceOverrides(rc.services.prices(), req.prices),
    live,
    estimateOptions: { warnings: out.warnings, extraAssumptions: live?.assumptions, registryId: live?.registryId },
  };
}
