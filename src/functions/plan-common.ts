/**
 * Shared by the plan functions: presenting a stored plan with its effective
 * state and links, and notifying the plan's webhook on state changes.
 */
import type { InvocationContext } from '@azure/functions';
import { effectiveState } from '../model/plan';
import type { Plan } from '../model/plan/types';
import { postWebhook } from '../azure/webhook';
import type { PlanStore } from '../azure/store';

export function planLinks(id: string): Record<string, string> {
  const base = `/api/plans/${encodeURIComponent(id)}`;
  return {
    self: base,
    approve: `${base}/approve`,
    reject: `${base}/reject`,
    apply: `${base}/apply`,
    dryRun: `${base}/apply?dryRun=true`,
    exportAz: `${base}/export?format=az`,
    exportBicep: `${base}/export?format=bicep`,
    exportTerraform: `${base}/export?format=terraform`,
  };
}

export function presentPlan(plan: Plan, now: Date) {
  return { ...plan, state: effectiveState(plan, now), storedState: plan.state, links: planLinks(plan.id) };
}

/**
 * POSTs the plan's new state to its notificationUrl (bounded retries) and
 * records the delivery in the audit trail. Never throws: a webhook that is
 * down must not fail the state change that already happened.
 */
export async function notifyPlanChange(store: PlanStore, plan: Plan, event: string, context: InvocationContext, now: Date): Promise<void> {
  if (!plan.notificationUrl) return;
  const result = await postWebhook(
    plan.notificationUrl,
    {
      event,
      planId: plan.id,
      registryId: plan.registryId,
      state: plan.state,
      summary: `Plan ${plan.id} for ${plan.registryName}: ${event} (${plan.actions.length} action(s)).`,
      links: planLinks(plan.id),
      at: now.toISOString(),
    },
    { attempts: 3, backoffMs: 250, timeoutMs: 3000, label: `plan ${plan.id} webhook`, onGiveUp: 'The plan change stands; the failure is in its audit trail.', log: (_level, line) => context.warn(line) },
  );
  try {
    await store.appendAudit(plan.id, {
      at: now.toISOString(),
      actor: 'acr-geoplanner',
      event: result.status === 'sent' ? 'notified' : 'notificationFailed',
      detail: `${event} → ${plan.notificationUrl}: ${result.status === 'sent' ? `HTTP ${result.httpStatus}` : (result.lastError ?? 'failed')} after ${result.attempts} attempt(s)`,
    });
  } catch (e) {
    context.warn(`could not record the notification of plan ${plan.id}: ${(e as Error).message}`);
  }
}
