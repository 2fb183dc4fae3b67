/**
 * Use case: apply an approved plan (or dry-run it), idempotent and resumable,
 * under the registry's lock.
 *
 *   lock the registry (renewed in the background)
 *   -> read plan; `applied` -> no-op
 *   -> beginApply (state applying, audit) with the plan's etag
 *   -> executePlan: stale check, then actions; every step appended to the stored plan
 *   -> finishApply (applied | partiallyApplied), or abortApply when refused before
 *      any mutating call (stale plan: StalePlanError is rethrown after recording it)
 *   -> release the lock; notify the plan's webhook of the outcome.
 *
 * A crash leaves the plan `applying` with its steps recorded; the next apply resumes
 * (the lock guarantees no other run is alive). Dry runs take no lock and write nothing.
 */
import { StalePlanError } from '../model/plan/errors';
import { executePlan } from '../model/plan/execute';
import { abortApply, beginApply, finishApply } from '../model/plan/state';
import { isReplicaReady } from '../model/live';
import type { ExecutionResult, Plan, PlanStep, ReplicaReadiness } from '../model/plan/types';
import { notifyPlanChange, type PlanDeps } from './plan-notify';
import type { PlanExecutorFactory, PlanExecutorPort } from './ports/arm';
import type { PlanStore } from './ports/plan-store';
import { withRegistryLock, type WithLockOptions } from './registry-lock';
import { applyConsolidationPlan } from './consolidate-apply';
import type { ImageImportPort } from './ports/image-import';
import type { RegistryDataPort } from './ports/registry-data';

export interface ApplyStoredPlanOptions {
  /** The principal asking for the apply (audit). */
  actor: string;
  /** Lock holder name (default: actor). */
  holder?: string;
  /** Registry I/O: live topology and the mutating calls (ARM adapter). */
  registry: PlanExecutorPort;
  now?: () => Date;
  dryRun?: boolean;
  lock?: WithLockOptions;
  /** After an applied run, wait (bounded) until each replica the plan created reports displayStatus Ready. */
  waitForReady?: WaitForReadyOptions;
}

