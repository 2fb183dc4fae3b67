/** Independent brute-force reference for the UFL tests (enumerates every open set). */
import fc from 'fast-check';
import type { UflInstance } from '../../../src/model/ufl/types.js';

export function bruteCost(inst: UflInstance, open: number[]): number {
  const { nFacilities: n, nClients: m, cost } = inst;
  const isOpen = new Array<boolean>(n).fill(false);
  for (const i of open) isOpen[i] = true;
  const k = open.length;
  if (k < Math.max(1, inst.minOpen ?? 1) || k > (inst.maxOpen ?? n)) return Infinity;
  if ((inst.fixedOpen ?? []).some((i) => !isOpen[i])) return Infinity;
  if ((inst.fixedClosed ?? []).some((i) => isOpen[i])) return Infinity;
  let total = 0;
  for (const i of open) total += inst.openCost[i] as number;
  for (let j = 0; j < m; j++) {
    let best = Infinity;
    if (inst.prefs) {
      for (const i of inst.prefs[j] ?? []) {
        // documented rule: an infinite cost means "cannot serve", so such entries are skipped
        if (isOpen[i] && cost[i * m + j] !== Infinity) { best = cost[i * m + j] as number; break; }
      }
    } else {
      for (const i of open) best = Math.min(best, cost[i * m + j] as number);
    }
    if (best === Infinity) return Infinity;
    total += best;
  }
  if (inst.coverage) {
    let w = 0;
    for (let j = 0; j < m; j++) if ((inst.coverage.sets[j] ?? []).some((i) => isOpen[i])) w += inst.coverage.weights[j] as number;
    if (w < inst.coverage.minCoveredWeight) return Infinity;
  }
  return total;
}

/** Best objective over all open sets, optionally with exactly k open. */
export function bruteOptimum(inst: UflInstance, exactCount?: number): number {
  const n = inst.nFacilities;
  let best = Infinity;
  for (let mask = 1; mask < 1 << n; mask++) {
    const open: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) open.push(i);
    if (exactCount !== undefined && open.length !== exactCount) continue;
    best = Math.min(best, bruteCost(inst, open));
  }
  return best;
}

export interface GenOptions {
  prefs: boolean;
  constraints: boolean;
  integral?: boolean;
}

/** Random small instance: <= 10 facilities, <= 12 clients. */
export function instanceArb(o: GenOptions): fc.Arbitrary<UflInstance> {
  return fc
    .record({ n: fc.integer({ min: 1, max: 10 }), m: fc.integer({ min: 1, max: 12 }), seed: fc.integer() })
    .chain(({ n, m }) => {
      const val = o.integral === false ? fc.double({ min: 0, max: 100, noNaN: true }) : fc.integer({ min: 0, max: 60 }).map((x) => x);
      const costArb = fc.oneof({ weight: 9, arbitrary: val }, { weight: 1, arbitrary: fc.constant(Infinity) });
      const idx = fc.integer({ min: 0, max: n - 1 });
      const subset = fc.uniqueArray(idx, { maxLength: n });
      return fc.record({
        n: fc.constant(n),
        m: fc.constant(m),
        f: fc.array(fc.integer({ min: 0, max: 120 }), { minLength: n, maxLength: n }),
        c: fc.array(costArb, { minLength: n * m, maxLength: n * m }),
        prefs: o.prefs ? fc.array(fc.uniqueArray(idx, { minLength: 1, maxLength: n }), { minLength: m, maxLength: m }) : fc.constant(undefined),
        fixedOpen: o.constraints ? fc.uniqueArray(idx, { maxLength: 2 }) : fc.constant([] as number[]),
        fixedClosed: o.constraints ? fc.uniqueArray(idx, { maxLength: 3 }) : fc.constant([] as number[]),
        minOpen: o.constraints ? fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }) : fc.constant(undefined),
        maxOpen: o.constraints ? fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }) : fc.constant(undefined),
        cov: o.constraints
          ? fc.option(
              fc.record({
                sets: fc.array(subset, { minLength: m, maxLength: m }),
                weights: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: m, maxLength: m }),
                frac: fc.double({ min: 0, max: 1, noNaN: true }),
              }),
              { nil: undefined },
            )
          : fc.constant(undefined),
      });
    })
    .map((r) => {
      const inst: UflInstance = { nFacilities: r.n, nClients: r.m, openCost: r.f, cost: Float64Array.from(r.c) };
      if (r.prefs !== undefined) inst.prefs = r.prefs;
      if (r.fixedOpen.length) inst.fixedOpen = r.fixedOpen;
      if (r.fixedClosed.length) inst.fixedClosed = r.fixedClosed;
      if (r.minOpen !== undefined) inst.minOpen = r.minOpen;
      if (r.maxOpen !== undefined) inst.maxOpen = r.maxOpen;
      if (r.cov !== undefined) {
        const total = r.cov.weights.reduce((a, b) => a + b, 0);
        inst.coverage = { sets: r.cov.sets, weights: r.cov.weights, minCoveredWeight: Math.round(total * r.cov.frac) };
      }
      return inst;
    });
}
