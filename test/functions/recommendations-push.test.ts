import { describe, expect, it } from 'vitest';
import { recommendations } from '../../src/functions/recommendations';
import { validateAgainst } from '../../src/http/validate';
import { recommendationsResponseSchema } from '../../src/schemas/responses';
import { invoke } from '../helpers/invoke';

const workloads = [
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 600 },
];
const body = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }],
  workloads,
  solver: { frontierMax: 2 },
};

describe('POST /api/recommendations: outage, push and zone sections (#14)', () => {
  it('Contoso by cost alone: the current topology survives any one location, the recommended one does not, and says so', async () => {
    const res = await invoke(recommendations, { body });
    expect(res.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
    const r = res.json;
    expect(r.recommended.topology.replicas).toEqual([]);
    expect(r.current.outage.survivesAnyOneLocation).toBe(true);
    expect(r.recommended.outage.survivesAnyOneLocation).toBe(false);
    expect([...r.recommended.outage.locations[0].unserved].sort()).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
  });

  it('with constraints.resilience the recommended plan survives every single failure (outage section agrees)', async () => {
    const res = await invoke(recommendations, { body: { ...body, constraints: { resilience: { survive: 'any-one-location' } } } });
    expect(res.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
    expect(res.json.recommended.topology.replicas.length).toBeGreaterThanOrEqual(1);
    expect(res.json.recommended.outage.survivesAnyOneLocation).toBe(true);
    expect(res.json.recommended.outage.unservedWorkloadsWorstCase).toBe(0);
  });

  it('pushRegions: a heavy push source gets a replica, its push transfer is 0 and the sections validate', async () => {
    const res = await invoke(recommendations, { body: { ...body, pushRegions: [{ region: 'southeastasia', pushGBPerMonth: 5000 }] } });
    expect(res.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
    const r = res.json;
    expect(r.recommended.topology.replicas.map((x: { region: string }) => x.region)).toContain('southeastasia');
    expect(r.recommended.monthlyCost.pushTransfer).toBe(0);
    expect(r.recommended.push.regions[0].inRegionReplica).toBe(true);
    expect(r.optimality.objective).toBeCloseTo(r.recommended.monthlyCost.total, 2);
    // the new replica is in a region with availability zones: create it zone redundant
    expect(r.recommended.zoneRedundancy.find((z: { region: string }) => z.region === 'southeastasia')?.exists).toBe(false);
  });
});
