import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceInstance } from '../../../src/model/ufl/reduce';
import { solveUfl } from '../../../src/model/ufl';
import type { UflInstance } from '../../../src/model/ufl/types';
import { bruteCost, bruteOptimum } from './bruteforce';

/**
 * Planner-like instances: clients share a few preference orders (like sites near each other), costs are
 * volume × one of a few rates (so runs of equal cost occur), covering sets are order prefixes (within L ms)
 * or arbitrary, facility 0 is often fixed open (the home region).
 */
const plannerLike: fc.Arbitrary<UflInstance> = fc
  .record({ n: fc.integer({ min: 2, max: 8 }), m: fc.integer({ min: 1, max: 14 }), orders: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, m, orders }) =>
    fc.record({
      n: fc.constant(n),
      m: fc.constant(m),
      f: fc.array(fc.integer({ min: 0, max: 80 }), { minLength: n, maxLength: n }),
      rate: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      perms: fc.array(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), { minLength: orders, maxLength: orders }),
      pick: fc.array(fc.nat(), { minLength: m, maxLength: m }),
      vol: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: m, maxLength: m }),
      cut: fc.array(fc.integer({ min: 0, max: n }), { minLength: m, maxLength: m }),
      prefixSets: fc.boolean(),
      home: fc.boolean(),
      cov: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      maxOpen: fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }),
    }),
  )
  .map((g) => {
    const prefs = g.pick.map((k) => g.perms[k % g.perms.length] as number[]);
    const cost = new Float64Array(g.n * g.m);
    for (let i = 0; i < g.n; i++) for (let j = 0; j < g.m; j++) cost[i * g.m + j] = (g.vol[j] as number) * (g.rate[i] as number);
    const sets = prefs.map((p, j) => (g.prefixSets ? p.slice(0, g.cut[j]) : p.filter((_, t) => (t + j) % 2 === 0)));
    const weights = g.vol.map((v) => v);
    const total = weights.reduce((s, w) => s + w, 0);
    return {
      nFacilities: g.n,
      nClients: g.m,
      openCost: g.f,
      cost,
      prefs,
      ...(g.home ? { fixedOpen: [0] } : {}),
      ...(g.maxOpen !== undefined ? { maxOpen: g.maxOpen } : {}),
      ...(g.cov !== undefined ? { coverage: { sets, weights, minCoveredWeight: g.cov > 0.7 ? total : Math.ceil(g.cov * total) } } : {}),
    };
  });

describe('exact reductions (truncation, must-cover clients, aggregation)', () => {
  it('keep the objective (and feasibility) of every open set', () => {
    fc.assert(
      fc.property(plannerLike, (inst) => {
        const red = reduceInstance(inst);
        expect(red).not.toBeNull();
        const r = (red as NonNullable<typeof red>).instance;
        expect(r.nClients).toBeLessThanOrEqual(inst.nClients);
        for (let mask = 1; mask < 1 << inst.nFacilities; mask++) {
          const open: number[] = [];
          for (let i = 0; i < inst.nFacilities; i++) if (mask & (1 << i)) open.push(i);
          const a = bruteCost(inst, open);
          const b = bruteCost(r, open);
          if (a === Infinity) expect(b).toBe(Infinity);
          else expect(b).toBeCloseTo(a, 9);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('merge clients with the same order: 60 clients on 3 orders become at most 3', () => {
    const n = 5;
    const orders = [[0, 1, 2, 3, 4], [2, 1, 0, 4, 3], [4, 3, 2, 1, 0]];
    const m = 60;
    const cost = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cost[i * m + j] = (j + 1) * (i + 1);
    const inst: UflInstance = { nFacilities: n, nClients: m, openCost: [5, 5, 5, 5, 5], cost, prefs: Array.from({ length: m }, (_, j) => orders[j % 3] as number[]) };
    const red = reduceInstance(inst);
    expect(red?.clientsAfter).toBe(3);
    expect(solveUfl(inst).objective).toBeCloseTo(bruteOptimum(inst), 9);
  });

  it('the solver on planner-like instances finds the brute-force optimum', () => {
    fc.assert(
      fc.property(plannerLike, (inst) => {
        const brute = bruteOptimum(inst);
        const r = solveUfl(inst);
        if (brute === Infinity) expect(r.status).toBe('infeasible');
        else {
          expect(r.status).toBe('optimal');
          expect(r.objective).toBeCloseTo(brute, 9);
          expect(bruteCost(inst, r.open)).toBeCloseTo(brute, 9);
        }
      }),
      { numRuns: 400 },
    );
  });
});
