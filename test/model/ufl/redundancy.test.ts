/**
 * The redundancy (resilience) constraint against an independent brute force: every open set of small
 * random instances (prefs, fixedOpen/fixedClosed, minOpen/maxOpen, coverage, redundancy), its feasibility
 * checked by simulating failures — for every choice of (min − 1) open facilities that fail (one, for the
 * "any-one-location" min of 2), every client must still have an open facility in its set — and its cost
 * by bruteCost. solveUfl and every count of solveForEachCount must agree with it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateOpenSet } from '../../../src/model/ufl/evaluate.js';
import { solveForEachCount, solveUfl } from '../../../src/model/ufl/solve.js';
import type { UflInstance } from '../../../src/model/ufl/types.js';
import { bruteCost, instanceArb } from './bruteforce.js';

/** Subsets of `items` of exactly `size` elements. */
function combinations(items: readonly number[], size: number): number[][] {
  if (size === 0) return [[]];
  const out: number[][] = [];
  items.forEach((x, t) => {
    for (const rest of combinations(items.slice(t + 1), size - 1)) out.push([x, ...rest]);
  });
  return out;
}

/** Every client keeps an open facility of its set whichever (min − 1) open facilities fail (all of them when fewer are open). */
function survivesFailures(inst: UflInstance, open: readonly number[]): boolean {
  const rd = inst.redundancy;
  if (rd === undefined || rd.min === 0) return true;
  const failures = combinations(open, Math.min(rd.min - 1, open.length));
  return failures.every((failed) => rd.sets.every((set) => set.some((i) => open.includes(i) && !failed.includes(i))));
}

/** The brute-force cost of an open set with the redundancy constraint checked by failures. */
function costWithFailures(inst: UflInstance, open: number[]): number {
  return survivesFailures(inst, open) ? bruteCost(inst, open) : Infinity;
}

interface Brute {
  best: number;
  /** Best objective per exact count. */
  byCount: Map<number, number>;
  /** Counts for which some set with the fixings passes the failure check (whatever it costs). */
  redundancyFeasibleCounts: Set<number>;
  /** How many instances' optimum the redundancy constraint changes (to show the check discriminates). */
  changed: boolean;
}

function brute(inst: UflInstance): Brute {
  const n = inst.nFacilities;
  let best = Infinity;
  let bestFree = Infinity;
  const byCount = new Map<number, number>();
  const redundancyFeasibleCounts = new Set<number>();
  const fo = inst.fixedOpen ?? [];
  const fc_ = inst.fixedClosed ?? [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const open: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) open.push(i);
    const plain = bruteCost(inst, open);
    const c = survivesFailures(inst, open) ? plain : Infinity;
    bestFree = Math.min(bestFree, plain);
    best = Math.min(best, c);
    byCount.set(open.length, Math.min(byCount.get(open.length) ?? Infinity, c));
    if (fo.every((i) => open.includes(i)) && fc_.every((i) => !open.includes(i)) && survivesFailures(inst, open)) redundancyFeasibleCounts.add(open.length);
  }
  return { best, byCount, redundancyFeasibleCounts, changed: best !== bestFree };
}

