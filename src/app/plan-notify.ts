/**
 * Shared by the plan use cases: the links of a plan and the notification of
 * its webhook on state changes (recorded in the plan's audit trail).
 */
import type { Plan } from '../model/plan/types';
import type { Clock } from './ports/clock';
import type { Log } from './ports/log';
import type { PlanStore } from './ports/plan-store';
import type { WebhookSender } from './ports/webhook';

/** What every plan use case that changes a plan depends on. */
export interface PlanDeps {
  /** Plans, their audit trail and the per-registry apply lock; built on first use. */
  planStore(): PlanStore;
  now: Clock;
  webhook: WebhookSender;
  /** Where warnings of this invocation go (a failed notification). */
  log: Pick<Log, 'warn'>;
}

/** The API links of a plan (in its answers and in its webhook payloads). */
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

/**
 * POSTs the plan's new state to its notificationUrl (bounded retries) and
 * records the delivery in the audit trail. Never throws: a webhook that is
 * down must not fail the state change that already happened.
 */
export async function notifyPlanChange(deps: Pick<PlanDeps, 'webhook' | 'log'>, store: PlanStore, plan: Plan, event: string, now: Date): Promise<void> {
  if (!plan.notificationUrl) return;
  const result = await deps.webhook(
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
    { attempts: 3, backoffMs: 250, timeoutMs: 3000, label: `plan ${plan.id} webhook`, onGiveUp: 'The plan change stands; the failure is in its audit trail.', log: (_level, line) => deps.log.warn(line) },
  );
  try {
    await store.appendAudit(plan.id, {
      at: now.toISOString(),
      actor: 'acr-geoplanner',
      event: result.status === 'sent' ? 'notified' : 'notificationFailed',
      detail: `${event} → ${plan.notificationUrl}: ${result.status === 'sent' ? `HTTP ${result.httpStatus}` : (result.lastError ?? 'failed')} after ${result.attempts} attempt(s)`,
    });
  } catch (e) {
    deps.log.warn(`could not record the notification of plan ${plan.id}: ${(e as Error).message}`);
  }
}
