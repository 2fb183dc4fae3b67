/**
 * Machinery shared by the two branch-and-bound engines (solve.ts for the general case, sparse.ts for
 * classic sparse UFL): facility states, the undo trail, the node/time limits, the incumbent target, the
 * per-depth multiplier stack, the Polyak subgradient step and the add/drop/swap local search. Pure.
 *
 * Bounds, dual ascent and branching are NOT shared: the general engine works on windows with preference
 * orders and cardinality bounds, the sparse one on a reduced graph with warm-started, repaired duals.
 */

export const FREE = 0;
export const OPEN = 1;
export const CLOSED = 2;

/**
 * Objective a solution must stay below to improve the incumbent `ub`: ub - 1 for integral data
 * (objective values are integers), else ub minus a 1e-10 relative tolerance; Infinity without incumbent.
 */
export function improvingTarget(ub: number, integral: boolean): number {
  if (ub === Infinity) return Infinity;
  return integral ? ub - 1 + 1e-6 : ub - 1e-10 * Math.max(1, Math.abs(ub));
}

/**
 * Undo trail over facility states and (general engine only) eliminated assignments:
 * code -(i+1) = facility i was fixed (undo: FREE again), code k >= 0 = assignment k eliminated.
 */
export class Trail {
  readonly status: Int8Array;
  readonly elim: Uint8Array;
  private buf: Int32Array;
  len = 0;

  constructor(status: Int8Array, elim: Uint8Array, capacity: number) {
    this.status = status;
    this.elim = elim;
    this.buf = new Int32Array(capacity);
  }

  private push(code: number): void {
    if (this.len === this.buf.length) {
      const t = new Int32Array(this.buf.length * 2);
      t.set(this.buf);
      this.buf = t;
    }
    this.buf[this.len++] = code;
  }

  setStatus(i: number, st: number): void {
    this.status[i] = st;
    this.push(-(i + 1));
  }

  eliminate(k: number): void {
    this.elim[k] = 1;
    this.push(k);
  }

  /** Reverts every change made since `mark` (a previous `len`). */
  undo(mark: number): void {
    const { buf, status, elim } = this;
    while (this.len > mark) {
      const code = buf[--this.len] as number;
      if (code < 0) status[-code - 1] = FREE;
      else elim[code] = 0;
    }
  }
}

/** Node limit and deadline of one search, and the bound of what a stop left unexplored. */
export class SearchLimits {
  aborted = false;
  reason = '';
  /** Minimum lower bound of the subtrees left unexplored (Infinity while none was). */
  pendingLB = Infinity;
  readonly deadline: number;
  readonly nodeLimit: number;
  private pollMask: number;

  /** `pollEvery` (a power of two): the clock is read once per that many nodes. */
  constructor(deadline: number, nodeLimit: number, pollEvery: number) {
    this.deadline = deadline;
    this.nodeLimit = nodeLimit;
    this.pollMask = pollEvery - 1;
  }

  /** Reads the clock once per `k` (a power of two) nodes from now on (costly nodes: read it at every one). */
  pollEvery(k: number): void {
    this.pollMask = k - 1;
  }

  /** True once a limit is hit (and from then on); the subtree of bound `lb` is then recorded as unexplored. */
  stop(nodes: number, lb: number): boolean {
    if (!this.aborted) {
      if (nodes >= this.nodeLimit) {
        this.aborted = true;
        this.reason = `node limit ${this.nodeLimit} reached`;
      } else if ((nodes & this.pollMask) === 0 && Date.now() >= this.deadline) {
        this.aborted = true;
        this.reason = 'time limit reached';
      }
    }
    if (this.aborted) this.unexplored(lb);
    return this.aborted;
  }

  /** Records a subtree of bound `lb` that the search stopped before exploring. */
  unexplored(lb: number): void {
    this.pendingLB = Math.min(this.pendingLB, lb);
  }
}

/** One multiplier vector per tree depth (the parent's duals warm-start its children). */
export class VectorStack {
  private readonly rows: Float64Array[] = [];
  private readonly m: number;

  constructor(m: number) {
    this.m = m;
  }

  at(depth: number): Float64Array {
    let a = this.rows[depth];
    if (a === undefined) { a = new Float64Array(this.m); this.rows[depth] = a; }
    return a;
  }
}

/** Polyak step v += theta (goal - L) / |g|^2 * g. False (v unchanged) when the subgradient g is 0. */
export function polyakStep(v: Float64Array, g: Float64Array, theta: number, goal: number, L: number): boolean {
  const m = v.length;
  let norm = 0;
  for (let j = 0; j < m; j++) norm += (g[j] as number) * (g[j] as number);
  if (norm === 0) return false;
  const step = (theta * (goal - L)) / norm;
  for (let j = 0; j < m; j++) v[j] = (v[j] as number) + step * (g[j] as number);
  return true;
}

/** What the local search needs from an engine. */
export interface MoveSearch {
  n: number;
  /** Objective of an open set (Infinity when infeasible). */
  evaluate: (mask: Uint8Array) => number;
  /** Whether objective x improves on `cur` (each engine keeps its own tolerance). */
  improves: (x: number, cur: number) => boolean;
  /** Facilities that never move (fixed open/closed), or null. */
  locked: Uint8Array | null;
  /** Most evaluations to spend (Infinity: no budget). */
  budget: number;
  /** Absolute deadline (epoch ms): the search stops once it has passed (checked every 16 evaluations). */
  deadline?: number;
  /** Tried when no flip or swap improves: changes `cur` and returns its objective, or returns `val`. */
  extraMove?: (cur: Uint8Array, val: number) => number;
}

/**
 * First-improvement local search on `cur` (changed in place): add/drop flips while any improves, then one
 * improving swap (close one, open another), then the engine's extra move; repeats until nothing improves
 * or the budget is spent. Returns the objective of `cur`.
 */
export function addDropSwap(cur: Uint8Array, s: MoveSearch): number {
  const { n, locked } = s;
  let budget = s.budget;
  const deadline = s.deadline ?? Infinity;
  let val = s.evaluate(cur);
  let evals = 0;
  const evaluate = (mask: Uint8Array): number => {
    if ((evals & 15) === 15 && Date.now() >= deadline) budget = 0;
    return s.evaluate(mask);
  };
  let improved = true;
  while (improved && evals < budget) {
    improved = false;
    for (let i = 0; i < n && evals < budget; i++) {
      if (locked !== null && locked[i] === 1) continue;
      cur[i] = cur[i] === 1 ? 0 : 1;
      const x = evaluate(cur);
      evals++;
      if (s.improves(x, val)) { val = x; improved = true; } else cur[i] = cur[i] === 1 ? 0 : 1;
    }
    if (improved) continue;
    for (let i = 0; i < n && !improved && evals < budget; i++) {
      if (cur[i] !== 1 || (locked !== null && locked[i] === 1)) continue;
      cur[i] = 0;
      for (let k = 0; k < n && evals < budget; k++) {
        if (cur[k] === 1 || k === i || (locked !== null && locked[k] === 1)) continue;
        cur[k] = 1;
        const x = evaluate(cur);
        evals++;
        if (s.improves(x, val)) { val = x; improved = true; break; }
        cur[k] = 0;
      }
      if (!improved) cur[i] = 1;
    }
    if (!improved && s.extraMove !== undefined && evals < budget) {
      const x = s.extraMove(cur, val);
      if (s.improves(x, val)) { val = x; improved = true; }
    }
  }
  return val;
}
