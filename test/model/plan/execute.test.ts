import { describe, expect, it } from 'vitest';
import { applyActions } from '../../../src/model/plan/diff';
import { PlanStateError, StalePlanError } from '../../../src/model/plan/errors';
import { assessLive, executePlan } from '../../../src/model/plan/execute';
import { fingerprint } from '../../../src/model/plan/fingerprint';
import { appendStep, beginApply, finishApply } from '../../../src/model/plan/state';
import type { Plan } from '../../../src/model/plan/types';
import { FakeRegistry, T0, approved, makePlan, rep, topo } from './fixtures';

const now = new Date(T0.getTime() + 3600_000);
const current = topo('Standard', []);
const target = topo('Premium', [rep('canadacentral'), rep('eastus'), rep('westeurope')]);

/** What a handler does: beginApply, execute while persisting steps into the plan, finishApply. */
async function runApply(plan: Plan, reg: FakeRegistry, dryRun = false) {
  let p = dryRun ? plan : beginApply(plan, { actor: 'ops', now });
  const port = {
    readLive: () => reg.readLive(),
    perform: (a: Parameters<FakeRegistry['perform']>[0]) => reg.perform(a),
    now: () => reg.now(),
    recordStep: async (s: Parameters<FakeRegistry['recordStep']>[0]) => {
      await reg.recordStep(s);
      p = appendStep(p, s);
    },
  };
  const result = await executePlan(p, port, { dryRun });
  p = dryRun ? p : finishApply(p, result, { actor: 'ops', now });
  return { plan: p, result };
}

