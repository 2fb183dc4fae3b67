/**
 * The solver port: how use cases run the optimizer. Adapters (src/solver):
 * the worker-thread pool (pool.ts), so the exact solver never runs on the
 * event loop, and the in-process one (tests, SOLVER_IN_PROCESS_FALLBACK).
 */
import type { JsonText } from '../../model/json-text';
import type { RecommendContext, RecommendInput, Recommendation } from '../../model/recommend';

/** A recommendation serialised as JSON where it was solved: what the HTTP answer sends as it is. */
export type RecommendationJson = JsonText<Recommendation>;

export interface SolverStats {
  kind: 'pool' | 'in-process';
  /** Pool size (worker threads). */
  size: number;
  workers: number;
  busy: number;
  queued: number;
  /** Places reserved by callers still preparing their input. */
  reserved: number;
  maxQueue: number;
  spawned: number;
  crashed: number;
  completed: number;
  rejectedQueueFull: number;
  rejectedQueueTimeout: number;
}

/** A place in the solver (running or queued) held while the caller prepares its input: see Solver.reserve. */
export interface SolverTicket {
  readonly id: number;
}

export interface Solver {
  /**
   * recommend(input, ctx) of src/model/recommend.ts; `ctx.warnings` receives the warnings, as in-process.
   * With a ticket from reserve(), the reserved place is used (no second admission check).
   */
  recommend(input: RecommendInput, ctx: RecommendContext, ticket?: SolverTicket): Promise<Recommendation>;
  /**
   * The same answer as recommend(), serialised as JSON text by the solver
   * (in its worker thread, for the pool): for a caller that only sends it on,
   * so the deep object is neither cloned across threads nor re-serialised.
   * `ctx.warnings` receives the warnings, as with recommend().
   */
  recommendJson(input: RecommendInput, ctx: RecommendContext, ticket?: SolverTicket): Promise<RecommendationJson>;
  /**
   * Reserves a place before the caller parses and validates its request, so a
   * saturated solver answers 503 at once, without that work: throws
   * the busy error (code `SolverBusy`, see isSolverBusy) when running + queued +
   * reserved places reach workers + queue bound. Give the ticket to recommend(),
   * and release() it in any case (a no-op once used).
   */
  reserve(): SolverTicket;
  release(ticket: SolverTicket): void;
  stats(): SolverStats;
  /** Stops the workers; pending and later calls are refused. */
  close(): Promise<void>;
}

/** What a solver throws when it is saturated (SolverBusyError of src/solver): retry after `retryAfterSeconds`. */
export interface SolverBusy extends Error {
  readonly code: 'SolverBusy';
  readonly transient: true;
  readonly retryAfterSeconds: number;
}

export function isSolverBusy(e: unknown): e is SolverBusy {
  if (!(e instanceof Error)) return false;
  const b = e as Partial<SolverBusy>;
  return b.code === 'SolverBusy' && typeof b.retryAfterSeconds === 'number';
}
