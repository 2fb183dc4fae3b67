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
import { Semaphore } from './semaphore';
import { whenSolverFree } from './solver-wait';

/** Drift solves in flight for a solver: its workers plus one queued per worker (bounded by its queue), at least 1. */
export function driftSolveSlots(solver: Solver): number {
  const s = solver.stats();
  return Math.max(1, s.size + Math.min(s.size, s.maxQueue));
}

const gates = new WeakMap<Solver, Semaphore>();

/** The gate of a solver (one per solver object, shared by every check in this process). */
export function gateOf(solver: Solver): Semaphore {
  let g = gates.get(solver);
  if (!g) gates.set(solver, (g = new Semaphore(driftSolveSlots(solver))));
  return g;
}

/** recommend() for a drift check: through the solver's gate, then waiting out busy refusals by others. */
export function driftSolve(solver: Solver, input: RecommendInput, ctx: RecommendContext): Promise<Recommendation> {
  return gateOf(solver).run(() => whenSolverFree(() => solver.recommend(input, ctx)));
}