describe('executePlan', () => {
  it('applies every action in order, recording started/succeeded, and verifies the end state', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry(current);
    const { plan: after, result } = await runApply(plan, reg);
    expect(result.outcome).toBe('applied');
    expect(after.state).toBe('applied');
    expect(reg.performed).toEqual(['upgrade-sku', 'create-replica:canadacentral', 'create-replica:eastus', 'create-replica:westeurope']);
    expect(after.steps.map((s) => `${s.actionId}:${s.status}`)).toEqual(
      reg.performed.flatMap((id) => [`${id}:started`, `${id}:succeeded`]),
    );
    for (const s of after.steps) expect(Date.parse(s.at)).toBeGreaterThan(T0.getTime());
    expect(result.finalFingerprint).toBe(fingerprint(target));
    expect(reg.log[0]).toBe('readLive');
    expect(reg.log.at(-1)).toBe('readLive');
  });

  it('re-running a finished plan is a no-op: nothing read, nothing performed', async () => {
    const reg = new FakeRegistry(current);
    const { plan: done } = await runApply(approved(makePlan(current, target)), reg);
    const before = reg.log.length;
    const { plan: again, result } = await runApply(done, reg);
    expect(result.outcome).toBe('noop');
    expect(again).toBe(done);
    expect(reg.log.length).toBe(before);
  });

  it('resumes after a failed step and converges with nothing duplicated or lost', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry(current);
    reg.failOnce.add('create-replica:eastus'); // the 2nd create fails once
    const first = await runApply(plan, reg);
    expect(first.result).toMatchObject({ outcome: 'partiallyApplied', failedActionId: 'create-replica:eastus' });
    expect(first.result.error).toMatch(/injected failure/);
    expect(first.plan.state).toBe('partiallyApplied');
    expect(first.plan.steps.at(-1)).toMatchObject({ actionId: 'create-replica:eastus', status: 'failed', attempt: 1 });
    expect(reg.performed).toEqual(['upgrade-sku', 'create-replica:canadacentral']);
    // westeurope was not attempted after the failure
    expect(reg.log).not.toContain('perform:create-replica:westeurope');

    const second = await runApply(first.plan, reg);
    expect(second.result.outcome).toBe('applied');
    expect(second.plan.state).toBe('applied');
    expect(second.result.alreadyDone).toEqual(['upgrade-sku', 'create-replica:canadacentral']);
    expect(second.result.performed.map((a) => a.id)).toEqual(['create-replica:eastus', 'create-replica:westeurope']);
    // every action succeeded exactly once overall
    expect(reg.performed).toEqual(['upgrade-sku', 'create-replica:canadacentral', 'create-replica:eastus', 'create-replica:westeurope']);
    expect(fingerprint(reg.live)).toBe(fingerprint(target));
    expect(second.plan.steps.filter((s) => s.attempt === 2).map((s) => `${s.actionId}:${s.status}`)).toEqual([
      'upgrade-sku:skipped',
      'create-replica:canadacentral:skipped',
      'create-replica:eastus:started',
      'create-replica:eastus:succeeded',
      'create-replica:westeurope:started',
      'create-replica:westeurope:succeeded',
    ]);
  });

  it('resumes a zone re-create interrupted between its delete and its create', async () => {
    const cur = topo('Premium', [rep('eastus', true, false), rep('northeurope')]);
    const tgt = topo('Premium', [rep('eastus', true, true)]);
    const reg = new FakeRegistry(cur);
    reg.failOnce.add('create-replica:eastus');
    const first = await runApply(approved(makePlan(cur, tgt, true)), reg);
    expect(first.result.outcome).toBe('partiallyApplied');
    expect(reg.live.replicas.map((r) => r.region)).toEqual(['northeurope']); // eastus deleted, not yet re-created
    const second = await runApply(first.plan, reg);
    expect(second.result.outcome).toBe('applied');
    expect(reg.performed).toEqual(['delete-replica:eastus', 'create-replica:eastus', 'delete-replica:northeurope']);
    expect(fingerprint(reg.live)).toBe(fingerprint(tgt));
  });

  it('resume after a crash between perform and recording success: the action is alreadyDone', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry(current);
    let p = beginApply(plan, { actor: 'ops', now });
    // simulate: started recorded, performed, then the process died
    p = appendStep(p, { actionId: 'upgrade-sku', kind: 'upgradeSku', status: 'started', at: now.toISOString(), attempt: 1 });
    await reg.perform(plan.actions[0]!);
    const { result } = await runApply(p, reg);
    expect(result.outcome).toBe('applied');
    expect(result.alreadyDone).toEqual(['upgrade-sku']);
    expect(reg.performed.filter((x) => x === 'upgrade-sku')).toHaveLength(1);
  });

  it('detects a stale plan before any mutating call (fresh run)', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry({ ...current, sku: 'Premium', replicas: [rep('japaneast')] });
    const err = await runApply(plan, reg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect((err as StalePlanError).status).toBe(409);
    expect((err as StalePlanError).changes).toEqual([
      'SKU changed from Standard to Premium',
      'replica japaneast added (endpoint enabled, zone redundancy off)',
    ]);
    expect(reg.log).toEqual(['readLive']);
  });

  it('a fresh run is strict: even a change in the plan direction made outside the plan is stale', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry({ ...current, sku: 'Premium' });
    await expect(runApply(plan, reg)).rejects.toBeInstanceOf(StalePlanError);
    expect(reg.performed).toEqual([]);
  });

  it('detects an outside change during a resume before any mutating call', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry(current);
    reg.failOnce.add('create-replica:eastus');
    const first = await runApply(plan, reg);
    // someone disables the endpoint of a replica the plan created, and adds an unplanned replica
    reg.live.replicas[0]!.regionEndpointEnabled = false;
    reg.live.replicas.push(rep('japaneast'));
    const mark = reg.log.length;
    const err = await runApply(first.plan, reg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect((err as StalePlanError).changes).toEqual([
      'replica canadacentral is endpoint disabled, zone redundancy off; the plan expects absent or endpoint enabled, zone redundancy off',
      'replica japaneast is endpoint enabled, zone redundancy off; the plan expects absent',
    ]);
    expect(reg.log.slice(mark)).toEqual(['readLive']);
  });

  it('dryRun performs and records nothing, and lists what it would do', async () => {
    const plan = makePlan(current, target); // dry runs also work before approval
    const reg = new FakeRegistry(current);
    const { result } = await runApply(plan, reg, true);
    expect(result.outcome).toBe('dryRun');
    expect(result.performed.map((a) => a.id)).toEqual(plan.actions.map((a) => a.id));
    expect(reg.performed).toEqual([]);
    expect(reg.recorded).toEqual([]);
    expect(reg.log).toEqual(['readLive']);
  });

  it('refuses to apply a plan that is not approved', async () => {
    const reg = new FakeRegistry(current);
    await expect(executePlan(makePlan(current, target), reg)).rejects.toBeInstanceOf(PlanStateError);
    expect(reg.log).toEqual([]);
  });

  it('reports partiallyApplied when the end state does not verify', async () => {
    const plan = approved(makePlan(current, target));
    const reg = new FakeRegistry(current);
    const orig = reg.perform.bind(reg);
    reg.perform = async (a) => {
      await orig(a);
      if (a.id === 'create-replica:westeurope') reg.live.replicas.pop(); // lost by the platform
    };
    const { result } = await runApply(plan, reg);
    expect(result.outcome).toBe('partiallyApplied');
    expect(result.error).toMatch(/replica westeurope removed/);
  });

  it('assessLive: resume accepts any subset of the plan applied, and marks done actions', () => {
    const cur = topo('Premium', [rep('eastus'), rep('northeurope')]);
    const tgt = topo('Premium', [rep('eastus', false), rep('japaneast')]);
    let plan = approved(makePlan(cur, tgt, true));
    plan = appendStep(plan, { actionId: plan.actions[0]!.id, kind: 'createReplica', status: 'started', at: now.toISOString(), attempt: 1 });
    const ids = plan.actions.map((a) => a.id);
    for (let mask = 0; mask < 1 << ids.length; mask++) {
      const subset = plan.actions.filter((_, i) => mask & (1 << i));
      const live = applyActions(cur, subset);
      const { done } = assessLive(plan, live);
      expect([...done].sort()).toEqual(subset.map((a) => a.id).sort());
    }
  });
});

