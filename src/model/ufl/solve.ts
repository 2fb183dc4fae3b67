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
 *   any free facility.
 * - Sparse classic instances (no prefs/coverage/maxOpen, at most 15% of the assignments left after dropping
 *   dominated ones) go to the sparse branch and bound of sparse.ts after the greedy + local search start.
 * - Limits: on a node or time limit the best solution is returned with status 'gap', the lower bound being
 *   the minimum bound of the unexplored subtrees.
 */
import { evaluateMask, prepare, type Prepared } from './prepare.js';
import { SparseBB, sparseEligible } from './sparse.js';
import type { UflCountResult, UflInstance, UflOptions, UflResult } from './types.js';

const FREE = 0;
const OPEN = 1;
const CLOSED = 2;

class BranchAndBound {
  readonly p: Prepared;
  readonly n: number;
  readonly m: number;
  readonly status: Int8Array;
  readonly elim: Uint8Array;
  trail: Int32Array;
  trailLen = 0;
  // scratch, overwritten by every node
  readonly cut: Int32Array;
  readonly nStart: Int32Array;
  readonly nFac: Int32Array;
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
  readonly ordBuf: Int32Array;
  readonly vStack: Float64Array[] = [];
  cDrop = 0;
  outBase = Infinity;
  /** Subgradient iterations at the root and at other nodes, and the initial step factor at nodes. */
  rootIters = 300;
  nodeIters = 25;
  nodeTheta = 0.5;
  /** Explore the closed child first (measured: open-first is better on Chess/FPP, so off). */
  closedFirst = false;
  fairPasses = 8;
  // incumbent
  ub = Infinity;
  best: Uint8Array | null = null;
  nodes = 0;
  aborted = false;
  abortReason = '';
  pendingLB = Infinity;
  readonly t0: number;
  readonly deadline: number;
  readonly nodeLimit: number;

  constructor(p: Prepared, opts: UflOptions, t0: number) {
    this.p = p;
    this.n = p.n;
    this.m = p.m;
    this.status = new Int8Array(p.n);
    for (const i of p.fixedOpen) this.status[i] = OPEN;
    for (const i of p.fixedClosed) this.status[i] = CLOSED;
    this.elim = new Uint8Array(p.n * p.m);
    this.trail = new Int32Array(1024);
    this.cut = new Int32Array(p.m);
    this.nStart = new Int32Array(p.m + 1);
    this.nFac = new Int32Array(p.candFac.length);
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
    this.ordBuf = new Int32Array(p.n);
    this.t0 = t0;
    this.deadline = opts.timeLimitMs === undefined ? Infinity : t0 + opts.timeLimitMs;
    this.nodeLimit = opts.nodeLimit ?? Infinity;
  }

  /** Objective threshold a solution must reach to improve the incumbent. */
  target(): number {
    if (this.ub === Infinity) return Infinity;
    return this.p.integral ? this.ub - 1 + 1e-6 : this.ub - 1e-10 * Math.max(1, Math.abs(this.ub));
  }

  push(code: number): void {
    if (this.trailLen === this.trail.length) {
      const t = new Int32Array(this.trail.length * 2);
      t.set(this.trail);
      this.trail = t;
    }
    this.trail[this.trailLen++] = code;
  }

  setStatus(i: number, st: number): void {
    this.status[i] = st;
    this.push(-(i + 1));
  }

  eliminate(j: number, i: number): void {
    const k = j * this.n + i;
    this.elim[k] = 1;
    this.push(k);
  }

  undo(mark: number): void {
    while (this.trailLen > mark) {
      const code = this.trail[--this.trailLen] as number;
      if (code < 0) this.status[-code - 1] = FREE;
      else this.elim[code] = 0;
    }
  }

  tryIncumbent(mask: Uint8Array): boolean {
    const val = evaluateMask(this.p, mask);
    if (val < this.ub) {
      this.ub = val;
      this.best = Uint8Array.from(mask);
      return true;
    }
    return false;
  }

