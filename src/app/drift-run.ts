/**
 * Use case: start a drift run — find the registries to watch, record the run, enqueue
 * the checks and the delayed finalizer.
 *
 * Inventory: Azure Resource Graph over DRIFT_SUBSCRIPTIONS, DRIFT_MANAGEMENT_GROUPS and/or the
 * whole tenant (DRIFT_TENANT) — registries with their replications in pages of 1,000 rows — and
 * ARM listing only where Resource Graph is refused (RegistryInventoryPort). The check messages
 * carry what the inventory knows: one message per ≤ 50 registries of one subscription and home
 * region (one metrics batch call), so a check needs no ARM read in the common case. Registries
 * named in DRIFT_REGISTRY_IDS that the inventory did not return get a `{runId, registryId}`
 * message and are read through ARM by their check. Without an inventory port (or with
 * DRIFT_INVENTORY=arm) subscriptions are listed through ARM and every registry gets its own message.
 */
import { groupMessages } from '../model/drift/messages';
import { newRunId } from '../model/drift/run-id';
import type { LiveRegistry } from '../model/live';
import type { DriftDeps } from './drift-deps';
import { mapLimit } from './map-limit';
import { DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE, type DriftRun } from './ports/drift';

const SEND_CONCURRENCY = 16;
const LIST_CONCURRENCY = 4;

export interface StartedRun {
  run: DriftRun;
  registryIds: string[];
}

export type DriftRunDeps = Pick<DriftDeps, 'settings' | 'reports' | 'queue' | 'armLimiter' | 'arm' | 'now' | 'log' | 'inventory' | 'armBudget'>;

/** Lists the registries to watch through ARM; a subscription that cannot be listed is recorded, not fatal. */
export async function registriesToWatch(deps: Pick<DriftDeps, 'settings' | 'armLimiter' | 'arm' | 'log' | 'armBudget'>): Promise<{ ids: string[]; listErrors: string[] }> {
  const byKey = new Map<string, string>();
  for (const id of deps.settings.registryIds) byKey.set(id.toLowerCase(), id);
  const listErrors: string[] = [];
  const subs = deps.settings.subscriptions;
  if (subs.length) {
    const { topology } = deps.arm();
    await mapLimit(subs, LIST_CONCURRENCY, async (subscriptionId) => {
      try {
        await deps.armBudget?.take(subscriptionId, 1);
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

interface Planned {
  ids: string[];
  listErrors: string[];
  messages: unknown[];
  inventory?: DriftRun['inventory'];
}

async function planWithInventory(deps: DriftRunDeps, runId: string): Promise<Planned> {
  const s = deps.settings;
  const inventory = deps.inventory?.();
  if (!inventory) throw new Error('no inventory port');
  const res = await inventory.list({ subscriptions: s.subscriptions, managementGroups: s.managementGroups ?? [], tenant: s.tenant ?? false });
  for (const e of res.errors) deps.log.warn(`topologyDrift: could not list ${e}`);
  for (const f of res.armFallback ?? []) deps.log.warn(`topologyDrift: subscription ${f.subscriptionId} listed through ARM reads: ${f.reason}`);
  const known = new Map<string, LiveRegistry>(res.registries.map((r) => [r.id.toLowerCase(), r]));
  const single: string[] = [];
  for (const id of s.registryIds) if (!known.has(id.toLowerCase())) single.push(id);
  const groups = groupMessages(runId, [...known.values()]);
  const ids = [...[...known.values()].map((r) => r.id), ...single].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return {
    ids,
    listErrors: res.errors,
    messages: [...groups, ...single.map((registryId) => ({ runId, registryId }))],
    inventory: {
      source: 'resource-graph',
      resourceGraphScopes: res.resourceGraphScopes,
      armFallbackSubscriptions: res.armFallbackSubscriptions,
      ...(res.armFallback?.length ? { armFallback: res.armFallback } : {}),
      resourceGraphQueries: res.resourceGraphQueries,
      resourceGraphThrottled: res.resourceGraphThrottled,
      armReads: res.armReads,
      groupMessages: groups.length,
      singleMessages: single.length,
    },
  };
}

/** Starts a run: records it, enqueues the checks and the delayed finalizer. */
export async function startDriftRun(deps: DriftRunDeps, input: { trigger: string }): Promise<StartedRun> {
  const { trigger } = input;
  const started = deps.now();
  const runId = newRunId(started);
  const s = deps.settings;
  const useGraph = deps.inventory !== undefined && s.inventory !== 'arm' && (s.subscriptions.length > 0 || (s.managementGroups ?? []).length > 0 || s.tenant === true);
  let planned: Planned;
  if (useGraph) {
    planned = await planWithInventory(deps, runId);
  } else {
    const { ids, listErrors } = await registriesToWatch(deps);
    planned = { ids, listErrors, messages: ids.map((registryId) => ({ runId, registryId })) };
  }
  const { ids, listErrors } = planned;
  const run: DriftRun = {
    runId,
    startedAt: started.toISOString(),
    trigger,
    expected: ids.length,
    sources: {
      registryIds: s.registryIds.length,
      subscriptions: s.subscriptions,
      ...((s.managementGroups ?? []).length ? { managementGroups: s.managementGroups } : {}),
      ...(s.tenant ? { tenant: true } : {}),
    },
    listErrors,
    ...(planned.inventory ? { inventory: planned.inventory } : {}),
  };
  if (ids.length === 0) {
    deps.log.warn(`topologyDrift: run ${runId}: no registries to check (set DRIFT_REGISTRY_IDS, DRIFT_SUBSCRIPTIONS, DRIFT_MANAGEMENT_GROUPS or DRIFT_TENANT)${listErrors.length ? `; ${listErrors.length} scope(s) failed to list` : ''}`);
  }
  await deps.reports.putRun(run);
  await mapLimit(planned.messages, SEND_CONCURRENCY, (m) => deps.queue.send(DRIFT_CHECK_QUEUE, m));
  await deps.queue.send(DRIFT_RUN_QUEUE, { runId, attempt: 1 }, { visibilityTimeoutSeconds: ids.length ? s.finalizeDelaySeconds : 0 });
  deps.log.log(`topologyDrift: run ${runId} (${trigger}): ${ids.length} registr${ids.length === 1 ? 'y' : 'ies'} in ${planned.messages.length} message(s) on ${DRIFT_CHECK_QUEUE}`);
  return { run, registryIds: ids };
}