describe('executePlan property: failures anywhere, re-runs converge', () => {
  it('every action succeeds exactly once, in order, and the registry ends in the planned state', async () => {
    const { default: fc } = await import('fast-check');
    const regions = ['eastus', 'westeurope', 'japaneast', 'canadacentral', 'northeurope'];
    const arbTopo = fc
      .uniqueArray(fc.record({ region: fc.constantFrom(...regions), regionEndpointEnabled: fc.boolean(), zoneRedundancy: fc.boolean() }), {
        selector: (r) => r.region,
        maxLength: 5,
      })
      .chain((replicas) =>
        fc.constantFrom(...(replicas.length > 0 ? (['Premium'] as const) : (['Basic', 'Standard', 'Premium'] as const))).map((sku) => topo(sku, replicas)),
      );
    await fc.assert(
      fc.asyncProperty(arbTopo, arbTopo, fc.boolean(), fc.array(fc.nat(12), { maxLength: 4 }), async (cur, tgt, allowDeletes, failAt) => {
        const target = tgt.replicas.length > 0 ? { ...tgt, sku: 'Premium' as const } : tgt;
        let plan = approved(makePlan(cur, target, allowDeletes));
        const reg = new FakeRegistry(cur);
        // fail the n-th perform call (counting across runs) for each n in failAt
        let calls = 0;
        const fails = new Set(failAt);
        const orig = reg.perform.bind(reg);
        reg.perform = async (a) => {
          calls += 1;
          if (fails.has(calls)) throw new Error(`transient failure #${calls}`);
          await orig(a);
        };
        for (let run = 0; run < 10 && plan.state !== 'applied'; run++) {
          plan = (await runApply(plan, reg)).plan;
        }
        expect(plan.state).toBe('applied');
        expect(reg.performed).toEqual(plan.actions.map((a) => a.id));
        expect(fingerprint(reg.live)).toBe(fingerprint(applyActions(cur, plan.actions)));
      }),
      { numRuns: 150 },
    );
  });
});
