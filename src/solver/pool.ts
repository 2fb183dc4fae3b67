/**
 * The solver pool: recommend() runs in `node:worker_threads` workers, never
 * on the event loop, so the host keeps answering (e.g. /api/health) while
 * solves run. At most `size` solves run at once; at most `maxQueue` wait.
 *
 * - Queue full → SolverBusyError (503 + Retry-After) at once. A caller may
 *   reserve() its place before parsing its request, so a saturated pool
 *   refuses it before that work (the recommendations handler does).
 * - A queued request waits at most `queueTimeoutMs` (default: its own solver
 *   time limit), then gets SolverBusyError too.
 * - A solver exception comes back as the same error class (422 stays 422);
 *   the worker stays. A worker that dies fails only its own request
 *   (SolverCrashedError, 500) and is replaced: at once when requests are
 *   waiting, else at the next request.
 * - Workers are created on first use and `unref`'d while idle, so an idle
 *   pool never keeps a process (tests, the local host) alive; close()
 *   terminates them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { shippedCatalog } from '../catalog';
import type { SolverSettings } from '../settings';
import { DEFAULT_DEADLINE_MS, type RecommendContext, type RecommendInput, type Recommendation } from '../model/recommend';
import type { RecommendationJson, Solver, SolverStats, SolverTicket } from '../app/ports/solver';
import { inProcessSolver, SolverBusyError, SolverCrashedError } from './port';
import { rebuildError, toWireContext, type ResultFormat, type SolvedResponse, type SolveRequest, type SolveResponse } from './protocol';

export interface PoolOptions {
  /** Worker threads (≥ 1). */
  size: number;
  /** Requests that may wait for a worker (≥ 0). */
  maxQueue: number;
  /** Longest wait in the queue, ms; undefined → the request's deadline (`solver.timeLimitMs`). Never longer than the deadline. */
  queueTimeoutMs?: number;
  /** Deadline of a request that sets no `solver.timeLimitMs` (SOLVER_DEADLINE_MS), ms; default DEFAULT_DEADLINE_MS. */
  deadlineMs?: number;
  /** The compiled worker script (see resolveWorkerScript). */
  workerScript: string;
  log?: (line: string) => void;
}

