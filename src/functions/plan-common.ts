/** Shared by the plan bindings: a stored plan as the API presents it, and the deps of the plan use cases. */
import type { RequestContext } from '../http/endpoint';
import { effectiveState } from '../model/plan';
import type { Plan } from '../model/plan/types';
import type { ApplyPlanDeps } from '../app/apply-plan';
import type { CreatePlanDeps } from '../app/create-plan';
import { planLinks } from '../app/plan-notify';

export { planLinks };

export function presentPlan(plan: Plan, now: Date) {
  return { ...plan, state: effectiveState(plan, now), storedState: plan.state, links: planLinks(plan.id) };
}

/** The ports of the plan use cases from the services, with this invocation's log (a failed notification is a warning). */
export function planDeps(rc: RequestContext): CreatePlanDeps & ApplyPlanDeps {
  const s = rc.services;
  return {
    catalog: s.catalog,
    prices: () => s.prices(),
    arm: () => s.arm(),
    planStore: () => s.planStore(),
    planExecutor: (registryId) => s.planExecutor(registryId),
    registryData: () => s.registryData(),
    imageImport: () => s.imageImport(),
    webhook: s.webhook,
    now: () => s.now(),
    planTtlHours: s.settings.plans.ttlHours,
    log: rc.context,
  };
}
