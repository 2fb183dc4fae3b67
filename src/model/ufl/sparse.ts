/**
 * Sparse branch and bound for CLASSIC UFL (no preference orders, no coverage, no maxOpen, minOpen <= 1):
 * the path for instances where each client has only a few useful facilities (Kochetov Gap/FPP, Chess).
 *
 * - Dominated assignments are dropped: c_ij > min_{k != i, k not fixed closed} (f_k + c_kj) can never be used
 *   by an optimal solution (opening k instead is strictly cheaper), so every optimum lives in the reduced
 *   graph. (Only valid without maxOpen and preferences, hence the gate in `sparseApplicable`.)
 * - Per client, the remaining facilities sorted by cost (flat arrays), plus per-facility client lists.
 * - Bound at the root: fair dual ascent, then a Polyak subgradient (TUNING.rootIters = 1000 steps) whose
 *   multipliers are repaired into dual-feasible ones (all slacks >= 0) and ascended again.
 * - Bound at other nodes: the parent's duals (still feasible: closing drops constraints, opening clips v_j to
 *   the open facility's cost and adds f_i >= the freed slack), plain Erlenkotter ascent, then one pass of
 *   Erlenkotter's dual adjustment (a client blocked by >= 2 tight facilities steps down if two of them block
 *   other clients alone; kept only when sum v grows). LB = sum_{open} f_i + sum_j v_j + sum_{free} min(0, s_i).
 * - Fixing: a free facility with LB + slack_i > target is closed (forcing it open adds its slack to the
 *   Lagrangian bound); an uncovered client with one candidate forces it open. Target = UB - 1 for integral
 *   data, else UB minus a 1e-10 relative tolerance.
 * - Branching: the uncovered client with the fewest candidates, on its free candidate of smallest slack,
 *   closed child first; every new incumbent goes through add/drop/swap/drop-two-add-one local search.
 * - Trail, limits (clock read every 256 nodes), target, Polyak step and local search: shared with solve.ts (search.ts).
 */
import { evaluateMask, type Prepared } from './prepare.js';
import { addDropSwap, CLOSED, FREE, improvingTarget, OPEN, polyakStep, SearchLimits, Trail, VectorStack, type MoveSearch } from './search.js';

/** Knobs, with the values measured best (module-internal; an instance's `openFirst` may be changed by tests). */
/** pickClient: a client's last free candidate was forced open. */
const FORCED = -2;

const TUNING = {
  /** Fair dual-ascent passes before plain Erlenkotter passes. */
  fairPasses: 8,
  /** Fair passes at warm-started nodes. */
  warmFairPasses: 0,
  /** Explore the open child first (measured: closed first finds the Gap optima sooner). */
  openFirst: false,
  /** Subgradient iterations at the root (then repaired into dual-feasible multipliers). */
  rootIters: 1000,
  /** Subgradient iterations at other nodes (measured: 0 is best, warm-started ascent is enough). */
  nodeIters: 0,
  /** Subgradient: halve the step after this many steps without improvement. */
  subStall: 20,
  /** Subgradient (shallowIters steps) also at nodes of depth <= subDepth; their duals are inherited below. */
  subDepth: 0,
  shallowIters: 200,
  /** Polyak target = best bound + goalFrac * (incumbent target - best bound). */
  goalFrac: 1,
  /** Run the node subgradient only when the ascent bound is within this of the target. */
  subMargin: Infinity,
  /**
   * Branching facility, always among the free candidates of the uncovered client with fewest of them: 0 smallest
   * slack; 1 smallest slack, ties by most uncovered clients served; 3 most uncovered clients served; 2 global
   * smallest slack / most served. Measured (Gap A+B+C): 0 best on A+B, 3 finds C's optimum sooner.
   */
  branchRule: 0,
  /** Erlenkotter dual adjustment after the ascent. */
  adjust: true,
  /** ... only when the ascent bound is within this of the target. */
  adjustMargin: Infinity,
  /** ... or at depth <= this. */
  adjustDepth: -1,
  /** Dual adjustment in the first this-many bound rounds of a node. */
  adjustRounds: 1000,
  /** Repeat the adjustment while it gains, at most this many times. */
  adjustPasses: 1,
  /** Recompute the bound after reduced-cost closings. */
  refix: false,
  /** Add/drop/swap local search from every new incumbent. */
  localSearch: true,
  /** Largest share of the n*m assignments left after the dominance test for the sparse path. */
  maxDensity: 0.15,
};

/** Classic UFL: no preferences, no coverage, no maxOpen, minOpen <= 1, at least one client. */
export function sparseApplicable(p: Prepared): boolean {
  return !(p.prefsMode || p.covMask !== null || p.kmax < p.n || p.kmin > 1 || p.m === 0);
}

/** Classic UFL whose reduced graph keeps at most 15% of the n*m assignments. */
export function sparseEligible(p: Prepared): boolean {
  if (!sparseApplicable(p)) return false;
  return buildGraph(p).cnt <= TUNING.maxDensity * p.n * p.m;
}