interface Task {
  request: SolveRequest;
  ctx: RecommendContext;
  resolve: (r: SolvedResponse) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** Kept: worker.threadId reads -1 once the thread has stopped. */
  threadId: number;
  task?: Task;
  lastError?: Error;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export class WorkerPoolSolver implements Solver {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private closed = false;
  private nextId = 1;
  private nextTicket = 1;
  /** Tickets of callers that reserved a place and have not called recommend() yet. */
  private readonly reserved = new Set<number>();
  /** Moving average of solve time in a worker, ms (for Retry-After). */
  private avgSolveMs = 1000;
  private readonly counts = { spawned: 0, crashed: 0, completed: 0, rejectedQueueFull: 0, rejectedQueueTimeout: 0 };
  private readonly log: (line: string) => void;

  constructor(private readonly opts: PoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new Error(`solver pool size must be an integer ≥ 1 (got ${opts.size})`);
    if (!Number.isInteger(opts.maxQueue) || opts.maxQueue < 0) throw new Error(`solver queue bound must be an integer ≥ 0 (got ${opts.maxQueue})`);
    this.log = opts.log ?? ((line) => console.warn(line));
  }

  reserve(): SolverTicket {
    if (this.closed) throw this.shuttingDown();
    this.admit();
    const ticket = { id: this.nextTicket++ };
    this.reserved.add(ticket.id);
    return ticket;
  }

  release(ticket: SolverTicket): void {
    this.reserved.delete(ticket.id);
  }

  async recommend(input: RecommendInput, ctx: RecommendContext, ticket?: SolverTicket): Promise<Recommendation> {
    const res = await this.solve(input, ctx, ticket, 'object');
    if (res.format !== 'object') throw new Error(`solver pool: request ${res.id} asked for the object, the worker answered ${res.format}`);
    return res.result;
  }

  /** The answer as JSON text, serialised in the worker: one string crosses back instead of a deep structured clone. */
  async recommendJson(input: RecommendInput, ctx: RecommendContext, ticket?: SolverTicket): Promise<RecommendationJson> {
    const res = await this.solve(input, ctx, ticket, 'json');
    if (res.format !== 'json') throw new Error(`solver pool: request ${res.id} asked for JSON text, the worker answered ${res.format}`);
    return res.json;
  }

  private solve(input: RecommendInput, ctx: RecommendContext, ticket: SolverTicket | undefined, format: ResultFormat): Promise<SolvedResponse> {
    return new Promise<SolvedResponse>((resolve, reject) => {
      if (this.closed) {
        if (ticket) this.release(ticket);
        reject(this.shuttingDown());
        return;
      }
      // A valid ticket was admitted at reserve(); anything else is admitted now.
      if (!(ticket && this.reserved.delete(ticket.id))) {
        try {
          this.admit();
        } catch (e) {
          reject(e as Error);
          return;
        }
      }
      const deadlineMs = input.solver.timeLimitMs ?? this.opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
      // One deadline per request, running from now: the time spent queued is taken from the solver's budget.
      const withDeadline = { ...input, solver: { ...input.solver, timeLimitMs: deadlineMs, deadlineAt: Date.now() + deadlineMs } };
      const task: Task = { request: { id: this.nextId++, input: withDeadline, context: toWireContext(ctx, shippedCatalog()), format }, ctx, resolve, reject };
      const slot = this.freeSlot();
      if (slot) {
        this.run(slot, task);
        return;
      }
      const waitMs = Math.min(this.opts.queueTimeoutMs ?? deadlineMs, deadlineMs);
      task.timer = setTimeout(() => {
        const i = this.queue.indexOf(task);
        if (i < 0) return;
        this.queue.splice(i, 1);
        this.counts.rejectedQueueTimeout++;
        const retry = this.retryAfterSeconds();
        reject(
          new SolverBusyError(
            `The request waited ${waitMs} ms for a solver worker without getting one (${this.opts.queueTimeoutMs !== undefined && this.opts.queueTimeoutMs < deadlineMs ? 'SOLVER_QUEUE_TIMEOUT_MS' : 'its deadline, solver.timeLimitMs'}); retry in ${retry} s.`,
            retry,
            { workers: this.opts.size, queued: this.queue.length, maxQueue: this.opts.maxQueue, waitedMs: waitMs },
          ),
        );
      }, waitMs);
      task.timer.unref();
      this.queue.push(task);
    });
  }

  /** Throws SolverBusyError when every place is taken: running + queued + reserved ≥ workers + queue bound. */
  private admit(): void {
    const taken = this.busyCount() + this.queue.length + this.reserved.size;
    if (taken < this.opts.size + this.opts.maxQueue) return;
    this.counts.rejectedQueueFull++;
    const retry = this.retryAfterSeconds();
    throw new SolverBusyError(
      `All ${this.opts.size} solver workers are busy and ${taken - this.opts.size} request(s) already wait (SOLVER_MAX_QUEUE=${this.opts.maxQueue}); retry in ${retry} s.`,
      retry,
      { workers: this.opts.size, queued: taken - this.opts.size, maxQueue: this.opts.maxQueue },
    );
  }

  private shuttingDown(): SolverBusyError {
    return new SolverBusyError('The solver is shutting down; retry against another instance.', 1);
  }

  private busyCount(): number {
    return this.slots.filter((s) => s.task).length;
  }

  /** An idle worker, or a new one while fewer than `size` exist. */
  private freeSlot(): Slot | undefined {
    return this.slots.find((s) => !s.task) ?? (this.slots.length < this.opts.size ? this.spawn() : undefined);
  }

  stats(): SolverStats {
    return {
      kind: 'pool',
      size: this.opts.size,
      workers: this.slots.length,
      busy: this.busyCount(),
      queued: this.queue.length,
      reserved: this.reserved.size,
      maxQueue: this.opts.maxQueue,
      ...this.counts,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reserved.clear();
    for (const task of this.queue.splice(0)) {
      clearTimeout(task.timer);
      task.reject(this.shuttingDown());
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Seconds until a slot is likely free: the work ahead (running + queued) over the workers, at the average solve time. */
  private retryAfterSeconds(): number {
    const ahead = this.queue.length + this.reserved.size + this.busyCount();
    return clamp(Math.ceil(((ahead / this.opts.size) * this.avgSolveMs) / 1000), 1, 60);
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerScript);
    const slot: Slot = { worker, threadId: worker.threadId };
    this.counts.spawned++;
    worker.unref();
    worker.on('message', (res: SolveResponse) => this.onMessage(slot, res));
    worker.on('error', (e: Error) => {
      slot.lastError = e;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.push(slot);
    return slot;
  }

  private run(slot: Slot, task: Task): void {
    clearTimeout(task.timer);
    slot.task = task;
    slot.worker.ref();
    try {
      slot.worker.postMessage(task.request);
    } catch (e) {
      // Not structured-cloneable: a programming error of the caller, not of the worker.
      this.free(slot);
      task.reject(e instanceof Error ? e : new Error(String(e)));
      this.pump();
    }
  }

  private free(slot: Slot): void {
    slot.task = undefined;
    slot.worker.unref();
  }

  private onMessage(slot: Slot, res: SolveResponse): void {
    const task = slot.task;
    if (!task || task.request.id !== res.id) {
      this.log(`solver pool: ignored an answer for request ${res.id} (worker ${slot.threadId} has ${task ? `request ${task.request.id}` : 'no request'})`);
      return;
    }
    this.free(slot);
    this.counts.completed++;
    this.avgSolveMs = 0.8 * this.avgSolveMs + 0.2 * res.ms;
    if (res.ok) {
      // As in-process: the caller's warnings array receives the warnings.
      task.ctx.warnings.splice(0, task.ctx.warnings.length, ...(res.format === 'object' ? res.result.warnings : res.warnings));
      task.resolve(res);
    } else {
      task.reject(rebuildError(res.error));
    }
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const task = slot.task;
    slot.task = undefined;
    if (this.closed) {
      task?.reject(new SolverBusyError('The solver was shut down while solving this request; retry against another instance.', 1));
      return;
    }
    this.counts.crashed++;
    const why = slot.lastError ? `${slot.lastError.name}: ${slot.lastError.message}` : `exit code ${code}`;
    this.log(`solver pool: worker ${slot.threadId} stopped (${why})${task ? ` while solving request ${task.request.id}` : ''}; it will be replaced`);
    task?.reject(new SolverCrashedError(`The solver worker stopped unexpectedly (${why}) while solving this request; it has been replaced.`));
    this.pump();
  }

  /** Hands waiting requests to idle workers, spawning up to `size`. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.freeSlot();
      if (!slot) return;
      const task = this.queue.shift() as Task;
      this.run(slot, task);
    }
  }
}

/** Where the compiled worker may be: next to this module (dist/), or, running from TS sources (vitest), under <repo>/dist. */
export function workerScriptCandidates(dir: string = __dirname): string[] {
  return [join(dir, 'worker.js'), join(dir, '..', '..', 'dist', 'src', 'solver', 'worker.js')];
}

export function resolveWorkerScript(dir: string = __dirname): string | undefined {
  return workerScriptCandidates(dir).find((p) => existsSync(p));
}

/**
 * The production solver: a worker pool on the compiled worker. Without one
 * (TS sources never compiled), a clear error — or, only when
 * SOLVER_IN_PROCESS_FALLBACK=true, the in-process solver (on the event loop).
 */
export function createSolver(s: SolverSettings, log?: (line: string) => void, dir: string = __dirname): Solver {
  const script = resolveWorkerScript(dir);
  if (!script) {
    if (s.inProcessFallback) {
      (log ?? console.warn)('solver: no compiled worker found; SOLVER_IN_PROCESS_FALLBACK=true, so recommendations are solved on the event loop');
      return inProcessSolver();
    }
    throw new Error(
      `The solver worker is not compiled: looked for ${workerScriptCandidates(dir).join(' and ')}. Run \`npm run build\` (or \`npx tsc -p tsconfig.json\`), or set SOLVER_IN_PROCESS_FALLBACK=true to solve on the event loop (development only).`,
    );
  }
  return new WorkerPoolSolver({
    size: s.workers,
    maxQueue: s.maxQueue,
    ...(s.queueTimeoutMs !== undefined ? { queueTimeoutMs: s.queueTimeoutMs } : {}),
    deadlineMs: s.deadlineMs,
    workerScript: script,
    ...(log ? { log } : {}),
  });
}
