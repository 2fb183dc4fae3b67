/**
 * Ports of the drift scan: the report store and the run record, the check
 * queue, and the bound on ARM calls in flight. Adapters (src/azure/drift):
 * memory.ts (unit tests, DRIFT_STORE=memory), table-store.ts (Azure Table
 * storage `driftreports`), queue.ts (Azure Storage queues), limit.ts.
 */
import type { DriftKind, DriftReport, DriftSeverity, DriftStatus } from '../../model/drift/types';
import type { FleetSource } from '../../model/drift/fleet';

/** The index entry of one registry's report within a run (small; what run completion and the webhook need). */
export interface DriftRunEntry {
  registryId: string;
  registryName?: string;
  status: DriftStatus;
  /** Worst severity among the findings that make the registry drifted; null when none. */
  severity: DriftSeverity | null;
  kinds: DriftKind[];
  codes: string[];
  summary: string;
  checkedAt: string;
}

export interface DriftWebhookOutcome {
  status: 'sent' | 'failed' | 'skipped';
  attempts: number;
  httpStatus?: number;
  lastError?: string;
  at: string;
}

/** One scan: written by the timer, closed by the run finalizer. */
export interface DriftRun {
  runId: string;
  startedAt: string;
  /** What started it: `timer` (schedule), `timer (past due)`, or a test/bench label. */
  trigger: string;
  /** Registries enqueued (one check message each). */
  expected: number;
  sources: { registryIds: number; subscriptions: string[]; managementGroups?: string[]; tenant?: boolean };
  /** Subscriptions that could not be listed (the run goes on without them). */
  listErrors: string[];
  /** How the inventory was read (Resource Graph runs). */
  inventory?: {
    source: 'resource-graph';
    resourceGraphScopes: string[];
    armFallbackSubscriptions: string[];
    /** Why each of armFallbackSubscriptions fell back to ARM reads. */
    armFallback?: Array<{ subscriptionId: string; reason: string }>;
    resourceGraphQueries: number;
    resourceGraphThrottled: number;
    armReads: number;
    groupMessages: number;
    singleMessages: number;
  };
  finalizedAt?: string;
  outcome?: { checked: number; drifted: number; errors: number; missing: number };
  webhook?: DriftWebhookOutcome;
}

export interface DriftReportStore {
  /** Stores a report. Idempotent per (registryId, runId): storing again overwrites, never duplicates. */
  put(report: DriftReport): Promise<void>;
  /**
   * Stores reports of one run together (same contract as put, fewer round trips); optional. `done`: these are all
   * the reports of one check message, so the store also records that message as done (see runProgress).
   */
  putMany?(reports: DriftReport[], opts?: { done?: boolean }): Promise<void>;
  /**
   * How many registries of a run have a stored report, as counted by the done records of their check messages
   * (put() records its report as one); a cheap progress figure that needs not read the reports. Optional.
   */
  runProgress?(runId: string): Promise<number>;
  /** The latest report of every registry (by runId), registry id order. */
  latest(): Promise<DriftReport[]>;
  /** The fleet fields of every registry's latest report (what GET /api/fleet lists), without the full reports. */
  latestFleet(): Promise<FleetSource[]>;
  /** Reports of one registry (id compared case-insensitively), newest first: in the recorded runs (putRun), and its latest report. */
  history(registryId: string, limit?: number): Promise<DriftReport[]>;
  /** Index entries of one run. */
  runEntries(runId: string): Promise<DriftRunEntry[]>;
  putRun(run: DriftRun): Promise<void>;
  getRun(runId: string): Promise<DriftRun | null>;
  /** Runs, newest first. */
  listRuns(limit?: number): Promise<DriftRun[]>;
}

/** The queue of the per-registry check messages `{runId, registryId}` (trigger: driftCheck). */
export const DRIFT_CHECK_QUEUE = 'drift-checks';
/** The queue of the delayed run finalizer messages `{runId, attempt}` (trigger: driftRunFinalize). */
export const DRIFT_RUN_QUEUE = 'drift-runs';
/** Where the Functions host moves check messages that failed every attempt (trigger: driftCheckPoison). */
export const DRIFT_CHECK_POISON_QUEUE = `${DRIFT_CHECK_QUEUE}-poison`;

export interface SendOptions {
  /** Invisible for this long before a consumer can receive it (delayed message). */
  visibilityTimeoutSeconds?: number;
}

/** The queues of the drift scan (`drift-checks`, `drift-runs`). */
export interface DriftQueue {
  send(queueName: string, message: unknown, options?: SendOptions): Promise<void>;
}

/** Bounds the tasks of one kind in flight (the drift job's ARM calls). */
export interface ConcurrencyLimit {
  run<T>(task: () => Promise<T>): Promise<T>;
}