interface Graph { start: Int32Array; fac: Int32Array; cost: Float64Array; cnt: number }

function buildGraph(p: Prepared): Graph {
  const { n, m, f, c } = p;
  const closed = new Uint8Array(n);
  for (const i of p.fixedClosed) closed[i] = 1;
  const start = new Int32Array(m + 1);
  const facs: number[] = [];
  const costs: number[] = [];
  for (let j = 0; j < m; j++) {
    start[j] = facs.length;
    // two smallest f_k + c_kj over not-fixed-closed k
    let b1 = Infinity, b2 = Infinity, a1 = -1;
    for (let i = 0; i < n; i++) {
      if (closed[i] === 1) continue;
      const t = (f[i] as number) + (c[i * m + j] as number);
      if (t < b1) { b2 = b1; b1 = t; a1 = i; } else if (t < b2) b2 = t;
    }
    const list: number[] = [];
    for (let i = 0; i < n; i++) {
      if (closed[i] === 1) continue;
      const cij = c[i * m + j] as number;
      if (cij === Infinity) continue;
      if (cij > (i === a1 ? b2 : b1)) continue;
      list.push(i);
    }
    list.sort((a, b) => (c[a * m + j] as number) - (c[b * m + j] as number) || a - b);
    for (const i of list) { facs.push(i); costs.push(c[i * m + j] as number); }
  }
  start[m] = facs.length;
  return { start, fac: Int32Array.from(facs), cost: Float64Array.from(costs), cnt: facs.length };
}

export class SparseBB {
  readonly p: Prepared;
  readonly n: number;
  readonly m: number;
  readonly start: Int32Array;
  readonly fac: Int32Array;
  readonly cost: Float64Array;
  readonly f: Float64Array;
  readonly status: Int8Array;
  readonly trail: Trail;
  readonly v: Float64Array;
  readonly s: Float64Array;
  readonly cut: Float64Array;
  readonly ptr: Int32Array;
  readonly done: Uint8Array;
  readonly order: Int32Array;
  readonly mask: Uint8Array;
  readonly share: Float64Array;
  readonly rc: Float64Array;
  readonly g: Float64Array;
  readonly bestW: Float64Array;
  rootIters = TUNING.rootIters;
  nodeIters = TUNING.nodeIters;
  subStall = TUNING.subStall;
  subDepth = TUNING.subDepth;
  shallowIters = TUNING.shallowIters;
  goalFrac = TUNING.goalFrac;
  subMargin = TUNING.subMargin;
  branchRule = TUNING.branchRule;
  readonly deg: Int32Array;
  /** Clients of each facility in the reduced graph: revClient[revStart[i] .. revStart[i+1]), with their list positions. */
  readonly revStart: Int32Array;
  readonly revClient: Int32Array;
  readonly revPos: Int32Array;
  /** Undo logs of one adjustment attempt: each client is logged once (<= m entries), with all its free
   *  facilities' slacks (<= number of edges in total), so the preallocated sizes always suffice. */
  readonly logC: Int32Array;
  readonly logCv: Float64Array;
  readonly logCp: Int32Array;
  readonly logS: Int32Array;
  readonly logSv: Float64Array;
  readonly logStamp: Int32Array;
  logGen = 0;
  readonly freed: Int32Array;
  adjustOn = TUNING.adjust;
  lsOn = TUNING.localSearch;
  inLS = false;
  readonly lsBuf: Uint8Array;
  readonly moves: MoveSearch;
  readonly locked: Uint8Array;
  readonly tightCnt: Int32Array;
  readonly markF: Int32Array;
  markGen = 0;
  adjustMargin = TUNING.adjustMargin;
  adjustDepth = TUNING.adjustDepth;
  adjustRounds = TUNING.adjustRounds;
  adjustPasses = TUNING.adjustPasses;
  refix = TUNING.refix;
  fairPasses = TUNING.fairPasses;
  warmFairPasses = TUNING.warmFairPasses;
  readonly vStack: VectorStack;
  /** Subgradient bound of the last `bound` call (-Infinity when none ran). */
  subL = -Infinity;
  ub: number;
  best: Uint8Array | null;
  nodes = 0;
  readonly limits: SearchLimits;
  /** Open child first. */
  openFirst = TUNING.openFirst;

