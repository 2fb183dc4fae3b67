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
import type { ExecutionResult, Plan } from '../model/plan/types';
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
      return { plan: finished.plan, result };
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
  const { plan, result } = await applyStoredPlan(store, input.planId, { actor: input.actor, registry, dryRun: input.dryRun, now: () => deps.now() });
  const now = deps.now();
  if (!input.dryRun && result.outcome !== 'noop') await notifyPlanChange(deps, store, plan, result.outcome, now);
  return { plan, result, now };
}
