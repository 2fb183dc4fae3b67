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
