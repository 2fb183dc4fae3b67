/**
 * A solver worker thread: runs recommend() for each request the pool posts,
 * and posts back the result or the error in its plain form. An exception in
 * one solve is answered, never fatal: the worker stays for the next request.
 * Loads the shipped catalog itself (once), so it is not cloned per call.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { shippedCatalog } from '../catalog';
import { toJsonText } from '../model/json-text';
import { recommend } from '../model/recommend';
import { fromWireContext, serializeError, type SolveRequest, type SolveResponse } from './protocol';

const port = parentPort;
if (!port) throw new Error('src/solver/worker.ts runs as a worker thread (node:worker_threads), started by src/solver/pool.ts');

/** Niceness of a solver thread: the event loop (HTTP, /api/health) gets the CPU first when both want it. */
export const SOLVER_THREAD_NICE = 10;

/**
 * Lowers this thread's scheduling priority. Linux only: niceness is per
 * thread there, and /proc/thread-self names the thread id. Elsewhere (or if
 * refused) the thread keeps the default priority.
 */
export function lowerThreadPriority(nice: number = SOLVER_THREAD_NICE): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return tid;
  } catch {
    return undefined;
  }
}

lowerThreadPriority();
shippedCatalog();
port.on('message', (req: SolveRequest) => {
  const t0 = performance.now();
  let res: SolveResponse;
  try {
    const result = recommend(req.input, fromWireContext(req.context, shippedCatalog));
    res =
      req.format === 'json'
        ? { id: req.id, ok: true, format: 'json', json: toJsonText(result), warnings: result.warnings, ms: performance.now() - t0 }
        : { id: req.id, ok: true, format: 'object', result, ms: performance.now() - t0 };
  } catch (e) {
    res = { id: req.id, ok: false, error: serializeError(e), ms: performance.now() - t0 };
  }
  port.postMessage(res);
});
