/**
 * `topologyDrift` (timer): the scheduled drift scan of a registry fleet.
 *
 * Schedule: NCRONTAB from the app setting DRIFT_SCHEDULE (`schedule:
 * '%DRIFT_SCHEDULE%'`, resolved by the Functions host; default `0 0 6 * * *`
 * = 06:00 UTC every day — set DRIFT_SCHEDULE in the app settings, since the
 * host requires it to exist). Run it on demand like any non-HTTP function:
 * `POST /admin/functions/topologyDrift` with body `{"input":""}` (master key in
 * Azure; the local host answers 202 without a key).
 *
 * It finds the registries to watch — DRIFT_REGISTRY_IDS (resource ids) and
 * every registry of DRIFT_SUBSCRIPTIONS (ARM list, bounded concurrency) — and
 * enqueues one message `{runId, registryId}` per registry on `drift-checks`
 * (`driftCheck` checks each), plus a delayed `{runId}` on `drift-runs`:
 * `driftRunFinalize` waits until every registry of the run has a report (or
 * DRIFT_RUN_DEADLINE_MINUTES passed), then POSTs the optional webhook
 * (DRIFT_WEBHOOK_URL) with a short summary and the drifted registries.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import type { QueueFunction, TimerFunction } from './triggers';
import { getServices, type Services } from '../services';
import { newRunId, runIdTime, isRunId } from '../model/drift/run-id';
import { getDriftRuntime, type DriftRuntime } from '../azure/drift/runtime';
import { mapLimit } from '../azure/drift/limit';
import { DEFAULT_DRIFT_SCHEDULE, DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE } from '../azure/drift/settings';
import type { DriftRun, DriftRunEntry } from '../azure/drift/types';
import { postWebhook } from '../azure/drift/webhook';

const SEND_CONCURRENCY = 16;
const LIST_CONCURRENCY = 4;

export interface StartedRun {
  run: DriftRun;
  registryIds: string[];
}

/** Lists the registries to watch; a subscription that cannot be listed is recorded, not fatal. */
export async function registriesToWatch(rt: DriftRuntime, services: Services, log: (m: string) => void): Promise<{ ids: string[]; listErrors: string[] }> {
  const byKey = new Map<string, string>();
  for (const id of rt.settings.registryIds) byKey.set(id.toLowerCase(), id);
  const listErrors: string[] = [];
  const subs = rt.settings.subscriptions;
  if (subs.length) {
    const { topology } = services.arm();
    await mapLimit(subs, LIST_CONCURRENCY, async (subscriptionId) => {
      try {
        const regs = await rt.armLimiter.run(() => topology.listRegistries({ subscriptionId }));
        for (const r of regs) if (!byKey.has(r.id.toLowerCase())) byKey.set(r.id.toLowerCase(), r.id);
      } catch (e) {
        const msg = `subscription ${subscriptionId}: ${(e as Error).message}`;
        listErrors.push(msg);
        log(`topologyDrift: could not list ${msg}`);
      }
    });
  }
  return { ids: [...byKey.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), listErrors };
}

/** Starts a run: records it, enqueues one check per registry and the delayed finalizer. */
export async function startDriftRun(context: InvocationContext, trigger: string, rt: DriftRuntime = getDriftRuntime(), services: Services = getServices()): Promise<StartedRun> {
  const started = rt.now();
  const runId = newRunId(started);
  const { ids, listErrors } = await registriesToWatch(rt, services, (m) => context.warn(m));
  const run: DriftRun = {
    runId,
    startedAt: started.toISOString(),
    trigger,
    expected: ids.length,
    sources: { registryIds: rt.settings.registryIds.length, subscriptions: rt.settings.subscriptions },
    listErrors,
  };
  if (ids.length === 0) {
    context.warn(`topologyDrift: run ${runId}: no registries to check (set DRIFT_REGISTRY_IDS and/or DRIFT_SUBSCRIPTIONS)${listErrors.length ? `; ${listErrors.length} subscription(s) failed to list` : ''}`);
  }
  await rt.reports.putRun(run);
  await mapLimit(ids, SEND_CONCURRENCY, (registryId) => rt.queue.send(DRIFT_CHECK_QUEUE, { runId, registryId }));
  await rt.queue.send(DRIFT_RUN_QUEUE, { runId, attempt: 1 }, { visibilityTimeoutSeconds: ids.length ? rt.settings.finalizeDelaySeconds : 0 });
  context.log(`topologyDrift: run ${runId} (${trigger}): ${ids.length} registr${ids.length === 1 ? 'y' : 'ies'} enqueued on ${DRIFT_CHECK_QUEUE}`);
  return { run, registryIds: ids };
}

