/**
 * Exact solver for uncapacitated facility location, with optional client preference orders and
 * side constraints (fixed open/closed, cardinality, weighted coverage). Pure: no I/O.
 *
 * Method (depth-first branch and bound on facility open/closed):
 * - Node relaxation: each client j may be served by any facility in its WINDOW: the facilities of its
 *   service order (preference order, or ascending cost) that are not closed, not eliminated, and no later
 *   than the first OPEN one. For classic UFL that is exact; with preferences it is a relaxation (the client
 *   cannot really pick the cheapest of its window), so the bound stays valid in both modes.
 * - Lower bound: the Lagrangian relaxation of the assignment constraints (sum_i x_ij = 1, multipliers v_j),
 *   keeping x_ij <= y_i, the fixings and the cardinality bounds in the subproblem (so its optimum is the LP
 *   bound including minOpen/maxOpen). Multipliers: Erlenkotter's dual ascent (DUALOC) with a few "fair"
 *   passes first (a client takes at most its share of a facility's slack per pass), the parent's
 *   multipliers if better, then Polyak subgradient steps (300 at the root, 25 per node). Any v gives a
 *   valid bound, so the number of steps only trades bound strength for time.
 * - Upper bounds: greedy + add/drop/swap local search at the root, and the dual-ascent primal (open +
 *   zero-slack facilities) at every node.
 * - Reduced-cost fixing from the Lagrangian: x_ij with LB + (c_ij - v_j) > target is eliminated for the
 *   subtree; a facility whose forced opening costs more than the gap is closed; a client left with one
 *   candidate forces it open. The target is UB - 1 for integral data (objective values are integers), else
 *   UB minus a 1e-10 relative tolerance.
 * - Branching: the uncovered client with the fewest candidates, on its candidate with the smallest slack
 *   (open child first); then free facilities that still appear in windows; then, for side constraints,
 *   any free facility. A tree with partial coverage priced in its bound (no fixed count) branches by strong
 *   branching instead: both children of 12 candidates bounded with 30 subgradient steps each, the facility
 *   with the largest product of gains chosen, its children starting from their probed bounds (closed first).
 * - Sparse classic instances (no prefs/coverage/maxOpen, at most 15% of the assignments left after dropping
 *   dominated ones) go to the sparse branch and bound of sparse.ts after the greedy + local search start.
 * - Limits: on a node or time limit the best solution is returned with status 'gap', the lower bound being
 *   the minimum bound of the unexplored subtrees.
 */
import { evaluateMask, prepare, redundancyMet, type Prepared, type PrepareOutcome } from './prepare.js';
import { addDropSwap, CLOSED, FREE, improvingTarget, OPEN, polyakStep, SearchLimits, Trail, VectorStack } from './search.js';
import { reduceInstance } from './reduce.js';
import { SparseBB, sparseEligible } from './sparse.js';
import type { UflCountResult, UflInstance, UflOptions, UflResult } from './types.js';

/** Outcome of eliminateAssignments: a client lost every candidate / a facility was forced open. */
const PRUNED = -2;
const FORCED = -3;

class BranchAndBound {
  readonly p: Prepared;
  readonly n: number;
  readonly m: number;
  readonly status: Int8Array;
  readonly elim: Uint8Array;
  readonly trail: Trail;
  // scratch, overwritten by every node
  readonly cut: Int32Array;
  readonly nStart: Int32Array;
  readonly nFac: Int32Array;
  /**
   * With a coverage price (pw set): each window again, its unpriced entries (pw_ij = 0) first, then its
   * priced ones (pw_ij = w_j), each part sorted by cost, so the Lagrangian stops at the first non-negative
   * reduced cost of each part; lSplit[j] = where client j's priced part starts.
   */
  readonly lFac: Int32Array;
  readonly lSplit: Int32Array;
  /**
   * Window costs laid out like the windows (nCost[q] = c of nFac[q] and its client; lCost likewise for lFac,
   * WITHOUT the coverage price): the Lagrangian, run tens of times per node, reads them in sequence
   * instead of striding through the facility-major cost matrix. negA[j] (negB[j] for the priced part) =
   * how many of client j's window entries had a negative reduced cost in the last lagrangian() call.
   */
  readonly nCost: Float64Array;
  readonly lCost: Float64Array;
  readonly negA: Int32Array;
  readonly negB: Int32Array;
  readonly v: Float64Array;
  readonly s: Float64Array;
  readonly ptr: Int32Array;
  readonly done: Uint8Array;
  readonly mask: Uint8Array;
  readonly sortBuf: Float64Array;
  readonly share: Float64Array;
  readonly rc: Float64Array;
  readonly inC: Uint8Array;
  readonly g: Float64Array;
  readonly bestV: Float64Array;
  readonly vStack: VectorStack;
  cDrop = 0;
  outBase = Infinity;
  /** Subgradient iterations at the root and at other nodes, and the initial step factor at nodes. */
  rootIters = 300;
  /** Multipliers to try at the root besides the dual ascent's (e.g. the previous count's root multipliers in the frontier). */
  seedV: Float64Array | null = null;
  /**
   * Coverage priced inside the bound with a multiplier lam ≥ 0 that the subgradient moves with v (set by
   * priceCoverage): assignment (i, j) costs c_ij + lam × pw[i*m+j] (pw = w_j when j is prefix-covered and
   * i is outside A_j, else 0) and lam × slackW comes off the bound. null: no coverage price.
   */
  pw: Float64Array | null = null;
  slackW = 0;
  lam = 0;
  lamStack: number[] = [];
  /**
   * Redundancy priced in the bound: multiplier u_r >= 0 per redundancy set r (constraint sum_{i in S_r} y_i >= min),
   * moved by the subgradient with v; L gains u_r × min and every facility of S_r loses u_r of reduced cost.
   * Any u >= 0 gives a valid bound. null without a redundancy constraint.
   */
  u: Float64Array | null = null;
  bestU: Float64Array | null = null;
  gU: Float64Array | null = null;
  uStack: VectorStack | null = null;
  /** Subgradient of the bound in lam (weight served outside covering sets − slackW), set by lagrangian(…, true). */
  gLam = 0;
  nodeIters = 25;
  nodeTheta = 0.5;
  /** Explore the closed child first (measured: open-first is better on Chess/FPP, so off). */
  closedFirst = false;
  fairPasses = 8;
  // incumbent
  ub = Infinity;
  best: Uint8Array | null = null;
  nodes = 0;
  readonly limits: SearchLimits;

  /** The instance solutions are evaluated on (the bound's `p` may carry coverage penalties, see coveragePenalized). */
  readonly pe: Prepared;
  /** Subtracted from every Lagrangian value (the constant of the penalized costs). */
  readonly offset: number;

  constructor(p: Prepared, opts: UflOptions, t0: number, pe: Prepared = p, offset = 0) {
    this.p = p;
    this.pe = pe;
    this.offset = offset;
    this.n = p.n;
    this.m = p.m;
    this.status = new Int8Array(p.n);
    for (const i of p.fixedOpen) this.status[i] = OPEN;
    for (const i of p.fixedClosed) this.status[i] = CLOSED;
    this.elim = new Uint8Array(p.n * p.m);
    this.trail = new Trail(this.status, this.elim, 1024);
    this.vStack = new VectorStack(p.m);
    this.cut = new Int32Array(p.m);
    this.nStart = new Int32Array(p.m + 1);
    this.nFac = new Int32Array(p.candFac.length);
    this.lFac = new Int32Array(p.candFac.length);
    this.nCost = new Float64Array(p.candFac.length);
    this.lCost = new Float64Array(p.candFac.length);
    this.negA = new Int32Array(p.m);
    this.negB = new Int32Array(p.m);
    this.lSplit = new Int32Array(p.m);
    this.v = new Float64Array(p.m);
    this.s = new Float64Array(p.n);
    this.ptr = new Int32Array(p.m);
    this.done = new Uint8Array(p.m);
    this.mask = new Uint8Array(p.n);
    this.sortBuf = new Float64Array(p.n);
    this.share = new Float64Array(p.n);
    this.rc = new Float64Array(p.n);
    this.inC = new Uint8Array(p.n);
    this.g = new Float64Array(p.m);
    this.bestV = new Float64Array(p.m);
    this.limits = new SearchLimits(Math.min(opts.timeLimitMs === undefined ? Infinity : t0 + opts.timeLimitMs, opts.deadline ?? Infinity), opts.nodeLimit ?? Infinity, 32);
    if (p.red !== null) {
      const R = p.red.start.length - 1;
      this.u = new Float64Array(R);
      this.bestU = new Float64Array(R);
      this.gU = new Float64Array(R);
      this.uStack = new VectorStack(R);
    }
  }