  constructor(p: Prepared, ub: number, best: Uint8Array | null, deadline: number, nodeLimit: number) {
    this.p = p;
    this.n = p.n;
    this.m = p.m;
    const g = buildGraph(p);
    this.start = g.start;
    this.fac = g.fac;
    this.cost = g.cost;
    this.f = p.f;
    const deg = new Int32Array(p.n + 1);
    for (let q = 0; q < g.cnt; q++) { const i = (g.fac[q] as number) + 1; deg[i] = (deg[i] as number) + 1; }
    for (let i = 0; i < p.n; i++) deg[i + 1] = (deg[i + 1] as number) + (deg[i] as number);
    this.revStart = deg.slice();
    this.revClient = new Int32Array(g.cnt);
    this.revPos = new Int32Array(g.cnt);
    const fill = deg.slice();
    for (let j = 0; j < p.m; j++) {
      for (let q = g.start[j] as number; q < (g.start[j + 1] as number); q++) {
        const i = g.fac[q] as number;
        const r = fill[i] as number;
        this.revClient[r] = j;
        this.revPos[r] = q;
        fill[i] = r + 1;
      }
    }
    this.status = new Int8Array(p.n);
    for (const i of p.fixedOpen) this.status[i] = OPEN;
    for (const i of p.fixedClosed) this.status[i] = CLOSED;
    this.trail = new Trail(this.status, new Uint8Array(0), 4096);
    this.vStack = new VectorStack(p.m);
    this.v = new Float64Array(p.m);
    this.s = new Float64Array(p.n);
    this.cut = new Float64Array(p.m);
    this.ptr = new Int32Array(p.m);
    this.done = new Uint8Array(p.m);
    this.order = new Int32Array(p.m);
    this.mask = new Uint8Array(p.n);
    this.share = new Float64Array(p.n);
    this.deg = new Int32Array(p.n);
    this.logC = new Int32Array(p.m + 1);
    this.logCv = new Float64Array(p.m + 1);
    this.logCp = new Int32Array(p.m + 1);
    this.logS = new Int32Array(g.cnt + 1);
    this.logSv = new Float64Array(g.cnt + 1);
    this.logStamp = new Int32Array(p.m);
    this.lsBuf = new Uint8Array(p.n);
    this.locked = new Uint8Array(p.n);
    for (const i of p.fixedOpen) this.locked[i] = 1;
    for (const i of p.fixedClosed) this.locked[i] = 1;
    this.tightCnt = new Int32Array(p.m);
    this.markF = new Int32Array(p.n);
    this.freed = new Int32Array(p.n);
    this.rc = new Float64Array(p.n);
    this.g = new Float64Array(p.m);
    this.bestW = new Float64Array(p.m);
    this.ub = ub;
    this.best = best;
    this.limits = new SearchLimits(deadline, nodeLimit, 256);
    this.moves = {
      n: p.n,
      evaluate: (mask) => this.evalOpen(mask),
      improves: (x, val) => x < val - 1e-9,
      locked: this.locked,
      budget: Infinity,
      extraMove: (cur, val) => this.dropTwoAddOne(cur, val),
    };
  }

  target(): number {
    return improvingTarget(this.ub, this.p.integral);
  }

  /** cut_j = cheapest open facility's cost for j (Infinity if none). False if a client has no candidate. */
  computeCuts(): boolean {
    const { m, start, fac, cost, status, cut } = this;
    for (let j = 0; j < m; j++) {
      let cj = Infinity;
      let any = false;
      const e = start[j + 1] as number;
      for (let q = start[j] as number; q < e; q++) {
        const st = status[fac[q] as number];
        if (st === CLOSED) continue;
        any = true;
        if (st === OPEN) { cj = cost[q] as number; break; }
      }
      if (!any) return false;
      cut[j] = cj;
    }
    return true;
  }

  /**
   * Dual ascent from the current v (must satisfy v_j <= cut_j); recomputes the slacks from v first.
   * Returns sum_j v_j, or NaN when v is not dual feasible (caller restarts from scratch).
   */
  ascend(fresh: boolean): number {
    this.startDuals(fresh);
    this.repairDuals();
    this.ascentPasses(fresh);
    return this.dualValue();
  }

  /** Slacks from scratch; v_j = its first not-closed cost (fresh) or the current v_j clipped to [that cost, cut_j]; ptr_j past the reached entries. */
  startDuals(fresh: boolean): void {
    const { n, m, start, fac, cost, status, v, s, cut, ptr, done, f } = this;
    for (let i = 0; i < n; i++) s[i] = status[i] === FREE ? (f[i] as number) : 0;
    for (let j = 0; j < m; j++) {
      const a = start[j] as number;
      const e = start[j + 1] as number;
      const cj = cut[j] as number;
      // first not-closed cost
      let q = a;
      while (q < e && status[fac[q] as number] === CLOSED) q++;
      const c0 = cost[q] as number;
      let vj = fresh ? c0 : Math.min(v[j] as number, cj);
      if (vj < c0) vj = c0;
      v[j] = vj;
      done[j] = vj >= cj ? 1 : 0;
      for (; q < e; q++) {
        const i = fac[q] as number;
        const st = status[i];
        if (st === CLOSED) continue;
        const cq = cost[q] as number;
        if (cq > vj || st === OPEN) break;
        s[i] = (s[i] as number) - (vj - cq);
      }
      ptr[j] = q;
    }
  }

