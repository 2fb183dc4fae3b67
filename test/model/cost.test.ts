import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { DAYS_PER_MONTH, monthlyCost, rankLocations, transferRate, withReplicaEconomics, type CostInput } from '../../src/model/cost';
import type { Topology, Workload } from '../../src/model/types';
import bandwidth from '../../src/catalog/bandwidth.json';

const catalog = shippedCatalog();
const prices = shippedPrices();
const region = (name: string) => {
  const r = catalog.get(name);
  if (!r) throw new Error(name);
  return r;
};
const wl = (r: string, gb: number | null): Workload => ({ site: { kind: 'azure', region: r }, pullGBPerMonth: gb, volumeSource: 'test' });
const contoso: Topology = {
  homeRegion: 'westus',
  sku: 'Premium',
  replicas: ['eastus', 'canadacentral', 'westeurope'].map((r) => ({ region: r, regionEndpointEnabled: true, zoneRedundancy: false })),
};
const workloads = [wl('westus', 1000), wl('eastus', 800), wl('canadacentral', 300), wl('westeurope', 600)];

describe('cost model (DESIGN §2)', () => {
  it('bills the Contoso topology four Premium units: 4 × 1.6666 × 730/24', () => {
    const b = monthlyCost({ topology: contoso, storageGiB: 120, workloads }, catalog, prices);
    expect(b.registryUnits).toBeCloseTo(4 * 1.6666 * (730 / 24), 9);
    expect(Math.abs((b.registryUnits ?? NaN) - 202.77)).toBeLessThanOrEqual(0.01);
    expect(b.storage).toBe(0);
    expect(b.dataTransfer).toBe(0); // every workload has a replica in its region
    expect(b.total).toBeCloseTo(b.registryUnits ?? NaN, 9);
  });

  it('without replicas, each region pays transfer from westus at bandwidth.json rates', () => {
    const single: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [] };
    const b = monthlyCost({ topology: single, storageGiB: 120, workloads }, catalog, prices);
    const byId = Object.fromEntries(b.workloads.map((w) => [w.id, w]));
    expect(byId.westus?.cost).toBe(0);
    expect(byId.eastus?.ratePerGB).toBe(bandwidth.interRegion.withinContinent['north-america']);
    expect(byId.eastus?.cost).toBeCloseTo(800 * 0.02, 9);
    expect(byId.canadacentral?.ratePerGB).toBe(bandwidth.interRegion.withinContinent['north-america']);
    expect(byId.westeurope?.ratePerGB).toBe(bandwidth.interRegion.toOtherContinent['north-america']);
    expect(byId.westeurope?.cost).toBeCloseTo(600 * 0.05, 9);
    expect(b.dataTransfer).toBeCloseTo(800 * 0.02 + 300 * 0.02 + 600 * 0.05, 9);
    expect(b.registryUnits).toBeCloseTo(1.6666 * DAYS_PER_MONTH, 9);
  });

  it('charges storage above the included amount per location', () => {
    const b = monthlyCost({ topology: contoso, storageGiB: 700, workloads: [] }, catalog, prices);
    expect(b.storage).toBeCloseTo(4 * 200 * 0.1, 9);
    expect(b.locations.every((l) => Math.abs((l.storage ?? -1) - 20) < 1e-9)).toBe(true);
  });

  it('reports unknown storage and unknown volumes as null, never 0', () => {
    const b = monthlyCost({ topology: contoso, storageGiB: null, workloads: [wl('eastus', null)] }, catalog, prices);
    expect(b.storage).toBeNull();
    expect(b.dataTransfer).toBeNull();
    expect(b.total).toBeNull();
    expect(b.unknown).toEqual(['storage', 'dataTransfer']);
    expect(b.totalKnown).toBeCloseTo(b.registryUnits ?? NaN, 9);
  });

  it('routes nothing to a replica with regionEndpointEnabled=false, but still bills it', () => {
    const t: Topology = { ...contoso, replicas: contoso.replicas.map((r) => (r.region === 'eastus' ? { ...r, regionEndpointEnabled: false } : r)) };
    const b = monthlyCost({ topology: t, storageGiB: 0, workloads }, catalog, prices);
    const east = b.workloads.find((w) => w.id === 'eastus');
    expect(east?.servedBy).not.toBe('eastus');
    expect(east?.cost).toBeGreaterThan(0);
    expect(b.registryUnits).toBeCloseTo(4 * 1.6666 * DAYS_PER_MONTH, 9);
  });

  it('serves by lowest latency, not lowest price', () => {
    // westeurope workload, locations westus (home) + northeurope: northeurope is closer
    const ranked = rankLocations({ kind: 'azure', region: 'westeurope' }, ['westus', 'northeurope'], catalog, prices);
    expect(ranked[0]?.region).toBe('northeurope');
    expect(ranked[0]?.latency.ms).toBeLessThan(ranked[1]?.latency.ms ?? 0);
  });

  it('prices workloads outside Azure as internet egress from the serving continent', () => {
    const site = { kind: 'external' as const, name: 'onprem-paris', latitude: 48.85, longitude: 2.35 };
    const b = monthlyCost({ topology: contoso, storageGiB: 0, workloads: [{ site, pullGBPerMonth: 100, volumeSource: 'test' }] }, catalog, prices);
    const w = b.workloads[0];
    expect(w?.servedBy).toBe('westeurope');
    expect(w?.latencyEstimated).toBe(true);
    expect(w?.ratePerGB).toBe(0.087);
    expect(w?.cost).toBeCloseTo(8.7, 9);
    expect(transferRate(region('brazilsouth'), site, catalog, prices).ratePerGB).toBe(0.181);
  });

  it('treats Middle East and Africa as one pricing group', () => {
    expect(transferRate(region('uaenorth'), { kind: 'azure', region: 'southafricanorth' }, catalog, prices).ratePerGB).toBe(0.08);
    expect(transferRate(region('uaenorth'), { kind: 'azure', region: 'southafricanorth' }, catalog, prices).basis).toContain('within');
  });

  it('marginal value of a replica is cost(T without r) − cost(T), and break-even matches it', () => {
    const input: CostInput = { topology: contoso, storageGiB: 120, workloads };
    const b = withReplicaEconomics(input, monthlyCost(input, catalog, prices), catalog, prices);
    for (const loc of b.locations.filter((l) => l.role === 'replica')) {
      const without = monthlyCost({ ...input, topology: { ...contoso, replicas: contoso.replicas.filter((r) => r.region !== loc.region) } }, catalog, prices);
      expect(loc.marginalMonthlyValue).toBeCloseTo((without.total ?? NaN) - (b.total ?? NaN), 9);
    }
    // westeurope serves 600 GB that would otherwise cross the ocean at 0.05/GB; break-even = fee / 0.05
    const we = b.locations.find((l) => l.region === 'westeurope');
    expect(we?.breakEvenGBPerMonth).toBeCloseTo((1.6666 * DAYS_PER_MONTH) / 0.05, 6);
    // at exactly the break-even volume the marginal value is zero
    const atBreakEven = [wl('westus', 0), wl('eastus', 0), wl('canadacentral', 0), wl('westeurope', we?.breakEvenGBPerMonth ?? 0)];
    const in2: CostInput = { ...input, workloads: atBreakEven };
    const b2 = withReplicaEconomics(in2, monthlyCost(in2, catalog, prices), catalog, prices);
    expect(b2.locations.find((l) => l.region === 'westeurope')?.marginalMonthlyValue).toBeCloseTo(0, 6);
  });

  it('applies region price overrides', () => {
    const p = { ...prices, regionOverrides: { eastus: { Premium: 2 } } };
    const b = monthlyCost({ topology: contoso, storageGiB: 0, workloads: [] }, catalog, p);
    expect(b.locations.find((l) => l.region === 'eastus')?.registryUnits).toBeCloseTo(2 * DAYS_PER_MONTH, 9);
  });

  it('a figure that overflows to Infinity is unknown and listed in unknown, never 0 or a silent null', () => {
    const huge = { ...prices, registryUnitPerDay: { ...prices.registryUnitPerDay, Premium: 1e308 } };
    const input: CostInput = { topology: contoso, storageGiB: 100, workloads };
    const b = withReplicaEconomics(input, monthlyCost(input, catalog, huge), catalog, huge);
    expect(b.registryUnits).toBeNull();
    expect(b.unknown).toContain('registryUnits');
    expect(b.total).toBeNull();
    expect(Number.isFinite(b.totalKnown)).toBe(true);
    expect(b.totalKnown).toBeCloseTo((b.storage ?? NaN) + (b.dataTransfer ?? NaN), 6);
    for (const l of b.locations) {
      expect(l.registryUnits).toBeNull();
      expect(l.total).toBeNull();
      if (l.role === 'replica') expect(l.marginalMonthlyValue).toBeNull();
    }

    const toOtherContinent = { ...prices.bandwidth.toOtherContinent };
    for (const k of Object.keys(toOtherContinent) as (keyof typeof toOtherContinent)[]) toOtherContinent[k] = 1e300;
    const rate = { ...prices, bandwidth: { ...prices.bandwidth, toOtherContinent } };
    const t = monthlyCost({ topology: { ...contoso, replicas: [] }, storageGiB: 100, workloads: [wl('westeurope', 1e10)] }, catalog, rate);
    expect(t.workloads[0]?.cost).toBeNull();
    expect(t.dataTransfer).toBeNull();
    expect(t.unknown).toEqual(['dataTransfer']);
    expect(t.registryUnits).not.toBeNull();
  });
});
