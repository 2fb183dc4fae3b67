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
import { getServices, type Services } from '../composition';
import { startDriftRun as startRun, type StartedRun } from '../app/drift-run';
import { finalizeDriftRun } from '../app/drift-finalize';
import { DRIFT_RUN_QUEUE } from '../app/ports/drift';
import { DEFAULT_DRIFT_SCHEDULE } from '../settings';
import { driftDeps } from './drift-deps';

export type { StartedRun };

/** Starts a run: records it, enqueues one check per registry and the delayed finalizer. */
export async function startDriftRun(context: InvocationContext, trigger: string, services: Services = getServices()): Promise<StartedRun> {
  return startRun(driftDeps(services, context), { trigger });
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

/** Closes a run once every registry has a report (or the deadline passed): outcome + webhook. */
export async function handleRunFinalize(message: unknown, context: InvocationContext, services: Services = getServices()): Promise<'waiting' | 'finalized' | 'skipped'> {
  return finalizeDriftRun(driftDeps(services, context), { message });
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
