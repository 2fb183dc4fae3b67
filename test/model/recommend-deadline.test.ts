import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { recommend } from '../../src/model/recommend';
import { solveForEachCount, solveUfl } from '../../src/model/ufl';
import { buildInstance, candidateRegions } from '../../src/model/recommend';
import { plannerInput } from '../helpers/planner-instances';

const catalog = shippedCatalog();

describe('one deadline per request (#13)', () => {
  it('states the deadline used; the frontier reuses the main optimum and matches per-count solves', () => {
    const input = plannerInput({ azure: 12, outside: 6, constraint: 'none', seed: 7, timeLimitMs: 4000, frontierMax: 4 }, catalog);
    const r = recommend(input, { catalog, prices: shippedPrices(), warnings: [] });
    expect(r.optimality.deadlineMs).toBe(4000);
    expect(r.optimality.status).toBe('proved');
    const cands = candidateRegions('westus', input.constraints, catalog, []);
    const { instance } = buildInstance(input, cands, { catalog, prices: shippedPrices(), warnings: [] });
    const best = solveUfl(instance);
    const kMax = best.open.length + 1;
    const warm = solveForEachCount(instance, kMax, {}, best);
    const cold = solveForEachCount(instance, kMax);
    expect(warm.map((x) => x.count)).toEqual(cold.map((x) => x.count));
    warm.forEach((x, q) => {
      expect(x.result.status).toBe('optimal');
      expect(x.result.objective).toBeCloseTo(cold[q]?.result.objective ?? NaN, 6);
    });
    // the main optimum's count is not solved again
    expect(warm.find((x) => x.count === best.open.length)?.result.nodes).toBe(0);
    expect(cold.find((x) => x.count === best.open.length)?.result.objective).toBeCloseTo(best.objective, 6);
  });

  it('a passed deadline stops every count at once: gap, never proved, and no plan invented', () => {
    const input = plannerInput({ azure: 30, outside: 30, constraint: 'maxMs', seed: 3 }, catalog);
    const cands = candidateRegions('westus', input.constraints, catalog, []);
    const { instance } = buildInstance(input, cands, { catalog, prices: shippedPrices(), warnings: [] });
    const t0 = Date.now();
    const fr = solveForEachCount(instance, 9, { deadline: Date.now() - 1 });
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const x of fr) expect(x.result.status).toBe('gap');
  });
});