  /** Prices the coverage constraint in the bound from lam0 on (see pw); only on clients whose covering set is a prefix of their order. */
  priceCoverage(prefix: Uint8Array, lam0: number): void {
    const { n, m, p } = this;
    const cov = p.covMask;
    if (cov === null) return;
    const pw = new Float64Array(n * m);
    let W = 0;
    for (let j = 0; j < m; j++) {
      W += p.covW[j] as number;
      if (prefix[j] !== 1) continue;
      for (let i = 0; i < n; i++) if (cov[j * n + i] !== 1 && p.c[i * m + j] !== Infinity) pw[i * m + j] = p.covW[j] as number;
    }
    this.pw = pw;
    this.slackW = Math.max(0, W - p.covNeed);
    this.lam = lam0;
  }

  /** Objective threshold a solution must reach to improve the incumbent. */
  target(): number {
    return improvingTarget(this.ub, this.pe.integral);
  }

  /** Evaluations of the local search run on every new incumbent the tree finds (0: none). */
  polishBudget = 0;
  private polishing = false;

  tryIncumbent(mask: Uint8Array): boolean {
    if (this.pe.red !== null && !redundancyMet(this.pe, mask)) mask = this.repairRedundancy(mask);
    const val = evaluateMask(this.pe, mask);
    if (val < this.ub) {
      this.ub = val;
      this.best = Uint8Array.from(mask);
      if (this.polishBudget > 0 && !this.polishing) {
        // a node's primal set is often one flip or swap away from a better one (e.g. coverage met with a replica to spare)
        this.polishing = true;
        this.localSearch(this.best, this.polishBudget);
        this.polishing = false;
      }
      return true;
    }
    return false;
  }

  /** A copy of `mask` with, for each redundancy set short of `min` open, its cheapest-to-open facilities not closed at this node added. */
  repairRedundancy(mask: Uint8Array): Uint8Array {
    const red = this.pe.red;
    const out = Uint8Array.from(mask);
    if (red === null) return out;
    const f = this.pe.f;
    for (let r = 0; r + 1 < red.start.length; r++) {
      const a = red.start[r] as number;
      const e = red.start[r + 1] as number;
      let k = 0;
      for (let q = a; q < e; q++) if (out[red.fac[q] as number] === 1) k++;
      while (k < red.min) {
        let bi = -1;
        for (let q = a; q < e; q++) {
          const i = red.fac[q] as number;
          if (out[i] === 1 || this.status[i] === CLOSED) continue;
          if (bi < 0 || (f[i] as number) < (f[bi] as number)) bi = i;
        }
        if (bi < 0) return out; // cannot be met at this node
        out[bi] = 1;
        k++;
      }
    }
    return out;
  }

  /**
   * Redundancy propagation: -1 when some set can no longer get `min` open facilities (not closed ones too
   * few), 1 when a set with exactly `min` not-closed facilities had free ones (now opened), else 0.
   */
  propagateRedundancy(): number {
    const red = this.p.red;
    if (red === null) return 0;
    const status = this.status;
    let changed = 0;
    for (let r = 0; r + 1 < red.start.length; r++) {
      const a = red.start[r] as number;
      const e = red.start[r + 1] as number;
      let open = 0;
      let free = 0;
      for (let q = a; q < e; q++) {
        const st = status[red.fac[q] as number];
        if (st === OPEN) open++;
        else if (st === FREE) free++;
      }
      if (open >= red.min) continue;
      if (open + free < red.min) return -1;
      if (open + free === red.min) {
        for (let q = a; q < e; q++) if (status[red.fac[q] as number] === FREE) this.trail.setStatus(red.fac[q] as number, OPEN);
        changed = 1;
      }
    }
    if (changed === 0 && this.redundancyPacking() > this.p.kmax) return -1;
    return changed;
  }

  /** Sets by ascending size (the packing's greedy order) and its scratch marks, built on first use. */
  redOrder: Int32Array | null = null;
  redUsed: Uint8Array | null = null;

  /**
   * A lower bound on the open facilities any completion needs: the open ones plus, over a family of
   * unmet redundancy sets without a common free facility (greedy, smallest sets first), the sum of what
   * each still lacks (distinct free facilities must supply it). Above maxOpen: no completion exists —
   * this settles the frontier's small counts without enumerating them.
   */
  redundancyPacking(): number {
    const red = this.p.red;
    const { n, status } = this;
    let nOpen = 0;
    for (let i = 0; i < n; i++) if (status[i] === OPEN) nOpen++;
    if (red === null) return nOpen;
    const R = red.start.length - 1;
    if (this.redOrder === null) {
      const size = (r: number): number => (red.start[r + 1] as number) - (red.start[r] as number);
      this.redOrder = Int32Array.from(Array.from({ length: R }, (_, r) => r).sort((x, y) => size(x) - size(y) || x - y));
      this.redUsed = new Uint8Array(n);
    }
    const used = this.redUsed as Uint8Array;
    used.fill(0);
    let need = nOpen;
    for (const r of this.redOrder) {
      const a = red.start[r] as number;
      const e = red.start[r + 1] as number;
      let open = 0;
      let clash = false;
      for (let q = a; q < e; q++) {
        const i = red.fac[q] as number;
        if (status[i] === OPEN) open++;
        else if (status[i] === FREE && used[i] === 1) clash = true;
      }
      if (open >= red.min || clash) continue;
      for (let q = a; q < e; q++) { const i = red.fac[q] as number; if (status[i] === FREE) used[i] = 1; }
      need += red.min - open;
    }
    return need;
  }

  /**
   * What the redundancy sets add to the Lagrangian bound just computed (rc, inC of its last call): the
   * subproblem min { sum rc_i y_i : cardinality } with ONE set's constraint added has an optimum that takes
   * the d cheapest free facilities of the set (d = min - open ones in it), then the best of the rest; the
   * largest such increase over the sets is a valid addition (each is a relaxation of all of them).
   * Infinity when some set cannot be met within the cardinality room.
   */
  redundancyExtra(): number {
    const red = this.p.red;
    if (red === null) return 0;
    const { n, p, status, rc, inC } = this;
    let nOpen = 0;
    const free: number[] = [];
    for (let i = 0; i < n; i++) {
      if (status[i] === OPEN) nOpen++;
      else if (status[i] === FREE) free.push(i);
    }
    const need = Math.max(p.kmin - nOpen, 0);
    const room = p.kmax - nOpen;
    free.sort((x, y) => (rc[x] as number) - (rc[y] as number));
    // min sum of a prefix of the ascending list with length in [lo, hi]: every negative one, clamped
    const sel = (list: readonly number[], lo: number, hi: number): number => {
      let neg = 0;
      while (neg < list.length && (rc[list[neg] as number] as number) < 0) neg++;
      const t = Math.min(list.length, Math.max(lo, Math.min(neg, hi)));
      let sum = 0;
      for (let q = 0; q < t; q++) sum += rc[list[q] as number] as number;
      return sum;
    };
    const base = sel(free, need, room);
    let extra = 0;
    const picked = new Uint8Array(n);
    for (let r = 0; r + 1 < red.start.length; r++) {
      const a = red.start[r] as number;
      const e = red.start[r + 1] as number;
      let open = 0;
      let chosen = 0;
      for (let q = a; q < e; q++) {
        const i = red.fac[q] as number;
        if (status[i] === OPEN) open++;
        else if (status[i] === FREE && inC[i] === 1) chosen++;
      }
      const d = red.min - open;
      if (d <= 0 || chosen >= d) continue; // the subproblem's optimum already meets this set
      if (d > room) return Infinity;
      let forced = 0;
      let got = 0;
      picked.fill(0);
      for (const i of free) {
        if (got === d) break;
        if (red.fac.subarray(a, e).includes(i)) { picked[i] = 1; forced += rc[i] as number; got++; }
      }
      if (got < d) return Infinity;
      const rest = free.filter((i) => picked[i] !== 1);
      const inc = forced + sel(rest, Math.max(0, need - d), room - d) - base;
      if (inc > extra) extra = inc;
    }
    return extra;
  }

  /** Windows (compact candidate lists sorted by cost). Returns false if some client has no candidate. */
  buildWindows(): boolean {
    const { n, m, p, status, cut, nStart, nFac, nCost, elim } = this;
    const c = p.c;
    cut.fill(0x7fffffff);
    for (let i = 0; i < n; i++) {
      if (status[i] !== OPEN) continue;
      for (let j = 0; j < m; j++) {
        const r = p.rank[j * n + i] as number;
        if (r >= 0 && r < (cut[j] as number)) cut[j] = r;
      }
    }
    let q = 0;
    for (let j = 0; j < m; j++) {
      nStart[j] = q;
      const cj = cut[j] as number;
      const end = p.candStart[j + 1] as number;
      for (let k = p.candStart[j] as number; k < end; k++) {
        const i = p.candFac[k] as number;
        if (status[i] === CLOSED || elim[j * n + i] === 1 || (p.rank[j * n + i] as number) > cj) continue;
        nCost[q] = c[i * m + j] as number;
        nFac[q++] = i;
      }
      if (q === nStart[j]) return false;
    }
    nStart[m] = q;
    if (this.pw !== null) this.splitWindows();
    return true;
  }

