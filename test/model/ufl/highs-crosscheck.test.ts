/**
 * Our exact optimum vs HiGHS on the MILP export of the same planner instance (issue #13): small mixed
 * instances (8 Azure regions + 6 outside sites, home westus + 10 candidates) with every constraint
 * kind the planner has — latency for all, latency percentile, maxReplicas, mustInclude, exclude and
 * their combination — plus an infeasible combination both must refuse.
 */
import highsLoader from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../../src/catalog';
import { UnsatisfiableError } from '../../../src/model/errors';
import { buildInstance, candidateRegions, type RecommendConstraints } from '../../../src/model/recommend';
import { evaluateOpenSet } from '../../../src/model/ufl/evaluate';
import { solveUfl } from '../../../src/model/ufl/solve';
import type { UflInstance } from '../../../src/model/ufl/types';
import { plannerInput } from '../../helpers/planner-instances';
import { solveUflWithHighs, type HighsApi } from '../../helpers/planner-milp';

const catalog = shippedCatalog();
const prices = shippedPrices();
const CANDIDATES = ['eastus', 'northeurope', 'westeurope', 'southeastasia', 'japaneast', 'australiaeast', 'brazilsouth', 'centralindia', 'southafricanorth', 'uaenorth'];

const base = (): RecommendConstraints => ({ mustInclude: [], exclude: [], candidates: [...CANDIDATES], zoneRedundancyRequired: false, includeRestricted: false });
const KINDS: Record<string, RecommendConstraints> = {
  none: base(),
  maxMs: { ...base(), latency: { maxMs: 160 } },
  maxMsPercentile: { ...base(), latency: { maxMs: 100, percentile: 90 } },
  maxReplicas: { ...base(), maxReplicas: 2 },
  mustIncludeExclude: { ...base(), mustInclude: ['japaneast'], exclude: ['westeurope'] },
  everything: { ...base(), mustInclude: ['northeurope'], exclude: ['eastus'], maxReplicas: 3, latency: { maxMs: 120, percentile: 80 } },
};

function instanceOf(seed: number, constraints: RecommendConstraints): UflInstance | null {
  const input = { ...plannerInput({ azure: 8, outside: 6, constraint: 'none', seed }, catalog), constraints };
  const warnings: string[] = [];
  const candidates = candidateRegions(input.current.homeRegion, constraints, catalog, warnings);
  try {
    return buildInstance(input, candidates, { catalog, prices, warnings }).instance;
  } catch (err) {
    if (err instanceof UnsatisfiableError) return null;
    throw err;
  }
}

let highs: HighsApi;
beforeAll(async () => {
  highs = await highsLoader();
});

describe('our optimum equals HiGHS on the MILP export (small mixed planner instances)', () => {
  for (const [kind, constraints] of Object.entries(KINDS)) {
    it(`${kind}: same optimum on seeds 1..4`, () => {
      let compared = 0;
      for (let seed = 1; seed <= 4; seed++) {
        const inst = instanceOf(seed, constraints);
        if (inst === null) continue;
        expect(inst.nFacilities).toBe(1 + CANDIDATES.length - constraints.exclude.length);
        expect(inst.nClients).toBe(14);
        const ours = solveUfl(inst, { timeLimitMs: 20_000 });
        const h = solveUflWithHighs(highs, inst, 20);
        if (h.infeasible) {
          expect(ours.status).toBe('infeasible');
          continue;
        }
        expect(h.proved).toBe(true);
        expect(ours.status).toBe('optimal');
        const a = ours.objective;
        const b = h.objective as number;
        expect(Math.abs(a - b) / Math.max(1, Math.abs(b))).toBeLessThanOrEqual(1e-6);
        // both solutions are what they claim under the planner's serving rule and constraints
        expect(evaluateOpenSet(inst, ours.open).objective).toBeCloseTo(a, 6);
        expect(evaluateOpenSet(inst, h.open).objective).toBeCloseTo(b, 4);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(2);
    }, 120_000);
  }

  it('an infeasible combination (1 replica, every workload within 90 ms) is refused by both', () => {
    let refused = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const inst = instanceOf(seed, { ...base(), maxReplicas: 1, latency: { maxMs: 90 } });
      if (inst === null) continue; // refused before solving (some workload has no candidate within 90 ms)
      const ours = solveUfl(inst, { timeLimitMs: 20_000 });
      const h = solveUflWithHighs(highs, inst, 20);
      expect(h.infeasible).toBe(ours.status === 'infeasible');
      if (ours.status === 'infeasible') refused++;
      else expect(Math.abs(ours.objective - (h.objective as number)) / Math.max(1, Math.abs(ours.objective))).toBeLessThanOrEqual(1e-6);
    }
    expect(refused).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
