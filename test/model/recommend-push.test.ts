import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { monthlyCost } from '../../src/model/cost';
import { recommend, type RecommendConstraints, type RecommendInput } from '../../src/model/recommend';
import type { PushSite, Topology, Workload } from '../../src/model/types';

const catalog = shippedCatalog();
const prices = shippedPrices();
const wl = (r: string, gb: number | null): Workload => ({ site: { kind: 'azure', region: r }, pullGBPerMonth: gb, volumeSource: 'test' });
const push = (r: string, gb: number | null): PushSite => ({ site: { kind: 'azure', region: r }, pushGBPerMonth: gb, volumeSource: 'test' });
const constraints = (c: Partial<RecommendConstraints> = {}): RecommendConstraints => ({ mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false, ...c });
const home: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [] };
const CANDIDATES = ['eastus', 'westeurope', 'southeastasia', 'uksouth'];

const input = (pushes: PushSite[], workloads: Workload[] = [wl('westus', 500), wl('eastus', 300)]): RecommendInput => ({
  current: home,
  storageGiB: 100,
  workloads,
  pushes,
  constraints: constraints({ candidates: CANDIDATES }),
  solver: { timeLimitMs: 5000, frontierMax: 2 },
});
const run = (i: RecommendInput) => recommend(i, { catalog, prices, warnings: [] });

/** The cheapest subset of CANDIDATES by the cost model itself (pushes included), by brute force. */
function bruteForce(i: RecommendInput): { regions: string[]; total: number } {
  let best = { regions: [] as string[], total: Infinity };
  for (let mask = 0; mask < 1 << CANDIDATES.length; mask++) {
    const regions = CANDIDATES.filter((_, b) => mask & (1 << b));
    const t: Topology = { ...home, replicas: regions.map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })) };
    const total = monthlyCost({ topology: t, storageGiB: i.storageGiB, workloads: i.workloads, pushes: i.pushes }, catalog, prices).total ?? Infinity;
    if (total < best.total - 1e-9) best = { regions, total };
  }
  return best;
}

describe('recommendations with pushRegions (#14)', () => {
  it('recommends a replica in the push region when the push volume pays for it, and agrees with brute force', () => {
    const i = input([push('southeastasia', 5000)]);
    const r = run(i);
    const bf = bruteForce(i);
    expect(bf.regions).toContain('southeastasia');
    expect(r.recommended.topology.replicas.map((x) => x.region).sort()).toEqual(bf.regions.sort());
    expect(r.recommended.monthlyCost.total).toBeCloseTo(bf.total, 1);
    expect(r.recommended.monthlyCost.pushTransfer).toBe(0);
    expect(r.optimality.objective).toBeCloseTo(bf.total, 1);
    expect(r.recommended.push?.regions[0]?.inRegionReplica).toBe(true);
  });

  it('does not add it when it does not pay, and flags that in the push section', () => {
    const i = input([push('southeastasia', 50)]);
    const r = run(i);
    const bf = bruteForce(i);
    expect(bf.regions).not.toContain('southeastasia');
    expect(r.recommended.topology.replicas.map((x) => x.region).sort()).toEqual(bf.regions.sort());
    const p = r.recommended.push?.regions[0];
    expect(p?.inRegionReplica).toBe(false);
    expect(p?.replicaInPushRegion?.pays).toBe(false);
    expect(p?.advice).toMatch(/does not pay/);
    expect(p?.monthlyTransfer).toBeCloseTo(50 * 0.08, 2);
  });

  it('carries the outage of the recommended and the current topology, and zone advice', () => {
    const r = run(input([]));
    expect(r.current.outage.locations.map((l) => l.location)).toEqual(['westus']);
    expect(r.current.outage.survivesAnyOneLocation).toBe(false);
    expect(r.recommended.outage.locations[0]?.location).toBe('westus');
    expect(Array.isArray(r.recommended.zoneRedundancy)).toBe(true);
    for (const z of r.recommended.zoneRedundancy) expect(z.exists).toBe(z.region === 'westus');
  });
});
