/**
 * Drift settings (app settings / local.settings.json Values; documented in
 * local.settings.example.json):
 *
 * - `DRIFT_SCHEDULE`            NCRONTAB of the `topologyDrift` timer (default `0 0 6 * * *`: 06:00 UTC daily).
 * - `DRIFT_REGISTRY_IDS`        comma-separated registry resource ids to watch.
 * - `DRIFT_SUBSCRIPTIONS`       comma-separated subscription ids: every registry in them (ARM list).
 * - `DRIFT_AVG_PULL_SIZE_MB`    average pulled size; unset → economic drift is reported as unknown.
 * - `DRIFT_SAVING_THRESHOLD`    monthly saving (price-book currency) that counts as economic drift (default 25).
 * - `DRIFT_STORAGE_LAG_PERCENT` replica StorageUsed below the home's by more than this → "replica behind" (default 10).
 * - `DRIFT_WEBHOOK_URL`         optional: POSTed once per run with a summary and the drifted registries.
 * - `DRIFT_WEBHOOK_ATTEMPTS`    attempts of that POST (default 4), `DRIFT_WEBHOOK_BACKOFF_MS` first backoff (default 1000, doubling).
 * - `DRIFT_ARM_CONCURRENCY`     ARM calls in flight per instance (default 8).
 * - `DRIFT_MAX_DEQUEUE_COUNT`   attempts of one check before it is reported as an error (default 5 = host.json queues.maxDequeueCount).
 * - `DRIFT_FINALIZE_DELAY_SECONDS` how often the run's completion is checked (default 30), `DRIFT_RUN_DEADLINE_MINUTES`
 *                               after which a run is closed with what it has (default 60).
 * - `DRIFT_STORE`               `azure` (default: Table `DRIFT_REPORTS_TABLE`, default `driftreports`, in AzureWebJobsStorage) or `memory`.
 */
export const DRIFT_CHECK_QUEUE = 'drift-checks';
export const DRIFT_RUN_QUEUE = 'drift-runs';
export const DRIFT_CHECK_POISON_QUEUE = `${DRIFT_CHECK_QUEUE}-poison`;
export const DEFAULT_DRIFT_SCHEDULE = '0 0 6 * * *';
export const DRIFT_METRIC_DAYS = 30;

export interface DriftAppSettings {
  schedule: string;
  registryIds: string[];
  subscriptions: string[];
  avgPullSizeMB: number | undefined;
  savingThreshold: number;
  storageLagPercent: number;
  webhookUrl: string | undefined;
  webhookAttempts: number;
  webhookBackoffMs: number;
  armConcurrency: number;
  maxDequeueCount: number;
  finalizeDelaySeconds: number;
  runDeadlineMinutes: number;
  store: 'azure' | 'memory';
  tableName: string;
  /** Name of the storage connection setting (AzureWebJobsStorage). */
  connectionName: string;
}

type Env = Record<string, string | undefined>;

function list(v: string | undefined): string[] {
  return [...new Set((v ?? '').split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean))];
}

function num(env: Env, name: string, fallback: number, opts: { min?: number; integer?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < (opts.min ?? 0) || (opts.integer && !Number.isInteger(n))) {
    throw new RangeError(`Setting ${name} must be a${opts.integer ? 'n integer' : ' number'} ≥ ${opts.min ?? 0}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export function readDriftSettings(env: Env = process.env): DriftAppSettings {
  const avgRaw = env['DRIFT_AVG_PULL_SIZE_MB']?.trim();
  let avg: number | undefined;
  if (avgRaw) {
    avg = Number(avgRaw);
    if (!Number.isFinite(avg) || avg <= 0) throw new RangeError(`Setting DRIFT_AVG_PULL_SIZE_MB must be a positive number, got ${JSON.stringify(avgRaw)}`);
  }
  const store = (env['DRIFT_STORE'] ?? 'azure').trim().toLowerCase();
  if (store !== 'azure' && store !== 'memory') throw new RangeError(`DRIFT_STORE must be 'azure' or 'memory', got ${JSON.stringify(env['DRIFT_STORE'])}`);
  return {
    schedule: env['DRIFT_SCHEDULE']?.trim() || DEFAULT_DRIFT_SCHEDULE,
    registryIds: list(env['DRIFT_REGISTRY_IDS']),
    subscriptions: list(env['DRIFT_SUBSCRIPTIONS']),
    avgPullSizeMB: avg,
    savingThreshold: num(env, 'DRIFT_SAVING_THRESHOLD', 25),
    storageLagPercent: num(env, 'DRIFT_STORAGE_LAG_PERCENT', 10),
    webhookUrl: env['DRIFT_WEBHOOK_URL']?.trim() || undefined,
    webhookAttempts: num(env, 'DRIFT_WEBHOOK_ATTEMPTS', 4, { min: 1, integer: true }),
    webhookBackoffMs: num(env, 'DRIFT_WEBHOOK_BACKOFF_MS', 1000, { integer: true }),
    armConcurrency: num(env, 'DRIFT_ARM_CONCURRENCY', 8, { min: 1, integer: true }),
    maxDequeueCount: num(env, 'DRIFT_MAX_DEQUEUE_COUNT', 5, { min: 1, integer: true }),
    finalizeDelaySeconds: num(env, 'DRIFT_FINALIZE_DELAY_SECONDS', 30, { integer: true }),
    runDeadlineMinutes: num(env, 'DRIFT_RUN_DEADLINE_MINUTES', 60),
    store,
    tableName: env['DRIFT_REPORTS_TABLE']?.trim() || 'driftreports',
    connectionName: 'AzureWebJobsStorage',
  };
}
