import { afterEach, describe, expect, it } from 'vitest';
import { estimate } from '../../src/functions/estimate';
import { setServices } from '../../src/composition';
import { validateAgainst } from '../../src/http/validate';
import { estimateResponseSchema } from '../../src/schemas/responses';
import { invoke } from '../helpers/invoke';

const workloads = [
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 600 },
];

afterEach(() => setServices());

describe('POST /api/estimate: outage section (#14)', () => {
  it('home-only Contoso: a West US outage lists every workload as unserved', async () => {
    const res = await invoke(estimate, { body: { registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 }, workloads } });
    expect(res.status).toBe(200);
    expect(validateAgainst(estimateResponseSchema, res.json)).toEqual([]);
    const west = res.json.outage.locations.find((l: { location: string }) => l.location === 'westus');
    expect(west.role).toBe('home');
    expect([...west.unserved].sort()).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
    expect(res.json.outage.survivesAnyOneLocation).toBe(false);
    expect(res.json.outage.unservedWorkloadsWorstCase).toBe(4);
  });

  it('Contoso with replicas survives any one location', async () => {
    const res = await invoke(estimate, {
      body: { registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 }, replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }], workloads },
    });
    expect(res.status).toBe(200);
    expect(validateAgainst(estimateResponseSchema, res.json)).toEqual([]);
    expect(res.json.outage.survivesAnyOneLocation).toBe(true);
    expect(res.json.outage.locations).toHaveLength(4);
  });
});

describe('POST /api/estimate: pushRegions and zone redundancy (#14)', () => {
  it('prices the push transfer as its own line and warns about a split push', async () => {
    const res = await invoke(estimate, {
      body: {
        registry: { homeRegion: 'uksouth', sku: 'Premium', storageGiB: 100 },
        replicas: [{ region: 'francecentral' }],
        workloads: [{ region: 'uksouth', pullGBPerMonth: 100 }],
        pushRegions: [{ region: 'westeurope', pushGBPerMonth: 50 }],
      },
    });
    expect(res.status).toBe(200);
    expect(validateAgainst(estimateResponseSchema, res.json)).toEqual([]);
    expect(res.json.monthlyCost.pushTransfer).toBe(1); // 50 GB × 0.02 USD/GB (europe, within continent)
    expect(res.json.push.regions[0].servedBy).toBe('uksouth');
    expect(res.json.push.regions[0].splitPush).not.toBeNull();
    expect(res.json.warnings.some((w: string) => /split across uksouth .* and francecentral/.test(w))).toBe(true);
    // uksouth and francecentral have availability zones; neither is zone redundant
    expect(res.json.zoneRedundancy.map((z: { region: string }) => z.region)).toEqual(['uksouth', 'francecentral']);
  });

  it('refuses an unknown push region with its pointer', async () => {
    const res = await invoke(estimate, { body: { registry: { homeRegion: 'westus' }, workloads, pushRegions: [{ region: 'westeurop' }] } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { pointer: string }) => e.pointer)).toContain('/pushRegions/0/region');
  });

  it('has no push section and no pushTransfer line without pushRegions', async () => {
    const res = await invoke(estimate, { body: { registry: { homeRegion: 'westus', storageGiB: 1 }, workloads } });
    expect(res.json.push).toBeUndefined();
    expect(res.json.monthlyCost.pushTransfer).toBeUndefined();
  });
});
