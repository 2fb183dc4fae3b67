/** Use case: reject a pending or approved plan, with a reason. */
import { reject } from '../model/plan';
import type { Plan } from '../model/plan/types';
import { notifyPlanChange, type PlanDeps } from './plan-notify';

export async function rejectPlan(deps: PlanDeps, input: { planId: string; actor: string; reason: string }): Promise<{ plan: Plan; now: Date }> {
  const store = deps.planStore();
  const now = deps.now();
  const { plan } = await store.modify(input.planId, (p) => reject(p, { actor: input.actor, now, reason: input.reason }));
  await notifyPlanChange(deps, store, plan, 'rejected', now);
  return { plan, now };
}
