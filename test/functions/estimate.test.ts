import { afterEach, describe, expect, it } from 'vitest';
import { estimate } from '../../src/functions/estimate';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { validateAgainst } from '../../src/http/validate';
import { estimateResponseSchema } from '../../src/schemas/responses';
import { invoke } from '../helpers/invoke';

const contosoBody = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }],
  workloads: [
    { region: 'westus', pullGBPerMonth: 1000 },
    { region: 'eastus', pullGBPerMonth: 800 },
    { region: 'canadacentral', pullGBPerMonth: 300 },
    { region: 'westeurope', pullGBPerMonth: 600 },
  ],
};

afterEach(() => setServices());

describe('POST /api/estimate', () => {
  it('estimates the Contoso topology: 202.77 USD of registry units, with currency, price date and assumptions', async () => {
    const res = await invoke(estimate, { body: contosoBody });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(validateAgainst(estimateResponseSchema, res.json)).toEqual([]);
    expect(res.json.currency).toBe('USD');
    expect(Math.abs(res.json.monthlyCost.registryUnits - 202.77)).toBeLessThanOrEqual(0.01);
    expect(res.json.prices.asOf).toBe('2026-11');
    expect(res.json.locations.map((l: { region: string; role: string }) => `${l.role}:${l.region}`)).toEqual([
      'home:westus',
      'replica:eastus',
      'replica:canadacentral',
      'replica:westeurope',
    ]);
    expect(res.json.assumptions.length).toBeGreaterThan(3);
  });

  it('shows, with no replicas, the transfer each region pays from westus', async () => {
    const res = await invoke(estimate, { body: { ...contosoBody, replicas: [] } });
    expect(res.status).toBe(200);
    const w = Object.fromEntries(res.json.workloads.map((x: { id: string }) => [x.id, x]));
    expect(w.eastus).toMatchObject({ servedBy: 'westus', ratePerGB: 0.02, cost: 16 });
    expect(w.canadacentral).toMatchObject({ servedBy: 'westus', ratePerGB: 0.02, cost: 6 });
    expect(w.westeurope).toMatchObject({ servedBy: 'westus', ratePerGB: 0.05, cost: 30 });
    expect(w.westus).toMatchObject({ servedBy: 'westus', ratePerGB: 0, cost: 0 });
    expect(res.json.monthlyCost.dataTransfer).toBe(52);
  });

  it('accepts display names, pulls × size, and points outside Azure', async () => {
    const res = await invoke(estimate, {
      body: {
        registry: { homeRegion: 'West US', sku: 'Premium', storageGiB: 10 },
        workloads: [
          { region: 'east-us', pullsPerMonth: 10000, avgPullSizeMB: 250 },
          { name: 'onprem-dc', latitude: 52.37, longitude: 4.89, pullGBPerMonth: 50 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.topology.homeRegion).toBe('westus');
    expect(res.json.workloads[0]).toMatchObject({ id: 'eastus', pullGBPerMonth: 2500 });
    expect(res.json.workloads[1]).toMatchObject({ id: 'onprem-dc', kind: 'external', latencyEstimated: true, ratePerGB: 0.087 });
  });

  it('forces Premium when replicas are asked on another SKU, and says so', async () => {
    const res = await invoke(estimate, { body: { ...contosoBody, registry: { ...contosoBody.registry, sku: 'Standard' } } });
    expect(res.status).toBe(200);
    expect(res.json.topology.sku).toBe('Premium');
    expect(res.json.warnings.join(' ')).toMatch(/requires Premium/);
  });

  it('reports a missing storage size as unknown, not 0', async () => {
    const res = await invoke(estimate, { body: { ...contosoBody, registry: { homeRegion: 'westus' } } });
    expect(res.status).toBe(200);
    expect(res.json.monthlyCost.storage).toBeNull();
    expect(res.json.monthlyCost.total).toBeNull();
    expect(res.json.monthlyCost.unknown).toContain('storage');
  });

  it('lists three mistakes in one 400 problem with their pointers, and a did-you-mean', async () => {
    const res = await invoke(estimate, {
      body: {
        registry: { homeRegion: 'westu', sku: 'Premium', storageGiB: 120 },
        replicas: [{ region: 'eastus', zoneRedundancy: 'yes' }],
        workloads: [{ region: 'eastus', pullGBPerMonth: -5 }],
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/registry/homeRegion', '/replicas/0/zoneRedundancy', '/workloads/0/pullGBPerMonth']);
    const home = res.json.errors.find((e: { pointer: string }) => e.pointer === '/registry/homeRegion');
    expect(home.didYouMean[0]).toBe('westus');
    expect(home.message).toContain("did you mean 'westus'");
  });

  it('rejects duplicate replicas, a replica in the home region and zone redundancy without zones', async () => {
    const res = await invoke(estimate, {
      body: {
        registry: { homeRegion: 'westus', storageGiB: 1 },
        replicas: [{ region: 'eastus' }, { region: 'East US' }, { region: 'westus' }, { region: 'northcentralus', zoneRedundancy: true }],
        workloads: [],
      },
    });
    expect(res.status).toBe(400);
    const byCode = Object.fromEntries(res.json.errors.map((e: { code: string; pointer: string }) => [e.code, e.pointer]));
    expect(byCode.duplicateRegion).toBe('/replicas/1/region');
    expect(byCode.replicaInHomeRegion).toBe('/replicas/2/region');
    expect(byCode.zonesUnavailable).toBe('/replicas/3/zoneRedundancy');
  });

  it('answers 415 for non-JSON, 413 over the limit, 405 with Allow, 400 for broken JSON', async () => {
    const r415 = await invoke(estimate, { rawBody: 'registry=westus', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r415.status).toBe(415);
    expect(r415.headers.get('content-type')).toBe('application/problem+json');

    setServices(createServices(readSettings({ MAX_BODY_BYTES: '64' })));
    const r413 = await invoke(estimate, { body: contosoBody });
    expect(r413.status).toBe(413);
    setServices();

    const r405 = await invoke(estimate, { method: 'GET' });
    expect(r405.status).toBe(405);
    expect(r405.headers.get('allow')).toBe('POST');

    const bad = await invoke(estimate, { rawBody: '{"registry": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(/not valid JSON/);
  });

  it('applies per-request price overrides and echoes them', async () => {
    const res = await invoke(estimate, { body: { ...contosoBody, prices: { registryUnitPerDay: { Premium: 1 } } } });
    expect(res.status).toBe(200);
    expect(res.json.monthlyCost.registryUnits).toBeCloseTo(4 * (730 / 24), 2);
    expect(res.json.prices.overrides).toEqual(['registryUnitPerDay.Premium: 1']);
  });

  it('refuses a price, storage or pull size that would overflow to Infinity (1e308): 400 with the pointer, never a 200 with null', async () => {
    for (const [body, pointer] of [
      [{ ...contosoBody, prices: { registryUnitPerDay: { Premium: 1e308 } } }, '/prices/registryUnitPerDay/Premium'],
      [{ ...contosoBody, registry: { ...contosoBody.registry, storageGiB: 1e308 } }, '/registry/storageGiB'],
      [{ ...contosoBody, avgPullSizeMB: 1e308, workloads: [{ region: 'eastus', pullsPerMonth: 1000 }] }, '/avgPullSizeMB'],
    ] as const) {
      const res = await invoke(estimate, { body });
      expect(res.status, res.text).toBe(400);
      expect(res.json.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
  });

  it('a 1 MB region name: 400 within 200 ms, no did-you-mean, the name not echoed', async () => {
    await invoke(estimate, { body: contosoBody });
    const name = 'x'.repeat(999_000);
    const t0 = performance.now();
    const res = await invoke(estimate, { body: { ...contosoBody, replicas: [{ region: name }] } });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(4096);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/replicas/0/region', code: 'maxLength' })]);
    expect(res.json.errors[0].didYouMean).toBeUndefined();
  });

  it('an unknown region name of up to 64 characters is named in the message; a longer one is a maxLength issue that does not echo it', async () => {
    const res = await invoke(estimate, { body: { ...contosoBody, replicas: [{ region: `eastus${'z'.repeat(58)}` }, { region: 'eastuss' }] } });
    expect(res.status).toBe(400);
    const [long, short] = res.json.errors;
    expect(long.message).toContain(`'eastus${'z'.repeat(58)}'`);
    expect(short.didYouMean[0]).toBe('eastus');
    const over = await invoke(estimate, { body: { ...contosoBody, replicas: [{ region: `eastus${'z'.repeat(59)}` }] } });
    expect(over.status).toBe(400);
    expect(over.json.errors).toEqual([expect.objectContaining({ pointer: '/replicas/0/region', code: 'maxLength' })]);
    expect(over.text).not.toContain('z'.repeat(59));
  });

  it('1,000 workloads with unknown names: 400 with 50 issues listed and errorsOmitted, the detail says so', async () => {
    const workloads = Array.from({ length: 1000 }, (_, i) => ({ region: `nowhere-${i}`, pullGBPerMonth: 1 }));
    const res = await invoke(estimate, { body: { ...contosoBody, workloads } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toHaveLength(50);
    expect(res.json.errorsOmitted).toBe(950);
    expect(res.json.detail).toMatch(/1000 problems \(errors lists the first 50; 950 more omitted\)/);
    expect(Buffer.byteLength(res.text)).toBeLessThan(64 * 1024);
  });
});
