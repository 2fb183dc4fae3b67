import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyActions, diff } from '../../../src/model/plan/diff';
import { InvalidTargetError } from '../../../src/model/plan/errors';
import { fingerprint } from '../../../src/model/plan/fingerprint';
import type { Topology } from '../../../src/model/types';
import { rep, topo } from './fixtures';

describe('diff', () => {
  it('orders: SKU upgrade, creates, updates, re-creates, deletes', () => {
    const current = topo('Standard', []);
    const target = topo('Premium', [rep('eastus'), rep('canadacentral'), rep('westeurope', false, true)]);
    const { actions, skipped } = diff(current, target, { allowDeletes: false });
    expect(actions.map((a) => a.id)).toEqual([
      'upgrade-sku',
      'create-replica:canadacentral',
      'create-replica:eastus',
      'create-replica:westeurope',
    ]);
    expect(skipped).toEqual([]);
    expect(actions[3]).toMatchObject({ kind: 'createReplica', to: { regionEndpointEnabled: false, zoneRedundancy: true } });
  });

  it('full mix with allowDeletes', () => {
    const current = topo('Premium', [rep('eastus'), rep('northeurope'), rep('westeurope', true, false)]);
    const target = topo('Premium', [rep('eastus', false), rep('japaneast'), rep('westeurope', true, true)]);
    const { actions, skipped } = diff(current, target, { allowDeletes: true });
    expect(actions.map((a) => a.id)).toEqual([
      'create-replica:japaneast',
      'update-replica:eastus',
      'delete-replica:westeurope',
      'create-replica:westeurope',
      'delete-replica:northeurope',
    ]);
    expect(skipped).toEqual([]);
    const del = actions[2]!;
    expect(del.kind === 'deleteReplica' && del.recreateAs).toEqual(rep('westeurope', true, true));
  });

  it('without allowDeletes: deletes and zone re-creates are skipped with reasons, endpoint update still planned', () => {
    const current = topo('Premium', [rep('northeurope'), rep('westeurope', true, false)]);
    const target = topo('Premium', [rep('westeurope', false, true)]);
    const { actions, skipped } = diff(current, target, { allowDeletes: false });
    expect(actions.map((a) => a.id)).toEqual(['update-replica:westeurope']);
    expect(actions.some((a) => a.kind === 'deleteReplica')).toBe(false);
    expect(skipped.map((s) => [s.id, s.kind])).toEqual([
      ['recreate-replica:westeurope', 'recreateReplica'],
      ['delete-replica:northeurope', 'deleteReplica'],
    ]);
    for (const s of skipped) expect(s.reason).toMatch(/allowDeletes/);
  });

  it('rejects a target replica in the home region, a moved home, duplicates and replicas without Premium', () => {
    const current = topo('Premium', [rep('eastus')]);
    expect(() => diff(current, topo('Premium', [rep('westus')]), { allowDeletes: true })).toThrow(InvalidTargetError);
    expect(() => diff(current, topo('Premium', [rep('West US')]), { allowDeletes: true })).toThrow(/home region/);
    expect(() => diff(current, topo('Premium', [], 'eastus'), { allowDeletes: true })).toThrow(/cannot be moved/);
    expect(() => diff(current, topo('Premium', [rep('eastus'), rep('eastus')]), { allowDeletes: true })).toThrow(/twice/);
    expect(() => diff(current, topo('Standard', [rep('eastus')]), { allowDeletes: true })).toThrow(/requires Premium/);
    expect(new InvalidTargetError('x').status).toBe(422);
  });

  it('never plans a SKU downgrade; lists it as skipped', () => {
    const { actions, skipped } = diff(topo('Premium', [rep('eastus')]), topo('Standard', []), { allowDeletes: true });
    expect(actions.map((a) => a.id)).toEqual(['delete-replica:eastus']);
    expect(skipped.map((s) => s.kind)).toEqual(['downgradeSku']);
  });

  it('home zone redundancy change is skipped', () => {
    const cur: Topology = { ...topo('Premium', []), homeZoneRedundancy: false };
    const tgt: Topology = { ...topo('Premium', []), homeZoneRedundancy: true };
    expect(diff(cur, tgt, { allowDeletes: true }).skipped.map((s) => s.kind)).toEqual(['homeZoneRedundancy']);
  });

  it('identical topologies give no actions', () => {
    const t = topo('Premium', [rep('eastus'), rep('westeurope', false, true)]);
    expect(diff(t, { ...t, replicas: [...t.replicas].reverse() }, { allowDeletes: true })).toEqual({ actions: [], skipped: [] });
  });

  const regions = ['eastus', 'eastus2', 'westeurope', 'northeurope', 'japaneast', 'canadacentral', 'westus'];
  const arbTopo = fc
    .record({
      sku: fc.constantFrom('Basic' as const, 'Standard' as const, 'Premium' as const),
      reps: fc.uniqueArray(
        fc.record({ region: fc.constantFrom(...regions), regionEndpointEnabled: fc.boolean(), zoneRedundancy: fc.boolean() }),
        { selector: (r) => r.region, maxLength: 6 },
      ),
    })
    .map(({ sku, reps }) => {
      const replicas = reps.filter((r) => r.region !== 'westus');
      return topo(replicas.length > 0 ? 'Premium' : sku, replicas);
    });

  it('property: with allowDeletes the actions take current to target (SKU downgrade aside); never touch home', () => {
    fc.assert(
      fc.property(arbTopo, arbTopo, (current, target) => {
        const { actions } = diff(current, target, { allowDeletes: true });
        const end = applyActions(current, actions);
        const rank = { Basic: 0, Standard: 1, Premium: 2 };
        const expected = { ...target, sku: rank[target.sku] > rank[current.sku] ? target.sku : current.sku };
        expect(fingerprint(end)).toBe(fingerprint(expected));
        for (const a of actions) if (a.kind !== 'upgradeSku') expect(a.region).not.toBe('westus');
        expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
        // upgrade precedes creates, deletes come last except recreate pairs
        const kinds = actions.map((a) => a.kind);
        if (kinds.includes('upgradeSku')) expect(kinds[0]).toBe('upgradeSku');
      }),
    );
  });

  it('property: without allowDeletes nothing is deleted', () => {
    fc.assert(
      fc.property(arbTopo, arbTopo, (current, target) => {
        const { actions } = diff(current, target, { allowDeletes: false });
        expect(actions.filter((a) => a.kind === 'deleteReplica')).toEqual([]);
        const end = applyActions(current, actions);
        for (const r of current.replicas) expect(end.replicas.some((e) => e.region === r.region)).toBe(true);
      }),
    );
  });
});
