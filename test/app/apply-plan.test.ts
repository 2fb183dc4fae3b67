import { describe, expect, it } from 'vitest';
import { applyStoredPlan, waitForReady } from '../../src/app/apply-plan';
import { LockBusyError, LockLostError } from '../../src/azure/store/errors';
import { withRegistryLock } from '../../src/app/registry-lock';
import { InMemoryPlanStore } from '../../src/azure/store/memory';
import type { PlanStore, RegistryLock } from '../../src/app/ports/plan-store';
import { StalePlanError } from '../../src/model/plan/errors';
import { approve } from '../../src/model/plan/state';
import type { PlanAction } from '../../src/model/plan/types';
import type { Topology } from '../../src/model/types';
import { samplePlan } from '../azure/store/contract';

const T = new Date(Date.UTC(2026, 0, 10, 12));

/** A fake registry behind the ARM port. */
function fakeRegistry(initial: Topology) {
  const reg = {
    live: structuredClone(initial),
    performed: [] as string[],
    failOnce: new Set<string>(),
    delayMs: 0,
    async readLive() {
      return structuredClone(reg.live);
    },
    async perform(a: PlanAction) {
      if (reg.delayMs) await new Promise((r) => setTimeout(r, reg.delayMs));
      if (reg.failOnce.delete(a.id)) throw new Error(`ARM said no to ${a.id}`);
      if (a.kind === 'upgradeSku') reg.live.sku = a.to;
      else if (a.kind === 'createReplica') reg.live.replicas.push({ ...a.to });
      else if (a.kind === 'deleteReplica') reg.live.replicas = reg.live.replicas.filter((r) => r.region !== a.region);
      else if (a.kind === 'updateReplica') reg.live.replicas = reg.live.replicas.map((r) => (r.region === a.region ? { ...a.to } : r));
      reg.performed.push(a.id);
    },
  };
  return reg;
}

async function approvedPlanIn(store: PlanStore) {
  const plan = samplePlan();
  const { etag } = await store.create(plan);
  await store.update(plan.id, etag, (p) => approve(p, { actor: 'bob', now: T }));
  return plan;
}

