import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { serveWorkloads, workloadId } from '../../src/model/cost';
import { IssueCollector, resolveWorkloads } from '../../src/model/inputs';
import { failableLocations, failoverMoves, failoverRoute, locationRole, remainingLocations } from '../../src/model/outage-routing';
import type { Topology } from '../../src/model/types';

const catalog = shippedCatalog();
const prices = shippedPrices();
const replica = (region: string, regionEndpointEnabled = true) => ({ region, regionEndpointEnabled, zoneRedundancy: false });
const contoso: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: ['eastus', 'canadacentral', 'westeurope'].map((r) => replica(r)) };

function workloads(items: unknown[]) {
  const out = new IssueCollector();
  const w = resolveWorkloads(items, {}, catalog, out);
  expect(out.issues).toEqual([]);
  return w;
}

const spread = workloads([
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 600 },
  { region: 'japaneast', pullGBPerMonth: 50 },
  { region: 'brazilsouth', pullGBPerMonth: 70 },
  { name: 'onprem-dc', latitude: 52.37, longitude: 4.89, pullGBPerMonth: 20 },
]);

describe('failover routing (the estimate rule among the remaining enabled locations)', () => {
  it('a failed replica: every workload goes where the estimate of the topology without that replica sends it', () => {
    for (const failed of contoso.replicas.map((r) => r.region)) {
      const without: Topology = { ...contoso, replicas: contoso.replicas.filter((r) => r.region !== failed) };
      const expected = serveWorkloads(without, spread, catalog, prices);
      spread.forEach((w, i) => {
        const route = failoverRoute(w.site, contoso, failed, catalog, prices);
        expect(route.to, `${workloadId(w.site)} when ${failed} fails`).toBe(expected[i]?.servedBy);
        expect(route.latencyMs).toBe(expected[i]?.latencyMs);
        expect(route.to).not.toBe(failed);
      });
    }
  });

  it('the moved workload goes to the lowest-RTT remaining location (checked against the catalog directly)', () => {
    const normal = serveWorkloads(contoso, spread, catalog, prices);
    const served = spread.map((w, i) => ({ id: workloadId(w.site), site: w.site, servedBy: normal[i]?.servedBy ?? null, latencyMs: normal[i]?.latencyMs ?? null }));
    const moves = failoverMoves(contoso, 'eastus', served, catalog, prices);
    // only the workloads eastus served move
    expect(moves.map((m) => m.workload)).toEqual(normal.filter((w) => w.servedBy === 'eastus').map((w) => w.id));
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) {
      const rtts = remainingLocations(contoso, 'eastus').map((l) => ({ l, ms: catalog.rtt(m.workload, l).ms ?? Infinity }));
      const best = rtts.reduce((a, b) => (b.ms < a.ms ? b : a));
      expect(m).toMatchObject({ from: 'eastus', to: best.l, latencyMsAfter: best.ms });
      expect(m.latencyMsAfter).toBeGreaterThanOrEqual(m.latencyMsBefore ?? 0);
    }
  });

  it('the home fails: its replicas keep serving; with no replica every workload is unserved', () => {
    expect(remainingLocations(contoso, 'westus')).toEqual(['eastus', 'canadacentral', 'westeurope']);
    expect(failoverRoute({ kind: 'azure', region: 'westus' }, contoso, 'westus', catalog, prices).to).not.toBeNull();
    const homeOnly: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [] };
    const normal = serveWorkloads(homeOnly, spread, catalog, prices);
    const served = spread.map((w, i) => ({ id: workloadId(w.site), site: w.site, servedBy: normal[i]?.servedBy ?? null, latencyMs: normal[i]?.latencyMs ?? null }));
    const moves = failoverMoves(homeOnly, 'westus', served, catalog, prices);
    expect(moves).toHaveLength(spread.length);
    expect(moves.every((m) => m.to === null && m.latencyMsAfter === null)).toBe(true);
  });

  it('disabled replicas neither serve before nor after; they can still be failed (nothing moves)', () => {
    const t: Topology = { ...contoso, replicas: [replica('eastus', false), replica('canadacentral')] };
    expect(failableLocations(t)).toEqual(['westus', 'eastus', 'canadacentral']);
    expect(remainingLocations(t, 'canadacentral')).toEqual(['westus']);
    expect(failoverRoute({ kind: 'azure', region: 'eastus' }, t, 'canadacentral', catalog, prices).to).toBe('westus');
    expect(locationRole(t, 'eastus')).toBe('replica');
    expect(locationRole(t, 'westus')).toBe('home');
    expect(locationRole(t, 'japaneast')).toBeUndefined();
  });
});
