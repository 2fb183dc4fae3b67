import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateOpenSet } from '../../../src/model/ufl/evaluate.js';
import { solveForEachCount, solveUfl } from '../../../src/model/ufl/solve.js';
import type { UflInstance, UflResult } from '../../../src/model/ufl/types.js';
import { bruteCost, bruteOptimum, instanceArb } from './bruteforce.js';

function close(a: number, b: number): boolean {
  if (a === Infinity || b === Infinity) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function checkAgainstBrute(inst: UflInstance, r: UflResult): void {
  const opt = bruteOptimum(inst);
  if (opt === Infinity) {
    expect(r.status).toBe('infeasible');
    expect(typeof r.reason).toBe('string');
    return;
  }
  expect(r.status).toBe('optimal');
  expect(close(r.objective, opt)).toBe(true);
  expect(close(bruteCost(inst, r.open), r.objective)).toBe(true);
  expect(r.lowerBound).toBe(r.objective);
  expect(r.gap).toBe(0);
  // the assignment is the serving facility of each client
  const ev = evaluateOpenSet(inst, r.open);
  expect(r.assignment).toEqual(ev.assignment);
}

describe('solveUfl vs brute force', () => {
  it('classic UFL, integral costs', () => {
    fc.assert(fc.property(instanceArb({ prefs: false, constraints: false }), (inst) => checkAgainstBrute(inst, solveUfl(inst))), { numRuns: 300 });
  });
  it('classic UFL, fractional costs', () => {
    fc.assert(fc.property(instanceArb({ prefs: false, constraints: false, integral: false }), (inst) => checkAgainstBrute(inst, solveUfl(inst))), { numRuns: 200 });
  });
  it('preference orders', () => {
    fc.assert(fc.property(instanceArb({ prefs: true, constraints: false }), (inst) => checkAgainstBrute(inst, solveUfl(inst))), { numRuns: 600 });
  });
  it('preference orders with side constraints', () => {
    fc.assert(fc.property(instanceArb({ prefs: true, constraints: true }), (inst) => checkAgainstBrute(inst, solveUfl(inst))), { numRuns: 500 });
  });
  it('classic UFL with side constraints', () => {
    fc.assert(fc.property(instanceArb({ prefs: false, constraints: true }), (inst) => checkAgainstBrute(inst, solveUfl(inst))), { numRuns: 400 });
  });
});

describe('solveForEachCount vs brute force', () => {
  it('gives the best solution for every exact count', () => {
    fc.assert(
      fc.property(instanceArb({ prefs: true, constraints: true }), fc.integer({ min: 1, max: 10 }), (inst, kMax) => {
        const res = solveForEachCount(inst, kMax);
        const got = new Map(res.map((x) => [x.count, x.result]));
        const lo = Math.max(1, inst.minOpen ?? 1);
        const hi = Math.min(inst.nFacilities, kMax, inst.maxOpen ?? inst.nFacilities);
        for (let k = 1; k <= inst.nFacilities; k++) {
          const want = k < lo || k > hi ? Infinity : bruteOptimum(inst, k);
          const r = got.get(k);
          if (want === Infinity) {
            expect(r).toBeUndefined();
          } else {
            expect(r?.status).toBe('optimal');
            expect(r?.open.length).toBe(k);
            expect(close(r?.objective ?? NaN, want)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('infeasibility reasons', () => {
  const base: UflInstance = { nFacilities: 3, nClients: 2, openCost: [1, 1, 1], cost: Float64Array.from([1, 2, 3, 4, 5, 6]) };
  it('names the constraint', () => {
    expect(solveUfl({ ...base, fixedOpen: [0], fixedClosed: [0] }).reason).toMatch(/fixedOpen/);
    expect(solveUfl({ ...base, minOpen: 3, maxOpen: 2 }).reason).toMatch(/minOpen/);
    expect(solveUfl({ ...base, fixedOpen: [0, 1], maxOpen: 1 }).reason).toMatch(/maxOpen/);
    expect(solveUfl({ ...base, fixedClosed: [0, 1, 2] }).reason).toMatch(/minOpen|client/);
    expect(solveUfl({ ...base, coverage: { sets: [[], [1]], weights: [5, 1], minCoveredWeight: 2 } }).reason).toMatch(/coverage/);
    expect(solveUfl({ ...base, prefs: [[0], [1]], maxOpen: 1 }).status).toBe('infeasible');
  });
});

describe('limits', () => {
  // a random 40x60 instance that needs many nodes
  function hard(seed: number): UflInstance {
    let x = seed;
    const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 40, m = 60;
    const cost = new Float64Array(n * m);
    for (let k = 0; k < n * m; k++) cost[k] = rnd() < 0.85 ? 20000 : Math.floor(rnd() * 5);
    return { nFacilities: n, nClients: m, openCost: new Array<number>(n).fill(300), cost };
  }
  it('a node limit yields status gap with lowerBound <= objective', () => {
    const inst = hard(11); // needs a few hundred nodes (hard(7) is now solved in 3)
    const full = solveUfl(inst);
    expect(full.status).toBe('optimal');
    expect(full.nodes).toBeGreaterThan(3);
    const r = solveUfl(inst, { nodeLimit: 2 });
    expect(r.status).toBe('gap');
    expect(r.nodes).toBeLessThanOrEqual(2);
    expect(r.lowerBound).toBeLessThanOrEqual(r.objective);
    expect(r.lowerBound).toBeLessThanOrEqual(full.objective + 1e-9);
    expect(r.gap).toBeCloseTo((r.objective - r.lowerBound) / r.objective, 12);
    expect(r.objective).toBeGreaterThanOrEqual(full.objective);
    expect(r.reason).toMatch(/node limit/);
  });
  it('a time limit yields status gap', () => {
    const r = solveUfl(hard(11), { timeLimitMs: 0 });
    expect(r.status).toBe('gap');
    expect(r.lowerBound).toBeLessThanOrEqual(r.objective);
  });
});
