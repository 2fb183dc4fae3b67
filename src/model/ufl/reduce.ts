/**
 * Exact reductions of a UFL instance with preference orders (issue #13). The reduced instance has the
 * same facilities and, for EVERY open set satisfying the fixings, the same objective and feasibility, so
 * its optimum (open set) is the original's. Pure.
 *
 * 1. Truncation: a client is never served past its first always-open facility (fixedOpen), so its order
 *    ends there.
 * 2. Coverage that must hold client by client: a client whose weight alone exceeds the slack
 *    (total weight − required weight) must be covered; when its covering set A_j is a prefix of its order
 *    (the facilities within L ms are exactly the first ones of a latency order), "covered" is "served
 *    from A_j", so its order is cut to A_j and it leaves the coverage constraint. Clients covered by a
 *    fixedOpen facility, or of weight 0, leave it too (the requirement drops by their weight).
 * 3. Aggregation: clients whose orders agree up to reordering facilities of equal cost that are adjacent
 *    in the order (same "runs"; canonical order: covering facilities first, then by index), and with the same covering set, are served at the same cost level for
 *    every open set; they merge into one client with the summed costs and coverage weights. With a
 *    redundancy constraint (a condition on the open set alone, through each client's set), only clients
 *    with the same redundancy set merge, and the merged client keeps that set; truncation and coverage
 *    cuts change serving orders only, never the redundancy sets.
 */
import type { UflInstance } from './types.js';

export interface Reduction {
  instance: UflInstance;
  /** Clients before and after. */
  clientsBefore: number;
  clientsAfter: number;
}