  /**
   * Repair (multipliers from the subgradient): lower v_j of clients reaching a free facility with negative
   * slack by that deficit; this never lowers sum_j v_j + sum_i min(0, s_i), and one pass makes all s_i >= 0.
   */
  repairDuals(): void {
    const { n, m, start, fac, cost, status, v, s, cut, ptr, done } = this;
    let bad = false;
    for (let i = 0; i < n; i++) if ((s[i] as number) < -1e-9) { bad = true; break; }
    if (bad) {
      for (let j = 0; j < m; j++) {
        const a = start[j] as number;
        const k = ptr[j] as number;
        let d = 0;
        let c0 = Infinity;
        for (let q = a; q < k; q++) {
          const i = fac[q] as number;
          if (status[i] !== FREE) continue;
          if ((cost[q] as number) < c0) c0 = cost[q] as number;
          const def = -(s[i] as number);
          if (def > d) d = def;
        }
        if (d <= 1e-9) continue;
        const vj = v[j] as number;
        const nv = Math.max(c0, vj - d);
        let kk = a;
        for (let q = a; q < k; q++) {
          const i = fac[q] as number;
          if (status[i] !== FREE) continue;
          const cq = cost[q] as number;
          s[i] = (s[i] as number) + (vj - cq) - Math.max(0, nv - cq);
          if (cq <= nv) kk = q + 1;
        }
        // entries skipped (closed) between: keep ptr at the first not-closed entry above nv
        v[j] = nv;
        ptr[j] = kk;
        done[j] = nv >= (cut[j] as number) ? 1 : 0;
      }
    }
  }

  /**
   * "Fair" passes first (a client takes at most s_i / (#clients reaching i) of a free facility's slack
   * per pass, which spreads the slack like the LP does), then plain Erlenkotter passes (one cost level per
   * client per pass, clients in `order`) until nothing moves.
   */
  ascentPasses(fresh: boolean): void {
    const { m, start, fac, cost, status, v, s, cut, ptr, done } = this;
    const order = this.order;
    const share = this.share;
    let pass = 0;
    let progress = true;
    while (progress) {
      progress = false;
      const fair = pass < (fresh ? this.fairPasses : this.warmFairPasses);
      pass++;
      if (fair) {
        share.fill(0);
        for (let j = 0; j < m; j++) {
          if (done[j] === 1) continue;
          const a = start[j] as number;
          const k = ptr[j] as number;
          for (let q = a; q < k; q++) { const i = fac[q] as number; if (status[i] === FREE) share[i] = (share[i] as number) + 1; }
        }
      }
      for (let t = 0; t < m; t++) {
        const j = order[t] as number;
        if (done[j] === 1) continue;
        const a = start[j] as number;
        const e = start[j + 1] as number;
        const vj = v[j] as number;
        let k = ptr[j] as number;
        while (k < e && status[fac[k] as number] === CLOSED) k++;
        let next = cut[j] as number;
        if (k < e && status[fac[k] as number] !== OPEN && (cost[k] as number) < next) next = cost[k] as number;
        let delta = next - vj;
        let blocked = false;
        let capped = false;
        for (let q = a; q < k; q++) {
          const i = fac[q] as number;
          if (status[i] !== FREE) continue;
          const si = s[i] as number;
          if (si <= delta) { delta = si; blocked = true; capped = false; }
          if (fair) {
            const cap = si / Math.max(1, share[i] as number);
            if (cap < delta) { delta = cap; blocked = false; capped = true; }
          }
        }
        if (delta > 1e-9) {
          for (let q = a; q < k; q++) {
            const i = fac[q] as number;
            if (status[i] === FREE) s[i] = (s[i] as number) - delta;
          }
          v[j] = vj + delta;
          progress = true;
        } else if (capped) continue;
        if (capped) continue;
        if (blocked || (v[j] as number) >= (cut[j] as number)) { done[j] = 1; continue; }
        // reached the next level: advance the pointer past all entries at that cost
        const nv = v[j] as number;
        while (k < e) {
          const st = status[fac[k] as number];
          if (st === CLOSED) { k++; continue; }
          if (st === OPEN || (cost[k] as number) > nv) break;
          k++;
        }
        ptr[j] = k;
      }
      if (!progress && fair) { pass = Infinity; progress = true; }
    }
  }

  /** Lagrangian value of v (valid for any v): sum_j v_j + sum_{free i} min(0, s_i). */
  dualValue(): number {
    const { n, m, status, v, s } = this;
    let sum = 0;
    for (let j = 0; j < m; j++) sum += v[j] as number;
    for (let i = 0; i < n; i++) if (status[i] === FREE && (s[i] as number) < 0) sum += s[i] as number;
    return sum;
  }

