/**
 * The PlanStore contract, run against every adapter (memory.test.ts, azure-storage.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { executePlan } from '../../../src/model/plan/execute';
import { approve, beginApply, createPlan, finishApply } from '../../../src/model/plan/state';
import type { Plan } from '../../../src/model/plan/types';
import type { Topology } from '../../../src/model/types';
import {
  ConcurrencyError,
  InvalidKeyError,
  LockBusyError,
  PlanAlreadyExistsError,
  PlanNotFoundError,
  StoreError,
} from '../../../src/azure/store/errors';
import type { PlanStore } from '../../../src/app/ports/plan-store';

export const REG_A =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contoso';
export const REG_B =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/fabrikam';

let seq = 0;
export function samplePlan(registryId = REG_A, minutes = 0, id?: string): Plan {
  seq += 1;
  return createPlan({
    id: id ?? `plan-${Date.now().toString(36)}-${seq}`,
    registryId,
    registryName: registryId.split('/').at(-1)!,
    requester: 'alice@contoso.com',
    current: { homeRegion: 'westus', sku: 'Standard', replicas: [] },
    target: {
      homeRegion: 'westus',
      sku: 'Premium',
      replicas: [
        { region: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false },
        { region: 'westeurope', regionEndpointEnabled: false, zoneRedundancy: true },
      ],
    },
    allowDeletes: false,
    now: new Date(Date.UTC(2026, 0, 10, 10, minutes)),
    costBefore: { monthlyTotal: 20.28, currency: 'USD' },
    costAfter: { monthlyTotal: 152.08, currency: 'USD' },
  });
}

async function expectError<T extends StoreError>(p: Promise<unknown>, cls: new (...a: never[]) => T, status: number): Promise<T> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(cls);
  expect((e as StoreError).status).toBe(status);
  return e as T;
}

export function planStoreContract(name: string, makeStore: () => Promise<PlanStore> | PlanStore): void {
  describe(`PlanStore contract: ${name}`, () => {
    it('create then get round-trips the whole plan', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      const created = await store.create(plan);
      expect(created.etag).toBeTruthy();
      const got = await store.get(plan.id);
      expect(got.plan).toEqual(plan);
      expect(got.etag).toBe(created.etag);
    });

    it('create refuses a duplicate id (409); get of an unknown id is 404; bad ids are refused', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      await store.create(plan);
      await expectError(store.create(plan), PlanAlreadyExistsError, 409);
      await expectError(store.get('no-such-plan'), PlanNotFoundError, 404);
      await expectError(store.get("bad/id'"), PlanNotFoundError, 404);
      await expectError(store.create({ ...plan, id: 'bad/id' }), InvalidKeyError, 400);
      await expectError(store.update('no-such-plan', 'x', (p) => p), PlanNotFoundError, 404);
    });

    it('update with the current etag persists and changes the etag', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      const { etag } = await store.create(plan);
      const now = new Date(Date.UTC(2026, 0, 10, 11));
      const up = await store.update(plan.id, etag, (p) => approve(p, { actor: 'bob@contoso.com', now }));
      expect(up.etag).not.toBe(etag);
      expect(up.plan.state).toBe('approved');
      const got = await store.get(plan.id);
      expect(got.plan).toEqual(up.plan);
      expect(got.etag).toBe(up.etag);
    });

    it('optimistic concurrency: a stale etag is refused and nothing is written', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      const { etag } = await store.create(plan);
      await store.update(plan.id, etag, (p) => ({ ...p, notificationUrl: 'https://hooks.example/1' }));
      await expectError(
        store.update(plan.id, etag, (p) => ({ ...p, notificationUrl: 'https://hooks.example/2' })),
        ConcurrencyError,
        409,
      );
      expect((await store.get(plan.id)).plan.notificationUrl).toBe('https://hooks.example/1');
    });

    it('two concurrent updates from the same etag: exactly one wins', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      const { etag } = await store.create(plan);
      const results = await Promise.allSettled(
        ['x', 'y'].map((tag) => store.update(plan.id, etag, async (p) => ({ ...p, rejectReason: tag }))),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(ConcurrencyError);
      const winner = (ok[0] as PromiseFulfilledResult<{ plan: Plan }>).value.plan.rejectReason;
      expect((await store.get(plan.id)).plan.rejectReason).toBe(winner);
    });

    it('a mutation that throws writes nothing; a mutation cannot change the id', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      const { etag } = await store.create(plan);
      await expect(
        store.update(plan.id, etag, () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await expectError(store.update(plan.id, etag, (p) => ({ ...p, id: 'other' })), InvalidKeyError, 400);
      const got = await store.get(plan.id);
      expect(got.etag).toBe(etag);
      expect(got.plan).toEqual(plan);
    });

    it('appendAudit from concurrent writers loses no entry', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      await store.create(plan);
      await Promise.all(
        [1, 2, 3, 4].map((i) => store.appendAudit(plan.id, { at: new Date().toISOString(), actor: `w${i}`, event: 'note', detail: `n${i}` })),
      );
      const got = await store.get(plan.id);
      expect(got.plan.audit.map((a) => a.actor).sort()).toEqual(['alice@contoso.com', 'w1', 'w2', 'w3', 'w4']);
    });

    it('list: newest first, filtered by registry case-insensitively, state kept current', async () => {
      const store = await makeStore();
      const a1 = samplePlan(REG_A, 1);
      const a2 = samplePlan(REG_A, 2);
      const b1 = samplePlan(REG_B, 3);
      for (const p of [a1, b1, a2]) await store.create(p);
      const { etag } = await store.get(a1.id);
      await store.update(a1.id, etag, (p) => approve(p, { actor: 'bob', now: new Date(Date.UTC(2026, 0, 10, 12)) }));
      const onlyA = await store.list({ registryId: REG_A.toUpperCase() });
      expect(onlyA.map((s) => s.id)).toEqual([a2.id, a1.id]);
      expect(onlyA[1]).toMatchObject({ state: 'approved', approver: 'bob', registryName: 'contoso', contentHash: a1.contentHash });
      const all = await store.list();
      expect(all.map((s) => s.id)).toEqual(expect.arrayContaining([a1.id, a2.id, b1.id]));
    });

    it('keeps plan documents larger than a table property (64 KiB)', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      plan.audit = Array.from({ length: 1500 }, (_, i) => ({ at: new Date(i).toISOString(), actor: 'bot', event: 'note', detail: 'x'.repeat(60) }));
      expect(JSON.stringify(plan).length).toBeGreaterThan(100 * 1024);
      await store.create(plan);
      expect((await store.get(plan.id)).plan).toEqual(plan);
    });

    it('registry lock: two concurrent acquisitions, exactly one wins; release lets the next in', async () => {
      const store = await makeStore();
      const results = await Promise.allSettled([
        store.acquireRegistryLock(REG_A, 'apply-1', 30),
        store.acquireRegistryLock(REG_A, 'apply-2', 30),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const busy = lost[0]!.reason as LockBusyError;
      expect(busy).toBeInstanceOf(LockBusyError);
      expect(busy.status).toBe(409);
      const lock = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<PlanStore['acquireRegistryLock']>>>).value;
      expect(busy.holder).toBe(lock.holder);
      // the id is case-insensitive; another registry is independent
      await expectError(store.acquireRegistryLock(REG_A.toLowerCase(), 'apply-3', 30), LockBusyError, 409);
      const other = await store.acquireRegistryLock(REG_B, 'apply-4', 30);
      await lock.renew();
      await lock.release();
      await lock.release(); // idempotent
      const next = await store.acquireRegistryLock(REG_A, 'apply-5', 15);
      await next.release();
      await other.release();
      await expect(store.acquireRegistryLock(REG_A, 'x', 5)).rejects.toBeInstanceOf(RangeError);
      await expect(store.acquireRegistryLock(REG_A, 'x', 61)).rejects.toBeInstanceOf(RangeError);
    });

    it('end to end: approve, apply under the lock with steps persisted, applied', async () => {
      const store = await makeStore();
      const plan = samplePlan();
      await store.create(plan);
      const t = new Date(Date.UTC(2026, 0, 10, 12));
      let { etag } = await store.get(plan.id);
      ({ etag } = await store.update(plan.id, etag, (p) => approve(p, { actor: 'bob', now: t })));
      const lock = await store.acquireRegistryLock(plan.registryId, 'ops', 60);
      try {
        const started = await store.update(plan.id, etag, (p) => beginApply(p, { actor: 'ops', now: t }));
        let live: Topology = structuredClone(plan.current);
        const result = await executePlan(started.plan, {
          readLive: async () => structuredClone(live),
          perform: async (a) => {
            live = a.kind === 'upgradeSku' ? { ...live, sku: a.to } : { ...live, replicas: [...live.replicas, ...(a.kind === 'createReplica' ? [a.to] : [])] };
          },
          recordStep: async (s) => {
            await store.appendStep(plan.id, s);
          },
          now: () => t,
        });
        expect(result.outcome).toBe('applied');
        await store.modify(plan.id, (p) => finishApply(p, result, { actor: 'ops', now: t }));
      } finally {
        await lock.release();
      }
      const done = (await store.get(plan.id)).plan;
      expect(done.state).toBe('applied');
      expect(done.steps.map((s) => `${s.actionId}:${s.status}`)).toEqual([
        'upgrade-sku:started',
        'upgrade-sku:succeeded',
        'create-replica:eastus:started',
        'create-replica:eastus:succeeded',
        'create-replica:westeurope:started',
        'create-replica:westeurope:succeeded',
      ]);
      expect(done.audit.map((a) => a.event)).toEqual(['created', 'approved', 'applyStarted', 'applied']);
    });
  });
}
