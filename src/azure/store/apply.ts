/**
 * applyStoredPlan: the whole apply of a stored plan, for the HTTP handler.
 *
 *   lock the registry (blob lease, renewed in the background)
 *   -> read plan; `applied` -> no-op
 *   -> beginApply (state applying, audit) with the plan's etag
 *   -> executePlan: stale check, then actions; every step appended to the stored plan
 *   -> finishApply (applied | partiallyApplied), or abortApply when refused before
 *      any mutating call (stale plan: StalePlanError is rethrown after recording it)
 *   -> release the lock.
 *
 * A crash leaves the plan `applying` with its steps recorded; the next apply resumes
 * (the lock guarantees no other run is alive). Dry runs take no lock and write nothing.
 */
import { StalePlanError } from '../../model/plan/errors';
import { executePlan } from '../../model/plan/execute';
import { abortApply, beginApply, finishApply } from '../../model/plan/state';
import type { ExecutionResult, ExecutorPort, Plan } from '../../model/plan/types';
import { withRegistryLock, type WithLockOptions } from './lock';
import type { PlanStore } from './types';

export interface ApplyStoredPlanOptions {
  /** The principal asking for the apply (audit). */
  actor: string;
  /** Lock holder name (default: actor). */
  holder?: string;
  /** Registry I/O: live topology and the mutating calls (ARM adapter). */
  registry: Pick<ExecutorPort, 'readLive' | 'perform'>;
  now?: () => Date;
  dryRun?: boolean;
  lock?: WithLockOptions;
}

export interface ApplyStoredPlanResult {
  plan: Plan;
  result: ExecutionResult;
}

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
            readLive: () => opts.registry.readLive(),
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