  /** Fills lFac/lSplit from the windows (see lFac). */
  splitWindows(): void {
    const { m, nStart, nFac, nCost, lFac, lCost, lSplit } = this;
    const pw = this.pw as Float64Array;
    for (let j = 0; j < m; j++) {
      const a = nStart[j] as number;
      const e = nStart[j + 1] as number;
      let q = a;
      for (let k = a; k < e; k++) { const i = nFac[k] as number; if (pw[i * m + j] === 0) { lCost[q] = nCost[k] as number; lFac[q++] = i; } }
      lSplit[j] = q;
      for (let k = a; k < e; k++) { const i = nFac[k] as number; if (pw[i * m + j] !== 0) { lCost[q] = nCost[k] as number; lFac[q++] = i; } }
    }
  }

  /** Erlenkotter dual ascent on the current windows; fills v (client duals) and s (facility slacks). */
  dualAscent(): void {
    const { n, m, p, status, nStart, nFac, v, s, ptr, done } = this;
    const c = p.c;
    for (let i = 0; i < n; i++) s[i] = status[i] === FREE ? (p.f[i] as number) : 0;
    for (let j = 0; j < m; j++) {
      const a = nStart[j] as number;
      const e = nStart[j + 1] as number;
      const v0 = c[(nFac[a] as number) * m + j] as number;
      v[j] = v0;
      let k = a + 1;
      while (k < e && (c[(nFac[k] as number) * m + j] as number) <= v0) k++;
      ptr[j] = k;
      done[j] = 0;
    }
    // "Fair" passes first: a client may take at most s_i / (clients sharing i) of a facility's slack per
    // pass, so one client cannot exhaust a facility that many clients need (plain DA is very weak when the
    // next cost level is far away, e.g. forbidden assignments). Then plain Erlenkotter passes to completion.
    const share = this.share;
    let pass = 0;
    let progress = true;
    while (progress) {
      progress = false;
      const fair = pass < this.fairPasses;
      pass++;
      if (fair) {
        share.fill(0);
        for (let j = 0; j < m; j++) {
          if (done[j] === 1) continue;
          for (let q = nStart[j] as number; q < (ptr[j] as number); q++) { const i = nFac[q] as number; share[i] = (share[i] as number) + 1; }
        }
      }
      for (let j = 0; j < m; j++) {
        if (done[j] === 1) continue;
        const a = nStart[j] as number;
        const e = nStart[j + 1] as number;
        const k = ptr[j] as number;
        const vj = v[j] as number;
        const next = k < e ? (c[(nFac[k] as number) * m + j] as number) : Infinity;
        let delta = next - vj;
        let blocked = false;
        let capped = false;
        for (let q = a; q < k; q++) {
          const i = nFac[q] as number;
          const si = s[i] as number;
          if (si <= delta) { delta = si; blocked = true; capped = false; }
          if (fair) {
            const cap = si / Math.max(1, share[i] as number);
            if (cap < delta) { delta = cap; blocked = false; capped = true; }
          }
        }
        if (delta <= 1e-12 * (1 + Math.abs(vj))) {
          if (!capped) done[j] = 1;
          continue;
        }
        for (let q = a; q < k; q++) { const i = nFac[q] as number; s[i] = (s[i] as number) - delta; }
        if (blocked) {
          done[j] = 1;
          v[j] = vj + delta;
        } else if (capped) {
          v[j] = vj + delta;
        } else {
          v[j] = next;
          let kk = k + 1;
          while (kk < e && (c[(nFac[kk] as number) * m + j] as number) <= next) kk++;
          ptr[j] = kk;
        }
        progress = true;
      }
      if (!progress && fair) { pass = this.fairPasses; progress = true; } // leave the fair phase
    }
  }

  /** Sum of the `k` smallest slacks of free facilities, and the k-th smallest (0 when k = 0). */
  smallestSlacks(k: number): { sum: number; kth: number } {
    if (k <= 0) return { sum: 0, kth: 0 };
    let cnt = 0;
    for (let i = 0; i < this.n; i++) if (this.status[i] === FREE) this.sortBuf[cnt++] = this.s[i] as number;
    const arr = this.sortBuf.subarray(0, cnt).sort();
    let sum = 0;
    for (let t = 0; t < k && t < cnt; t++) sum += arr[t] as number;
    return { sum, kth: arr[Math.min(k, cnt) - 1] as number };
  }

  coverageReachable(): boolean {
    const p = this.p;
    const cov = p.covMask;
    if (cov === null) return true;
    let w = 0;
    for (let j = 0; j < this.m; j++) {
      for (let i = 0; i < this.n; i++) if (this.status[i] !== CLOSED && cov[j * this.n + i] === 1) { w += p.covW[j] as number; break; }
    }
    return w >= p.covNeed - 1e-9 * Math.max(1, Math.abs(p.covNeed));
  }

  /**
   * Lagrangian bound L(w) of the windowed relaxation for ANY multipliers w (valid whatever w is):
   * L = sum_j w_j + sum_{i open} rc_i + min { sum_{i in C} rc_i : C free, |C| within the cardinality room },
   * rc_i = f_i + sum_{j: i in W_j} min(0, c_ij - w_j). Fills rc, inC, cDrop, minExcl; the subgradient in g if asked.
   */
  lagrangian(w: Float64Array, wantGrad: boolean): number {
    const { n, m, p, status, nStart, nFac, nCost, negA, rc, inC, g } = this;
    let nOpen = 0;
    for (let i = 0; i < n; i++) {
      rc[i] = p.f[i] as number;
      inC[i] = 0;
      if (status[i] === OPEN) nOpen++;
    }
    let L = 0;
    const pw = this.pw;
    const lam = this.lam;
    const { lFac, lCost, lSplit, negB } = this;
    const covW = p.covW;
    for (let j = 0; j < m; j++) {
      const wj = w[j] as number;
      L += wj;
      const a = nStart[j] as number;
      const e = nStart[j + 1] as number;
      if (pw === null) {
        let q = a;
        for (; q < e; q++) {
          const d = (nCost[q] as number) - wj;
          if (d >= 0) break; // windows are sorted by cost
          const i = nFac[q] as number;
          rc[i] = (rc[i] as number) + d;
        }
        negA[j] = q - a;
      } else {
        // unpriced part, then priced part (pw_ij = w_j there, so lam × w_j more on each), each sorted by cost
        const sp = lSplit[j] as number;
        let q = a;
        for (; q < sp; q++) {
          const d = (lCost[q] as number) - wj;
          if (d >= 0) break;
          const i = lFac[q] as number;
          rc[i] = (rc[i] as number) + d;
        }
        negA[j] = q - a;
        const wPriced = wj - lam * (covW[j] as number);
        for (q = sp; q < e; q++) {
          const d = (lCost[q] as number) - wPriced;
          if (d >= 0) break;
          const i = lFac[q] as number;
          rc[i] = (rc[i] as number) + d;
        }
        negB[j] = q - sp;
      }
    }
    if (pw !== null) L -= lam * this.slackW;
    const red = p.red;
    const u = this.u;
    if (red !== null && u !== null) {
      for (let r = 0; r < u.length; r++) {
        const ur = u[r] as number;
        if (!(ur > 0)) continue;
        L += ur * red.min;
        const e = red.start[r + 1] as number;
        for (let q = red.start[r] as number; q < e; q++) { const i = red.fac[q] as number; rc[i] = (rc[i] as number) - ur; }
      }
    }
    const need = Math.max(p.kmin - nOpen, 0);
    const room = p.kmax - nOpen;
    let nNeg = 0;
    for (let i = 0; i < n; i++) {
      const st = status[i];
      if (st === OPEN) L += rc[i] as number;
      else if (st === FREE && (rc[i] as number) < 0) nNeg++;
    }
    let nC = 0;
    if (nNeg >= need && nNeg <= room) {
      for (let i = 0; i < n; i++) if (status[i] === FREE && (rc[i] as number) < 0) { inC[i] = 1; L += rc[i] as number; nC++; }
    } else {
      // the `take` smallest reduced costs of free facilities: numeric sort of the values (no comparator
      // closure, this runs in every subgradient step), then members below the k-th value plus enough ties
      const vals = this.sortBuf;
      let cnt = 0;
      for (let i = 0; i < n; i++) if (status[i] === FREE) vals[cnt++] = rc[i] as number;
      const take = Math.min(cnt, Math.max(need, Math.min(nNeg, room)));
      if (take > 0) {
        // few to take (the frontier's exact counts): insertion into a short sorted buffer, no sort, no allocation
        const sorted = take <= 16 ? this.smallest(vals, cnt, take) : vals.subarray(0, cnt).sort();
        const kth = sorted[take - 1] as number;
        let ties = take;
        for (let t = 0; t < take; t++) if ((sorted[t] as number) < kth) ties--;
        for (let i = 0; i < n; i++) {
          if (status[i] !== FREE) continue;
          const r = rc[i] as number;
          if (r < kth || (r === kth && ties-- > 0)) { inC[i] = 1; L += r; nC++; }
        }
      }
    }
    let maxC = -Infinity;
    let minExcl = Infinity;
    for (let i = 0; i < n; i++) {
      if (status[i] !== FREE) continue;
      const r = rc[i] as number;
      if (inC[i] === 1) { if (r > maxC) maxC = r; } else if (r < minExcl) minExcl = r;
    }
    // forcing a free i outside C in costs max(0, rc_i - cDrop); forcing a member out costs outCost - rc_i
    this.cDrop = nC > 0 && (nC >= room || maxC >= 0) ? maxC : 0;
    this.outBase = nC > need ? Math.min(0, minExcl) : minExcl;
    if (wantGrad) {
      // the entries with a negative reduced cost are the first negA[j] (negB[j]) of each part (windows sorted by cost)
      let gl = -this.slackW;
      for (let j = 0; j < m; j++) {
        let cover = 0;
        const a = nStart[j] as number;
        if (pw === null) {
          const e = a + (negA[j] as number);
          for (let q = a; q < e; q++) { const i = nFac[q] as number; if (status[i] === OPEN || inC[i] === 1) cover++; }
        } else {
          let e = a + (negA[j] as number);
          for (let q = a; q < e; q++) { const i = lFac[q] as number; if (status[i] === OPEN || inC[i] === 1) cover++; }
          const sp = lSplit[j] as number;
          e = sp + (negB[j] as number);
          let priced = 0;
          for (let q = sp; q < e; q++) { const i = lFac[q] as number; if (status[i] === OPEN || inC[i] === 1) priced++; }
          cover += priced;
          gl += priced * (covW[j] as number);
        }
        g[j] = 1 - cover;
      }
      this.gLam = gl;
      const gU = this.gU;
      if (red !== null && gU !== null) {
        for (let r = 0; r < gU.length; r++) {
          let k = 0;
          const e = red.start[r + 1] as number;
          for (let q = red.start[r] as number; q < e; q++) { const i = red.fac[q] as number; if (status[i] === OPEN || inC[i] === 1) k++; }
          gU[r] = red.min - k;
        }
      }
    }
    return L - this.offset;
  }

