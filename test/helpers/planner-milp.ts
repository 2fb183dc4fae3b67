/**
 * The planner's facility-location problem (a UflInstance with preference orders, fixed/closed
 * facilities, cardinality bounds and coverage) exported as a MILP and solved by HiGHS (issue #13):
 * the independent reference of bench:planner and of test/model/ufl/highs-crosscheck.test.ts.
 *
 * Formulation (strong closest assignment, written with prefix sums so it stays sparse):
 *   y_i ∈ {0,1} open; for client j with order p_1..p_L (prefs[j] without the entries it cannot use,
 *   i.e. infinite cost), s_{j,q} = Σ_{r ≤ q} x_{p_r j} ∈ [0,1] = "j is served at or before position q".
 *   Σ_i x_ij = 1                      ⇔ s_{j,L} = 1
 *   x_ij ≥ 0                          ⇔ s_{j,q} − s_{j,q−1} ≥ 0
 *   x_ij ≤ y_i                        ⇔ s_{j,q} − s_{j,q−1} − y_{p_q} ≤ 0
 *   closest: Σ_{k at or before i} x_kj ≥ y_i  ⇔ s_{j,q} − y_{p_q} ≥ 0
 *   cost Σ_q c_{p_q j} (s_{j,q} − s_{j,q−1}) = Σ_q (c_{p_q j} − c_{p_{q+1} j}) s_{j,q}
 * Without prefs (classic UFL) the same variables express "any open facility" (no closest rows; the
 * order is then by cost, which any optimum uses anyway).
 * Coverage: z_j ∈ [0,1], z_j ≤ Σ_{i ∈ A_j} y_i, Σ_j w_j z_j ≥ W. maxOpen/minOpen: Σ_i y_i ≤ / ≥ k.
 * fixedOpen: y_i = 1; fixedClosed: y_i = 0.
 */
import type highsLoader from 'highs';
import type { UflInstance } from '../../src/model/ufl/types';

export type HighsApi = Awaited<ReturnType<typeof highsLoader>>;

