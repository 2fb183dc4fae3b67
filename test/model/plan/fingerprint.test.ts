import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, contentHash, describeTopologyChange, fingerprint, planContent } from '../../../src/model/plan/fingerprint';
import { makePlan, rep, topo } from './fixtures';

describe('fingerprint', () => {
  it('is independent of replica order and extra adapter properties', () => {
    const a = topo('Premium', [rep('eastus'), rep('westeurope', false, true), rep('japaneast')]);
    const b = { ...a, replicas: [a.replicas[2]!, { ...a.replicas[1]!, provisioningState: 'Succeeded' } as never, a.replicas[0]!] };
    expect(fingerprint(b)).toBe(fingerprint(a));
    expect(fingerprint(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('property: any permutation fingerprints the same', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ region: fc.stringMatching(/^[a-z]{3,10}$/), regionEndpointEnabled: fc.boolean(), zoneRedundancy: fc.boolean() }), {
          selector: (r) => r.region,
          maxLength: 8,
        }),
        fc.integer(),
        (replicas, seed) => {
          const shuffled = [...replicas].sort((x, y) => ((x.region.charCodeAt(0) * seed) % 7) - ((y.region.charCodeAt(0) * seed) % 7));
          expect(fingerprint(topo('Premium', shuffled))).toBe(fingerprint(topo('Premium', replicas)));
        },
      ),
    );
  });

  it('changes with sku, endpoint, zone, membership and home zone redundancy', () => {
    const base = topo('Premium', [rep('eastus')]);
    const fps = new Set([
      fingerprint(base),
      fingerprint({ ...base, sku: 'Standard' }),
      fingerprint(topo('Premium', [rep('eastus', false)])),
      fingerprint(topo('Premium', [rep('eastus', true, true)])),
      fingerprint(topo('Premium', [rep('eastus'), rep('japaneast')])),
      fingerprint({ ...base, homeZoneRedundancy: true }),
    ]);
    expect(fps.size).toBe(6);
  });

  it('describeTopologyChange lists every difference', () => {
    const a = topo('Standard', [rep('eastus'), rep('northeurope')]);
    const b = topo('Premium', [rep('eastus', false, true), rep('japaneast')]);
    expect(describeTopologyChange(a, b)).toEqual([
      'SKU changed from Standard to Premium',
      'replica eastus: regionEndpointEnabled changed from true to false',
      'replica eastus: zone redundancy changed from false to true',
      'replica northeurope removed (was endpoint enabled, zone redundancy off)',
      'replica japaneast added (endpoint enabled, zone redundancy off)',
    ]);
    expect(describeTopologyChange(a, { ...a, replicas: [...a.replicas].reverse() })).toEqual([]);
  });
});

describe('content hash', () => {
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: undefined, c: 'x' }] })).toBe('{"a":[3,{"c":"x"}],"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow();
  });

  it('is stable under key order and ignores state, steps, audit, approver', () => {
    const plan = makePlan(topo('Standard', []), topo('Premium', [rep('eastus')]));
    expect(contentHash(planContent(plan))).toBe(plan.contentHash);
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
          : v;
    const reordered = reverseKeys(plan) as typeof plan;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(plan));
    expect(contentHash(reordered)).toBe(plan.contentHash);
    const touched = { ...plan, state: 'approved' as const, approver: 'bob', audit: [], steps: [] };
    expect(contentHash(touched)).toBe(plan.contentHash);
    // Same inputs -> same hash (deterministic plan creation).
    expect(makePlan(topo('Standard', []), topo('Premium', [rep('eastus')])).contentHash).toBe(plan.contentHash);
  });

  it('changes when anything an approver judges changes', () => {
    const plan = makePlan(topo('Standard', []), topo('Premium', [rep('eastus')]));
    const variants = [
      { ...plan, allowDeletes: false },
      { ...plan, costAfter: { monthlyTotal: 201, currency: 'USD' } },
      { ...plan, target: topo('Premium', [rep('eastus', false)]) },
      { ...plan, actions: plan.actions.slice(1) },
      { ...plan, expiresAt: '2030-01-01T00:00:00.000Z' },
    ];
    for (const v of variants) expect(contentHash(v)).not.toBe(plan.contentHash);
  });
});
