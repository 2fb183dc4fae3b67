/** Use case create-plan: live topology → target → costs before/after → stored pending plan → webhook, with fakes of every port. */
import { describe, expect, it } from 'vitest';
import { createPlan, type CreatePlanDeps } from '../../src/app/create-plan';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { InMemoryPlanStore } from '../../src/azure/store/memory';
import { InvalidInputError } from '../../src/model/errors';
import { registryKey } from '../../src/model/registry-id';
import { fakeArm, liveRegistry, pullSummary, recordingWebhook, type FakeArm, type RecordingWebhook } from './fakes';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const contoso = liveRegistry('contoso', {
  replicas: [{ name: 'eastus', location: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready' }],
});
const alice = { name: 'alice@contoso.com', objectId: 'oid-alice', provider: 'aad' };

function setup(): { deps: CreatePlanDeps; store: InMemoryPlanStore; arm: FakeArm; webhook: RecordingWebhook; warnings: string[] } {
  const store = new InMemoryPlanStore();
  const arm = fakeArm([contoso], { [registryKey(contoso.id)]: pullSummary(2000, { westus: 20 * 1024 ** 3 }) });
  const webhook = recordingWebhook();
  const warnings: string[] = [];
  const deps: CreatePlanDeps = {
    catalog: shippedCatalog(),
    prices: shippedPrices,
    arm: () => arm,
    planStore: () => store,
    now: () => NOW,
    webhook: webhook.send,
    log: { warn: (m) => warnings.push(m) },
    planTtlHours: 48,
  };
  return { deps, store, arm, webhook, warnings };
}

describe('createPlan', () => {
  it('stores a pending plan from the live topology to the target, priced before and after, and notifies its webhook', async () => {
    const { deps, store, webhook } = setup();
    const { plan, now } = await createPlan(deps, {
      request: { registryId: contoso.id, target: { replicas: [{ region: 'eastus' }, { region: 'West Europe' }] }, workloads: [{ region: 'westeurope', pullGBPerMonth: 500 }], notificationUrl: 'https://hooks.example/plan' },
      requester: alice,
    });
    expect(now).toEqual(NOW);
    expect(plan.state).toBe('pending');
    expect(plan.registryId).toBe(contoso.id);
    expect(plan.requester).toBe('alice@contoso.com');
    expect(plan.requesterObjectId).toBe('oid-alice');
    expect(plan.current.replicas.map((r) => r.region)).toEqual(['eastus']);
    expect(plan.target.replicas.map((r) => r.region)).toEqual(['eastus', 'westeurope']);
    expect(plan.actions.map((a) => `${a.kind} ${'region' in a ? a.region : ''}`.trim())).toEqual(['createReplica westeurope']);
    expect(new Date(plan.expiresAt).getTime() - NOW.getTime()).toBe(48 * 3600_000);
    // The westeurope workload is served from a replica after, across the ocean before: the transfer gets cheaper.
    const before = plan.costBefore as { monthlyCost: { total: number } };
    const after = plan.costAfter as { monthlyCost: { total: number }; workloads: Array<{ region?: string; pullGBPerMonth: number | null }> };
    expect(after.workloads).toEqual([expect.objectContaining({ region: 'westeurope', pullGBPerMonth: 500 })]);
    expect(after.monthlyCost.total).not.toBe(before.monthlyCost.total);
    // Stored, and the webhook's delivery is in the audit trail.
    const stored = (await store.get(plan.id)).plan;
    expect(stored.contentHash).toBe(plan.contentHash);
    expect(stored.audit.map((a) => a.event)).toContain('notified');
    expect(webhook.sent).toHaveLength(1);
    expect(webhook.sent[0]?.url).toBe('https://hooks.example/plan');
    expect(webhook.sent[0]?.payload).toMatchObject({ event: 'created', planId: plan.id, state: 'pending', links: { approve: `/api/plans/${plan.id}/approve` } });
  });

  it('a failing webhook never fails the creation: the failure is audited', async () => {
    const { deps, store } = setup();
    const failing = recordingWebhook({ status: 'failed', attempts: 3, lastError: 'ECONNREFUSED' });
    const { plan } = await createPlan({ ...deps, webhook: failing.send }, { request: { registryId: contoso.id, target: { replicas: [] }, notificationUrl: 'https://down.example/' }, requester: alice });
    const audit = (await store.get(plan.id)).plan.audit;
    expect(audit.find((a) => a.event === 'notificationFailed')?.detail).toMatch(/ECONNREFUSED after 3 attempt/);
  });

  it('explicit expiresInHours wins over the default; no webhook without a notificationUrl', async () => {
    const { deps, webhook } = setup();
    const { plan } = await createPlan(deps, { request: { registryId: contoso.id, target: { replicas: [{ region: 'eastus' }] }, expiresInHours: 2 }, requester: alice });
    expect(new Date(plan.expiresAt).getTime() - NOW.getTime()).toBe(2 * 3600_000);
    expect(plan.actions).toEqual([]);
    expect(webhook.sent).toEqual([]);
  });

  it('every problem in one 400: recommendation for another home region, unknown replica region under /recommendation', async () => {
    const { deps, store } = setup();
    const err = await createPlan(deps, {
      request: { registryId: contoso.id, recommendation: { recommended: { topology: { homeRegion: 'eastus', replicas: [{ region: 'westeuropa' }] } } } },
      requester: alice,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/recommendation/recommended/topology/homeRegion', 'homeMismatch'],
      ['/recommendation/recommended/topology/replicas/0/region', 'unknownRegion'],
    ]);
    expect(await store.list()).toEqual([]);
  });

  it('a registry that does not exist: the ARM error passes through, nothing is stored', async () => {
    const { deps, store } = setup();
    const missing = contoso.id.replace('contoso', 'missing1');
    await expect(createPlan(deps, { request: { registryId: missing, target: { replicas: [] } }, requester: alice })).rejects.toMatchObject({ status: 404 });
    expect(await store.list()).toEqual([]);
  });
});
