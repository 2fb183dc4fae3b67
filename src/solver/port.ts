/**
 * The solver port: how request paths run the optimizer. Production uses the
 * worker-thread pool (pool.ts), so the exact solver never runs on the event
 * loop; tests (or SOLVER_IN_PROCESS_FALLBACK) may use the in-process one.
 */
import { HttpError } from '../http/problem';
import { recommend, type RecommendContext, type RecommendInput, type Recommendation } from '../model/recommend';

export interface SolverStats {
  kind: 'pool' | 'in-process';
  /** Pool size (worker threads). */
  size: number;
  workers: number;
  busy: number;
  queued: number;
  maxQueue: number;
  spawned: number;
  crashed: number;
  completed: number;
  rejectedQueueFull: number;
  rejectedQueueTimeout: number;
}

export interface Solver {
  /** recommend(input, ctx) of src/model/recommend.ts; `ctx.warnings` receives the warnings, as in-process. */
  recommend(input: RecommendInput, ctx: RecommendContext): Promise<Recommendation>;
  stats(): SolverStats;
  /** Stops the workers; pending and later calls are refused. */
  close(): Promise<void>;
}

/** 503 + Retry-After: the solver queue is full, or a request waited in it longer than allowed. */
export class SolverBusyError extends HttpError {
  /** The caller may retry later (a queue trigger lets the queue retry). */
  readonly transient = true;
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    extensions: Record<string, unknown> = {},
  ) {
    super(503, 'SolverBusy', 'The solver is busy', detail, { retryAfterSeconds, ...extensions }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** A worker thread died while solving this request (it is replaced for the next one). */
export class SolverCrashedError extends HttpError {
  readonly transient = true;
  constructor(detail: string) {
    super(500, 'SolverCrashed', 'The solver stopped unexpectedly', detail);
  }
}

/** Runs the solver on the calling thread: for tests, and as the documented fallback when no compiled worker exists. */
export function inProcessSolver(): Solver {
  let completed = 0;
  return {
    recommend: async (input, ctx) => {
      const r = recommend(input, ctx);
      completed++;
      return r;
    },
    stats: () => ({ kind: 'in-process', size: 0, workers: 0, busy: 0, queued: 0, maxQueue: 0, spawned: 0, crashed: 0, completed, rejectedQueueFull: 0, rejectedQueueTimeout: 0 }),
    close: async () => {},
  };
}