/** The reduced instance, or null when there is nothing to reduce (no preference orders). */
export function reduceInstance(inst: UflInstance): Reduction | null {
  const prefs = inst.prefs;
  if (prefs === undefined || prefs.length !== inst.nClients) return null;
  if (inst.redundancy !== undefined && inst.redundancy.sets.length !== inst.nClients) return null; // malformed: let prepare() report it
  const n = inst.nFacilities;
  const m = inst.nClients;
  const c = inst.cost;
  const fixedOpen = new Uint8Array(n);
  for (const i of inst.fixedOpen ?? []) if (Number.isInteger(i) && i >= 0 && i < n) fixedOpen[i] = 1;

  // 1. orders without unusable facilities, cut at the first fixedOpen one
  const orders: number[][] = [];
  for (let j = 0; j < m; j++) {
    const ord: number[] = [];
    for (const i of prefs[j] ?? []) {
      if (!Number.isInteger(i) || i < 0 || i >= n) return null; // malformed: let prepare() report it
      if (c[i * m + j] === Infinity) continue;
      ord.push(i);
      if (fixedOpen[i] === 1) break;
    }
    orders.push(ord);
  }

  // 2. coverage
  const cov = inst.coverage;
  let inCov: Uint8Array | null = null;
  let need = 0;
  let covSets: (readonly number[])[] = [];
  if (cov !== undefined) {
    if (cov.sets.length !== m || cov.weights.length !== m) return null;
    inCov = new Uint8Array(m);
    need = cov.minCoveredWeight;
    covSets = cov.sets.map((s) => s);
    let total = 0;
    for (let j = 0; j < m; j++) {
      const w = cov.weights[j] as number;
      const set = cov.sets[j] ?? [];
      if (!(w > 0)) continue;
      if (set.some((i) => fixedOpen[i] === 1)) { need -= w; continue; }
      inCov[j] = 1;
      total += w;
    }
    const tol = 1e-9 * Math.max(1, Math.abs(cov.minCoveredWeight));
    let changed = true;
    while (changed) {
      changed = false;
      for (let j = 0; j < m; j++) {
        if (inCov[j] !== 1) continue;
        const w = cov.weights[j] as number;
        if (total - w >= need - tol) continue; // may stay uncovered
        // A_j must be the first |A_j| entries of the FULL order, each able to serve j: then (no fixedOpen
        // facility being in A_j) it is also the start of the truncated order.
        const full = prefs[j] ?? [];
        const set = new Set(cov.sets[j] ?? []);
        let t = 0;
        while (t < full.length && set.has(full[t] as number) && c[(full[t] as number) * m + j] !== Infinity) t++;
        if (t !== set.size) continue;
        orders[j] = (orders[j] as number[]).slice(0, t); // served from A_j, or infeasible when none of it opens
        inCov[j] = 0;
        total -= w;
        need -= w;
        changed = true;
      }
    }
  }

  // 3. aggregation by canonical order (sorted within equal-cost runs), run lengths and covering set
  const groups = new Map<string, number>();
  const members: number[][] = [];
  const canon: number[][] = [];
  for (let j = 0; j < m; j++) {
    const ord = orders[j] as number[];
    const out: number[] = [];
    const runs: number[] = [];
    // Within a run, covering facilities first: a covering set that is a prefix of the order stays one
    // (the solver prices coverage on such clients, see prefixCovered in solve.ts).
    const inA = new Set(inCov !== null && inCov[j] === 1 ? (covSets[j] ?? []) : []);
    const byCoverThenIndex = (x: number, y: number): number => (inA.has(x) ? 0 : 1) - (inA.has(y) ? 0 : 1) || x - y;
    let a = 0;
    while (a < ord.length) {
      let b = a + 1;
      const ca = c[(ord[a] as number) * m + j] as number;
      while (b < ord.length && c[(ord[b] as number) * m + j] === ca) b++;
      out.push(...ord.slice(a, b).sort(byCoverThenIndex));
      runs.push(b - a);
      a = b;
    }
    const covKey = inCov !== null && inCov[j] === 1 ? [...(covSets[j] ?? [])].sort((x, y) => x - y).join(',') : '-';
    // redundancy constrains the open set through each client's set: only clients with the same set merge
    const redKey = inst.redundancy !== undefined ? [...new Set(inst.redundancy.sets[j] ?? [])].sort((x, y) => x - y).join(',') : '-';
    const key = `${out.join(',')}|${runs.join(',')}|${covKey}|${redKey}`;
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, members.length);
      members.push([j]);
      canon.push(out);
    } else {
      (members[g] as number[]).push(j);
    }
  }
  const mm = members.length;
  const cost = new Float64Array(n * mm).fill(Infinity);
  const newPrefs: number[][] = [];
  const sets: number[][] = [];
  const weights: number[] = [];
  for (let g = 0; g < mm; g++) {
    const ord = canon[g] as number[];
    const js = members[g] as number[];
    for (const i of ord) {
      let s = 0;
      for (const j of js) s += c[i * m + j] as number;
      cost[i * mm + g] = s;
    }
    newPrefs.push(ord);
    const j0 = js[0] as number;
    if (inCov !== null && inCov[j0] === 1) {
      sets.push([...(covSets[j0] ?? [])]);
      weights.push(js.reduce((s, j) => s + (cov?.weights[j] ?? 0), 0));
    } else {
      sets.push([]);
      weights.push(0);
    }
  }
  const instance: UflInstance = {
    nFacilities: n,
    nClients: mm,
    openCost: inst.openCost,
    cost,
    prefs: newPrefs,
    ...(inst.fixedOpen !== undefined ? { fixedOpen: inst.fixedOpen } : {}),
    ...(inst.fixedClosed !== undefined ? { fixedClosed: inst.fixedClosed } : {}),
    ...(inst.minOpen !== undefined ? { minOpen: inst.minOpen } : {}),
    ...(inst.maxOpen !== undefined ? { maxOpen: inst.maxOpen } : {}),
    ...(inst.redundancy !== undefined ? { redundancy: { sets: members.map((js) => inst.redundancy?.sets[js[0] as number] ?? []), min: inst.redundancy.min } } : {}),
    ...(inCov !== null && need > 1e-9 * Math.max(1, Math.abs(cov?.minCoveredWeight ?? 0)) ? { coverage: { sets, weights, minCoveredWeight: need } } : {}),
  };
  return { instance, clientsBefore: m, clientsAfter: mm };
}
