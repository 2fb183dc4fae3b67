import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import type { CostInput } from '../../src/model/cost';
import { buildEstimate } from '../../src/model/estimate';
import { outageOf } from '../../src/model/outage';
import type { Topology, Workload } from '../../src/model/types';

const catalog = shippedCatalog();
const prices = shippedPrices();
const wl = (r: string, gb: number | null): Workload => ({ site: { kind: 'azure', region: r }, pullGBPerMonth: gb, volumeSource: 'test' });
const replica = (region: string) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false });
const contoso: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: ['eastus', 'canadacentral', 'westeurope'].map(replica) };
const homeOnly: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [] };
const workloads = [wl('westus', 1000), wl('eastus', 800), wl('canadacentral', 300), wl('westeurope', 600)];
const input: CostInput = { topology: contoso, storageGiB: 120, workloads };

describe('outage section (issue #14)', () => {
  it('home-only Contoso: a West US outage leaves every workload unserved', () => {
    const o = outageOf({ topology: homeOnly, storageGiB: 120, workloads }, catalog, prices);
    expect(o.locations).toHaveLength(1);
    const west = o.locations[0];
    expect(west?.location).toBe('westus');
    expect(west?.role).toBe('home');
    expect(west?.unserved.sort()).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
    expect(west?.moves.every((m) => m.to === null && m.latencyMsAfter === null)).toBe(true);
    expect(o.survivesAnyOneLocation).toBe(false);
    expect(o.unservedWorkloadsWorstCase).toBe(4);
    expect(west?.notes?.join(' ')).toMatch(/home-only/);
    // Nothing is pulled: no transfer, but the home location is still billed.
    expect(west?.monthlyCost.dataTransfer).toBe(0);
    const normal = buildEstimate({ topology: homeOnly, storageGiB: 120, workloads }, catalog, prices);
    expect(west?.monthlyCost.registryUnits).toBe(normal.monthlyCost.registryUnits);
    expect(west?.monthlyCostDelta).toBeCloseTo(-(normal.monthlyCost.dataTransfer ?? NaN), 2);
  });

  it('Contoso with four locations: each failure moves its workloads to the next-closest enabled location', () => {
    const o = outageOf(input, catalog, prices);
    expect(o.locations.map((l) => l.location)).toEqual(['westus', 'eastus', 'canadacentral', 'westeurope']);
    const expected: Record<string, string> = { westus: 'eastus', eastus: 'canadacentral', canadacentral: 'eastus', westeurope: 'eastus' };
    for (const l of o.locations) {
      // only the failed location's own workload moves (each location serves its own region)
      expect(l.moves).toHaveLength(1);
      const m = l.moves[0];
      expect(m?.workload).toBe(l.location);
      expect(m?.from).toBe(l.location);
      expect(m?.to).toBe(expected[l.location]);
      expect(m?.latencyMsBefore).toBe(0);
      // the lowest latency among the remaining locations, from the catalog
      const rest = ['westus', 'eastus', 'canadacentral', 'westeurope'].filter((r) => r !== l.location);
      const best = Math.min(...rest.map((r) => catalog.rtt(l.location, r).ms ?? Infinity));
      expect(m?.latencyMsAfter).toBe(best);
      expect(m?.withinMaxMs).toBeNull();
      expect(l.unserved).toEqual([]);
    }
    expect(o.survivesAnyOneLocation).toBe(true);
    expect(o.unservedWorkloadsWorstCase).toBe(0);
    expect(o.locations[0]?.notes?.join(' ')).toMatch(/management operations .* fail/);
  });

  it('each failover cost equals buildEstimate of the reduced topology plus the failed location, still billed', () => {
    const o = outageOf(input, catalog, prices);
    const normal = buildEstimate(input, catalog, prices);
    for (const l of o.locations) {
      const reduced: Topology =
        l.role === 'home'
          ? { homeRegion: 'eastus', sku: 'Premium', replicas: ['canadacentral', 'westeurope'].map(replica) }
          : { ...contoso, replicas: contoso.replicas.filter((r) => r.region !== l.location) };
      const r = buildEstimate({ ...input, topology: reduced }, catalog, prices);
      const failed = normal.locations.find((x) => x.region === l.location);
      expect(l.monthlyCost.dataTransfer).toBe(r.monthlyCost.dataTransfer);
      expect(l.monthlyCost.registryUnits).toBe(normal.monthlyCost.registryUnits);
      expect(l.monthlyCost.total).toBeCloseTo((r.monthlyCost.total ?? NaN) + (failed?.total ?? NaN), 1);
      expect(l.monthlyCostDelta).toBeCloseTo((l.monthlyCost.total ?? NaN) - (normal.monthlyCost.total ?? NaN), 2);
      expect(l.monthlyCostDelta).toBeGreaterThan(0);
    }
  });

  it('checks moves against a resilience maxMs', () => {
    const o = outageOf(input, catalog, prices, { maxMs: 70 });
    const byLoc = Object.fromEntries(o.locations.map((l) => [l.location, l.moves[0]?.withinMaxMs]));
    expect(byLoc).toEqual({ westus: true, eastus: true, canadacentral: true, westeurope: false });
    expect(o.survivesAnyOneLocation).toBe(false);
    expect(o.maxMs).toBe(70);
  });

  it('keeps unknown volumes unknown: the delta of a moved workload without volume is null, not 0', () => {
    const o = outageOf({ ...input, workloads: [wl('westus', null), wl('eastus', 800)] }, catalog, prices);
    const west = o.locations.find((l) => l.location === 'westus');
    expect(west?.moves[0]?.to).toBe('eastus');
    expect(west?.monthlyCostDelta).toBeNull();
    expect(west?.monthlyCost.total).toBeNull();
    expect(west?.monthlyCost.unknown).toContain('dataTransfer');
    // a failure that does not move the unknown workload has a known delta
    const east = o.locations.find((l) => l.location === 'eastus');
    expect(east?.monthlyCostDelta).toBeCloseTo(800 * 0.02, 2);
  });

  it('a disabled replica moves nothing when it fails, and a home failure routes around it', () => {
    const t: Topology = { ...contoso, replicas: contoso.replicas.map((r) => (r.region === 'eastus' ? { ...r, regionEndpointEnabled: false } : r)) };
    const o = outageOf({ ...input, topology: t }, catalog, prices);
    const east = o.locations.find((l) => l.location === 'eastus');
    expect(east?.moves).toEqual([]);
    expect(east?.monthlyCostDelta).toBe(0);
    expect(east?.notes?.join(' ')).toMatch(/regionEndpointEnabled=false/);
    expect(o.locations.find((l) => l.location === 'westus')?.moves.find((m) => m.workload === 'westus')?.to).toBe('canadacentral');
  });
});
