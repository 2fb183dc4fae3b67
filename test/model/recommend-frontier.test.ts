import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { buildEstimate } from '../../src/model/estimate';
import { frontierSummary, recommend } from '../../src/model/recommend';
import type { Topology, Workload } from '../../src/model/types';
import { plannerInput, type PlannerInstanceSpec } from '../helpers/planner-instances';

const catalog = shippedCatalog();
const prices = shippedPrices();

/** What buildEstimate shows for the lines a frontier point carries. */
function fromEstimate(t: Topology, storageGiB: number | null, workloads: Workload[]) {
  const e = buildEstimate({ topology: t, storageGiB, workloads }, catalog, prices);
  const known = e.workloads.filter((w) => w.latencyMs !== null);
  const vol = known.reduce((s, w) => s + (w.pullGBPerMonth ?? 0), 0);
  const mean = vol > 0 ? known.reduce((s, w) => s + (w.latencyMs ?? 0) * (w.pullGBPerMonth ?? 0), 0) / vol : null;
  return {
    monthlyCost: e.monthlyCost,
    maxLatencyMs: known.length ? Math.max(...known.map((w) => w.latencyMs ?? 0)) : null,
    volumeWeightedMeanLatencyMs: mean === null ? null : Math.round(mean * 10) / 10,
  };
}

const topology = (regions: string[], zoneRedundancy = false): Topology => ({
  homeRegion: 'westus',
  sku: 'Premium',
  homeZoneRedundancy: false,
  replicas: regions.map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy })),
});

describe('frontier summaries (#13)', () => {
  it('equal buildEstimate on the monthly cost lines and latency statistics, unknown volumes and storage included', () => {
    const spec: PlannerInstanceSpec = { azure: 30, outside: 25, constraint: 'none', seed: 3 };
    const workloads = plannerInput(spec, catalog).workloads;
    // volumes with more than 3 decimals (the estimate rounds them) and unknown ones
    const odd = workloads.map((w, q) => ({ ...w, pullGBPerMonth: q % 7 === 0 ? null : (w.pullGBPerMonth ?? 0) + 0.12345 }));
    const sets = [[], ['eastus'], ['westeurope', 'southeastasia', 'eastus'], ['japaneast', 'brazilsouth', 'australiaeast', 'northeurope', 'centralindia']];
    let compared = 0;
    for (const regions of sets) {
      for (const storageGiB of [800, null]) {
        for (const w of [workloads, odd]) {
          for (const zr of [false, true]) {
            const t = topology(regions, zr);
            expect(frontierSummary({ topology: t, storageGiB, workloads: w }, catalog, prices)).toEqual(fromEstimate(t, storageGiB, w));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(32);
  });

  it('every point of a recommendation shows what buildEstimate gives for its regions', () => {
    for (const constraint of ['none', 'maxMsPercentile'] as const) {
      const input = plannerInput({ azure: 40, outside: constraint === 'none' ? 0 : 20, constraint, seed: 1, timeLimitMs: 8000 }, catalog);
      const r = recommend(input, { catalog, prices, warnings: [] });
      const points = r.frontier.filter((p) => p.status === 'proved');
      expect(points.length).toBeGreaterThan(3);
      for (const p of points) {
        if (!('regions' in p) || p.regions === undefined) throw new Error('a proved point has regions');
        const want = fromEstimate(topology(p.regions), input.storageGiB, input.workloads);
        expect({ monthlyCost: p.monthlyCost, maxLatencyMs: p.maxLatencyMs, volumeWeightedMeanLatencyMs: p.volumeWeightedMeanLatencyMs }).toEqual(want);
      }
    }
  });
});