describe('applyStoredPlan', () => {
  it('applies under the lock, persists steps and state, releases the lock', async () => {
    const store = new InMemoryPlanStore();
    const plan = await approvedPlanIn(store);
    const reg = fakeRegistry(plan.current);
    const { plan: after, result } = await applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, now: () => T });
    expect(result.outcome).toBe('applied');
    expect(after.state).toBe('applied');
    expect((await store.get(plan.id)).plan.steps).toHaveLength(6);
    const again = await store.acquireRegistryLock(plan.registryId, 'x', 15);
    await again.release();
    // re-apply: no-op, no registry call
    const n = reg.performed.length;
    expect((await applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, now: () => T })).result.outcome).toBe('noop');
    expect(reg.performed.length).toBe(n);
  });

  it('resumes after a failed step: partiallyApplied is stored, the next apply converges', async () => {
    const store = new InMemoryPlanStore();
    const plan = await approvedPlanIn(store);
    const reg = fakeRegistry(plan.current);
    reg.failOnce.add('create-replica:westeurope');
    const first = await applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, now: () => T });
    expect(first.plan).toMatchObject({ state: 'partiallyApplied', lastError: 'ARM said no to create-replica:westeurope' });
    const second = await applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, now: () => T });
    expect(second.plan.state).toBe('applied');
    expect(reg.performed).toEqual(['upgrade-sku', 'create-replica:eastus', 'create-replica:westeurope']);
    expect(second.plan.audit.map((a) => a.event)).toEqual(['created', 'approved', 'applyStarted', 'partiallyApplied', 'applyResumed', 'applied']);
  });

  it('a stale plan is refused before any call, recorded, and left approved', async () => {
    const store = new InMemoryPlanStore();
    const plan = await approvedPlanIn(store);
    const reg = fakeRegistry({ ...plan.current, sku: 'Basic' });
    await expect(applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, now: () => T })).rejects.toBeInstanceOf(StalePlanError);
    expect(reg.performed).toEqual([]);
    const stored = (await store.get(plan.id)).plan;
    expect(stored.state).toBe('approved');
    expect(stored.audit.at(-1)).toMatchObject({ event: 'applyRefused' });
    expect(stored.lastError).toMatch(/SKU changed from Standard to Basic/);
  });

  it('two concurrent applies of the same registry: one runs, the other gets LockBusyError', async () => {
    const store = new InMemoryPlanStore();
    const plan = await approvedPlanIn(store);
    const reg = fakeRegistry(plan.current);
    reg.delayMs = 5;
    const results = await Promise.allSettled([
      applyStoredPlan(store, plan.id, { actor: 'ops1', registry: reg, now: () => T }),
      applyStoredPlan(store, plan.id, { actor: 'ops2', registry: reg, now: () => T }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(LockBusyError);
    expect(reg.performed).toEqual(['upgrade-sku', 'create-replica:eastus', 'create-replica:westeurope']);
  });

  it('dry run takes no lock and writes nothing', async () => {
    const store = new InMemoryPlanStore();
    const plan = await approvedPlanIn(store);
    const before = await store.get(plan.id);
    const lock = await store.acquireRegistryLock(plan.registryId, 'someone-else', 60);
    const reg = fakeRegistry(plan.current);
    const { result } = await applyStoredPlan(store, plan.id, { actor: 'ops', registry: reg, dryRun: true, now: () => T });
    expect(result.outcome).toBe('dryRun');
    expect(result.performed.map((a) => a.id)).toEqual(['upgrade-sku', 'create-replica:eastus', 'create-replica:westeurope']);
    expect(reg.performed).toEqual([]);
    expect((await store.get(plan.id)).etag).toBe(before.etag);
    await lock.release();
  });

  it('stops before the next mutating call when the lock is lost', async () => {
    const inner = new InMemoryPlanStore();
    const store: PlanStore = Object.assign(Object.create(inner) as PlanStore, {
      acquireRegistryLock: async (id: string, holder: string, ttl: number): Promise<RegistryLock> => {
        const lock = await inner.acquireRegistryLock(id, holder, ttl);
        return { ...lock, renew: async () => Promise.reject(new LockLostError(id)), release: () => lock.release() };
      },
    });
    const plan = await approvedPlanIn(inner);
    const reg = fakeRegistry(plan.current);
    reg.delayMs = 30;
    const { plan: after, result } = await applyStoredPlan(store, plan.id, {
      actor: 'ops',
      registry: reg,
      now: () => T,
      lock: { ttlSeconds: 15, renewEveryMs: 10 },
    });
    expect(result.outcome).toBe('partiallyApplied');
    expect(result.error).toMatch(/lock .* was lost/);
    expect(after.state).toBe('partiallyApplied');
    expect(reg.performed.length).toBeLessThan(3);
  });
});

describe('withRegistryLock', () => {
  it('renews in the background and releases even when fn throws', async () => {
    const inner = new InMemoryPlanStore();
    let renewals = 0;
    let released = 0;
    const store: PlanStore = Object.assign(Object.create(inner) as PlanStore, {
      acquireRegistryLock: async (id: string, holder: string, ttl: number): Promise<RegistryLock> => {
        const lock = await inner.acquireRegistryLock(id, holder, ttl);
        return {
          ...lock,
          renew: async () => {
            renewals += 1;
            await lock.renew();
          },
          release: async () => {
            released += 1;
            await lock.release();
          },
        };
      },
    });
    await expect(
      withRegistryLock(store, 'reg', 'me', async (held) => {
        // wait for two background renewals (not a fixed sleep: timers run late on a loaded machine)
        for (const end = Date.now() + 5000; renewals < 2 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
        held.assertHeld();
        throw new Error('boom');
      }, { ttlSeconds: 15, renewEveryMs: 10 }),
    ).rejects.toThrow('boom');
    expect(renewals).toBeGreaterThanOrEqual(2);
    expect(released).toBe(1);
    const again = await inner.acquireRegistryLock('reg', 'next', 15);
    await again.release();
  });
});

describe('waitForReady (#15)', () => {
  it('polls until every region is Ready (the drift Ready rule), bounded by the limit; reports each region', async () => {
    let t = 0;
    const seq = [
      [{ region: 'eastus', displayStatus: 'Syncing', provisioningState: 'Succeeded' }, { region: 'japaneast', displayStatus: 'Syncing', provisioningState: 'Succeeded' }],
      [{ region: 'eastus', displayStatus: 'ready', provisioningState: 'Succeeded' }, { region: 'japaneast', displayStatus: 'Syncing', provisioningState: 'Succeeded' }],
    ];
    let reads = 0;
    const read = async () => seq[Math.min(reads++, seq.length - 1)]!;
    const out = await waitForReady(read, ['eastus', 'japaneast'], { timeoutMs: 10_000, pollMs: 3000, sleep: async (ms: number) => void (t += ms) }, () => t);
    expect(out).toEqual([
      { region: 'eastus', ready: true, displayStatus: 'ready', waitedMs: 3000 },
      { region: 'japaneast', ready: false, displayStatus: 'Syncing', waitedMs: 10_000 },
    ]);
    expect(reads).toBe(5); // t = 0, 3000, 6000, 9000, 10000
  });
});
