/**
 * Use case (#17): apply an approved consolidation plan, under the target registry's lock, through
 * the same state machine as every plan (beginApply → applying → applied | partiallyApplied;
 * approval bound to the content hash; a stale target refused before any change; resumable).
 * The I/O: the target's topology (ARM, the plan executor), its tags (data plane) and ARM importImage.
 */
import { executeConsolidation, type ConsolidationExecutionResult, type ConsolidationExecutorPort } from '../model/consolidation-execute';
import { StalePlanError } from '../model/plan/errors';
import { abortApply, beginApply, finishApply } from '../model/plan/state';
import type { Plan } from '../model/plan/types';
import { notifyPlanChange, type PlanDeps } from './plan-notify';
import type { PlanExecutorFactory } from './ports/arm';
import type { ImageImportPort } from './ports/image-import';
import type { RegistryDataPort } from './ports/registry-data';
import { withRegistryLock, type WithLockOptions } from './registry-lock';

export interface ApplyConsolidationDeps extends PlanDeps {
  planExecutor: PlanExecutorFactory;
  registryData(): RegistryDataPort;
  imageImport(): ImageImportPort;
  lock?: WithLockOptions;
}

export interface ApplyConsolidationInput {
  planId: string;
  actor: string;
  dryRun: boolean;
}

const NOOP: ConsolidationExecutionResult = { outcome: 'noop', steps: [], performed: [], alreadyDone: [], importedTags: [], presentTags: [] };

function port(deps: ApplyConsolidationDeps, plan: Plan, guard: () => void, recordStep: ConsolidationExecutorPort['recordStep']): ConsolidationExecutorPort {
  const c = plan.consolidation;
  if (!c) throw new TypeError(`plan ${plan.id} is not a consolidation plan`);
  const registry = deps.planExecutor(plan.registryId);
  const data = deps.registryData();
  const importer = deps.imageImport();
  return {
    readLive: () => registry.readLive(),
    perform: async (a) => {
      guard();
      await registry.perform(a);
    },
    readTargetTags: async () => {
      const inv = await data.inventory(c.targetLoginServer);
      return new Map(inv.repositories.flatMap((r) => r.tags.map((t) => [`${r.name}:${t.name}`, t.digest] as const)));
    },
    importTag: async (item, tag) => {
      guard(); // never mutate without the lock
      await importer.importImage({ targetRegistryId: plan.registryId, sourceRegistryId: item.sourceId, sourceImage: `${item.repository}:${tag.tag}`, targetTag: `${item.repository}:${tag.tag}` });
    },
    recordStep,
    now: () => deps.now(),
  };
}

export async function applyConsolidationPlan(deps: ApplyConsolidationDeps, input: ApplyConsolidationInput): Promise<{ plan: Plan; result: ConsolidationExecutionResult; now: Date }> {
  const store = deps.planStore();
  const now = () => deps.now();
  const { plan: first } = await store.get(input.planId);
  if (input.dryRun) {
    const result = await executeConsolidation(first, port(deps, first, () => {}, async () => {}), { dryRun: true });
    return { plan: first, result, now: now() };
  }
  if (first.state === 'applied') return { plan: first, result: NOOP, now: now() };
  const { plan, result } = await withRegistryLock(
    store,
    first.registryId,
    input.actor,
    async (held) => {
      const started = await store.modify(input.planId, (p) => beginApply(p, { actor: input.actor, now: now() }));
      if (started.plan.state === 'applied') return { plan: started.plan, result: NOOP };
      let result: ConsolidationExecutionResult;
      try {
        result = await executeConsolidation(
          started.plan,
          port(deps, started.plan, () => held.assertHeld(), async (s) => {
            await store.appendStep(input.planId, s);
          }),
          { attempt: started.plan.applyAttempts ?? 1 },
        );
      } catch (e) {
        if (e instanceof StalePlanError) {
          const reason = `${e.message}: ${e.changes.join('; ')}`;
          await store.modify(input.planId, (p) => abortApply(p, { actor: input.actor, now: now(), reason }));
        }
        throw e; // anything else: the plan stays `applying`; the next apply resumes
      }
      const finished = await store.modify(input.planId, (p) => finishApply(p, result, { actor: input.actor, now: now() }));
      return { plan: finished.plan, result };
    },
    deps.lock,
  );
  const at = now();
  if (result.outcome !== 'noop') await notifyPlanChange(deps, store, plan, result.outcome, at);
  return { plan, result, now: at };
}