function close(a: number, b: number): boolean {
  if (a === Infinity || b === Infinity) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Random instances (<= 8 facilities) with a redundancy constraint: sets = preference orders, prefixes of them (within L ms), or random. */
function redundantArb(prefs: boolean): fc.Arbitrary<UflInstance> {
  // half with every other side constraint (often infeasible on its own), half without (more feasible instances)
  return fc
    .oneof(instanceArb({ prefs, constraints: true }), instanceArb({ prefs, constraints: false }))
    .filter((inst) => inst.nFacilities <= 8)
    .chain((inst) => {
      const n = inst.nFacilities;
      const m = inst.nClients;
      const idx = fc.integer({ min: 0, max: n - 1 });
      const setOf = (j: number): fc.Arbitrary<readonly number[]> => {
        const order = inst.prefs?.[j] ?? Array.from({ length: n }, (_, i) => i);
        return fc.oneof(
          { weight: 2, arbitrary: fc.constant([...order]) },
          { weight: 2, arbitrary: fc.constant(Array.from({ length: n }, (_, i) => i)) },
          { weight: 1, arbitrary: fc.integer({ min: Math.min(2, order.length), max: order.length }).map((t) => order.slice(0, t)) },
          { weight: 1, arbitrary: fc.uniqueArray(idx, { minLength: Math.min(3, n), maxLength: n }) },
        );
      };
      return fc.record({
        inst: fc.constant(inst),
        sets: fc.tuple(...Array.from({ length: m }, (_, j) => setOf(j))),
        min: fc.oneof({ weight: 6, arbitrary: fc.constant(2) }, { weight: 2, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(3) }),
      });
    })
    .map(({ inst, sets, min }) => ({ ...inst, redundancy: { sets, min } }));
}

describe('redundancy: solveUfl vs every subset × every failure', () => {
  for (const prefs of [true, false]) {
    it(`${prefs ? 'preference orders' : 'classic UFL'}, every side constraint`, () => {
      let changed = 0;
      let feasible = 0;
      fc.assert(
        fc.property(redundantArb(prefs), (inst) => {
          const b = brute(inst);
          if (b.changed) changed++;
          const r = solveUfl(inst);
          if (b.best === Infinity) {
            expect(r.status).toBe('infeasible');
            expect(typeof r.reason).toBe('string');
            return;
          }
          feasible++;
          expect(r.status).toBe('optimal');
          expect(close(r.objective, b.best)).toBe(true);
          // the returned set itself survives every failure and costs what it says
          expect(survivesFailures(inst, r.open)).toBe(true);
          expect(close(costWithFailures(inst, r.open), r.objective)).toBe(true);
          expect(r.lowerBound).toBe(r.objective);
          expect(evaluateOpenSet(inst, r.open).assignment).toEqual(r.assignment);
        }),
        { numRuns: 400, seed: prefs ? 1401 : 1402 },
      );
      // the constraint must matter: on a good share of the instances it changes the optimum
      expect(changed).toBeGreaterThan(40);
      expect(feasible).toBeGreaterThan(100);
    });
  }

  it('warm starts that violate it are ignored (never returned)', () => {
    fc.assert(
      fc.property(redundantArb(true), (inst) => {
        const b = brute(inst);
        const violating: number[][] = [];
        for (let i = 0; i < inst.nFacilities; i++) violating.push([i]);
        const r = solveUfl(inst, { warmStarts: violating });
        if (r.status === 'infeasible') { expect(b.best).toBe(Infinity); return; }
        expect(survivesFailures(inst, r.open)).toBe(true);
        expect(close(r.objective, b.best)).toBe(true);
      }),
      { numRuns: 100, seed: 1403 },
    );
  });
});

/**
 * Planner-like instances (facility 0 = home, fixed open; serving order by distance; cost = volume × a
 * distance-dependent rate), up to 12 facilities: big enough that the tree, not only the start heuristics,
 * decides; redundancy sets = every facility, or those within a distance (a prefix of the order).
 */
function plannerArb(): fc.Arbitrary<UflInstance> {
  const pt = fc.record({ x: fc.integer({ min: 0, max: 100 }), y: fc.integer({ min: 0, max: 100 }) });
  return fc
    .record({
      fac: fc.array(pt, { minLength: 6, maxLength: 12 }),
      cli: fc.array(fc.record({ at: pt, vol: fc.integer({ min: 0, max: 400 }) }), { minLength: 3, maxLength: 16 }),
      fee: fc.integer({ min: 20, max: 400 }),
      withinL: fc.option(fc.integer({ min: 20, max: 90 }), { nil: undefined }),
      maxOpen: fc.option(fc.integer({ min: 2, max: 6 }), { nil: undefined }),
    })
    .map(({ fac, cli, fee, withinL, maxOpen }) => {
      const n = fac.length;
      const m = cli.length;
      const dist = (i: number, j: number): number => Math.round(Math.hypot((fac[i]?.x ?? 0) - (cli[j]?.at.x ?? 0), (fac[i]?.y ?? 0) - (cli[j]?.at.y ?? 0)));
      const cost = new Float64Array(n * m);
      const prefs: number[][] = [];
      for (let j = 0; j < m; j++) {
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist(a, j) - dist(b, j) || a - b);
        prefs.push(order);
        for (let i = 0; i < n; i++) cost[i * m + j] = (cli[j]?.vol ?? 0) * (dist(i, j) < 30 ? 1 : dist(i, j) < 70 ? 3 : 5);
      }
      const sets = prefs.map((order, j) => (withinL === undefined ? order : order.filter((i) => dist(i, j) <= withinL)));
      return { nFacilities: n, nClients: m, openCost: Array.from({ length: n }, () => fee), cost, prefs, fixedOpen: [0], ...(maxOpen !== undefined ? { maxOpen } : {}), redundancy: { sets, min: 2 } };
    });
}

