/**
 * Use case: close a drift run once every registry has a report (or the run's
 * deadline passed): record its outcome, then POST the optional webhook
 * (DRIFT_WEBHOOK_URL) with a short summary and the drifted registries.
 */
import { isRunId, runIdTime } from '../model/drift/run-id';
import type { DriftDeps } from './drift-deps';
import { refreshFleetSnapshot } from './fleet-snapshot';
import { DRIFT_RUN_QUEUE, type DriftRun, type DriftRunEntry } from './ports/drift';

export type DriftFinalizeDeps = Pick<DriftDeps, 'settings' | 'reports' | 'fleetSnapshots' | 'queue' | 'now' | 'webhook' | 'fetch' | 'sleep' | 'log'>;

const MAX_LISTED = 200;

/** The webhook body: a short human summary and the drifted (and failed) registries. */
export function runPayload(run: DriftRun, entries: DriftRunEntry[], completedAt: string) {
  const drifted = entries.filter((e) => e.status === 'drifted');
  const errors = entries.filter((e) => e.status === 'error');
  const critical = drifted.filter((e) => e.severity === 'critical').length;
  const missing = Math.max(0, run.expected - entries.length);
  const summary =
    `Drift run ${run.runId}: ${drifted.length} of ${run.expected} registr${run.expected === 1 ? 'y' : 'ies'} drifted` +
    (drifted.length ? ` (${critical} critical)` : '') +
    (errors.length ? `, ${errors.length} check(s) failed` : '') +
    (missing ? `, ${missing} not checked by the deadline` : '') +
    '.';
  const item = (e: DriftRunEntry) => ({ registryId: e.registryId, ...(e.registryName ? { registryName: e.registryName } : {}), status: e.status, severity: e.severity, kinds: e.kinds, codes: e.codes, summary: e.summary });
  return {
    type: 'acr-geoplanner.drift.run',
    runId: run.runId,
    startedAt: run.startedAt,
    completedAt,
    summary,
    counts: { registries: run.expected, checked: entries.length, drifted: drifted.length, critical, errors: errors.length, missing },
    drifted: drifted.slice(0, MAX_LISTED).map(item),
    errors: errors.slice(0, MAX_LISTED).map(item),
    ...(drifted.length > MAX_LISTED || errors.length > MAX_LISTED ? { truncated: true } : {}),
    ...(run.listErrors.length ? { listErrors: run.listErrors } : {}),
    ...(run.inventory?.armFallbackSubscriptions.length
      ? {
          armFallback: run.inventory.armFallbackSubscriptions.map((subscriptionId) => ({
            subscriptionId,
            reason: run.inventory?.armFallback?.find((f) => f.subscriptionId === subscriptionId)?.reason ?? 'Resource Graph refused the subscription (403)',
          })),
        }
      : {}),
  };
}

export interface FinalizeMessage {
  runId: string;
  attempt?: number;
  /** The run's progress (registries done, by the store's runProgress) at the previous check. */
  progress?: number;
}

/** Closes a run once every registry has a report (or the deadline passed): outcome + webhook. */
export async function finalizeDriftRun(deps: DriftFinalizeDeps, input: { message: unknown }): Promise<'waiting' | 'finalized' | 'skipped'> {
  const { message } = input;
  const m = message as Partial<FinalizeMessage> | null;
  if (!m || typeof m.runId !== 'string' || !isRunId(m.runId)) {
    deps.log.error(`driftRunFinalize: dropped a malformed message: ${JSON.stringify(message).slice(0, 500)}`);
    return 'skipped';
  }
  const attempt = typeof m.attempt === 'number' ? m.attempt : 1;
  const run = await deps.reports.getRun(m.runId);
  if (!run) {
    deps.log.warn(`driftRunFinalize: run ${m.runId} is unknown`);
    return 'skipped';
  }
  if (run.finalizedAt) return 'skipped';
  const started = runIdTime(run.runId) ?? new Date(run.startedAt);
  const deadline = started.getTime() + deps.settings.runDeadlineMinutes * 60_000;
  const now = deps.now();
  const delay = Math.max(1, deps.settings.finalizeDelaySeconds);
  // The cheap progress figure first: while it says some registries are not done and still moves, wait without
  // reading the run's entries. Once it reaches the expected count — or stops moving (a record missing), or the
  // deadline passed — the entries decide, as always.
  const progress = deps.reports.runProgress ? await deps.reports.runProgress(run.runId) : undefined;
  if (progress !== undefined && progress < run.expected && now.getTime() < deadline && progress > (typeof m.progress === 'number' ? m.progress : -1)) {
    await deps.queue.send(DRIFT_RUN_QUEUE, { runId: run.runId, attempt: attempt + 1, progress }, { visibilityTimeoutSeconds: delay });
    deps.log.log(`driftRunFinalize: run ${run.runId}: ${progress}/${run.expected} registries done so far; checking again in ${delay} s`);
    return 'waiting';
  }
  const entries = await deps.reports.runEntries(run.runId);
  if (entries.length < run.expected && now.getTime() < deadline) {
    await deps.queue.send(DRIFT_RUN_QUEUE, { runId: run.runId, attempt: attempt + 1, ...(progress !== undefined ? { progress } : {}) }, { visibilityTimeoutSeconds: delay });
    deps.log.log(`driftRunFinalize: run ${run.runId}: ${entries.length}/${run.expected} reports so far; checking again in ${delay} s`);
    return 'waiting';
  }
  const completedAt = now.toISOString();
  const payload = runPayload(run, entries, completedAt);
  run.finalizedAt = completedAt;
  run.outcome = { checked: payload.counts.checked, drifted: payload.counts.drifted, errors: payload.counts.errors, missing: payload.counts.missing };
  // The fleet snapshot GET /api/fleet reads (#16), before the run is marked finalized: a retry of this message rebuilds it.
  if (deps.fleetSnapshots) {
    try {
      const snap = await refreshFleetSnapshot({ reports: deps.reports, fleetSnapshots: deps.fleetSnapshots, now: () => deps.now() }, { runId: run.runId });
      deps.log.log(`driftRunFinalize: fleet snapshot of ${snap.sources.length} registries stored`);
    } catch (e) {
      deps.log.warn(`driftRunFinalize: fleet snapshot not stored (GET /api/fleet keeps the previous one): ${(e as Error).message}`);
    }
  }
  // Record the outcome first: whatever the webhook does, the run and its reports are stored.
  await deps.reports.putRun(run);
  deps.log.log(`driftRunFinalize: ${payload.summary}`);
  const url = deps.settings.webhookUrl;
  if (url) {
    const outcome = await deps.webhook(url, payload, {
      attempts: deps.settings.webhookAttempts,
      backoffMs: deps.settings.webhookBackoffMs,
      label: 'drift webhook',
      userAgent: 'acr-geoplanner-drift',
      onGiveUp: 'The reports are stored.',
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      now: () => deps.now(),
      log: (level, text) => (level === 'error' ? deps.log.error(text) : level === 'warn' ? deps.log.warn(text) : deps.log.log(text)),
    });
    run.webhook = outcome;
  } else {
    run.webhook = { status: 'skipped', attempts: 0, at: completedAt };
  }
  await deps.reports.putRun(run);
  return 'finalized';
}

