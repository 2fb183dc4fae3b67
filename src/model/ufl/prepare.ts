/**
 * Validation and preprocessing of a UFL instance into flat arrays the solver works on,
 * plus the exact objective of a given open set (`evaluateOpenSet`). Pure.
 */
import type { UflInstance } from './types.js';

/** Flat, validated form of an instance. Index conventions: facility-major `c[i*m+j]`, client-major `rank[j*n+i]`. */
export interface Prepared {
  n: number;
  m: number;
  f: Float64Array;
  c: Float64Array;
  prefsMode: boolean;
  /** Service order of each client (prefs order, or ascending cost): ordFac[ordStart[j] .. ordStart[j+1]). */
  ordStart: Int32Array;
  ordFac: Int32Array;
  /** Allowed facilities of each client sorted by ascending cost (ties: service order): candFac[candStart[j]..). */
  candStart: Int32Array;
  candFac: Int32Array;
  /** rank[j*n+i] = position of i in client j's service order, -1 if i cannot serve j. */
  rank: Int32Array;
  /** Effective cardinality bounds (minOpen >= 1). */
  kmin: number;
  kmax: number;
  fixedOpen: number[];
  fixedClosed: number[];
  /** Coverage: covMask[j*n+i] = 1 if i in A_j; null when there is no coverage constraint. */
  covMask: Uint8Array | null;
  covW: Float64Array;
  covNeed: number;
  /**
   * Redundancy: the distinct client sets (facilities ascending), redFac[redStart[r] .. redStart[r+1]),
   * each needing at least `min` open facilities; null when there is no redundancy constraint (or min = 0).
   */
  red: { start: Int32Array; fac: Int32Array; min: number } | null;
  /** All opening and finite assignment costs are integers (objective values are integral). */
  integral: boolean;
}

export type PrepareOutcome = { ok: true; p: Prepared } | { ok: false; reason: string };

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`UFL: ${what}: facility index ${i} out of range 0..${n - 1}`);
}

/**
 * Validates the instance (throws RangeError on malformed input) and returns flat arrays, or
 * `{ok:false, reason}` when the constraints are trivially infeasible (the reason names the constraint).
 */
