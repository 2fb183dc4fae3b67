/** Use case: a second principal approves exactly this content of a pending plan. */
import { approve } from '../model/plan';
import type { Plan } from '../model/plan/types';
import { notifyPlanChange, type PlanDeps } from './plan-notify';

export interface PlanActor {
  name: string;
  objectId?: string;
  provider: string;
}

export interface ApprovePlanInput {
  planId: string;
  approver: PlanActor;
  /** Approve only if the plan still has this content hash. */
  contentHash?: string;
  comment?: string;
}

export async function approvePlan(deps: PlanDeps, input: ApprovePlanInput): Promise<{ plan: Plan; now: Date }> {
  const { approver } = input;
  const store = deps.planStore();
  const now = deps.now();
  const { plan } = await store.modify(input.planId, (p) => {
    const approved = approve(p, {
      actor: approver.name,
      ...(approver.objectId !== undefined ? { actorObjectId: approver.objectId } : {}),
      actorProvider: approver.provider,
      now,
      ...(input.contentHash ? { expectedContentHash: input.contentHash } : {}),
    });
    return input.comment ? { ...approved, audit: [...approved.audit, { at: now.toISOString(), actor: approver.name, event: 'comment', detail: input.comment }] } : approved;
  });
  await notifyPlanChange(deps, store, plan, 'approved', now);
  return { plan, now };
}
