/**
 * Ports of the fleet-wide drift scan: the registry inventory (Azure Resource
 * Graph, with per-registry ARM reads as the fallback where Resource Graph is
 * not allowed), batched pull metrics (Azure Monitor's metrics:getBatch data
 * plane, up to 50 registries of one subscription and region per call), and the
 * per-subscription budget of ARM reads shared by every instance.
 * Adapters: src/azure/arm/inventory.ts, src/azure/arm/metrics-batch.ts, src/azure/drift/arm-budget.ts.
 */
import type { LiveRegistry, PullSummary } from '../../model/live';

/** What the drift job watches: subscriptions, management groups, or the whole tenant. */
export interface InventoryScope {
  subscriptions: string[];
  managementGroups: string[];
  /** Every subscription the identity can read (Resource Graph without a scope). */
  tenant: boolean;
}

export interface InventoryResult {
  registries: LiveRegistry[];
  /** Scopes read through Resource Graph (subscription ids, `mg:<name>`, or `tenant`). */
  resourceGraphScopes: string[];
  /** Subscriptions where Resource Graph was refused (403) and ARM listed the registries instead. */
  armFallbackSubscriptions: string[];
  /** Why each of armFallbackSubscriptions fell back (Resource Graph's 403 code and message, ≤ 300 characters). */
  armFallback?: ArmFallback[];
  /** Resource Graph queries sent (pages included; 429s not counted). */
  resourceGraphQueries: number;
  /** Resource Graph answers that were 429 (quota exhausted), each waited out. */
  resourceGraphThrottled: number;
  /** ARM reads of the fallback (list pages + one replications.list per registry). */
  armReads: number;
  /** Scopes that could not be read at all (the run goes on without them). */
  errors: string[];
}

/** A subscription listed through ARM instead of Resource Graph, and why. */
export interface ArmFallback {
  subscriptionId: string;
  reason: string;
}

export interface RegistryInventoryPort {
  list(scope: InventoryScope, options?: { abortSignal?: AbortSignal }): Promise<InventoryResult>;
}

/** Registries of one subscription and one region: one metrics batch call. */
export interface MetricsBatchGroup {
  subscriptionId: string;
  region: string;
  /** At most 50. */
  registryIds: string[];
}

export interface BatchPullMetricsPort {
  /** Pull summaries (same shape as PullMetricsPort's) keyed by lower-case registry id. Two calls (counts, StorageUsed per geolocation). */
  getPullSummaries(group: MetricsBatchGroup, options: { days: number; abortSignal?: AbortSignal }): Promise<Map<string, PullSummary>>;
}

/** ARM's per-subscription read bucket as this app spends it, shared by every instance (state in storage). */
export interface ArmReadBudget {
  /** Waits until `reads` tokens of the subscription are available and takes them. Returns the ms waited. */
  take(subscriptionId: string, reads: number): Promise<number>;
}