export function prepare(inst: UflInstance): PrepareOutcome {
  const n = inst.nFacilities;
  const m = inst.nClients;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('UFL: nFacilities must be a positive integer');
  if (!Number.isInteger(m) || m < 0) throw new RangeError('UFL: nClients must be a non-negative integer');
  if (inst.openCost.length !== n) throw new RangeError(`UFL: openCost has length ${inst.openCost.length}, expected ${n}`);
  if (inst.cost.length !== n * m) throw new RangeError(`UFL: cost has length ${inst.cost.length}, expected ${n * m}`);
  const f = Float64Array.from(inst.openCost);
  let integral = true;
  for (let i = 0; i < n; i++) {
    const fi = f[i] as number;
    if (!Number.isFinite(fi) || fi < 0) throw new RangeError(`UFL: openCost[${i}] must be finite and >= 0, got ${fi}`);
    if (!Number.isInteger(fi)) integral = false;
  }
  const c = inst.cost;
  for (let k = 0; k < c.length; k++) {
    const v = c[k] as number;
    if (Number.isNaN(v) || v === -Infinity) throw new RangeError(`UFL: cost[${k}] is ${v}`);
    if (Number.isFinite(v) && !Number.isInteger(v)) integral = false;
  }
  const prefsMode = inst.prefs !== undefined;
  if (inst.prefs !== undefined && inst.prefs.length !== m) throw new RangeError(`UFL: prefs has length ${inst.prefs.length}, expected ${m}`);

  const rank = new Int32Array(m * n).fill(-1);
  const ordLists: number[][] = [];
  for (let j = 0; j < m; j++) {
    let ord: number[];
    if (inst.prefs !== undefined) {
      const pj = inst.prefs[j] as readonly number[];
      ord = [];
      for (const i of pj) {
        checkIndex(i, n, `prefs[${j}]`);
        if (rank[j * n + i] !== -1) throw new RangeError(`UFL: prefs[${j}] lists facility ${i} twice`);
        if (c[i * m + j] === Infinity) continue;
        rank[j * n + i] = ord.length;
        ord.push(i);
      }
    } else {
      ord = [];
      for (let i = 0; i < n; i++) if (c[i * m + j] !== Infinity) ord.push(i);
      ord.sort((a, b) => (c[a * m + j] as number) - (c[b * m + j] as number) || a - b);
      ord.forEach((i, r) => (rank[j * n + i] = r));
    }
    ordLists.push(ord);
  }
  const ordStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) ordStart[j + 1] = (ordStart[j] as number) + (ordLists[j] as number[]).length;
  const ordFac = new Int32Array(ordStart[m] as number);
  const candFac = new Int32Array(ordStart[m] as number);
  for (let j = 0; j < m; j++) {
    const ord = ordLists[j] as number[];
    ordFac.set(ord, ordStart[j] as number);
    const byCost = ord.slice().sort((a, b) => (c[a * m + j] as number) - (c[b * m + j] as number) || rank[j * n + a]! - rank[j * n + b]!);
    candFac.set(byCost, ordStart[j] as number);
  }

  const status = new Int8Array(n);
  const fixedOpen = [...new Set(inst.fixedOpen ?? [])];
  const fixedClosed = [...new Set(inst.fixedClosed ?? [])];
  for (const i of fixedOpen) { checkIndex(i, n, 'fixedOpen'); status[i] = 1; }
  for (const i of fixedClosed) {
    checkIndex(i, n, 'fixedClosed');
    if (status[i] === 1) return { ok: false, reason: `fixedOpen/fixedClosed: facility ${i} is both fixed open and fixed closed` };
    status[i] = 2;
  }
  const kmin = Math.max(1, Math.ceil(inst.minOpen ?? 1));
  const kmax = Math.min(n, Math.floor(inst.maxOpen ?? n));
  if (kmax < 1) return { ok: false, reason: `maxOpen: ${inst.maxOpen} < 1, but at least one facility must be open` };
  if (kmin > kmax) return { ok: false, reason: `minOpen/maxOpen: minOpen ${kmin} > maxOpen ${kmax}` };
  if (fixedOpen.length > kmax) return { ok: false, reason: `maxOpen: ${fixedOpen.length} facilities are fixed open, maxOpen is ${kmax}` };
  if (n - fixedClosed.length < kmin) return { ok: false, reason: `minOpen: only ${n - fixedClosed.length} facilities are not fixed closed, minOpen is ${kmin}` };
  for (let j = 0; j < m; j++) {
    let any = false;
    for (let k = ordStart[j] as number; k < (ordStart[j + 1] as number); k++) if (status[ordFac[k] as number] !== 2) { any = true; break; }
    if (!any) return { ok: false, reason: `client ${j}: no facility can serve it (prefs/infinite costs/fixedClosed)` };
  }

  let covMask: Uint8Array | null = null;
  const covW = new Float64Array(m);
  let covNeed = 0;
  if (inst.coverage !== undefined) {
    const cov = inst.coverage;
    if (cov.sets.length !== m || cov.weights.length !== m) throw new RangeError('UFL: coverage.sets and coverage.weights must have one entry per client');
    covMask = new Uint8Array(m * n);
    let reachable = 0;
    for (let j = 0; j < m; j++) {
      const w = cov.weights[j] as number;
      if (!Number.isFinite(w) || w < 0) throw new RangeError(`UFL: coverage.weights[${j}] must be finite and >= 0`);
      covW[j] = w;
      let reach = false;
      for (const i of cov.sets[j] as readonly number[]) {
        checkIndex(i, n, `coverage.sets[${j}]`);
        covMask[j * n + i] = 1;
        if (status[i] !== 2) reach = true;
      }
      if (reach) reachable += w;
    }
    covNeed = cov.minCoveredWeight;
    if (!(reachable >= covNeed - 1e-9 * Math.max(1, Math.abs(covNeed)))) {
      return { ok: false, reason: `coverage: at most ${reachable} weight can be covered with the facilities not fixed closed, minCoveredWeight is ${covNeed}` };
    }
  }
  const red = prepareRedundancy(inst, status, kmax);
  if (red !== null && !('start' in red)) return red;
  return {
    ok: true,
    p: { n, m, f, c, prefsMode, ordStart, ordFac, candStart: ordStart, candFac, rank, kmin, kmax, fixedOpen, fixedClosed, covMask, covW, covNeed, red, integral },
  };
}