  /** Raises v_j level by level until a reached free facility's slack is exhausted or the open cut is hit. */
  raiseClient(j: number): void {
    const { start, fac, cost, status, v, s, cut, ptr } = this;
    const a = start[j] as number;
    const e = start[j + 1] as number;
    const cj = cut[j] as number;
    for (;;) {
      const vj = v[j] as number;
      if (vj >= cj) return;
      let k = ptr[j] as number;
      while (k < e && status[fac[k] as number] === CLOSED) k++;
      let next = cj;
      if (k < e && status[fac[k] as number] !== OPEN && (cost[k] as number) < next) next = cost[k] as number;
      let delta = next - vj;
      let blocked = false;
      for (let q = a; q < k; q++) {
        const i = fac[q] as number;
        if (status[i] !== FREE) continue;
        const si = s[i] as number;
        if (si <= delta) { delta = si; blocked = true; }
      }
      if (delta > 0) {
        for (let q = a; q < k; q++) {
          const i = fac[q] as number;
          if (status[i] === FREE) s[i] = (s[i] as number) - delta;
        }
        v[j] = vj + delta;
      }
      if (blocked || delta <= 0) return;
      const nv = v[j] as number;
      while (k < e) {
        const st = status[fac[k] as number];
        if (st === CLOSED) { k++; continue; }
        if (st === OPEN || (cost[k] as number) > nv) break;
        k++;
      }
      ptr[j] = k;
    }
  }

  /**
   * Erlenkotter's dual adjustment: a client blocked by two or more tight facilities drops to its next lower
   * cost level; the clients blocked only by the freed facilities rise, then the client rises again. Kept
   * when sum_j v_j grew, undone otherwise. v stays dual feasible (all slacks >= 0). Returns the gain.
   */
  adjust(): number {
    const { m, start, fac, status, v, s, cut, ptr, order } = this;
    let gain = 0;
    // tight[c] = number of reached free facilities with no slack left (c is blocked by them)
    const tc = this.tightCnt;
    for (let c = 0; c < m; c++) {
      let cnt = 0;
      const k = ptr[c] as number;
      for (let q = start[c] as number; q < k; q++) { const i = fac[q] as number; if (status[i] === FREE && (s[i] as number) <= 1e-9) cnt++; }
      tc[c] = cnt;
    }
    for (let t = 0; t < m; t++) {
      const j = order[t] as number;
      const vj = v[j] as number;
      if (vj >= (cut[j] as number) || (tc[j] as number) < 2) continue;
      if (!this.worthLowering(j, vj)) continue;
      const delta = this.lowerClient(j, vj);
      if (delta > 0) gain += delta;
    }
    return gain;
  }

  /** Worth trying only if clients blocked solely by one of j's tight facilities exist on two of them. */
  worthLowering(j: number, vj: number): boolean {
    const { start, fac, cost, status, v, s, cut, ptr, revStart, revClient, revPos } = this;
    const tc = this.tightCnt;
    let withBen = 0;
    const a0 = start[j] as number;
    const k0 = ptr[j] as number;
    for (let q = a0; q < k0 && withBen < 2; q++) {
      const i = fac[q] as number;
      if (status[i] !== FREE || (s[i] as number) > 1e-9 || (cost[q] as number) >= vj) continue;
      const re = revStart[i + 1] as number;
      for (let x = revStart[i] as number; x < re; x++) {
        const c2 = revClient[x] as number;
        if (c2 !== j && tc[c2] === 1 && (revPos[x] as number) < (ptr[c2] as number) && (v[c2] as number) < (cut[c2] as number)) { withBen++; break; }
      }
    }
    return withBen >= 2;
  }

