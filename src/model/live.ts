/**
 * A live registry as Azure Resource Manager reports it, its pull metrics, and
 * the pure conversions the use cases need: the one live → topology converter
 * (planning view or apply view) and the metric → volume derivations. Azure has
 * no bytes-pulled metric and no per-region pull split, so the monthly volume
 * of a workload is derived as TotalPullCount × avgPullSizeMB × share, and
 * every derived figure says so. Unknown values are `null`, never 0.
 */
import { DAYS_PER_MONTH } from './cost';
import type { Sku, Topology } from './types';
import type { BrokenReplica, LiveNetwork, LiveTopology } from './plan/types';
import type { WorkloadInput } from '../schemas/estimate';

/** Days of pull metrics a planning request reads. */
export const METRIC_DAYS = 30;
const GIB = 1024 ** 3;

export type LiveProvisioningState = 'Creating' | 'Updating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled' | string;

/** A replica (a location other than the home region) as ARM reports it. */
export interface LiveReplica {
  /** Replication resource name (defaults to the location). */
  name: string;
  /** Canonical location name, e.g. `northeurope`. */
  location: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: boolean;
  provisioningState: LiveProvisioningState | null;
  /** `status.displayStatus`, e.g. Ready, Syncing; null when ARM gives none. */
  displayStatus: string | null;
  /** `status.timestamp` (ISO), when ARM gives one: since when the replica is in its state. */
  statusTimestamp?: string | null;
}

/** A registry as ARM reports it. `replicas` excludes the home location's own replication. */
export interface LiveRegistry {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Home region. */
  location: string;
  sku: Sku;
  loginServer: string | null;
  /** Zone redundancy of the home location. */
  zoneRedundancy: boolean;
  replicas: LiveReplica[];
  tags: Record<string, string>;
  /** Network configuration (private endpoints, rules, data endpoints), when the adapter read it. */
  network?: LiveNetwork;
}

export interface DailyPulls {
  /** UTC date `YYYY-MM-DD` of the bucket start. */
  date: string;
  /** Total pulls that day; null when Azure Monitor has no value. */
  pulls: number | null;
}

export interface PullSummary {
  days: number;
  /** Sums over the days that have data; null when no day has data. */
  totalPullCount: number | null;
  successfulPullCount: number | null;
  totalPushCount: number | null;
  /** Number of days in `daily` with a pull value. */
  daysWithData: number;
  daily: DailyPulls[];
  /** Latest StorageUsed average per geolocation (location name, lower case); null when unknown. */
  storageUsedBytesByGeolocation: Record<string, number | null>;
  /** Timespan and interval as Azure Monitor returned them. */
  timespan: string;
  interval: string;
}

/**
 * How the live registry is read:
 * - `planning`: every replica ARM lists (what the registry costs today);
 * - `apply`: only replicas whose provisioning succeeded (or that report no
 *   state) count as existing, so a failed create is retried, not mistaken for done.
 */
export type LiveTopologyView = 'planning' | 'apply';

/** The live registry as a topology (canonical locations, replicas sorted by region). */
export function topologyFromLive(live: LiveRegistry, opts: { view: LiveTopologyView }): Topology {
  const counts = (r: LiveReplica): boolean => opts.view === 'planning' || r.provisioningState === null || r.provisioningState === 'Succeeded';
  return {
    homeRegion: live.location,
    sku: live.sku,
    homeZoneRedundancy: live.zoneRedundancy,
    replicas: live.replicas
      .filter((r) => r.location !== live.location && counts(r))
      .map((r) => ({ region: r.location, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
}

/**
 * THE Ready rule (apply's wait-for-Ready and drift's health findings): a replica is Ready when ARM's
 * `status.displayStatus` says Ready (case-insensitive). Provisioning Succeeded is not enough: the
 * replica may still be syncing content. Unknown (null) is not Ready.
 */
export function isReplicaReady(r: { displayStatus: string | null }): boolean {
  return (r.displayStatus ?? '').toLowerCase() === 'ready';
}

/** A replica still Creating/Updating/Deleting after this long is stuck (default of liveTopology). */
export const DEFAULT_STUCK_AFTER_MINUTES = 60;

const TRANSITIONAL = new Set(['creating', 'updating', 'deleting']);

/**
 * Is this replica broken? Provisioning `Failed` or `Canceled`; or `Creating`/`Updating`/`Deleting`
 * for longer than `stuckAfterMinutes` by its `status.timestamp`. A transitional replica without a
 * timestamp cannot be judged and is not called broken (unknown is not failure).
 */
export function replicaBreakage(r: LiveReplica, now: Date, stuckAfterMinutes: number = DEFAULT_STUCK_AFTER_MINUTES): BrokenReplica | null {
  const state = r.provisioningState;
  if (state === null) return null;
  const since = r.statusTimestamp ?? null;
  const lower = state.toLowerCase();
  if (lower === 'failed' || lower === 'canceled') {
    return { region: r.location, name: r.name, provisioningState: state, reason: 'failed', since, detail: `provisioning ${state}` };
  }
  if (TRANSITIONAL.has(lower) && since !== null) {
    const ageMs = now.getTime() - Date.parse(since);
    if (Number.isFinite(ageMs) && ageMs > stuckAfterMinutes * 60_000) {
      return { region: r.location, name: r.name, provisioningState: state, reason: 'stuck', since, detail: `${state} for ${Math.floor(ageMs / 60_000)} min (limit ${stuckAfterMinutes} min)` };
    }
  }
  return null;
}

/**
 * THE view of a live registry for plans: plan creation (its `current` and fingerprint) and apply
 * (stale check, resume, convergence) read the registry through this one function. Working
 * replicas (Succeeded, no state, or still in a transition younger than the limit) are in
 * `replicas`; broken ones (see replicaBreakage) in `broken`, never in both.
 */
export function liveTopology(live: LiveRegistry, opts: { now: Date; stuckAfterMinutes?: number }): LiveTopology {
  const broken: BrokenReplica[] = [];
  const working: LiveReplica[] = [];
  for (const r of live.replicas) {
    if (r.location === live.location) continue;
    const b = replicaBreakage(r, opts.now, opts.stuckAfterMinutes);
    if (b) broken.push(b);
    else working.push(r);
  }
  const t: LiveTopology = {
    homeRegion: live.location,
    sku: live.sku,
    homeZoneRedundancy: live.zoneRedundancy,
    replicas: working
      .map((r) => ({ region: r.location, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy }))
      .sort((a, b) => a.region.localeCompare(b.region)),
  };
  if (broken.length > 0) t.broken = broken.sort((a, b) => a.region.localeCompare(b.region));
  return t;
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
 * pulls equally (the documented default): sets their `share` in place and
 * returns the notes to show.
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