describe('redundancy: planner-like instances (up to 12 facilities)', () => {
  it('solveUfl equals every subset × every single failure, and its root bound never exceeds the optimum', () => {
    let feasible = 0;
    fc.assert(
      fc.property(plannerArb(), (inst) => {
        const b = brute(inst);
        const r = solveUfl(inst);
        if (b.best === Infinity) {
          expect(r.status).toBe('infeasible');
          return;
        }
        feasible++;
        expect(r.status).toBe('optimal');
        expect(close(r.objective, b.best), `${r.objective} vs ${b.best}`).toBe(true);
        expect(survivesFailures(inst, r.open)).toBe(true);
        // a bound that overestimates would prune the optimum away; stopped after one node it must stay below
        const one = solveUfl(inst, { nodeLimit: 1 });
        expect(one.lowerBound).toBeLessThanOrEqual(b.best + 1e-9 * Math.max(1, b.best));
      }),
      { numRuns: 200, seed: 1405 },
    );
    expect(feasible).toBeGreaterThan(60);
  });
});

describe('redundancy: solveForEachCount vs every subset × every failure', () => {
  it('every count: the brute-force optimum, or infeasible naming resilience when redundancy alone rules it out', () => {
    let resilienceReasons = 0;
    fc.assert(
      fc.property(redundantArb(true), fc.integer({ min: 1, max: 8 }), (inst, kMax) => {
        const b = brute(inst);
        const res = solveForEachCount(inst, kMax);
        const got = new Map(res.map((x) => [x.count, x.result]));
        expect(got.size).toBe(res.length);
        const lo = Math.max(1, inst.minOpen ?? 1, new Set(inst.fixedOpen ?? []).size);
        const hi = Math.min(inst.nFacilities, kMax, inst.maxOpen ?? inst.nFacilities);
        for (let k = 1; k <= inst.nFacilities; k++) {
          const r = got.get(k);
          if (k < lo || k > hi) {
            expect(r, `count ${k} outside ${lo}..${hi}`).toBeUndefined();
            continue;
          }
          const want = b.byCount.get(k) ?? Infinity;
          if (want < Infinity) {
            expect(r?.status, `count ${k}`).toBe('optimal');
            expect(close(r?.objective ?? NaN, want), `count ${k}: ${r?.objective} vs ${want}`).toBe(true);
            expect(r?.open.length).toBe(k);
            expect(survivesFailures(inst, r?.open ?? [])).toBe(true);
          } else if (!b.redundancyFeasibleCounts.has(k) && (inst.fixedOpen ?? []).every((i) => !(inst.fixedClosed ?? []).includes(i)) && k <= inst.nFacilities - new Set(inst.fixedClosed ?? []).size) {
            // no k-set with the fixings survives the failures, whatever it costs: reported, naming resilience
            expect(r?.status, `count ${k}`).toBe('infeasible');
            expect(r?.reason).toMatch(/resilience/);
            resilienceReasons++;
          } else {
            expect(r, `count ${k}`).toBeUndefined();
          }
        }
      }),
      { numRuns: 250, seed: 1404 },
    );
    expect(resilienceReasons).toBeGreaterThan(20);
  });
});

describe('redundancy: small cases', () => {
  it('min 2 over the serving order keeps a second facility although one is cheaper, and reports count 1 as infeasible', () => {
    // facility 0 serves both clients for free; facility 1 and 2 cost 10 and 20 to open
    const inst: UflInstance = {
      nFacilities: 3,
      nClients: 2,
      openCost: [0, 10, 20],
      cost: Float64Array.from([0, 0, 5, 5, 1, 1]),
      prefs: [[0, 1, 2], [0, 2, 1]],
      fixedOpen: [0],
    };
    expect(solveUfl(inst).open).toEqual([0]);
    const r = solveUfl({ ...inst, redundancy: { sets: inst.prefs ?? [], min: 2 } });
    expect(r.status).toBe('optimal');
    expect(r.open).toEqual([0, 1]);
    expect(r.objective).toBe(10);
    const frontier = solveForEachCount({ ...inst, redundancy: { sets: inst.prefs ?? [], min: 2 } }, 3);
    expect(frontier.map((x) => [x.count, x.result.status])).toEqual([[1, 'infeasible'], [2, 'optimal'], [3, 'optimal']]);
    expect(frontier[0]?.result.reason).toMatch(/resilience/);
  });

  it('a client whose set has fewer usable facilities than min is infeasible with a reason naming resilience', () => {
    const inst: UflInstance = { nFacilities: 3, nClients: 1, openCost: [1, 1, 1], cost: Float64Array.from([1, 1, 1]), fixedClosed: [2], redundancy: { sets: [[1, 2]], min: 2 } };
    const r = solveUfl(inst);
    expect(r.status).toBe('infeasible');
    expect(r.reason).toMatch(/resilience/);
  });
});