/** Distinct redundancy sets (validated), or the reason it is trivially infeasible; null without the constraint. */
function prepareRedundancy(inst: UflInstance, status: Int8Array, kmax: number): Prepared['red'] | { ok: false; reason: string } {
  const rd = inst.redundancy;
  if (rd === undefined) return null;
  const n = inst.nFacilities;
  if (rd.sets.length !== inst.nClients) throw new RangeError('UFL: redundancy.sets must have one entry per client');
  if (!Number.isInteger(rd.min) || rd.min < 0) throw new RangeError(`UFL: redundancy.min must be an integer >= 0, got ${rd.min}`);
  if (rd.min === 0) return null;
  if (rd.min > kmax) return { ok: false, reason: `redundancy (resilience): every client needs ${rd.min} open facilities in its set, maxOpen is ${kmax}` };
  const seen = new Set<string>();
  const lists: number[][] = [];
  for (let j = 0; j < rd.sets.length; j++) {
    const set = [...new Set(rd.sets[j] as readonly number[])].sort((a, b) => a - b);
    for (const i of set) checkIndex(i, n, `redundancy.sets[${j}]`);
    const usable = set.filter((i) => status[i] !== 2).length;
    if (usable < rd.min) return { ok: false, reason: `redundancy (resilience): client ${j} has ${usable} facilities not fixed closed in its set, it needs ${rd.min} open` };
    const key = set.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    lists.push(set);
  }
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, r) => (start[r + 1] = (start[r] as number) + l.length));
  const fac = new Int32Array(start[lists.length] as number);
  lists.forEach((l, r) => fac.set(l, start[r] as number));
  return { start, fac, min: rd.min };
}

/** Whether every redundancy set has at least `min` open facilities in `open` (true without the constraint). */
export function redundancyMet(p: Prepared, open: Uint8Array): boolean {
  const red = p.red;
  if (red === null) return true;
  const R = red.start.length - 1;
  for (let r = 0; r < R; r++) {
    let k = 0;
    const e = red.start[r + 1] as number;
    for (let q = red.start[r] as number; q < e && k < red.min; q++) if (open[red.fac[q] as number] === 1) k++;
    if (k < red.min) return false;
  }
  return true;
}

/** Covered weight of an open set (mask). */
export function coveredWeight(p: Prepared, open: Uint8Array): number {
  const cov = p.covMask;
  if (cov === null) return 0;
  let w = 0;
  for (let j = 0; j < p.m; j++) {
    for (let i = 0; i < p.n; i++) if (open[i] === 1 && cov[j * p.n + i] === 1) { w += p.covW[j] as number; break; }
  }
  return w;
}

/**
 * Exact objective of an open set (mask) under the instance's serving rule and constraints;
 * Infinity when infeasible. Fills `assign` (facility per client) when given.
 */
export function evaluateMask(p: Prepared, open: Uint8Array, assign?: Int32Array): number {
  let k = 0;
  let total = 0;
  for (let i = 0; i < p.n; i++) if (open[i] === 1) { k++; total += p.f[i] as number; }
  if (k < p.kmin || k > p.kmax) return Infinity;
  for (const i of p.fixedOpen) if (open[i] !== 1) return Infinity;
  for (const i of p.fixedClosed) if (open[i] === 1) return Infinity;
  const { m, c, ordStart, ordFac } = p;
  for (let j = 0; j < m; j++) {
    let s = -1;
    const end = ordStart[j + 1] as number;
    for (let q = ordStart[j] as number; q < end; q++) {
      const i = ordFac[q] as number;
      if (open[i] === 1) { s = i; break; }
    }
    if (s < 0) return Infinity;
    if (assign !== undefined) assign[j] = s;
    total += c[s * m + j] as number;
  }
  if (p.covMask !== null && coveredWeight(p, open) < p.covNeed - 1e-9 * Math.max(1, Math.abs(p.covNeed))) return Infinity;
  if (!redundancyMet(p, open)) return Infinity;
  return total;
}
