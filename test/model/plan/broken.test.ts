/** Broken replicas (#15): one live view for plan creation, fingerprint and apply; Failed/stuck → delete + re-create. */
import { describe, expect, it } from 'vitest';
import { liveTopology, replicaBreakage, type LiveRegistry, type LiveReplica } from '../../../src/model/live';
import { diff } from '../../../src/model/plan/diff';
import { executePlan } from '../../../src/model/plan/execute';
import { fingerprint } from '../../../src/model/plan/fingerprint';
import type { BrokenReplica, LiveTopology } from '../../../src/model/plan/types';
import { approved, FakeRegistry, makePlan, rep, topo } from './fixtures';

const NOW = new Date('2026-01-10T12:00:00.000Z');
const r = (location: string, provisioningState: string | null, statusTimestamp: string | null = null): LiveReplica => ({
  name: location,
  location,
  regionEndpointEnabled: true,
  zoneRedundancy: false,
  provisioningState,
  displayStatus: null,
  statusTimestamp,
});
const registry = (replicas: LiveReplica[]): LiveRegistry => ({
  id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso',
  subscriptionId: 'x',
  resourceGroup: 'rg',
  name: 'contoso',
  location: 'westus',
  sku: 'Premium',
  loginServer: null,
  zoneRedundancy: false,
  replicas,
  tags: {},
});
const broken = (region: string, reason: BrokenReplica['reason'] = 'failed'): BrokenReplica => ({
  region,
  name: region,
  provisioningState: reason === 'failed' ? 'Failed' : 'Creating',
  reason,
  since: null,
  detail: 'test',
});

describe('liveTopology: the one view of a live registry for plans', () => {
  it('Failed/Canceled are broken; Creating is broken only beyond the limit; no timestamp or no state is not judged broken', () => {
    const t = liveTopology(
      registry([
        r('canadacentral', 'Failed'),
        r('eastus', 'Creating', '2026-01-10T09:00:00.000Z'), // 3 h
        r('northeurope', 'Creating', '2026-01-10T11:30:00.000Z'), // 30 min
        r('japaneast', 'Creating', null),
        r('westeurope', 'Succeeded'),
        r('brazilsouth', null),
        r('westus', 'Succeeded'), // home location: never a replica
      ]),
      { now: NOW },
    );
    expect(t.replicas.map((x) => x.region)).toEqual(['brazilsouth', 'japaneast', 'northeurope', 'westeurope']);
    expect(t.broken?.map((b) => `${b.region}:${b.reason}`)).toEqual(['canadacentral:failed', 'eastus:stuck']);
    expect(t.broken?.[1]?.detail).toBe('Creating for 180 min (limit 60 min)');
    expect(replicaBreakage(r('eastus', 'Creating', '2026-01-10T11:30:00.000Z'), NOW, 10)?.reason).toBe('stuck');
  });

  it('the fingerprint sees broken replicas (and is unchanged for registries without any)', () => {
    const healthy = topo('Premium', [rep('eastus')]);
    expect(fingerprint({ ...healthy, broken: [] })).toBe(fingerprint(healthy));
    expect(fingerprint({ ...healthy, broken: [broken('canadacentral')] })).not.toBe(fingerprint(healthy));
  });
});

describe('diff: broken replicas', () => {
  it('a broken replica the target keeps → delete + re-create, even without allowDeletes (stated)', () => {
    const current: LiveTopology = { ...topo('Premium', [rep('eastus')]), broken: [broken('canadacentral')] };
    const target = topo('Premium', [rep('canadacentral'), rep('eastus')]);
    const { actions, skipped } = diff(current, target, { allowDeletes: false });
    expect(actions.map((a) => a.id)).toEqual(['delete-replica:canadacentral', 'create-replica:canadacentral']);
    expect(actions[0]).toMatchObject({ kind: 'deleteReplica', broken: { provisioningState: 'Failed', reason: 'failed' }, recreateAs: rep('canadacentral') });
    expect(actions[0]!.description).toMatch(/without allowDeletes because a broken replica serves no pulls/);
    expect(skipped).toEqual([]);
  });

  it('a broken replica not in the target: deleted with allowDeletes, else skipped with the reason', () => {
    const current: LiveTopology = { ...topo('Premium', [rep('eastus')]), broken: [broken('canadacentral', 'stuck')] };
    const target = topo('Premium', [rep('eastus')]);
    expect(diff(current, target, { allowDeletes: true }).actions.map((a) => a.id)).toEqual(['delete-replica:canadacentral']);
    const { actions, skipped } = diff(current, target, { allowDeletes: false });
    expect(actions).toEqual([]);
    expect(skipped).toMatchObject([{ kind: 'deleteBrokenReplica', region: 'canadacentral', reason: expect.stringMatching(/allowDeletes/) }]);
  });
});

describe('executePlan: the repair converges', () => {
  it('plan made from a live view with a Failed replica applies fresh (not stale), deletes then re-creates, and a re-apply is a no-op', async () => {
    const current: LiveTopology = { ...topo('Premium', [rep('eastus')]), broken: [broken('canadacentral')] };
    const plan = approved(makePlan(current, topo('Premium', [rep('canadacentral'), rep('eastus')]), false));
    const reg = new FakeRegistry(current);
    const res = await executePlan(plan, reg);
    expect(res.outcome).toBe('applied');
    expect(reg.performed).toEqual(['delete-replica:canadacentral', 'create-replica:canadacentral']);
    expect(reg.live.broken).toBeUndefined();
    expect(reg.live.replicas.map((x) => x.region).sort()).toEqual(['canadacentral', 'eastus']);
  });

  it('the repair delete is not mistaken for done while the replica is still broken', async () => {
    const current: LiveTopology = { ...topo('Premium', []), broken: [broken('canadacentral')] };
    const plan = approved(makePlan(current, topo('Premium', [rep('canadacentral')]), false));
    const reg = new FakeRegistry(current);
    reg.failOnce.add('create-replica:canadacentral');
    const first = await executePlan(plan, reg);
    expect(first.outcome).toBe('partiallyApplied');
    // the delete happened; the create failed: resume re-creates only
    const second = await executePlan({ ...plan, steps: first.steps }, reg);
    expect(second.outcome).toBe('applied');
    expect(second.alreadyDone).toEqual(['delete-replica:canadacentral']);
  });
});
