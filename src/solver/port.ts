/**
 * The solver port: how request paths run the optimizer. Production uses the
 * worker-thread pool (pool.ts), so the exact solver never runs on the event
 * loop; tests (or SOLVER_IN_PROCESS_FALLBACK) may use the in-process one.
 */
import { AppError, retryAfterHeader } from '../model/errors';
import { recommend, type RecommendContext, type RecommendInput, type Recommendation } from '../model/recommend';

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
   * Reserves a place before the caller parses and validates its request, so a
   * saturated solver answers 503 at once, without that work: throws
   * SolverBusyError when running + queued + reserved places reach workers +
   * queue bound. Give the ticket to recommend(), and release() it in any case
   * (a no-op once used).
   */
  reserve(): SolverTicket;
  release(ticket: SolverTicket): void;
  stats(): SolverStats;
  /** Stops the workers; pending and later calls are refused. */
  close(): Promise<void>;
}

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
    stats: () => ({ kind: 'in-process', size: 0, workers: 0, busy: 0, queued: 0, reserved: 0, maxQueue: 0, spawned: 0, crashed: 0, completed, rejectedQueueFull: 0, rejectedQueueTimeout: 0 }),
    close: async () => {},
  };
}

/**
 * For background work (a queue trigger), which should wait rather than be
 * refused: retries `solve` while the solver is busy, sleeping its Retry-After
 * (at most `maxDelayMs`, with jitter) between attempts, then gives up with the
 * last SolverBusyError. Other errors pass at once.
 */
export async function whenSolverFree<T>(
  solve: () => Promise<T>,
  opts: { attempts?: number; maxDelayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 10;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await solve();
    } catch (e) {
      if (!(e instanceof SolverBusyError) || attempt >= attempts) throw e;
      const ms = Math.min(opts.maxDelayMs ?? 5000, e.retryAfterSeconds * 1000);
      await sleep(ms * (0.5 + Math.random() / 2));
    }
  }
}
