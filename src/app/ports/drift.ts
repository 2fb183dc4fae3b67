/**
 * The drift report store port and the run record. Adapters: memory.ts (unit
 * tests, DRIFT_STORE=memory), table-store.ts (Azure Table storage `driftreports`).
 */
import type { DriftKind, DriftReport, DriftSeverity, DriftStatus } from '../../model/drift/types';

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
  sources: { registryIds: number; subscriptions: string[] };
  /** Subscriptions that could not be listed (the run goes on without them). */
  listErrors: string[];
  finalizedAt?: string;
  outcome?: { checked: number; drifted: number; errors: number; missing: number };
  webhook?: DriftWebhookOutcome;
}

export interface DriftReportStore {
  /** Stores a report. Idempotent per (registryId, runId): storing again overwrites, never duplicates. */
  put(report: DriftReport): Promise<void>;
  /** The latest report of every registry (by runId), registry id order. */
  latest(): Promise<DriftReport[]>;
  /** Reports of one registry (id compared case-insensitively), newest first. */
  history(registryId: string, limit?: number): Promise<DriftReport[]>;
  /** Index entries of one run. */
  runEntries(runId: string): Promise<DriftRunEntry[]>;
  putRun(run: DriftRun): Promise<void>;
  getRun(runId: string): Promise<DriftRun | null>;
  /** Runs, newest first. */
  listRuns(limit?: number): Promise<DriftRun[]>;
}

/** Case-insensitive registry key without slashes (Table keys may not contain '/'). */
export function registryKey(registryId: string): string {
  return registryId.trim().toLowerCase().replace(/^\/+/, '').replace(/\/+$/, '').replace(/\//g, '|');
}
