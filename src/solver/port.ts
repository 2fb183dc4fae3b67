/**
 * The in-process Solver (port: src/app/ports/solver.ts) and the errors every
 * solver throws. Production uses the worker-thread pool (pool.ts), so the
 * exact solver never runs on the event loop; tests (or
 * SOLVER_IN_PROCESS_FALLBACK) may use the in-process one.
 */
import { AppError, retryAfterHeader } from '../model/errors';
import { toJsonText } from '../model/json-text';
import { recommend } from '../model/recommend';
import type { Solver } from '../app/ports/solver';

/** 503 + Retry-After: the solver queue is full, or a request waited in it longer than allowed. */
export class SolverBusyError extends AppError {
  readonly status = 503;
  readonly code = 'SolverBusy';
  readonly title = 'The solver is busy';
  /** The caller may retry later (a queue trigger lets the queue retry). */
  readonly transient = true;
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    private readonly more: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  override get extensions(): Record<string, unknown> {
    return { retryAfterSeconds: this.retryAfterSeconds, ...this.more };
  }
  override get headers(): Record<string, string> {
    return retryAfterHeader(this.retryAfterSeconds);
  }
}

/** A worker thread died while solving this request (it is replaced for the next one). */
export class SolverCrashedError extends AppError {
  readonly status = 500;
  readonly code = 'SolverCrashed';
  readonly title = 'The solver stopped unexpectedly';
  readonly transient = true;
}

/** Runs the solver on the calling thread: for tests, and as the documented fallback when no compiled worker exists. */
export function inProcessSolver(): Solver {
  let completed = 0;
  let tickets = 0;
  return {
    reserve: () => ({ id: ++tickets }),
    release: () => {},
    recommend: async (input, ctx) => {
      const r = recommend(input, ctx);
      completed++;
      return r;
    },
    recommendJson: async (input, ctx) => {
      const r = recommend(input, ctx);
      completed++;
      return toJsonText(r);
    },
    stats: () => ({ kind: 'in-process', size: 0, workers: 0, busy: 0, queued: 0, reserved: 0, maxQueue: 0, spawned: 0, crashed: 0, completed, rejectedQueueFull: 0, rejectedQueueTimeout: 0 }),
    close: async () => {},
  };
}
