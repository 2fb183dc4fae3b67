import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../src/catalog';
import { Catalog, greatCircleKm, levenshtein, normalizeRegionKey } from '../../src/model/catalog';

const catalog = shippedCatalog();

describe('region lookup', () => {
  it('accepts ARM names, display names and hyphenated names', () => {
    for (const input of ['westus', 'West US', 'west-us', 'WEST_US', ' westus ']) {
      expect(catalog.find(input)?.name, input).toBe('westus');
    }
    expect(catalog.find('Canada Central')?.name).toBe('canadacentral');
  });

  it('does not confuse westus with westus2', () => {
    expect(catalog.find('west us 2')?.name).toBe('westus2');
    expect(catalog.find('westu')).toBeUndefined();
  });

  it('suggests westus first for the typo westu', () => {
    expect(catalog.suggest('westu')[0]).toBe('westus');
    expect(catalog.suggest('westeurop')[0]).toBe('westeurope');
    expect(catalog.suggest('zzzzzzzzzzzz')).toEqual([]);
  });

  it('ships every region with its continent and the Contoso regions with coordinates', () => {
    expect(catalog.regions.length).toBe(59);
    for (const name of ['westus', 'eastus', 'canadacentral', 'westeurope']) {
      const r = catalog.get(name);
      expect(r?.latitude).not.toBeNull();
      expect(r?.continent).toBeDefined();
    }
  });
});

describe('latency', () => {
  it('is 0 to itself and published for a known pair, in the direction asked', () => {
    expect(catalog.rtt('westus', 'westus')).toEqual({ ms: 0, estimated: false });
    const ab = catalog.rtt('westus', 'eastus');
    expect(ab.estimated).toBe(false);
    expect(ab.ms).toBe(catalog.latency.rttMs.westus?.eastus);
    const directed = Object.entries(catalog.latency.rttMs).some(([a, row]) => Object.entries(row).some(([b, ms]) => catalog.latency.rttMs[b]?.[a] !== ms));
    expect(directed).toBe(true);
  });

  it('falls back to a great-circle estimate, flagged, where a pair is not published', () => {
    const r = catalog.rtt('chilecentral', 'brazilsouth');
    expect(r.estimated).toBe(true);
    expect(r.ms).toBeGreaterThan(10);
    expect(r.ms).toBeLessThan(200);
    // an unknown location (no coordinates, no published pairs) stays unknown
    expect(catalog.rtt('indiasouthcentral', 'westus')).toEqual({ ms: null, estimated: true });
  });

  it('remembers the answer of each pair of catalog regions (same object, frozen, same values as a fresh catalog), never of other names', () => {
    const fresh = new Catalog(catalog.regions, catalog.latency);
    const names = catalog.regions.map((r) => r.name);
    for (const a of names) {
      for (const b of names) {
        const first = fresh.rtt(a, b);
        expect(first).toEqual(fresh.rtt(a, b));
        expect(fresh.rtt(a, b)).toBe(first);
        expect(Object.isFrozen(first)).toBe(true);
        const published = catalog.latency.rttMs[a]?.[b];
        if (a === b) expect(first).toEqual({ ms: 0, estimated: false });
        else if (published !== undefined) expect(first).toEqual({ ms: published, estimated: false });
        else expect(first.estimated).toBe(true);
      }
    }
    const memo = (c: Catalog): number => [...(c as unknown as { rttMemo: Map<string, Map<string, unknown>> }).rttMemo.values()].reduce((n, row) => n + row.size, 0);
    expect(memo(fresh)).toBe(names.length * names.length);
    expect(fresh.rtt('nowhere', 'westus')).toEqual({ ms: null, estimated: true });
    expect(fresh.rtt('westus', 'nowhere')).toEqual({ ms: null, estimated: true });
    expect(fresh.rtt('nowhere', 'nowhere')).toEqual({ ms: 0, estimated: false });
    expect(Object.isFrozen(fresh.rtt('westus', 'nowhere'))).toBe(false);
    expect(memo(fresh)).toBe(names.length * names.length);
  });

  it('fits a sane distance model over the published matrix', () => {
    const fit = catalog.distanceFit();
    expect(fit.pairs).toBeGreaterThan(2000);
    expect(fit.msPerKm).toBeGreaterThan(0.005);
    expect(fit.msPerKm).toBeLessThan(0.05);
  });

  it('computes great-circle distances', () => {
    expect(greatCircleKm(0, 0, 0, 0)).toBe(0);
    // London → New York ≈ 5570 km
    expect(greatCircleKm(51.5074, -0.1278, 40.7128, -74.006)).toBeGreaterThan(5500);
    expect(greatCircleKm(51.5074, -0.1278, 40.7128, -74.006)).toBeLessThan(5650);
  });

  it('has helpers that behave', () => {
    expect(normalizeRegionKey('West-US 2')).toBe('westus2');
    expect(levenshtein('westu', 'westus')).toBe(1);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});
