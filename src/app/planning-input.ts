/**
 * Use case: the planning input of a request — the topology (explicit, or read
 * live from Azure Resource Manager when the body names `registry.id`), the
 * workloads with their volumes and the price book. With a registry id, the
 * last 30 days of pull metrics give the volumes (src/model/live.ts derives
 * them; every derived figure says so).
 */
import type { Catalog } from '../model/catalog';
import type { CostInput } from '../model/cost';
import { InvalidInputError } from '../model/errors';
import type { EstimateOptions } from '../model/estimate';
import { IssueCollector, applyPriceOverrides, resolvePushSites, resolveTopology, resolveWorkloads, type ResolvedTopology, type WorkloadDefaults } from '../model/inputs';
import { METRIC_DAYS, fillEqualShares, monthlyPulls, storageGiBFromMetrics, topologyFromLive, type LiveRegistry, type PullSummary } from '../model/live';
import { registryResourceIdIssue } from '../model/registry-id';
import type { PriceBook, Sku } from '../model/types';
import type { EstimateRequest, RegistryInput, WorkloadInput } from '../schemas/estimate';
import type { ArmAdapters } from './ports/arm';
import type { PriceSource } from './ports/prices';

export interface LiveContextDeps {
  catalog: Catalog;
  /** The ARM ports, built on first use (a request without a registry id never builds them). */
  arm(): ArmAdapters;
}

export interface PlanningInputDeps extends LiveContextDeps {
  prices: PriceSource;
}

export interface LiveContext {
  registryId: string;
  live: LiveRegistry;
  metrics: PullSummary | null;
  /** The live topology, or (when the body gives `replicas`) the live home + SKU with those replicas. */
  resolved(replicasOverride: unknown, out: IssueCollector): ResolvedTopology | undefined;
  workloadDefaults: WorkloadDefaults;
  assumptions: string[];
}

/**
 * The live registry named by `registry.id` (undefined without one): its topology, the
 * metrics the request needs, and the assumptions behind every derived figure.
 * `workloads` without a volume get an equal share of the registry's pulls (set in place).
 */
export async function resolveLiveContext(deps: LiveContextDeps, input: { registry: RegistryInput; workloads?: WorkloadInput[] }, out: IssueCollector): Promise<LiveContext | undefined> {
  const { registry, workloads } = input;
  if (registry.id === undefined) return undefined;
  const registryId = registry.id;
  // A bad id (malformed escape, bad resource group) is the caller's input: a 400 naming the field, not an adapter error.
  const idIssue = registryResourceIdIssue(registryId, '/registry/id');
  if (idIssue) throw new InvalidInputError([idIssue], `/registry/id ${idIssue.message}`);
  const { topology, metrics } = deps.arm();
  const live = await topology.getRegistry(registryId);
  const shareNotes = workloads ? fillEqualShares(workloads) : [];
  const needsMetrics = registry.storageGiB === undefined || (workloads ?? []).some((w) => typeof w.share === 'number');
  const summary = needsMetrics ? await metrics.getPullSummary(registryId, { days: METRIC_DAYS }) : null;
  const pulls = monthlyPulls(summary);
  const storageGiB = registry.storageGiB ?? storageGiBFromMetrics(summary, live.location);
  const liveTopology = topologyFromLive(live, { view: 'planning' });
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
      const r = resolveTopology({ homeRegion: live.location, sku: live.sku as Sku, storageGiB: storageGiB ?? undefined, zoneRedundancy: live.zoneRedundancy }, replicasOverride, deps.catalog, o);
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
export async function planningInput(deps: PlanningInputDeps, input: { request: EstimateRequest; extraChecks?: (out: IssueCollector) => void }): Promise<PlanningInput> {
  const { request: req, extraChecks } = input;
  const { catalog } = deps;
  const out = new IssueCollector();
  const live = await resolveLiveContext(deps, { registry: req.registry, workloads: req.workloads }, out);
  const resolved = live ? live.resolved(req.replicas, out) : resolveTopology(req.registry, req.replicas, catalog, out);
  const workloads = resolveWorkloads(req.workloads, { avgPullSizeMB: req.avgPullSizeMB, ...live?.workloadDefaults }, catalog, out);
  const pushes = resolvePushSites(req.pushRegions, catalog, out);
  extraChecks?.(out);
  out.throwIfAny();
  if (!resolved) throw new Error('topology could not be resolved although no issue was recorded');
  return {
    costInput: { ...resolved, workloads, ...(pushes.length ? { pushes } : {}) },
    prices: applyPriceOverrides(deps.prices(), req.prices),
    live,
    estimateOptions: { warnings: out.warnings, extraAssumptions: live?.assumptions, registryId: live?.registryId },
  };
}