  /**
   * One adjustment step for client j (blocked, v_j = vj): lowers v_j to its next lower cost level, raises the
   * clients that reach a freed facility, then j again. Returns the gain in sum_j v_j, or 0 after undoing the step
   * (no gain, or fewer than two tight facilities below v_j).
   */
  lowerClient(j: number, vj: number): number {
    const { start, fac, cost, status, v, s, cut, ptr, freed, revStart, revClient, revPos, logC, logCv, logS, logSv } = this;
    const tc = this.tightCnt;
    const a = start[j] as number;
    const k = ptr[j] as number;
    let tight = 0;
    let lower = -Infinity;
    for (let q = a; q < k; q++) {
      const i = fac[q] as number;
      if (status[i] !== FREE) continue;
      const cq = cost[q] as number;
      if (cq < vj) {
        if ((s[i] as number) <= 1e-9) tight++;
        if (cq > lower) lower = cq;
      }
    }
    if (tight < 2) return 0;
    let nc = 0;
    let ns = 0;
    // log j and its facilities, then lower v_j to `lower` (the highest cost level below it)
    const gen = ++this.logGen;
    const stamp = this.logStamp;
    stamp[j] = gen;
    logC[nc] = j; logCv[nc] = vj; this.logCp[nc++] = k;
    const e = start[j + 1] as number;
    for (let q = a; q < e; q++) { const i = fac[q] as number; if (status[i] === FREE) { logS[ns] = i; logSv[ns++] = s[i] as number; } }
    let nf = 0;
    let kk = a;
    for (let q = a; q < k; q++) {
      const i = fac[q] as number;
      if (status[i] !== FREE) continue;
      const cq = cost[q] as number;
      if (cq < vj) {
        if ((s[i] as number) <= 1e-9) freed[nf++] = i; // only tight facilities block other clients
        s[i] = (s[i] as number) + (vj - Math.max(cq, lower));
      }
      if (cq <= lower) kk = q + 1;
    }
    v[j] = lower;
    ptr[j] = kk;
    let delta = lower - vj;
    // raise the clients that reach a freed facility
    for (let r = 0; r < nf; r++) {
      const i = freed[r] as number;
      const re = revStart[i + 1] as number;
      for (let x = revStart[i] as number; x < re; x++) {
        const c2 = revClient[x] as number;
        if (c2 === j || tc[c2] !== 1 || (revPos[x] as number) >= (ptr[c2] as number)) continue;
        const old = v[c2] as number;
        if (old >= (cut[c2] as number)) continue;
        if (stamp[c2] !== gen) {
          stamp[c2] = gen;
          logC[nc] = c2; logCv[nc] = old; this.logCp[nc++] = ptr[c2] as number;
          const e2 = start[c2 + 1] as number;
          for (let q = start[c2] as number; q < e2; q++) { const i2 = fac[q] as number; if (status[i2] === FREE) { logS[ns] = i2; logSv[ns++] = s[i2] as number; } }
        }
        this.raiseClient(c2);
        delta += (v[c2] as number) - old;
      }
    }
    this.raiseClient(j);
    delta += (v[j] as number) - lower;
    if (delta <= 1e-9) {
      for (let r = ns - 1; r >= 0; r--) s[this.logS[r] as number] = this.logSv[r] as number;
      for (let r = nc - 1; r >= 0; r--) { const c2 = logC[r] as number; v[c2] = this.logCv[r] as number; ptr[c2] = this.logCp[r] as number; }
      return 0;
    }
    return delta;
  }




  /**
   * Lagrangian bound of the node's windowed relaxation for ANY multipliers w (no feasibility needed):
   * sum_j w_j + sum_{open} rc_i + sum_{free} min(0, rc_i), rc_i = f_i + sum_{j: i in W_j} min(0, c_ij - w_j).
   * Fills rc and, when asked, the subgradient g.
   */
  lagrangian(w: Float64Array, wantGrad: boolean): number {
    const { n, m, start, fac, cost, status, rc, g, f } = this;
    for (let i = 0; i < n; i++) rc[i] = f[i] as number;
    let L = 0;
    for (let j = 0; j < m; j++) {
      const wj = w[j] as number;
      L += wj;
      const e = start[j + 1] as number;
      for (let q = start[j] as number; q < e; q++) {
        const i = fac[q] as number;
        const st = status[i];
        if (st === CLOSED) continue;
        const d = (cost[q] as number) - wj;
        if (d >= 0) break;
        rc[i] = (rc[i] as number) + d;
        if (st === OPEN) break;
      }
    }
    for (let i = 0; i < n; i++) {
      const st = status[i];
      if (st === OPEN || (st === FREE && (rc[i] as number) < 0)) L += rc[i] as number;
    }
    if (wantGrad) {
      for (let j = 0; j < m; j++) {
        const wj = w[j] as number;
        let cover = 0;
        const e = start[j + 1] as number;
        for (let q = start[j] as number; q < e; q++) {
          const i = fac[q] as number;
          const st = status[i];
          if (st === CLOSED) continue;
          if ((cost[q] as number) >= wj) break;
          if (st === OPEN) { cover++; break; }
          if ((rc[i] as number) < 0) cover++;
        }
        g[j] = 1 - cover;
      }
    }
    return L;
  }

  /** Polyak subgradient ascent from v; leaves the best multipliers in v and returns their bound. */
  subgradient(iters: number, theta0: number, goalIn: number): number {
    const { v, g, bestW } = this;
    bestW.set(v);
    let bestL = -Infinity;
    let theta = theta0;
    let stall = 0;
    for (let it = 0; it < iters; it++) {
      const L = this.lagrangian(v, true);
      if (L > bestL) { bestL = L; bestW.set(v); stall = 0; } else if (++stall >= this.subStall) { theta /= 2; stall = 0; }
      if (bestL > goalIn || theta < 1e-4) break;
      const goal = goalIn < Infinity ? bestL + this.goalFrac * (goalIn + 1 - bestL) : 1.05 * Math.abs(L) + 1;
      if (!polyakStep(v, g, theta, goal, L)) break;
    }
    v.set(bestW);
    return bestL;
  }

  evalOpen(mask: Uint8Array): number {
    const { n, m, start, fac, cost, f } = this;
    let total = 0;
    for (let i = 0; i < n; i++) if (mask[i] === 1) total += f[i] as number;
    for (let j = 0; j < m; j++) {
      const e = start[j + 1] as number;
      let q = start[j] as number;
      while (q < e && mask[fac[q] as number] !== 1) q++;
      if (q === e) return Infinity;
      total += cost[q] as number;
    }
    return total;
  }