export const topologyDrift: TimerFunction = {
  kind: 'timer',
  name: 'topologyDrift',
  schedule: '%DRIFT_SCHEDULE%',
  defaultSchedule: DEFAULT_DRIFT_SCHEDULE,
  handler: async (timer: Timer, context: InvocationContext) => {
    await startDriftRun(context, timer?.isPastDue ? 'timer (past due)' : 'timer');
  },
};

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
  };
}

export interface FinalizeMessage {
  runId: string;
  attempt?: number;
}

/** Closes a run once every registry has a report (or the deadline passed): outcome + webhook. */
export async function handleRunFinalize(message: unknown, context: InvocationContext, rt: DriftRuntime = getDriftRuntime()): Promise<'waiting' | 'finalized' | 'skipped'> {
  const m = message as Partial<FinalizeMessage> | null;
  if (!m || typeof m.runId !== 'string' || !isRunId(m.runId)) {
    context.error(`driftRunFinalize: dropped a malformed message: ${JSON.stringify(message).slice(0, 500)}`);
    return 'skipped';
  }
  const attempt = typeof m.attempt === 'number' ? m.attempt : 1;
  const run = await rt.reports.getRun(m.runId);
  if (!run) {
    context.warn(`driftRunFinalize: run ${m.runId} is unknown`);
    return 'skipped';
  }
  if (run.finalizedAt) return 'skipped';
  const entries = await rt.reports.runEntries(run.runId);
  const started = runIdTime(run.runId) ?? new Date(run.startedAt);
  const deadline = started.getTime() + rt.settings.runDeadlineMinutes * 60_000;
  const now = rt.now();
  if (entries.length < run.expected && now.getTime() < deadline) {
    await rt.queue.send(DRIFT_RUN_QUEUE, { runId: run.runId, attempt: attempt + 1 }, { visibilityTimeoutSeconds: Math.max(1, rt.settings.finalizeDelaySeconds) });
    context.log(`driftRunFinalize: run ${run.runId}: ${entries.length}/${run.expected} reports so far; checking again in ${Math.max(1, rt.settings.finalizeDelaySeconds)} s`);
    return 'waiting';
  }
  const completedAt = now.toISOString();
  const payload = runPayload(run, entries, completedAt);
  run.finalizedAt = completedAt;
  run.outcome = { checked: payload.counts.checked, drifted: payload.counts.drifted, errors: payload.counts.errors, missing: payload.counts.missing };
  // Record the outcome first: whatever the webhook does, the run and its reports are stored.
  await rt.reports.putRun(run);
  context.log(`driftRunFinalize: ${payload.summary}`);
  const url = rt.settings.webhookUrl;
  if (url) {
    run.webhook = await postWebhook(url, payload, {
      attempts: rt.settings.webhookAttempts,
      backoffMs: rt.settings.webhookBackoffMs,
      fetch: rt.fetch,
      sleep: (ms) => rt.sleep(ms),
      now: () => rt.now(),
      log: (level, text) => (level === 'error' ? context.error(text) : level === 'warn' ? context.warn(text) : context.log(text)),
    });
  } else {
    run.webhook = { status: 'skipped', attempts: 0, at: completedAt };
  }
  await rt.reports.putRun(run);
  return 'finalized';
}

export const driftRunFinalize: QueueFunction = {
  kind: 'queue',
  name: 'driftRunFinalize',
  queueName: DRIFT_RUN_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    await handleRunFinalize(message, context);
  },
};
