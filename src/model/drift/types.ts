/**
 * Drift types: the inputs of a drift check (a live registry, the last applied
 * plan's target, 30 days of pull metrics, settings) and its report. Types only.
 */
import type { Topology } from '../types';

export type DriftKind = 'configuration' | 'economic' | 'health';
export type DriftSeverity = 'info' | 'warning' | 'critical';
export type DriftStatus = 'ok' | 'drifted' | 'error';

export const DRIFT_KINDS: readonly DriftKind[] = ['configuration', 'economic', 'health'];
export const DRIFT_SEVERITIES: readonly DriftSeverity[] = ['info', 'warning', 'critical'];

export interface DriftFinding {
  kind: DriftKind;
  severity: DriftSeverity;
  /** Stable machine code, e.g. `REPLICA_MISSING`. */
  code: string;
  /** The location the finding is about, when there is one. */
  region?: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** A live replica, as much of it as the drift model needs (structurally a LiveReplica). */
export interface DriftLiveReplica {
  name: string;
  location: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: boolean;
  provisioningState: string | null;
  displayStatus: string | null;
}

/** A live registry, as much of it as the drift model needs (structurally a LiveRegistry). */
export interface DriftLiveRegistry {
  id: string;
  name: string;
  location: string;
  sku: string;
  zoneRedundancy: boolean;
  replicas: DriftLiveReplica[];
}

/** Pull metrics (structurally a PullSummary). */
export interface DriftMetrics {
  days: number;
  totalPullCount: number | null;
  daysWithData: number;
  storageUsedBytesByGeolocation: Record<string, number | null>;
  timespan?: string;
}

/** A workload recorded with an applied plan: a region (or external point) and its share of the pulls. */
export interface DriftPlanWorkload {
  region?: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  share: number;
}

/** The last applied plan of the registry. */
export interface AppliedPlanRef {
  id: string;
  target: Topology;
  appliedAt?: string;
  /** Workloads the plan was made for, with shares summing to ~1, if it recorded them. */
  workloads?: DriftPlanWorkload[];
}

export interface DriftSettings {
  /** Average pulled size (MB); undefined → economic drift is unknown (never invented). */
  avgPullSizeMB?: number;
  /** Monthly saving (price-book currency) above which economic drift is reported. */
  savingThreshold: number;
  /** A replica's StorageUsed this many percent below the home region's → "replica behind". */
  storageLagPercent: number;
}

export const DEFAULT_DRIFT_SAVING_THRESHOLD = 25;
export const DEFAULT_DRIFT_STORAGE_LAG_PERCENT = 10;

export interface DriftInput {
  registryId: string;
  runId: string;
  /** ISO timestamp. */
  checkedAt: string;
  live: DriftLiveRegistry;
  /** The live topology (canonical locations), e.g. topologyFromLive(live). */
  topology: Topology;
  /** The last applied plan, or null when none was applied (or no plan store is reachable: see planNote). */
  appliedPlan: AppliedPlanRef | null;
  /** Why there is no applied plan to compare with, when it is not simply "none". */
  planNote?: string;
  metrics: DriftMetrics | null;
  settings: DriftSettings;
}

export interface DriftReplicaEconomics {
  region: string;
  regionEndpointEnabled: boolean;
  servedGBPerMonth: number | null;
  marginalMonthlyValue: number | null;
  breakEvenGBPerMonth: number | null;
}

export interface DriftEconomics {
  status: 'evaluated' | 'unknown';
  /** Why economics are unknown. */
  reason?: string;
  currency?: string;
  pricesAsOf?: string;
  pullsPerMonth?: number | null;
  avgPullSizeMB?: number;
  currentMonthlyCost?: number | null;
  recommendedMonthlyCost?: number | null;
  monthlySaving?: number | null;
  recommendedReplicas?: string[];
  /** What the optimum changes: replicas to add/remove, disabled replicas whose routing it re-enables. */
  changes?: { add: string[]; remove: string[]; enableRouting?: string[] };
  replicas?: DriftReplicaEconomics[];
  savingThreshold: number;
  /** Whether the optimizer proved recommendedMonthlyCost optimal (`proved`) or stopped with a gap (`gap`). */
  optimality?: 'proved' | 'gap';
  /** Every assumption the figures rest on. */
  assumptions: string[];
}

export interface DriftReport {
  registryId: string;
  registryName?: string;
  /** Home region of the registry as checked (absent when the check failed before reading it). */
  location?: string;
  runId: string;
  /** ISO timestamp. */
  checkedAt: string;
  status: DriftStatus;
  findings: DriftFinding[];
  /** One short human line. */
  summary: string;
  /** The last applied plan compared with. */
  approvedPlanId?: string;
  economics?: DriftEconomics;
  /** Why the check failed (status 'error'). */
  error?: { message: string; status?: number; code?: string; attempts?: number };
}