  private readonly topBuf = new Float64Array(16);

  /** The `take` (≤ 16) smallest of vals[0..cnt), ascending, in a reused buffer. */
  smallest(vals: Float64Array, cnt: number, take: number): Float64Array {
    const top = this.topBuf;
    let len = 0;
    for (let q = 0; q < cnt; q++) {
      const r = vals[q] as number;
      if (len === take && r >= (top[take - 1] as number)) continue;
      let t = len < take ? len++ : take - 1;
      while (t > 0 && (top[t - 1] as number) > r) { top[t] = top[t - 1] as number; t--; }
      top[t] = r;
    }
    return top;
  }

  /** Subgradient ascent on L from this.v; leaves the best multipliers in this.v and returns the best L. */
  subgradient(startL: number, iters: number, theta0: number): number {
    const { v, g, bestV } = this;
    bestV.set(v);
    let bestL = startL;
    let theta = theta0;
    let stall = 0;
    const T = this.target();
    let bestLam = this.lam;
    // lam moves in units of slackW (μ = lam × slackW), the scale of the client multipliers
    const S = this.pw !== null && this.slackW > 0 ? this.slackW : 0;
    const { u, bestU, gU } = this;
    if (u !== null && bestU !== null) bestU.set(u);
    for (let it = 0; it < iters; it++) {
      const L = this.lagrangian(v, true);
      if (L > bestL + 1e-12 * Math.abs(bestL)) { bestL = L; bestV.set(v); bestLam = this.lam; if (u !== null && bestU !== null) bestU.set(u); stall = 0; } else if (++stall >= 5) { theta /= 2; stall = 0; }
      if (bestL > T || theta < 1e-4) break;
      const goal = T < Infinity ? T + 1e-6 * Math.max(1, Math.abs(T)) : 1.05 * Math.abs(L) + 1;
      if (S > 0 || (u !== null && gU !== null)) {
        const gm = S > 0 ? this.gLam / S : 0;
        let norm = gm * gm;
        for (let j = 0; j < this.m; j++) norm += (g[j] as number) * (g[j] as number);
        if (u !== null && gU !== null) for (let r = 0; r < u.length; r++) { const gr = (u[r] as number) > 0 || (gU[r] as number) > 0 ? (gU[r] as number) : 0; norm += gr * gr; }
        if (norm === 0) break;
        const step = (theta * (goal - L)) / norm;
        for (let j = 0; j < this.m; j++) v[j] = (v[j] as number) + step * (g[j] as number);
        if (S > 0) this.lam = Math.max(0, this.lam + (step * gm) / S);
        if (u !== null && gU !== null) for (let r = 0; r < u.length; r++) u[r] = Math.max(0, (u[r] as number) + step * (gU[r] as number));
      } else if (!polyakStep(v, g, theta, goal, L)) break;
    }
    v.set(bestV);
    this.lam = bestLam;
    if (u !== null && bestU !== null) u.set(bestU);
    return bestL;
  }

  /** Explores the subtree of the current status/elim state. */
  node(parentLB: number, depth: number): void {
    if (this.limits.stop(this.nodes, parentLB)) return;
    this.nodes++;
    const trail = this.trail;
    const mark = trail.len;
    let lb = parentLB;
    let branch = -1;
    let lbOpen = -Infinity;
    let lbClosed = -Infinity;
    for (let round = 0; ; round++) {
      const card = this.propagateCardinality();
      if (card < 0) { trail.undo(mark); return; }
      if (card > 0) continue;
      const red = this.propagateRedundancy();
      if (red < 0) { trail.undo(mark); return; }
      if (red > 0) continue;
      if (!this.coverageReachable()) { trail.undo(mark); return; }
      if (!this.buildWindows()) { trail.undo(mark); return; }
      const lag = this.bound(depth, round);
      // the redundancy term prunes only: reduced-cost fixing below must use the plain bound (room = T - lag)
      lb = Math.max(lb, this.p.red !== null ? lag + this.redundancyExtra() : lag);
      const T = this.target();
      if (lb > T) { trail.undo(mark); return; }
      const room = T - lag;
      if (this.fixFacilities(room)) continue;
      const bestClient = this.eliminateAssignments(room);
      if (bestClient === PRUNED) { trail.undo(mark); return; }
      if (bestClient === FORCED) continue;
      branch = this.chooseBranch(bestClient);
      if (branch >= 0 && depth < this.strongDepth && this.p.red === null) {
        const sb = this.strongBranch(branch, depth, lb);
        if (sb === PRUNED) { trail.undo(mark); return; }
        if (sb === FORCED) continue;
        branch = sb;
        lbOpen = this.sbOpen;
        lbClosed = this.sbClosed;
      }
      break;
    }
    if (branch >= 0) this.branchOn(branch, lb, depth, lbOpen, lbClosed);
    trail.undo(mark);
  }

  /** Depths (from the root) where strongBranch picks the branching facility; 0: never. */
  strongDepth = 0;
  strongCands = 8;
  strongIters = 10;
  /** The probed bounds of the children of the facility strongBranch returned (valid bounds of their subtrees). */
  sbOpen = -Infinity;
  sbClosed = -Infinity;