  tryMask(mask: Uint8Array): void {
    const val = this.evalOpen(mask);
    if (val < this.ub) {
      // the reduced graph's cost is an upper bound on the true one; use the exact evaluation
      const exact = evaluateMask(this.p, mask);
      if (exact < this.ub) {
        this.ub = exact;
        this.best = Uint8Array.from(mask);
        if (this.lsOn && !this.inLS) this.localSearch(mask);
      }
    }
  }

  /** First-improvement add/drop/swap (+ drop-two-add-one) local search on the reduced graph from `start`; updates the incumbent. */
  localSearch(start: Uint8Array): void {
    this.inLS = true;
    const cur = this.lsBuf;
    cur.set(start);
    if (!this.limits.aborted) addDropSwap(cur, this.moves);
    this.tryMask(cur);
    this.inLS = false;
  }

  /** Closes two open facilities and opens one that serves every client left uncovered, if that is cheaper. */
  dropTwoAddOne(cur: Uint8Array, val: number): number {
    const { n, m, start, fac, locked } = this;
    const cnt = this.deg;
    const open: number[] = [];
    for (let i = 0; i < n; i++) if (cur[i] === 1 && locked[i] !== 1) open.push(i);
    for (let a = 0; a < open.length; a++) {
      for (let b = a + 1; b < open.length; b++) {
        const i1 = open[a] as number;
        const i2 = open[b] as number;
        cur[i1] = 0;
        cur[i2] = 0;
        cnt.fill(0);
        let nU = 0;
        for (let j = 0; j < m; j++) {
          const e = start[j + 1] as number;
          let covered = false;
          for (let q = start[j] as number; q < e; q++) if (cur[fac[q] as number] === 1) { covered = true; break; }
          if (covered) continue;
          nU++;
          for (let q = start[j] as number; q < e; q++) { const i = fac[q] as number; cnt[i] = (cnt[i] as number) + 1; }
        }
        let bestK = -1;
        let bestX = val;
        for (let k = 0; k < n; k++) {
          if (cnt[k] !== nU || cur[k] === 1 || locked[k] === 1 || k === i1 || k === i2) continue;
          cur[k] = 1;
          const x = this.evalOpen(cur);
          cur[k] = 0;
          if (x < bestX - 1e-9) { bestX = x; bestK = k; }
        }
        if (bestK >= 0) { cur[bestK] = 1; return bestX; }
        cur[i1] = 1;
        cur[i2] = 1;
      }
    }
    return val;
  }

  run(): void {
    // client order for the ascent: fewest candidates first (Erlenkotter)
    const cnt = Array.from({ length: this.m }, (_, j) => (this.start[j + 1] as number) - (this.start[j] as number));
    const ord = Array.from({ length: this.m }, (_, j) => j).sort((a, b) => (cnt[a] as number) - (cnt[b] as number) || a - b);
    this.order.set(ord);
    if (this.best !== null && this.lsOn) this.localSearch(this.best);
    this.node(-Infinity, 0, true);
  }

  node(parentLB: number, depth: number, fresh: boolean): void {
    if (this.limits.stop(this.nodes, parentLB)) return;
    this.nodes++;
    const trail = this.trail;
    const mark = trail.len;
    let lb = parentLB;
    let branch = -1;
    let warm = !fresh;
    let round = 0;
    if (warm) this.v.set(this.vStack.at(depth - 1));
    for (;;) {
      if (!this.computeCuts()) { trail.undo(mark); return; }
      const L = this.bound(depth, round, warm);
      if (this.subL > lb) lb = this.subL;
      round++;
      warm = true;
      if (L > lb) lb = L;
      const T = this.target();
      if (lb > T) { trail.undo(mark); return; }
      if (this.closeBySlack(T - L) && this.refix) continue;
      const bestClient = this.pickClient();
      if (bestClient === FORCED) continue;
      branch = this.chooseBranch(bestClient);
      break;
    }
    if (branch >= 0) this.branchOn(branch, lb, depth);
    trail.undo(mark);
  }