export interface WaitForReadyOptions {
  timeoutMs: number;
  /** Between status reads (default 5,000 ms). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Longest wait for Ready an apply request may ask for. */
export const MAX_READY_WAIT_SECONDS = 1800;

/**
 * Polls the replicas' replication status until every region is Ready (isReplicaReady, the rule
 * drift uses too) or the time limit is spent; one result per region.
 */
export async function waitForReady(
  read: NonNullable<PlanExecutorPort['replicaStatuses']>,
  regions: readonly string[],
  opts: WaitForReadyOptions,
  clock: () => number = Date.now,
): Promise<ReplicaReadiness[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = Math.max(1, opts.pollMs ?? 5000);
  const start = clock();
  const done = new Map<string, ReplicaReadiness>();
  let last = new Map<string, string | null>();
  for (;;) {
    const statuses = await read();
    last = new Map(statuses.map((s) => [s.region, s.displayStatus]));
    const waited = clock() - start;
    for (const region of regions) {
      if (done.has(region)) continue;
      const s = statuses.find((x) => x.region === region);
      if (s && isReplicaReady(s)) done.set(region, { region, ready: true, displayStatus: s.displayStatus, waitedMs: waited });
    }
    if (done.size === regions.length || waited >= opts.timeoutMs) break;
    await sleep(Math.min(pollMs, Math.max(1, opts.timeoutMs - waited)));
  }
  const waited = clock() - start;
  return regions.map((region) => done.get(region) ?? { region, ready: false, displayStatus: last.get(region) ?? null, waitedMs: waited });
}

export interface ApplyStoredPlanResult {
  plan: Plan;
  result: ExecutionResult;
}

/** The apply of a stored plan, without the notification (see applyPlan). */
export async function applyStoredPlan(store: PlanStore, planId: string, opts: ApplyStoredPlanOptions): Promise<ApplyStoredPlanResult> {
  const now = opts.now ?? (() => new Date());
  if (opts.dryRun) {
    const { plan } = await store.get(planId);
    const result = await executePlan(plan, { ...opts.registry, recordStep: async () => {}, now }, { dryRun: true });
    return { plan, result };
  }
  const { plan: first } = await store.get(planId);
  if (first.state === 'applied') {
    return { plan: first, result: { outcome: 'noop', steps: [], performed: [], alreadyDone: [] } };
  }
  return withRegistryLock(
    store,
    first.registryId,
    opts.holder ?? opts.actor,
    async (held) => {
      // Under the lock: re-read, then start (beginApply re-validates on whatever is stored now).
      const started = await store.modify(planId, (p) => beginApply(p, { actor: opts.actor, now: now() }));
      if (started.plan.state === 'applied') {
        return { plan: started.plan, result: { outcome: 'noop', steps: [], performed: [], alreadyDone: [] } as ExecutionResult };
      }
      let result: ExecutionResult;
      try {
        result = await executePlan(
          started.plan,
          {
            readLive: (o) => opts.registry.readLive(o),
            perform: async (a) => {
              held.assertHeld(); // never mutate without the lock
              await opts.registry.perform(a);
            },
            recordStep: async (s) => {
              await store.appendStep(planId, s);
            },
            now,
          },
          { attempt: started.plan.applyAttempts ?? 1 },
        );
      } catch (e) {
        if (e instanceof StalePlanError) {
          const reason = `${e.message}: ${e.changes.join('; ')}`;
          await store.modify(planId, (p) => abortApply(p, { actor: opts.actor, now: now(), reason }));
        }
        throw e; // anything else: the plan stays `applying`; the next apply resumes
      }
      const finished = await store.modify(planId, (p) => finishApply(p, result, { actor: opts.actor, now: now() }));
      const created = [...new Set(started.plan.actions.flatMap((a) => (a.kind === 'createReplica' ? [a.region] : [])))];
      if (result.outcome !== 'applied' || !opts.waitForReady || !opts.registry.replicaStatuses || created.length === 0) return { plan: finished.plan, result };
      // Provisioned is not synced: wait (bounded) for Ready and report it per replica, as steps.
      const readiness = await waitForReady(() => opts.registry.replicaStatuses!(), created, opts.waitForReady);
      const attempt = started.plan.applyAttempts ?? 1;
      for (const r of readiness) {
        const step: PlanStep = {
          actionId: `wait-ready:${r.region}`,
          kind: 'createReplica',
          region: r.region,
          status: r.ready ? 'succeeded' : 'failed',
          at: now().toISOString(),
          attempt,
          message: r.ready
            ? `Ready after ${r.waitedMs} ms`
            : `${r.displayStatus ?? 'no status'} after ${r.waitedMs} ms (limit ${opts.waitForReady.timeoutMs} ms): provisioned but not Ready yet; the plan stays applied`,
        };
        held.assertHeld();
        await store.appendStep(planId, step);
        result.steps.push(step);
      }
      const final = await store.get(planId);
      return { plan: final.plan, result: { ...result, readiness } };
    },
    opts.lock,
  );
}

export interface ApplyPlanDeps extends PlanDeps {
  /** The registry I/O of one registry's apply (ARM). */
  planExecutor: PlanExecutorFactory;
  /** Consolidation plans (#17): the target's data plane and ARM importImage. */
  registryData?(): RegistryDataPort;
  imageImport?(): ImageImportPort;
}

export interface ApplyPlanInput {
  planId: string;
  actor: string;
  dryRun: boolean;
  /** Seconds to wait for each created replica to be Ready (absent: no wait). */
  waitForReadySeconds?: number;
}

/** Applies (or dry-runs) a stored plan and notifies its webhook of a real outcome; `now` is the time of the answer. */
export async function applyPlan(deps: ApplyPlanDeps, input: ApplyPlanInput): Promise<ApplyStoredPlanResult & { now: Date }> {
  const store = deps.planStore();
  const { plan: stored } = await store.get(input.planId);
  if (stored.consolidation) {
    // A consolidation plan (#17): the target's topology actions, then the imports.
    const { registryData, imageImport } = deps;
    if (!registryData || !imageImport) throw new TypeError('consolidation plans need the registryData and imageImport ports');
    return applyConsolidationPlan({ ...deps, registryData: () => registryData(), imageImport: () => imageImport() }, input);
  }
  const registry = deps.planExecutor(stored.registryId);
  const { plan, result } = await applyStoredPlan(store, input.planId, {
    actor: input.actor,
    registry,
    dryRun: input.dryRun,
    now: () => deps.now(),
    ...(input.waitForReadySeconds !== undefined ? { waitForReady: { timeoutMs: input.waitForReadySeconds * 1000, pollMs: Math.min(5000, Math.max(50, (input.waitForReadySeconds * 1000) / 20)) } } : {}),
  });
  const now = deps.now();
  if (!input.dryRun && result.outcome !== 'noop') await notifyPlanChange(deps, store, plan, result.outcome, now);
  return { plan, result, now };
}