  /**
   * Strong branching (this node's bound, rc and multipliers computed): for `first` and the free facilities
   * with the reduced costs nearest 0, the bound of each child after a few subgradient steps from this node's
   * multipliers; the facility whose children gain most (product of the gains) is returned. A child whose
   * bound exceeds the target is fixed the other way (FORCED; PRUNED when both are). Any multipliers give a
   * valid bound, so this changes the tree's shape, never its result.
   */
  strongBranch(first: number, depth: number, lb: number): number {
    const { n, status, rc, trail } = this;
    const cands: number[] = [first];
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (status[i] === FREE && i !== first) order.push(i);
    order.sort((x, y) => Math.abs(rc[x] as number) - Math.abs(rc[y] as number));
    for (const i of order) { if (cands.length >= this.strongCands) break; cands.push(i); }
    const pv = this.vStack.at(depth);
    const plam = this.lamStack[depth] ?? this.lam;
    const T = this.target();
    let best = first;
    let bestScore = -Infinity;
    this.sbOpen = -Infinity;
    this.sbClosed = -Infinity;
    for (const i of cands) {
      if (Date.now() >= this.limits.deadline) break; // a node of this tree costs milliseconds: keep the deadline
      const lo = this.probeChild(i, OPEN, pv, plam);
      const lc = this.probeChild(i, CLOSED, pv, plam);
      if (lo > T && lc > T) return PRUNED;
      if (lo > T || lc > T) { trail.setStatus(i, lo > T ? CLOSED : OPEN); return FORCED; }
      const score = Math.max(lo - lb, 1e-9) * Math.max(lc - lb, 1e-9);
      if (score > bestScore) { bestScore = score; best = i; this.sbOpen = lo; this.sbClosed = lc; }
    }
    this.v.set(pv);
    this.lam = plam;
    return best;
  }

  /** Bound of this node with facility i set to st, after strongIters subgradient steps from (pv, plam); +Infinity if the child is infeasible. Leaves status as it found it. */
  probeChild(i: number, st: number, pv: Float64Array, plam: number): number {
    const trail = this.trail;
    const mark = trail.len;
    trail.setStatus(i, st);
    let L = Infinity;
    if (this.propagateCardinality() >= 0 && this.coverageReachable() && this.buildWindows()) {
      this.v.set(pv);
      this.lam = plam;
      L = this.lagrangian(this.v, false);
      if (L <= this.target()) L = this.subgradient(L, this.strongIters, this.nodeTheta);
    }
    trail.undo(mark);
    return L;
  }

  /** Cardinality propagation: -1 infeasible, 1 when it fixed every free facility (closed at maxOpen, open at minOpen), else 0. */
  propagateCardinality(): number {
    const { n, p, status } = this;
    let nOpen = 0;
    let nFree = 0;
    for (let i = 0; i < n; i++) {
      if (status[i] === OPEN) nOpen++;
      else if (status[i] === FREE) nFree++;
    }
    if (nOpen > p.kmax || nOpen + nFree < p.kmin) return -1;
    if (nFree > 0 && (nOpen === p.kmax || nOpen + nFree === p.kmin)) {
      const st = nOpen === p.kmax ? CLOSED : OPEN;
      for (let i = 0; i < n; i++) if (status[i] === FREE) this.trail.setStatus(i, st);
      return 1;
    }
    return 0;
  }

  /**
   * Bound of the node (windows built): dual ascent, the best of its and the parent's (or the previous
   * round's) multipliers, subgradient steps while below the target; tries the two primal sets on the way.
   * Returns the Lagrangian bound of the multipliers left in v (the ones reduced-cost fixing uses).
   */
  bound(depth: number, round: number): number {
    const { n, p, status, s, v, inC, mask } = this;
    if (this.pw !== null) this.lam = round > 0 ? (this.lamStack[depth] ?? this.lam) : depth > 0 ? (this.lamStack[depth - 1] ?? this.lam) : this.lam;
    if (this.u !== null && this.uStack !== null && (round > 0 || depth > 0)) this.u.set(this.uStack.at(round > 0 ? depth : depth - 1));
    this.dualAscent();
    // primal: open + zero-slack facilities of the dual ascent
    for (let i = 0; i < n; i++) {
      const st = status[i];
      mask[i] = st === OPEN || (st === FREE && (s[i] as number) <= 1e-9 * (1 + (p.f[i] as number))) ? 1 : 0;
    }
    this.tryIncumbent(mask);
    let lag = this.lagrangian(v, false);
    if (round > 0) {
      const pv = this.vStack.at(depth);
      const lp = this.lagrangian(pv, false);
      if (lp > lag) { v.set(pv); lag = lp; }
    } else if (depth > 0) {
      const pv = this.vStack.at(depth - 1);
      const lp = this.lagrangian(pv, false);
      if (lp > lag) { v.set(pv); lag = lp; }
    } else if (this.seedV !== null && this.seedV.length === this.m) {
      const lp = this.lagrangian(this.seedV, false);
      if (lp > lag) { v.set(this.seedV); lag = lp; }
    }
    if (lag <= this.target()) {
      const iters = depth === 0 ? this.rootIters : this.nodeIters;
      if (iters > 0) lag = this.subgradient(lag, iters, depth === 0 ? 1 : this.nodeTheta);
    }
    lag = this.lagrangian(v, false); // Lagrangian bound of THIS multiplier vector (fixing must use it)
    this.vStack.at(depth).set(v);
    this.lamStack[depth] = this.lam;
    if (this.u !== null && this.uStack !== null) this.uStack.at(depth).set(this.u);
    for (let i = 0; i < n; i++) mask[i] = status[i] === OPEN || inC[i] === 1 ? 1 : 0;
    this.tryIncumbent(mask);
    return lag;
  }

  /** Facility fixing by reduced costs (`room` = target - bound). True when a facility was fixed. */
  fixFacilities(room: number): boolean {
    const { n, status, rc, inC, cDrop } = this;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (status[i] !== FREE) continue;
      if (inC[i] === 0) {
        if ((rc[i] as number) - cDrop > room) { this.trail.setStatus(i, CLOSED); changed = true; }
      } else if (this.outBase - (rc[i] as number) > room) { this.trail.setStatus(i, OPEN); changed = true; }
    }
    return changed;
  }

  /**
   * Assignment elimination (takes effect from the next bound on) and client propagation. Returns PRUNED
   * when a client lost every candidate, FORCED when a client's last candidate was opened, else the
   * uncovered client with the fewest candidates (-1 if every client is covered).
   */
  eliminateAssignments(room: number): number {
    const { n, m, p, status, v, rc, inC, nStart, nFac, cDrop } = this;
    const c = p.c;
    let reopen = false;
    let bestClient = -1;
    let bestCount = Infinity;
    for (let j = 0; j < m; j++) {
      const a = nStart[j] as number;
      const e = nStart[j + 1] as number;
      const vj = v[j] as number;
      let cnt = 0;
      let last = -1;
      let covered = false;
      for (let q = a; q < e; q++) {
        const i = nFac[q] as number;
        if (status[i] === CLOSED) continue;
        const cij = (c[i * m + j] as number) + (this.pw !== null ? this.lam * (this.pw[i * m + j] as number) : 0);
        const pen = Math.max(0, cij - vj) + (status[i] === FREE && inC[i] === 0 ? Math.max(0, (rc[i] as number) - cDrop) : 0);
        if (pen > room) { this.trail.eliminate(j * n + i); continue; }
        cnt++;
        last = i;
        if (status[i] === OPEN) covered = true;
      }
      if (cnt === 0) return PRUNED;
      if (!covered) {
        // uncovered client (no open facility in its window)
        if (cnt === 1) {
          if (status[last] !== OPEN) { this.trail.setStatus(last, OPEN); reopen = true; }
        } else if (cnt < bestCount) {
          bestCount = cnt;
          bestClient = j;
        }
      }
    }
    return reopen ? FORCED : bestClient;
  }

  /** The branching facility (smallest reduced cost): in bestClient's window, else in any window, else (side constraints) any free one; -1 if none. */
  chooseBranch(bestClient: number): number {
    const { n, m, p, status, rc, nStart, nFac, mask } = this;
    let branch = -1;
    if (bestClient >= 0) {
      let bs = Infinity;
      for (let q = nStart[bestClient] as number; q < (nStart[bestClient + 1] as number); q++) {
        const i = nFac[q] as number;
        if (status[i] === FREE && (rc[i] as number) < bs) { bs = rc[i] as number; branch = i; }
      }
    }
    if (branch < 0) {
      let bs = Infinity;
      for (let q = 0; q < (nStart[m] as number); q++) {
        const i = nFac[q] as number;
        if (status[i] === FREE && (rc[i] as number) < bs) { bs = rc[i] as number; branch = i; }
      }
    }
    if (branch < 0) {
      // every window is decided; only side constraints can still require more open facilities
      for (let i = 0; i < n; i++) mask[i] = status[i] === OPEN ? 1 : 0;
      if (evaluateMask(this.pe, mask) === Infinity) {
        branch = this.redundancyBranch();
        let bs = Infinity;
        if (branch < 0) for (let i = 0; i < n; i++) if (status[i] === FREE && (rc[i] as number) < bs) { bs = rc[i] as number; branch = i; }
      }
    }
    return branch;
  }

  /** A free facility of the redundancy set short of `min` open with the fewest free ones (smallest reduced cost), or -1. */
  redundancyBranch(): number {
    const red = this.p.red;
    if (red === null) return -1;
    const { status, rc } = this;
    let branch = -1;
    let fewest = Infinity;
    for (let r = 0; r + 1 < red.start.length; r++) {
      const a = red.start[r] as number;
      const e = red.start[r + 1] as number;
      let open = 0;
      let free = 0;
      let bi = -1;
      for (let q = a; q < e; q++) {
        const i = red.fac[q] as number;
        if (status[i] === OPEN) open++;
        else if (status[i] === FREE) { free++; if (bi < 0 || (rc[i] as number) < (rc[bi] as number)) bi = i; }
      }
      if (open < red.min && bi >= 0 && free < fewest) { fewest = free; branch = bi; }
    }
    return branch;
  }

  /**
   * Explores both children of `branch` (open first unless closedFirst); the second is skipped once a limit
   * stopped the search. lbOpen/lbClosed: bounds already known for the children (strong branching), if any.
   */
  branchOn(branch: number, lb: number, depth: number, lbOpen = -Infinity, lbClosed = -Infinity): void {
    const trail = this.trail;
    const m1 = trail.len;
    const first = this.closedFirst ? CLOSED : OPEN;
    const lbFirst = Math.max(lb, first === OPEN ? lbOpen : lbClosed);
    const lbSecond = Math.max(lb, first === OPEN ? lbClosed : lbOpen);
    trail.setStatus(branch, first);
    this.node(lbFirst, depth + 1);
    trail.undo(m1);
    if (this.limits.aborted) {
      this.limits.unexplored(lbSecond);
    } else {
      trail.setStatus(branch, first === OPEN ? CLOSED : OPEN);
      this.node(lbSecond, depth + 1);
      trail.undo(m1);
    }
  }

  /** First-improvement drop/add/swap local search from `start` (mask), within an evaluation budget. */
  localSearch(start: Uint8Array, evalBudget: number): void {
    const p = this.pe;
    const cur = Uint8Array.from(start);
    addDropSwap(cur, {
      n: this.n,
      evaluate: (mask) => evaluateMask(p, mask),
      improves: (x, val) => x < val - 1e-12 * Math.abs(val),
      locked: null,
      budget: evalBudget,
      deadline: this.limits.deadline,
    });
    this.tryIncumbent(cur);
  }

  /** Greedy construction: start from the fixed-open set (or nothing) and add the best facility while it helps. */
  greedy(): Uint8Array {
    const { n, pe: p } = this;
    const cur = new Uint8Array(n);
    for (const i of p.fixedOpen) cur[i] = 1;
    let curVal = evaluateMask(p, cur);
    const deadline = this.limits.deadline;
    for (;;) {
      if (Date.now() >= deadline) break;
      let bi = -1;
      let bv = curVal;
      for (let i = 0; i < n; i++) {
        if (cur[i] === 1 || this.status[i] === CLOSED) continue;
        cur[i] = 1;
        const val = evaluateMask(p, cur);
        cur[i] = 0;
        if (val < bv || (bv === Infinity && bi < 0)) { bv = val; bi = i; }
      }
      if (bi < 0 || (bv >= curVal && curVal < Infinity)) break;
      cur[bi] = 1;
      curVal = bv;
      if (curVal === Infinity && cur.reduce((x, y) => x + y, 0) >= n) break;
    }
    return cur;
  }
}

