/** Use cases approve-plan and reject-plan over the in-memory plan store, with a recording webhook. */
import { describe, expect, it } from 'vitest';
import { approvePlan } from '../../src/app/approve-plan';
import { rejectPlan } from '../../src/app/reject-plan';
import type { PlanDeps } from '../../src/app/plan-notify';
import { InMemoryPlanStore } from '../../src/azure/store/memory';
import { PlanIntegrityError, PlanStateError, SelfApprovalError } from '../../src/model/plan/errors';
import { makePlan, rep, T0, topo } from '../model/plan/fixtures';
import { recordingWebhook } from './fakes';

const NOW = new Date(T0.getTime() + 3600_000);

async function setup(notificationUrl?: string) {
  const store = new InMemoryPlanStore();
  const plan = makePlan(topo('Premium', []), topo('Premium', [rep('eastus')]), true, notificationUrl ? { notificationUrl } : {});
  await store.create(plan);
  const webhook = recordingWebhook();
  const deps: PlanDeps = { planStore: () => store, now: () => NOW, webhook: webhook.send, log: { warn: () => {} } };
  return { store, plan, webhook, deps };
}

const bob = { name: 'bob@contoso.com', objectId: 'oid-bob', provider: 'aad' };

describe('approvePlan', () => {
  it('a second principal approves this content; the comment is audited; the webhook hears it', async () => {
    const { deps, plan, webhook } = await setup('https://hooks.example/p');
    const { plan: approved, now } = await approvePlan(deps, { planId: plan.id, approver: bob, contentHash: plan.contentHash, comment: 'looks right' });
    expect(now).toEqual(NOW);
    expect(approved.state).toBe('approved');
    expect(approved.approver).toBe('bob@contoso.com');
    expect(approved.audit.find((a) => a.event === 'comment')).toMatchObject({ actor: 'bob@contoso.com', detail: 'looks right', at: NOW.toISOString() });
    expect(webhook.sent.map((s) => (s.payload as { event: string }).event)).toEqual(['approved']);
  });

  it('refuses the requester, another content hash, and a second approval; nothing is notified', async () => {
    const { deps, plan, webhook } = await setup('https://hooks.example/p');
    await expect(approvePlan(deps, { planId: plan.id, approver: { name: plan.requester, provider: 'aad' } })).rejects.toBeInstanceOf(SelfApprovalError);
    await expect(approvePlan(deps, { planId: plan.id, approver: bob, contentHash: 'sha256:other' })).rejects.toBeInstanceOf(PlanIntegrityError);
    await approvePlan(deps, { planId: plan.id, approver: bob });
    await expect(approvePlan(deps, { planId: plan.id, approver: { ...bob, name: 'carol@contoso.com' } })).rejects.toBeInstanceOf(PlanStateError);
    expect(webhook.sent).toHaveLength(1);
  });
});

describe('rejectPlan', () => {
  it('rejects with the reason, stored and notified', async () => {
    const { deps, plan, store, webhook } = await setup('https://hooks.example/p');
    const { plan: rejected } = await rejectPlan(deps, { planId: plan.id, actor: 'bob@contoso.com', reason: 'not this quarter' });
    expect(rejected.state).toBe('rejected');
    expect((await store.get(plan.id)).plan.audit.map((a) => a.detail ?? '').join('\n')).toMatch(/not this quarter/);
    expect(webhook.sent.map((s) => (s.payload as { event: string }).event)).toEqual(['rejected']);
  });
});
