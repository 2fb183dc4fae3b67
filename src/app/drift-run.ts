/**
 * Use case: start a drift run — find the registries to watch (DRIFT_REGISTRY_IDS
 * and every registry of DRIFT_SUBSCRIPTIONS, listed with bounded concurrency),
 * record the run, enqueue one check per registry and the delayed finalizer.
 */
import { newRunId } from '../model/drift/run-id';
import type { DriftDeps } from './drift-deps';
import { mapLimit } from './map-limit';
import { DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE, type DriftRun } from './ports/drift';

const SEND_CONCURRENCY = 16;
const LIST_CONCURRENCY = 4;

export interface StartedRun {
  run: DriftRun;
  registryIds: string[];
}

export type DriftRunDeps = Pick<DriftDeps, 'settings' | 'reports' | 'queue' | 'armLimiter' | 'arm' | 'now' | 'log'>;

/** Lists the registries to watch; a subscription that cannot be listed is recorded, not fatal. */
export async function registriesToWatch(deps: Pick<DriftDeps, 'settings' | 'armLimiter' | 'arm' | 'log'>): Promise<{ ids: string[]; listErrors: string[] }> {
  const byKey = new Map<string, string>();
  for (const id of deps.settings.registryIds) byKey.set(id.toLowerCase(), id);
  const listErrors: string[] = [];
  const subs = deps.settings.subscriptions;
  if (subs.length) {
    const { topology } = deps.arm();
    await mapLimit(subs, LIST_CONCURRENCY, async (subscriptionId) => {
      try {
        const regs = await deps.armLimiter.run(() => topology.listRegistries({ subscriptionId }));
        for (const r of regs) if (!byKey.has(r.id.toLowerCase())) byKey.set(r.id.toLowerCase(), r.id);
      } catch (e) {
        const msg = `subscription ${subscriptionId}: ${(e as Error).message}`;
        listErrors.push(msg);
        deps.log.warn(`topologyDrift: could not list ${msg}`);
      }
    });
  }
  return { ids: [...byKey.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())), listErrors };
}

/** Starts a run: records it, enqueues one check per registry and the delayed finalizer. */
export async function startDriftRun(deps: DriftRunDeps, input: { trigger: string }): Promise<StartedRun> {
  const { trigger } = input;
  const started = deps.now();
  const runId = newRunId(started);
  const { ids, listErrors } = await registriesToWatch(deps);
  const run: DriftRun = {
    runId,
    startedAt: started.toISOString(),
    trigger,
    expected: ids.length,
    sources: { registryIds: deps.settings.registryIds.length, subscriptions: deps.settings.subscriptions },
    listErrors,
  };
  if (ids.length === 0) {
    deps.log.warn(`topologyDrift: run ${runId}: no registries to check (set DRIFT_REGISTRY_IDS and/or DRIFT_SUBSCRIPTIONS)${listErrors.length ? `; ${listErrors.length} subscription(s) failed to list` : ''}`);
  }
  await deps.reports.putRun(run);
  await mapLimit(ids, SEND_CONCURRENCY, (registryId) => deps.queue.send(DRIFT_CHECK_QUEUE, { runId, registryId }));
  await deps.queue.send(DRIFT_RUN_QUEUE, { runId, attempt: 1 }, { visibilityTimeoutSeconds: ids.length ? deps.settings.finalizeDelaySeconds : 0 });
  deps.log.log(`topologyDrift: run ${runId} (${trigger}): ${ids.length} registr${ids.length === 1 ? 'y' : 'ies'} enqueued on ${DRIFT_CHECK_QUEUE}`);
  return { run, registryIds: ids };
}