/** What either engine leaves behind: its incumbent, the nodes it explored and why it stopped. */
interface SearchOutcome {
  best: Uint8Array | null;
  nodes: number;
  limits: SearchLimits;
}

function resultFrom(p: Prepared, out: SearchOutcome, t0: number): UflResult {
  const open: number[] = [];
  const assignment: number[] = new Array<number>(p.m).fill(-1);
  let objective = Infinity;
  if (out.best !== null) {
    for (let i = 0; i < p.n; i++) if (out.best[i] === 1) open.push(i);
    const a = new Int32Array(p.m);
    objective = evaluateMask(p, out.best, a);
    for (let j = 0; j < p.m; j++) assignment[j] = a[j] as number;
  }
  const ms = Date.now() - t0;
  const { limits, nodes } = out;
  if (!limits.aborted) {
    if (out.best === null) {
      return { status: 'infeasible', open, objective, lowerBound: Infinity, gap: 0, nodes, ms, assignment, reason: `no open set satisfies all constraints together (fixedOpen/fixedClosed, minOpen/maxOpen, coverage, prefs${p.red !== null ? ', redundancy (resilience)' : ''}); search exhausted` };
    }
    return { status: 'optimal', open, objective, lowerBound: objective, gap: 0, nodes, ms, assignment };
  }
  const lowerBound = Math.min(limits.pendingLB, objective);
  const gap = objective === Infinity ? Infinity : (objective - lowerBound) / Math.max(1, Math.abs(objective));
  return { status: 'gap', open, objective, lowerBound, gap, nodes, ms, assignment, reason: limits.reason };
}

/**
 * Solves a UFL instance exactly (see the module comment). Status 'optimal' only when the search
 * completed (lower bound = objective within the tolerance); 'gap' when a node/time limit stopped it;
 * 'infeasible' with a reason naming the constraint.
 */
export function solveUfl(inst: UflInstance, opts: UflOptions = {}): UflResult {
  return solveWith(inst, opts, true);
}

/** solveUfl; `construct` = run the greedy construction and the full local search before the tree (else: warm starts + a short swap search). */
function solveWith(inst: UflInstance, opts: UflOptions, construct: boolean): UflResult {
  const t0 = Date.now();
  if (inst.prefs === undefined) return solveReduced(inst, opts, construct, t0);
  const prep = prepare(inst); // validates (throws RangeError on malformed input) before reducing
  if (!prep.ok) return solveReduced(inst, opts, construct, t0);
  const red = reduceInstance(inst);
  if (red === null) return solveReduced(inst, opts, construct, t0);
  return liftReduced(inst, prep.p, solveReduced(red.instance, opts, construct, t0));
}

/** A result of the reduced instance as a result of the original one (same facilities, same objective of every open set; assignment per original client). */
function liftReduced(inst: UflInstance, orig: Prepared, r: UflResult): UflResult {
  if (r.status === 'infeasible') {
    const why = inst.coverage !== undefined && /no facility can serve/.test(r.reason ?? '') ? `coverage: a client that must be covered has no allowed facility within its covering set (${r.reason})` : r.reason;
    return { ...r, assignment: new Array<number>(inst.nClients).fill(-1), ...(why !== undefined ? { reason: why } : {}) };
  }
  const mask = new Uint8Array(inst.nFacilities);
  for (const i of r.open) mask[i] = 1;
  const a = new Int32Array(inst.nClients).fill(-1);
  const objective = r.open.length > 0 ? evaluateMask(orig, mask, a) : Infinity;
  return { ...r, objective, ...(r.status === 'optimal' ? { lowerBound: objective } : {}), assignment: Array.from(a) };
}

/** `pre`: the instance already prepared (the frontier prepares once and only changes the cardinality bounds). */
/**
 * `carry`: root multipliers passed from one solve to the next of the same (reduced) clients: `carry.v` seeds
 * this root and is replaced by this root's multipliers (any multipliers give a valid bound, so this is only speed).
 */