  /** Windows (compact candidate lists sorted by cost). Returns false if some client has no candidate. */
  buildWindows(): boolean {
    const { n, m, p, status, cut, nStart, nFac, elim } = this;
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
        nFac[q++] = i;
      }
      if (q === nStart[j]) return false;
    }
    nStart[m] = q;
    return true;
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

  checkLimits(): boolean {
    if (this.aborted) return true;
    if (this.nodes >= this.nodeLimit) {
      this.aborted = true;
      this.abortReason = `node limit ${this.nodeLimit} reached`;
    } else if ((this.nodes & 31) === 0 && Date.now() >= this.deadline) {
      this.aborted = true;
      this.abortReason = `time limit reached`;
    }
    return this.aborted;
  }

  /**
   * Lagrangian bound L(w) of the windowed relaxation for ANY multipliers w (valid whatever w is):
   * L = sum_j w_j + sum_{i open} rc_i + min { sum_{i in C} rc_i : C free, |C| within the cardinality room },
   * rc_i = f_i + sum_{j: i in W_j} min(0, c_ij - w_j). Fills rc, inC, cDrop, minExcl; the subgradient in g if asked.
   */
  lagrangian(w: Float64Array, wantGrad: boolean): number {
    const { n, m, p, status, nStart, nFac, rc, inC, g } = this;
    const c = p.c;
    let nOpen = 0;
    for (let i = 0; i < n; i++) {
      rc[i] = p.f[i] as number;
      inC[i] = 0;
      if (status[i] === OPEN) nOpen++;
    }
    let L = 0;
    for (let j = 0; j < m; j++) {
      const wj = w[j] as number;
      L += wj;
      const e = nStart[j + 1] as number;
      for (let q = nStart[j] as number; q < e; q++) {
        const i = nFac[q] as number;
        const d = (c[i * m + j] as number) - wj;
        if (d >= 0) break; // windows are sorted by cost
        rc[i] = (rc[i] as number) + d;
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
      const ord = this.ordBuf;
      let cnt = 0;
      for (let i = 0; i < n; i++) if (status[i] === FREE) ord[cnt++] = i;
      const sub = ord.subarray(0, cnt).sort((a, b) => (rc[a] as number) - (rc[b] as number));
      const take = Math.min(cnt, Math.max(need, Math.min(nNeg, room)));
      for (let t = 0; t < take; t++) { const i = sub[t] as number; inC[i] = 1; L += rc[i] as number; nC++; }
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
      for (let j = 0; j < m; j++) {
        const wj = w[j] as number;
        let cover = 0;
        const e = nStart[j + 1] as number;
        for (let q = nStart[j] as number; q < e; q++) {
          const i = nFac[q] as number;
          if ((c[i * m + j] as number) >= wj) break;
          if (status[i] === OPEN || inC[i] === 1) cover++;
        }
        g[j] = 1 - cover;
      }
    }
    return L;
  }

  /** Subgradient ascent on L from this.v; leaves the best multipliers in this.v and returns the best L. */
  subgradient(startL: number, iters: number, theta0: number): number {
    const { m, v, g, bestV } = this;
    bestV.set(v);
    let bestL = startL;
    let theta = theta0;
    let stall = 0;
    const T = this.target();
    for (let it = 0; it < iters; it++) {
      const L = this.lagrangian(v, true);
      if (L > bestL + 1e-12 * Math.abs(bestL)) { bestL = L; bestV.set(v); stall = 0; } else if (++stall >= 5) { theta /= 2; stall = 0; }
      if (bestL > T || theta < 1e-4) break;
      let norm = 0;
      for (let j = 0; j < m; j++) norm += (g[j] as number) * (g[j] as number);
      if (norm === 0) break;
      const goal = T < Infinity ? T + 1e-6 * Math.max(1, Math.abs(T)) : 1.05 * Math.abs(L) + 1;
      const step = (theta * (goal - L)) / norm;
      for (let j = 0; j < m; j++) v[j] = (v[j] as number) + step * (g[j] as number);
    }
    v.set(bestV);
    return bestL;
  }

  savedV(depth: number): Float64Array {
    let a = this.vStack[depth];
    if (a === undefined) { a = new Float64Array(this.m); this.vStack[depth] = a; }
    return a;
  }

  /** Explores the subtree of the current status/elim state. */
  node(parentLB: number, depth: number): void {
    if (this.checkLimits()) {
      this.pendingLB = Math.min(this.pendingLB, parentLB);
      return;
    }
    this.nodes++;
    const { n, m, p, status, s, v, rc, inC, nStart, nFac } = this;
    const c = p.c;
    const mark = this.trailLen;
    let lb = parentLB;
    let branch = -1;
    const mask = this.mask;
    for (let round = 0; ; round++) {
      // cardinality propagation
      let nOpen = 0;
      let nFree = 0;
      for (let i = 0; i < n; i++) {
        if (status[i] === OPEN) nOpen++;
        else if (status[i] === FREE) nFree++;
      }
      if (nOpen > p.kmax || nOpen + nFree < p.kmin) { this.undo(mark); return; }
      if (nFree > 0 && (nOpen === p.kmax || nOpen + nFree === p.kmin)) {
        const st = nOpen === p.kmax ? CLOSED : OPEN;
        for (let i = 0; i < n; i++) if (status[i] === FREE) this.setStatus(i, st);
        continue;
      }
      if (!this.coverageReachable()) { this.undo(mark); return; }
      if (!this.buildWindows()) { this.undo(mark); return; }
      this.dualAscent();
      // primal: open + zero-slack facilities of the dual ascent
      for (let i = 0; i < n; i++) {
        const st = status[i];
        mask[i] = st === OPEN || (st === FREE && (s[i] as number) <= 1e-9 * (1 + (p.f[i] as number))) ? 1 : 0;
      }
      this.tryIncumbent(mask);
      let lag = this.lagrangian(v, false);
      if (round > 0) {
        const pv = this.savedV(depth);
        const lp = this.lagrangian(pv, false);
        if (lp > lag) { v.set(pv); lag = lp; }
      } else if (depth > 0) {
        const pv = this.savedV(depth - 1);
        const lp = this.lagrangian(pv, false);
        if (lp > lag) { v.set(pv); lag = lp; }
      }
      if (lag <= this.target()) {
        const iters = depth === 0 ? this.rootIters : this.nodeIters;
        if (iters > 0) lag = this.subgradient(lag, iters, depth === 0 ? 1 : this.nodeTheta);
      }
      lag = this.lagrangian(v, false); // Lagrangian bound of THIS multiplier vector (fixing must use it)
      this.savedV(depth).set(v);
      lb = Math.max(lb, lag);
      for (let i = 0; i < n; i++) mask[i] = status[i] === OPEN || inC[i] === 1 ? 1 : 0;
      this.tryIncumbent(mask);
      const T = this.target();
      if (lb > T) { this.undo(mark); return; }
      const room = T - lag;
      const cDrop = this.cDrop;
      let changed = false;
      // facility fixing by reduced costs
      for (let i = 0; i < n; i++) {
        if (status[i] !== FREE) continue;
        if (inC[i] === 0) {
          if ((rc[i] as number) - cDrop > room) { this.setStatus(i, CLOSED); changed = true; }
        } else if (this.outBase - (rc[i] as number) > room) { this.setStatus(i, OPEN); changed = true; }
      }
      if (changed) continue;
      // assignment elimination (takes effect from the next bound on) and client propagation
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
          const pen = Math.max(0, (c[i * m + j] as number) - vj) + (status[i] === FREE && inC[i] === 0 ? Math.max(0, (rc[i] as number) - cDrop) : 0);
          if (pen > room) { this.eliminate(j, i); continue; }
          cnt++;
          last = i;
          if (status[i] === OPEN) covered = true;
        }
        if (cnt === 0) { this.undo(mark); return; }
        if (!covered) {
          // uncovered client (no open facility in its window)
          if (cnt === 1) {
            if (status[last] !== OPEN) { this.setStatus(last, OPEN); reopen = true; }
          } else if (cnt < bestCount) {
            bestCount = cnt;
            bestClient = j;
          }
        }
      }
      if (reopen) continue;
      // choose the branching facility (smallest reduced cost)
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
        if (evaluateMask(p, mask) === Infinity) {
          let bs = Infinity;
          for (let i = 0; i < n; i++) if (status[i] === FREE && (rc[i] as number) < bs) { bs = rc[i] as number; branch = i; }
        }
      }
      break;
    }
    if (branch >= 0) {
      const m1 = this.trailLen;
      const first = this.closedFirst ? CLOSED : OPEN;
      this.setStatus(branch, first);
      this.node(lb, depth + 1);
      this.undo(m1);
      if (this.aborted) {
        this.pendingLB = Math.min(this.pendingLB, lb);
      } else {
        this.setStatus(branch, first === OPEN ? CLOSED : OPEN);
        this.node(lb, depth + 1);
        this.undo(m1);
      }
    }
    this.undo(mark);
  }

  /** First-improvement drop/add/swap local search from `start` (mask), within an evaluation budget. */
  localSearch(start: Uint8Array, evalBudget: number): void {
    const { n, p } = this;
    const cur = Uint8Array.from(start);
    let curVal = evaluateMask(p, cur);
    let evals = 0;
    let improved = true;
    while (improved && evals < evalBudget) {
      improved = false;
      for (let i = 0; i < n && evals < evalBudget; i++) {
        cur[i] = cur[i] === 1 ? 0 : 1;
        const val = evaluateMask(p, cur);
        evals++;
        if (val < curVal - 1e-12 * Math.abs(curVal)) { curVal = val; improved = true; continue; }
        cur[i] = cur[i] === 1 ? 0 : 1;
      }
      if (improved) continue;
      for (let i = 0; i < n && !improved && evals < evalBudget; i++) {
        if (cur[i] !== 1) continue;
        for (let k = 0; k < n && evals < evalBudget; k++) {
          if (cur[k] === 1) continue;
          cur[i] = 0;
          cur[k] = 1;
          const val = evaluateMask(p, cur);
          evals++;
          if (val < curVal - 1e-12 * Math.abs(curVal)) { curVal = val; improved = true; break; }
          cur[i] = 1;
          cur[k] = 0;
        }
      }
    }
    this.tryIncumbent(cur);
  }

  /** Greedy construction: start from the fixed-open set (or nothing) and add the best facility while it helps. */
  greedy(): Uint8Array {
    const { n, p } = this;
    const cur = new Uint8Array(n);
    for (const i of p.fixedOpen) cur[i] = 1;
    let curVal = evaluateMask(p, cur);
    for (;;) {
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

function resultFrom(bb: BranchAndBound, t0: number, reason?: string): UflResult {
  const p = bb.p;
  const open: number[] = [];
  const assignment: number[] = new Array<number>(p.m).fill(-1);
  let objective = Infinity;
  if (bb.best !== null) {
    for (let i = 0; i < p.n; i++) if (bb.best[i] === 1) open.push(i);
    const a = new Int32Array(p.m);
    objective = evaluateMask(p, bb.best, a);
    for (let j = 0; j < p.m; j++) assignment[j] = a[j] as number;
  }
  const ms = Date.now() - t0;
  if (!bb.aborted) {
    if (bb.best === null) {
      return { status: 'infeasible', open, objective, lowerBound: Infinity, gap: 0, nodes: bb.nodes, ms, assignment, reason: reason ?? 'no open set satisfies all constraints together (fixedOpen/fixedClosed, minOpen/maxOpen, coverage, prefs); search exhausted' };
    }
    return { status: 'optimal', open, objective, lowerBound: objective, gap: 0, nodes: bb.nodes, ms, assignment };
  }
  const lowerBound = Math.min(bb.pendingLB, objective);
  const gap = objective === Infinity ? Infinity : (objective - lowerBound) / Math.max(1, Math.abs(objective));
  return { status: 'gap', open, objective, lowerBound, gap, nodes: bb.nodes, ms, assignment, reason: bb.abortReason };
}

/**
 * Solves a UFL instance exactly (see the module comment). Status 'optimal' only when the search
 * completed (lower bound = objective within the tolerance); 'gap' when a node/time limit stopped it;
 * 'infeasible' with a reason naming the constraint.
 */
export function solveUfl(inst: UflInstance, opts: UflOptions = {}): UflResult {
  const t0 = Date.now();
  const prep = prepare(inst);
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
  const g = bb.greedy();
  bb.localSearch(g, budget);
  if (bb.best !== null) bb.localSearch(bb.best, budget);
  if (sparseEligible(p)) {
    const sb = new SparseBB(p, bb.ub, bb.best, bb.deadline, bb.nodeLimit);
    sb.run();
    bb.ub = sb.ub;
    bb.best = sb.best;
    bb.nodes = sb.nodes;
    bb.aborted = sb.aborted;
    bb.abortReason = sb.reason;
    bb.pendingLB = sb.pendingLB;
    return resultFrom(bb, t0);
  }
  bb.node(-Infinity, 0);
  return resultFrom(bb, t0);
}

/**
 * Best solution for every exact number of open facilities k (counting fixedOpen ones), from the
 * smallest feasible k up to kMax (clipped to the instance's maxOpen and n). Counts with no feasible
 * solution are skipped; counts stopped by a limit are returned with status 'gap'.
 */
export function solveForEachCount(inst: UflInstance, kMax: number, opts: UflOptions = {}): UflCountResult[] {
  const n = inst.nFacilities;
  const lo = Math.max(1, inst.minOpen ?? 1, new Set(inst.fixedOpen ?? []).size);
  const hi = Math.min(n, Math.floor(kMax), inst.maxOpen ?? n);
  const out: UflCountResult[] = [];
  let prev: number[] | null = null;
  for (let k = lo; k <= hi; k++) {
    const warm: number[][] = [...(opts.warmStarts ?? []).map((w) => [...w])];
    if (prev !== null) {
      for (let i = 0; i < n; i++) if (!prev.includes(i)) warm.push([...prev, i]);
    }
    const r = solveUfl({ ...inst, minOpen: k, maxOpen: k }, { ...opts, warmStarts: warm });
    if (r.status !== 'infeasible') {
      out.push({ count: k, result: r });
      prev = r.open;
    }
  }
  return out;
}