  /**
   * Bound of the node (cuts computed): dual ascent (warm from v unless `warm` is false), the subgradient at
   * the root (its bound left in subL, else -Infinity), Erlenkotter's dual adjustment; then tries the primal
   * set (open + zero-slack free facilities). Returns the dual bound sum_{open} f_i + sum_j v_j.
   */
  bound(depth: number, round: number, warm: boolean): number {
    const { n, status, v, s, f, mask } = this;
    let openF = 0;
    for (let i = 0; i < n; i++) if (status[i] === OPEN) openF += f[i] as number;
    const T = this.target();
    let sum = this.ascend(!warm);
    this.subL = -Infinity;
    const shallow = round === 0 && depth <= this.subDepth;
    const iters = depth === 0 && !warm ? this.rootIters : shallow ? this.shallowIters : this.nodeIters;
    if (openF + sum <= T && iters > 0 && (depth === 0 || shallow || T - openF - sum <= this.subMargin)) {
      const vs = this.vStack.at(depth);
      vs.set(v);
      this.subL = this.subgradient(iters, depth === 0 ? 1 : 0.25, T);
      const sum2 = this.ascend(false);
      if (sum2 < sum) { v.set(vs); sum = this.ascend(false); } else sum = sum2;
    }
    if (this.adjustOn && openF + sum <= T && round < this.adjustRounds && (T - openF - sum <= this.adjustMargin || depth <= this.adjustDepth)) {
      for (let r = 0; r < this.adjustPasses; r++) {
        const gain = this.adjust();
        sum += gain;
        if (gain <= 1e-9 || openF + sum > T) break;
      }
    }
    // primal: open + zero-slack free facilities
    for (let i = 0; i < n; i++) mask[i] = status[i] === OPEN || (status[i] === FREE && (s[i] as number) <= 1e-9) ? 1 : 0;
    this.tryMask(mask);
    return openF + sum;
  }

  /** Closes every free facility whose slack exceeds `room` (= target - bound); true if any was closed. */
  closeBySlack(room: number): boolean {
    const { n, status, s } = this;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (status[i] === FREE && (s[i] as number) > room) { this.trail.setStatus(i, CLOSED); changed = true; }
    }
    return changed;
  }

  /**
   * Uncovered clients: FORCED when one had a single free candidate (now open), else the one with the fewest
   * free candidates (-1 if every client is covered). Counts in deg how many uncovered clients each facility reaches.
   */
  pickClient(): number {
    const { m, start, fac, status, cut } = this;
    let bestClient = -1;
    let bestCount = Infinity;
    const deg = this.deg;
    deg.fill(0);
    for (let j = 0; j < m; j++) {
      if ((cut[j] as number) < Infinity) continue;
      let c = 0;
      let last = -1;
      const e = start[j + 1] as number;
      for (let q = start[j] as number; q < e; q++) {
        const i = fac[q] as number;
        if (status[i] === FREE) { c++; last = i; deg[i] = (deg[i] as number) + 1; }
      }
      if (c === 1) { this.trail.setStatus(last, OPEN); return FORCED; }
      if (c < bestCount) { bestCount = c; bestClient = j; }
    }
    return bestClient;
  }

  /** The branching facility by `branchRule` among bestClient's free candidates; with every client covered, a free one cheaper than some client's open one (-1 if none: the open set is tried). */
  chooseBranch(bestClient: number): number {
    const { n, m, start, fac, cost, status, s, mask, deg } = this;
    let branch = -1;
    const rule = this.branchRule;
    if (bestClient >= 0 && rule === 2) {
      let bs = Infinity;
      let bd = -1;
      for (let i = 0; i < n; i++) {
        if (status[i] !== FREE || deg[i] === 0) continue;
        const si = s[i] as number;
        const di = deg[i] as number;
        if (si < bs || (si === bs && di > bd)) { bs = si; bd = di; branch = i; }
      }
    } else if (bestClient >= 0) {
      let bs = Infinity;
      let bd = -1;
      const e = start[bestClient + 1] as number;
      for (let q = start[bestClient] as number; q < e; q++) {
        const i = fac[q] as number;
        if (status[i] !== FREE) continue;
        const si = rule === 3 ? 0 : (s[i] as number);
        const di = rule === 0 ? 0 : (deg[i] as number);
        if (si < bs || (si === bs && di > bd)) { bs = si; bd = di; branch = i; }
      }
    } else {
      // every client covered: branch on a free facility cheaper than some client's open one
      let bs = Infinity;
      for (let j = 0; j < m; j++) {
        const cj = this.cut[j] as number;
        const e = start[j + 1] as number;
        for (let q = start[j] as number; q < e; q++) {
          if ((cost[q] as number) >= cj) break;
          const i = fac[q] as number;
          if (status[i] === FREE && (s[i] as number) < bs) { bs = s[i] as number; branch = i; }
        }
      }
      if (branch < 0) {
        for (let i = 0; i < n; i++) mask[i] = status[i] === OPEN ? 1 : 0;
        this.tryMask(mask);
      }
    }
    return branch;
  }

  /** Explores both children of `branch` (closed first unless openFirst), warm-started from this node's duals. */
  branchOn(branch: number, lb: number, depth: number): void {
    const trail = this.trail;
    this.vStack.at(depth).set(this.v);
    const m1 = trail.len;
    const first = this.openFirst ? OPEN : CLOSED;
    trail.setStatus(branch, first);
    this.node(lb, depth + 1, false);
    trail.undo(m1);
    if (this.limits.aborted) this.limits.unexplored(lb);
    else {
      trail.setStatus(branch, first === OPEN ? CLOSED : OPEN);
      this.node(lb, depth + 1, false);
      trail.undo(m1);
    }
  }
}