function solveReduced(inst: UflInstance, opts: UflOptions, construct: boolean, t0: number, pre?: Prepared, carry?: { v: Float64Array | null }): UflResult {
  const prep: PrepareOutcome = pre !== undefined ? { ok: true, p: pre } : prepare(inst);
  if (!prep.ok) {
    return { status: 'infeasible', open: [], objective: Infinity, lowerBound: Infinity, gap: 0, nodes: 0, ms: Date.now() - t0, assignment: new Array<number>(inst.nClients).fill(-1), reason: prep.reason };
  }
  const p = prep.p;
  const bb = new BranchAndBound(p, opts, t0);
  for (const ws of opts.warmStarts ?? []) {
    const mk = new Uint8Array(p.n);
    for (const i of ws) if (i >= 0 && i < p.n) mk[i] = 1;
    bb.tryIncumbent(mk);
  }
  const budget = Math.max(50, Math.min(20000, Math.floor(3e7 / Math.max(1, p.m * 4))));
  if (construct || bb.best === null) {
    const g = bb.greedy();
    bb.localSearch(g, budget);
  }
  if (bb.best !== null) bb.localSearch(bb.best, construct ? budget : Math.min(budget, 2 * p.n));
  const polish = construct ? Math.min(budget, p.n * p.n) : 2 * p.n;
  bb.polishBudget = polish;
  if (p.red === null && sparseEligible(p)) { // the sparse engine knows no redundancy constraint
    const sb = new SparseBB(p, bb.ub, bb.best, bb.limits.deadline, bb.limits.nodeLimit);
    sb.run();
    return resultFrom(p, sb, t0);
  }
  const penalties = coverageLambdas(p);
  if (penalties.length === 0) {
    if (carry !== undefined) {
      bb.seedV = carry.v;
      // a root seeded with the previous count's multipliers starts near their optimum: fewer steps (40-workload frontier ~17 % less CPU)
      if (carry.v !== null) bb.rootIters = 40;
      // and each count's tree is small (warm starts from the neighbouring counts give its optimum early): fewer
      // steps per node branch a little more but cost less. Measured (CPU medians, interleaved, loaded 2-core
      // machine) on Azure-only frontiers of 20/30/40/49/59 workloads x seeds 1-3: root 80 + 25/node 151-210 ms
      // in all, root 40 + 15/node 115-143 ms (root 40 + 10: 162, 40 + 20: 159, 60 + 15: 199); same answers
      bb.nodeIters = 15;
    }
    bb.node(-Infinity, 0);
    if (carry !== undefined && bb.nodes > 0) carry.v = Float64Array.from(bb.vStack.at(0));
    return resultFrom(p, bb, t0);
  }
  // Partial coverage: pick the coverage multiplier with the best root bound (probes of one node each).
  let chosen: BranchAndBound = bb;
  let chosenLB = -Infinity;
  let chosenLambda = 0;
  let chosenV: Float64Array | null = null;
  let probeNodes = 0;
  for (const lambda of [0, ...penalties]) {
    const pen = lambda === 0 ? { pb: p, offset: 0 } : coveragePenalized(inst, p, lambda);
    if (pen === null) continue;
    const probe = new BranchAndBound(pen.pb, { ...opts, nodeLimit: 1 }, t0, p, pen.offset);
    probe.polishBudget = polish;
    if (bb.best !== null) probe.tryIncumbent(bb.best);
    probe.node(-Infinity, 0);
    probeNodes += probe.nodes;
    if (probe.best !== null && probe.ub < bb.ub) { bb.ub = probe.ub; bb.best = probe.best; }
    if (!probe.limits.aborted) return resultFrom(p, { best: bb.best, nodes: probeNodes, limits: probe.limits }, t0); // the root settled it
    if (probe.limits.pendingLB > chosenLB) { chosenLB = probe.limits.pendingLB; chosenLambda = lambda; chosenV = Float64Array.from(probe.vStack.at(0)); }
    if (Date.now() >= bb.limits.deadline) break;
  }
  // The tree prices coverage with a multiplier the subgradient re-optimises at every node, from the best probe's.
  chosen = new BranchAndBound(p, opts, t0);
  const prefix = prefixCovered(p);
  if (prefix !== null) {
    chosen.priceCoverage(prefix, chosenLambda);
    chosen.seedV = chosenV; // the best probe's root multipliers: same Lagrangian function at chosenLambda
    // the coverage price moves with the client multipliers: more steps per node pay off (measured on 49+200
    // sites maxMs 120 p90: 25 steps 36,325 nodes / 11.8 s CPU to the proof, 40: 25,445 / 9.6 s, 60: 17,257 / 8.5 s, 90: 19,239 / 12.7 s)
    chosen.nodeIters = 60;
    // strong branching at every depth: the probes cost ~24 × 30 Lagrangian steps a node but cut the tree
    // (49+200 sites p90: 15,193 nodes / 6.8 s CPU without, 299 / 1.3 s with 12 candidates × 30 steps; 8 × 10:
    // 1,633 / 3.4 s; 12 × 45: 377 / 3.3 s; closed child first: 901 → 435 nodes at 8 × 30). Not in the
    // frontier's exact-count trees: small already, where the probes only cost (49+50 sites p90, whole
    // answer 1.25 s without, 4.2 s with them at every depth, 1.4-1.7 s down to depth 2-6)
    chosen.strongDepth = p.kmin === p.kmax ? 0 : Infinity;
    chosen.strongCands = 12;
    chosen.strongIters = 30;
    chosen.closedFirst = true;
    chosen.limits.pollEvery(1);
  }
  if (bb.best !== null) chosen.tryIncumbent(bb.best);
  chosen.polishBudget = polish;
  chosen.node(-Infinity, 0);
  // the best probe's root bound holds too (below the incumbent, which resultFrom caps it with): a tree
  // stopped before its root still reports it
  if (chosen.limits.aborted) chosen.limits.pendingLB = Math.max(chosen.limits.pendingLB, chosenLB);
  return resultFrom(p, { best: chosen.best, nodes: chosen.nodes + probeNodes, limits: chosen.limits }, t0);
}

/** Clients whose covering set is the start of their service order: for them, "covered" is "served from A_j". */
function prefixCovered(p: Prepared): Uint8Array | null {
  const cov = p.covMask;
  if (cov === null || !p.prefsMode || !(p.covNeed > 0)) return null;
  const { n, m, ordStart, ordFac } = p;
  const out = new Uint8Array(m);
  let any = false;
  for (let j = 0; j < m; j++) {
    if (!((p.covW[j] as number) > 0)) continue;
    let size = 0;
    for (let i = 0; i < n; i++) size += cov[j * n + i] as number;
    let t = 0;
    const a = ordStart[j] as number;
    const e = ordStart[j + 1] as number;
    while (a + t < e && cov[j * n + (ordFac[a + t] as number)] === 1) t++;
    if (t === size) { out[j] = 1; any = true; }
  }
  return any ? out : null;
}

/** Multipliers worth probing for the coverage constraint (per unit of weight), or none. */
function coverageLambdas(p: Prepared): number[] {
  const pre = prefixCovered(p);
  if (pre === null) return [];
  let maxRate = 0;
  for (let j = 0; j < p.m; j++) {
    if (pre[j] !== 1) continue;
    const w = p.covW[j] as number;
    for (let q = p.ordStart[j] as number; q < (p.ordStart[j + 1] as number); q++) {
      const x = (p.c[(p.ordFac[q] as number) * p.m + j] as number) / w;
      if (x > maxRate) maxRate = x;
    }
  }
  if (!(maxRate > 0)) return [];
  return [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1, 2, 4].map((k) => k * maxRate);
}

/**
 * The coverage constraint priced into the costs (Lagrangian multiplier `lambda` ≥ 0 per unit of weight):
 * serving a prefix-covered client j outside A_j (= leaving it uncovered) costs lambda × w_j more, and
 * lambda × (W − need) comes off every bound. For a feasible open set the penalties total at most
 * lambda × (uncovered weight) ≤ lambda × (W − need), so every bound stays valid.
 */
function coveragePenalized(inst: UflInstance, p: Prepared, lambda: number): { pb: Prepared; offset: number } | null {
  const pre = prefixCovered(p);
  const cov = p.covMask;
  if (pre === null || cov === null) return null;
  const { n, m } = p;
  const cost = Float64Array.from(p.c);
  let W = 0;
  for (let j = 0; j < m; j++) {
    W += p.covW[j] as number;
    if (pre[j] !== 1) continue;
    const pen = lambda * (p.covW[j] as number);
    for (let i = 0; i < n; i++) if (cov[j * n + i] !== 1 && cost[i * m + j] !== Infinity) cost[i * m + j] = (cost[i * m + j] as number) + pen;
  }
  const prep = prepare({ ...inst, cost });
  if (!prep.ok) return null;
  return { pb: prep.p, offset: lambda * Math.max(0, W - p.covNeed) };
}

/**
 * The set question behind a count's side constraints: `inst`'s facilities, clients and fixings, exactly
 * k open, every cost 0, and only the side constraints given. Feasible iff some k-set meets them.
 */
export function countProbe(inst: UflInstance, k: number, side: Pick<UflInstance, 'coverage' | 'redundancy'>): UflInstance {
  return {
    nFacilities: inst.nFacilities,
    nClients: inst.nClients,
    openCost: new Float64Array(inst.nFacilities),
    cost: new Float64Array(inst.nFacilities * inst.nClients),
    ...(inst.fixedOpen !== undefined ? { fixedOpen: inst.fixedOpen } : {}),
    ...(inst.fixedClosed !== undefined ? { fixedClosed: inst.fixedClosed } : {}),
    minOpen: k,
    maxOpen: k,
    ...side,
  };
}

/**
 * Why exactly k open facilities cannot meet the redundancy constraint with the fixings (a pure set
 * question: every cost 0), or null when they can (or there is no such constraint, or it was not decided in time).
 */
