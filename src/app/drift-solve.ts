/**
 * How drift checks reach the solver: a check waits for a place in memory
 * (FIFO), at most as many solves in flight per solver as it has workers plus
 * one queued per worker, instead of being refused by a full pool (503 busy)
 * and sleeping its Retry-After. The pool's own bound still holds for everyone
 * else (HTTP recommendations); a busy refusal caused by them is still waited
 * out by whenSolverFree.
 */
import type { RecommendContext, RecommendInput, Recommendation } from '../model/recommend';
import type { Solver } from './ports/solver';
import { whenSolverFree } from './solver-wait';

/** A FIFO counting semaphore. */
export class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('Gate max must be ≥ 1');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Drift solves in flight for a solver: its workers plus one queued per worker (bounded by its queue), at least 1. */
export function driftSolveSlots(solver: Solver): number {
  const s = solver.stats();
  return Math.max(1, s.size + Math.min(s.size, s.maxQueue));
}

const gates = new WeakMap<Solver, Gate>();

/** The gate of a solver (one per solver object, shared by every check in this process). */
export function gateOf(solver: Solver): Gate {
  let g = gates.get(solver);
  if (!g) gates.set(solver, (g = new Gate(driftSolveSlots(solver))));
  return g;
}

/** recommend() for a drift check: through the solver's gate, then waiting out busy refusals by others. */
export function driftSolve(solver: Solver, input: RecommendInput, ctx: RecommendContext): Promise<Recommendation> {
  return gateOf(solver).run(() => whenSolverFree(() => solver.recommend(input, ctx)));
}
