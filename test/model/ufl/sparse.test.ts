import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../src/model/ufl/prepare.js';
import { SparseBB, sparseApplicable } from '../../../src/model/ufl/sparse.js';
import { solveUfl } from '../../../src/model/ufl/solve.js';
import type { UflInstance } from '../../../src/model/ufl/types.js';
import { bruteCost, bruteOptimum } from './bruteforce.js';

/** Random classic instance where most assignments are "forbidden" (a big finite cost, or Infinity). */
function sparseArb(withFixings: boolean): fc.Arbitrary<UflInstance> {
  return fc
    .record({ n: fc.integer({ min: 1, max: 10 }), m: fc.integer({ min: 1, max: 12 }) })
    .chain(({ n, m }) => {
      const idx = fc.integer({ min: 0, max: n - 1 });
      const cell = fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) },
        { weight: 6, arbitrary: fc.constantFrom(500, 1000, Infinity) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 400 }) },
      );
      return fc.record({
        n: fc.constant(n),
        m: fc.constant(m),
        f: fc.array(fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 150 })), { minLength: n, maxLength: n }),
        c: fc.array(cell, { minLength: n * m, maxLength: n * m }),
        fixedOpen: withFixings ? fc.uniqueArray(idx, { maxLength: 2 }) : fc.constant([] as number[]),
        fixedClosed: withFixings ? fc.uniqueArray(idx, { maxLength: 3 }) : fc.constant([] as number[]),
        minOpen: withFixings ? fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }) : fc.constant(undefined),
      });
    })
    .map((r) => {
      const inst: UflInstance = { nFacilities: r.n, nClients: r.m, openCost: r.f, cost: Float64Array.from(r.c) };
      if (r.fixedOpen.length) inst.fixedOpen = r.fixedOpen;
      if (r.fixedClosed.length) inst.fixedClosed = r.fixedClosed;
      if (r.minOpen !== undefined) inst.minOpen = r.minOpen;
      return inst;
    });
}

function close(a: number, b: number): boolean {
  if (a === Infinity || b === Infinity) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('sparse branch and bound (classic UFL path) vs brute force', () => {
  for (const withFixings of [false, true]) {
    it(`finds and proves the optimum${withFixings ? ' with fixed open/closed facilities' : ''}`, () => {
      fc.assert(
        fc.property(sparseArb(withFixings), fc.boolean(), (inst, openFirst) => {
          const prep = prepare(inst);
          const opt = bruteOptimum(inst);
          if (!prep.ok) { expect(opt).toBe(Infinity); return; }
          expect(sparseApplicable(prep.p)).toBe(true);
          const bb = new SparseBB(prep.p, Infinity, null, Infinity, Infinity);
          bb.openFirst = openFirst;
          bb.run();
          expect(bb.limits.aborted).toBe(false);
          if (opt === Infinity) { expect(bb.best).toBeNull(); return; }
          expect(bb.best).not.toBeNull();
          const open: number[] = [];
          bb.best?.forEach((x, i) => { if (x === 1) open.push(i); });
          expect(close(bb.ub, opt)).toBe(true);
          expect(close(bruteCost(inst, open), opt)).toBe(true);
        }),
        { numRuns: 600 },
      );
    });
  }

  it('agrees with the general branch and bound on mid-size sparse instances (dual adjustment logs, deep trees)', () => {
    for (const seed of [3, 17, 99]) {
      let x = seed;
      const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
      const n = 60, m = 70;
      const cost = new Float64Array(n * m).fill(54059);
      for (let j = 0; j < m; j++) for (let t = 0; t < 6; t++) cost[Math.floor(rnd() * n) * m + j] = Math.floor(rnd() * 5);
      const inst: UflInstance = { nFacilities: n, nClients: m, openCost: Array.from({ length: n }, () => 2900 + Math.floor(rnd() * 200)), cost };
      const prep = prepare(inst);
      if (!prep.ok) throw new Error('unexpected');
      const bb = new SparseBB(prep.p, Infinity, null, Infinity, Infinity);
      bb.run();
      expect(bb.limits.aborted).toBe(false);
      const order = (j: number): number[] => Array.from({ length: n }, (_, i) => i).sort((a, b) => (cost[a * m + j] as number) - (cost[b * m + j] as number) || a - b);
      const dense = solveUfl({ ...inst, prefs: Array.from({ length: m }, (_, j) => order(j)) });
      expect(dense.status).toBe('optimal');
      expect(close(bb.ub, dense.objective)).toBe(true);
    }
  });

  it('solveUfl takes the sparse path on a sparse instance and proves the optimum', () => {
    let x = 12345;
    const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 30, m = 40;
    const cost = new Float64Array(n * m).fill(30035);
    for (let j = 0; j < m; j++) for (let t = 0; t < 3; t++) cost[Math.floor(rnd() * n) * m + j] = Math.floor(rnd() * 5);
    const inst: UflInstance = { nFacilities: n, nClients: m, openCost: new Array<number>(n).fill(3000), cost };
    const prep = prepare(inst);
    expect(prep.ok).toBe(true);
    const r = solveUfl(inst);
    expect(r.status).toBe('optimal');
    // cross-check with the general branch and bound on the same instance (dense: big costs as Infinity-free)
    const dense = solveUfl({ ...inst, prefs: Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => i).sort((a, b) => (cost[a * m + j] as number) - (cost[b * m + j] as number) || a - b)) });
    expect(dense.status).toBe('optimal');
    expect(close(r.objective, dense.objective)).toBe(true);
  });
});