function redundancyBlocks(inst: UflInstance, k: number, opts: UflOptions): string | null {
  const rd = inst.redundancy;
  if (rd === undefined || rd.min === 0) return null;
  const closed = new Set(inst.fixedClosed ?? []);
  const open = new Set(inst.fixedOpen ?? []);
  if ([...open].some((i) => closed.has(i)) || k < open.size || k > inst.nFacilities - closed.size) return null; // the fixings alone rule k out
  const r = solveUfl(countProbe(inst, k, { redundancy: rd }), { nodeLimit: 100_000, ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}) });
  if (r.status !== 'infeasible') return null;
  return `redundancy (resilience): no ${k} open facilities give every client ${rd.min} open ones in its set`;
}

/** The open sets of exactly k facilities next to `base`: itself (k open), each one added (k - 1 open) or each one dropped (k + 1 open); none otherwise. */
function plansOfCount(base: readonly number[], k: number, n: number): number[][] {
  if (base.length === k) return [[...base]];
  if (base.length === k - 1) return Array.from({ length: n }, (_, i) => i).filter((i) => !base.includes(i)).map((i) => [...base, i]);
  if (base.length === k + 1) return base.map((i) => base.filter((x) => x !== i));
  return [];
}

/** `open` cut down to k facilities, each step dropping the one (not fixed open) whose removal costs least. */
function dropTo(p: Prepared, open: readonly number[], k: number, fixedOpen: ReadonlySet<number>): number[] {
  const mask = new Uint8Array(p.n);
  for (const i of open) mask[i] = 1;
  let cur = [...open];
  while (cur.length > k) {
    let bi = -1;
    let bv = Infinity;
    for (const i of cur) {
      if (fixedOpen.has(i)) continue;
      mask[i] = 0;
      const val = evaluateMask(p, mask);
      mask[i] = 1;
      if (bi < 0 || val < bv) { bi = i; bv = val; }
    }
    if (bi < 0) break;
    mask[bi] = 0;
    cur = cur.filter((i) => i !== bi);
  }
  return cur;
}

/**
 * Best solution for every exact number of open facilities k (counting fixedOpen ones), from the
 * smallest feasible k up to kMax (clipped to the instance's maxOpen and n). Counts with no feasible
 * solution are skipped, except those the redundancy constraint alone rules out (returned 'infeasible' with
 * a reason naming it); counts stopped by a limit are returned with status 'gap'. The counts share
 * `opts.deadline`: each may use an equal part of the time left for the counts still to solve. `known`: a
 * result of the same instance (any count): when optimal, its count is not solved again; its open set (proved
 * or not) is where the counts start, each one warm-started from its neighbour's plan (one added or dropped).
 * Returned in ascending count order.
 */
export function solveForEachCount(inst: UflInstance, kMax: number, opts: UflOptions = {}, known?: UflResult): UflCountResult[] {
  const n = inst.nFacilities;
  const fixedOpen = new Set(inst.fixedOpen ?? []);
  const lo = Math.max(1, inst.minOpen ?? 1, fixedOpen.size);
  const hi = Math.min(n, Math.floor(kMax), inst.maxOpen ?? n);
  const out: UflCountResult[] = [];
  // Prepare and reduce once: only the cardinality bounds change from one count to the next.
  const orig = prepare(inst);
  const red = inst.prefs !== undefined && orig.ok ? reduceInstance(inst) : null;
  const base = red !== null ? red.instance : inst;
  const basePrep = orig.ok ? (red !== null ? prepare(base) : orig) : null;
  const carry: { v: Float64Array | null } = { v: null };
  const solveCount = (k: number, o: UflOptions, construct: boolean): UflResult => {
    const t0 = Date.now();
    const ik = { ...base, minOpen: k, maxOpen: k };
    const bp = basePrep !== null && basePrep.ok ? basePrep.p : null;
    // the checks prepare() makes on the cardinality bounds (fixedOpen ≤ k is the loop's lower end)
    const pk = bp !== null && bp.n - bp.fixedClosed.length >= k ? { ...bp, kmin: k, kmax: k } : undefined;
    const r = solveReduced(ik, o, construct, t0, pk, carry);
    return red !== null && orig.ok ? liftReduced({ ...inst, minOpen: k, maxOpen: k }, { ...orig.p, kmin: k, kmax: k }, r) : r;
  };
  const reuse = known !== undefined && known.status === 'optimal' ? known : undefined;
  // Counts from lo to hi, each warm-started from its neighbours' plans (one added / dropped), the known
  // optimum's included. A known plan that is NOT proved (the instance is hard: the counts will be stopped by
  // their share of the deadline) is where the counts start instead: from its count (cut down greedily to hi
  // when above) down to lo, then up to hi, so that every count starts next to a plan. (The lo-to-hi order
  // is kept otherwise: measured ~10 % cheaper on the 40-workload frontier, whose optimum is above hi.)
  const unproved = known !== undefined && known.status !== 'optimal' && known.open.length > 0;
  const knownOpen = unproved && known.open.length > hi && orig.ok ? dropTo(orig.p, known.open, hi, fixedOpen) : known?.open;
  const a = knownOpen !== undefined && knownOpen.length >= lo && knownOpen.length <= hi ? knownOpen.length : -1;
  const order: number[] = [];
  if (a >= 0 && unproved) {
    for (let k = a; k >= lo; k--) order.push(k);
    for (let k = a + 1; k <= hi; k++) order.push(k);
  } else for (let k = lo; k <= hi; k++) order.push(k);
  const plans = new Map<number, number[]>();
  order.forEach((k, idx) => {
    if (reuse !== undefined && reuse.open.length === k) {
      out.push({ count: k, result: { ...reuse, nodes: 0, ms: 0 } });
      plans.set(k, reuse.open);
      return;
    }
    const warm: number[][] = [...(opts.warmStarts ?? []).map((w) => [...w])];
    const bases = [plans.get(k - 1), plans.get(k + 1)];
    if (Math.abs(a - k) <= 1 && !bases.includes(knownOpen)) bases.push(knownOpen);
    for (const base of bases) if (base !== undefined) warm.push(...plansOfCount(base, k, n));
    // k = the fixed-open count: the fixed set is the only candidate, no construction needed (it costs
    // more than the count's proof: greedy + a full local search over moves that all break the cardinality)
    if (warm.length === 0 && fixedOpen.size === k) warm.push([...fixedOpen]);
    // a fair share of the time left for each count still to solve (unused time passes on): a count that
    // cannot be proved in time does not leave the counts after it without a plan
    const now = Date.now();
    const share = opts.deadline !== undefined && Number.isFinite(opts.deadline) ? Math.min(opts.deadline, now + Math.max(0, opts.deadline - now) / (order.length - idx)) : undefined;
    const r = solveCount(k, { ...opts, warmStarts: warm, ...(share !== undefined ? { deadline: share } : {}) }, warm.length === 0);
    if (r.status !== 'infeasible') {
      out.push({ count: k, result: r });
      if (r.open.length === k) plans.set(k, r.open);
    } else {
      const why = redundancyBlocks(inst, k, opts);
      if (why !== null) out.push({ count: k, result: { ...r, reason: why } });
    }
  });
  // Counts stopped by their share get the time the others left, from their best plan (and their neighbours').
  const stopped = out.filter((x) => x.result.status === 'gap');
  stopped.forEach((x, idx) => {
    const now = Date.now();
    if (opts.deadline === undefined || !Number.isFinite(opts.deadline) || now >= opts.deadline - 1) return;
    const k = x.count;
    const warm: number[][] = [];
    for (const b of [plans.get(k), plans.get(k - 1), plans.get(k + 1)]) if (b !== undefined) warm.push(...plansOfCount(b, k, n));
    const share = now + (opts.deadline - now) / (stopped.length - idx);
    const r = solveCount(k, { ...opts, warmStarts: warm, deadline: share }, warm.length === 0);
    const nodes = r.nodes + x.result.nodes;
    const ms = r.ms + x.result.ms;
    if (r.status === 'optimal') x.result = { ...r, nodes, ms };
    else {
      // both searches' bounds hold for this count: keep the better plan and the higher bound
      const plan = r.open.length > 0 && (x.result.open.length === 0 || r.objective < x.result.objective) ? r : x.result;
      const lowerBound = Math.min(Math.max(r.lowerBound, x.result.lowerBound), plan.objective);
      const gap = plan.objective === Infinity ? Infinity : (plan.objective - lowerBound) / Math.max(1, Math.abs(plan.objective));
      x.result = { ...plan, lowerBound, gap, nodes, ms };
    }
    if (x.result.open.length === k) plans.set(k, x.result.open);
  });
  out.sort((x, y) => x.count - y.count);
  return out;
}
