/** What the drift use cases depend on (each takes the part it needs). */
import type { Catalog } from '../model/catalog';
import type { ArmAdapters } from './ports/arm';
import type { Clock } from './ports/clock';
import type { ConcurrencyLimit, DriftQueue, DriftReportStore } from './ports/drift';
import type { FleetSnapshotStore } from './ports/fleet-snapshot';
import type { ArmReadBudget, BatchPullMetricsPort, RegistryInventoryPort } from './ports/inventory';
import type { Log } from './ports/log';
import type { PlanStore } from './ports/plan-store';
import type { PriceSource } from './ports/prices';
import type { Solver } from './ports/solver';
import type { WebhookSender } from './ports/webhook';

/** The drift settings the use cases read (DRIFT_* app settings). */
export interface DriftSettings {
  registryIds: string[];
  subscriptions: string[];
  avgPullSizeMB: number | undefined;
  savingThreshold: number;
  storageLagPercent: number;
  webhookUrl: string | undefined;
  webhookAttempts: number;
  webhookBackoffMs: number;
  maxDequeueCount: number;
  finalizeDelaySeconds: number;
  runDeadlineMinutes: number;
  /** Management groups and the whole tenant (Resource Graph scopes); absent = none. */
  managementGroups?: string[];
  tenant?: boolean;
  /** `resource-graph` (default when an inventory port is given) or `arm`. */
  inventory?: 'resource-graph' | 'arm';
}

export interface DriftDeps {
  settings: DriftSettings;
  reports: DriftReportStore;
  /** Where the run finalizer stores the fleet snapshot GET /api/fleet reads; absent = none written. */
  fleetSnapshots?: FleetSnapshotStore;
  queue: DriftQueue;
  /** The plan store, or a reason why there is none (configuration drift is then unknown). */
  planStore(): { store: PlanStore } | { unavailable: string };
  /** Bounds the ARM calls of drift checks in flight in this process. */
  armLimiter: ConcurrencyLimit;
  arm(): ArmAdapters;
  /** Resource Graph inventory (with its ARM fallback); absent = list through ARM. */
  inventory?(): RegistryInventoryPort;
  /** Batched pull metrics (metrics:getBatch); absent = per-registry ARM metric reads. */
  batchMetrics?(): BatchPullMetricsPort;
  /** The per-subscription ARM read bucket shared by every instance; absent = unbounded (the ARM limiter only). */
  armBudget?: ArmReadBudget;
  solver(): Solver;
  catalog: Catalog;
  prices: PriceSource;
  now: Clock;
  webhook: WebhookSender;
  /** Passed to the webhook sender (tests inject them). */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log: Log;
}