export interface Milp {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  integrality: Int32Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** The MILP of a UFL instance (see the module comment). Throws if a client has no facility that can serve it. */
export function uflToMilp(inst: UflInstance): Milp {
  const { nFacilities: n, nClients: m, cost } = inst;
  const orders: number[][] = [];
  for (let j = 0; j < m; j++) {
    const base = inst.prefs ? [...(inst.prefs[j] ?? [])] : Array.from({ length: n }, (_, i) => i).sort((a, b) => (cost[a * m + j] as number) - (cost[b * m + j] as number));
    const seen = new Set<number>();
    const order = base.filter((i) => {
      if (seen.has(i) || !Number.isFinite(cost[i * m + j] as number)) return false;
      seen.add(i);
      return true;
    });
    if (order.length === 0) throw new Error(`client ${j} has no facility that can serve it`);
    orders.push(order);
  }
  const cov = inst.coverage;
  const covClients: number[] = [];
  if (cov) for (let j = 0; j < m; j++) if ((cov.weights[j] ?? 0) > 0) covClients.push(j);

  const sCount = orders.reduce((a, o) => a + o.length, 0);
  const numCols = n + sCount + covClients.length;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(1);
  const integrality = new Int32Array(numCols);
  for (let i = 0; i < n; i++) {
    colCost[i] = inst.openCost[i] as number;
    integrality[i] = 1;
  }
  for (const i of inst.fixedOpen ?? []) colLower[i] = 1;
  for (const i of inst.fixedClosed ?? []) colUpper[i] = 0;

  const starts: number[] = [];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const row = (entries: readonly (readonly [number, number])[], lo: number, hi: number): void => {
    starts.push(indices.length);
    for (const [c, v] of entries) {
      indices.push(c);
      values.push(v);
    }
    rowLower.push(lo);
    rowUpper.push(hi);
  };

  let col = n;
  orders.forEach((order, j) => {
    const first = col;
    const L = order.length;
    for (let q = 0; q < L; q++) {
      const i = order[q] as number;
      const c = cost[i * m + j] as number;
      const next = q + 1 < L ? (cost[(order[q + 1] as number) * m + j] as number) : 0;
      colCost[first + q] = c - next;
      const s = first + q;
      if (q === L - 1) colLower[s] = 1;
      if (q > 0) {
        row([[s, 1], [s - 1, -1]], 0, Infinity);
        row([[s, 1], [s - 1, -1], [i, -1]], -Infinity, 0);
      } else {
        row([[s, 1], [i, -1]], -Infinity, 0);
      }
      if (inst.prefs) row([[s, 1], [i, -1]], 0, Infinity);
    }
    col += L;
  });
  if (cov) {
    const wRow: [number, number][] = [];
    covClients.forEach((j, k) => {
      const z = col + k;
      const set = cov.sets[j] ?? [];
      if (set.length === 0) colUpper[z] = 0;
      else row([[z, 1], ...set.map((i) => [i, -1] as [number, number])], -Infinity, 0);
      wRow.push([z, cov.weights[j] as number]);
    });
    row(wRow, cov.minCoveredWeight, Infinity);
    col += covClients.length;
  }
  const all = Array.from({ length: n }, (_, i) => [i, 1] as [number, number]);
  if (inst.maxOpen !== undefined || inst.minOpen !== undefined) row(all, inst.minOpen ?? 1, inst.maxOpen ?? Infinity);
  else row(all, 1, Infinity);
  starts.push(indices.length);
  return {
    numCols,
    numRows: rowLower.length,
    colCost,
    colLower,
    colUpper,
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    integrality,
    starts: Int32Array.from(starts),
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
}

export interface HighsOutcome {
  /** HiGHS model status in words ('optimal', 'infeasible', 'time limit', …). */
  status: string;
  proved: boolean;
  infeasible: boolean;
  /** Best objective found (null when none). */
  objective: number | null;
  /** HiGHS's dual bound (null when unavailable). */
  bound: number | null;
  /** Relative gap (objective − bound) / max(1, |objective|), null when either is unknown. */
  gap: number | null;
  /** Open facilities of HiGHS's solution, ascending. */
  open: number[];
  /** Wall time of build + solve, ms. */
  ms: number;
}

/** Solves the instance's MILP with HiGHS, optimality gap 0, within timeLimitS seconds. */
export function solveUflWithHighs(highs: HighsApi, inst: UflInstance, timeLimitS: number): HighsOutcome {
  const t0 = performance.now();
  const milp = uflToMilp(inst);
  const model = highs.createModel({
    numCols: milp.numCols,
    numRows: milp.numRows,
    colCost: milp.colCost,
    colLower: milp.colLower,
    colUpper: milp.colUpper,
    rowLower: milp.rowLower,
    rowUpper: milp.rowUpper,
    integrality: milp.integrality,
    matrix: { format: 'csr', numRows: milp.numRows, numCols: milp.numCols, starts: milp.starts, indices: milp.indices, values: milp.values },
  });
  try {
    model.options.set({ time_limit: timeLimitS, mip_rel_gap: 0, mip_abs_gap: 0, output_flag: false });
    model.run();
    const code = model.getModelStatus() as number;
    const names: Record<number, string> = { 7: 'optimal', 8: 'infeasible', 13: 'time limit', 4: 'solve error' };
    const status = names[code] ?? `status ${code}`;
    const raw = model.getObjectiveValue();
    const objective = code === 8 || !Number.isFinite(raw) ? null : raw;
    let bound: number | null = null;
    try {
      const b = Number(model.info.get('mip_dual_bound'));
      bound = Number.isFinite(b) ? b : null;
    } catch {
      bound = null;
    }
    const open: number[] = [];
    if (objective !== null) {
      const cv = model.getSolution().colValue;
      for (let i = 0; i < inst.nFacilities; i++) if ((cv[i] ?? 0) > 0.5) open.push(i);
    }
    const gap = objective !== null && bound !== null ? Math.max(0, (objective - bound) / Math.max(1, Math.abs(objective))) : null;
    return { status, proved: code === 7, infeasible: code === 8, objective, bound, gap, open, ms: performance.now() - t0 };
  } finally {
    model.dispose();
  }
}
