/** drift-solve: drift checks wait in memory for one of the solver's places instead of being refused and sleeping. */
import { describe, expect, it } from 'vitest';
import { driftSolve, driftSolveSlots } from '../../src/app/drift-solve';
import { Semaphore } from '../../src/app/semaphore';
import type { Solver, SolverStats } from '../../src/app/ports/solver';
import type { RecommendContext, RecommendInput, Recommendation } from '../../src/model/recommend';

/** A pool-like solver: `size` workers, `maxQueue` waiting; beyond that it refuses with the busy error, as the pool does. */
function fakePool(size: number, maxQueue: number) {
  let inFlight = 0;
  let peak = 0;
  let refused = 0;
  const pending: Array<() => void> = [];
  const stats = (): SolverStats => ({ kind: 'pool', size, workers: size, busy: Math.min(size, inFlight), queued: Math.max(0, inFlight - size), reserved: 0, maxQueue, spawned: size, crashed: 0, completed: 0, rejectedQueueFull: refused, rejectedQueueTimeout: 0 });
  const solver: Solver = {
    recommend: async () => {
      if (inFlight >= size + maxQueue) {
        refused += 1;
        throw Object.assign(new Error('busy'), { code: 'SolverBusy', transient: true, retryAfterSeconds: 1 });
      }
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      inFlight -= 1;
      return { id: 'rec' } as unknown as Recommendation;
    },
    recommendJson: async () => {
      throw new Error('drift solves ask for the recommendation object, never its JSON text');
    },
    reserve: () => ({ id: 1 }),
    release: () => undefined,
    stats,
    close: async () => undefined,
  };
  return {
    solver,
    /** Finishes the solves running now (FIFO). */
    finishAll: () => pending.splice(0).forEach((r) => r()),
    get peak() {
      return peak;
    },
    get refused() {
      return refused;
    },
  };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('driftSolve', () => {
  it('a pool of 2 workers and a queue of 8: 4 drift solves in flight at most, 40 checks all answered, none refused', async () => {
    const pool = fakePool(2, 8);
    expect(driftSolveSlots(pool.solver)).toBe(4);
    const ctx = { warnings: [] } as unknown as RecommendContext;
    const all = Promise.all(Array.from({ length: 40 }, () => driftSolve(pool.solver, {} as RecommendInput, ctx)));
    for (let i = 0; i < 20 && pool.peak < 40; i++) {
      await tick();
      pool.finishAll();
    }
    const results = await all;
    expect(results).toHaveLength(40);
    expect(pool.peak).toBe(4);
    expect(pool.refused).toBe(0);
  });

  it('an in-process solver (no workers) gets one place', () => {
    expect(driftSolveSlots({ stats: () => ({ size: 0, maxQueue: 0 }) } as unknown as Solver)).toBe(1);
  });
});

describe('Semaphore', () => {
  it('runs at most max tasks at once, in arrival order, and frees its place on failure', async () => {
    const gate = new Semaphore(2);
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const task = (i: number, fail = false) =>
      gate.run(async () => {
        order.push(i);
        await new Promise<void>((r) => releases.push(r));
        if (fail) throw new Error(`task ${i} failed`);
        return i;
      });
    const ps = [task(1, true), task(2), task(3), task(4)];
    await tick();
    expect(order).toEqual([1, 2]);
    expect(gate.inFlight).toBe(2);
    expect(gate.queued).toBe(2);
    releases.shift()?.();
    await expect(ps[0]).rejects.toThrow('task 1 failed');
    await tick();
    expect(order).toEqual([1, 2, 3]);
    while (releases.length) {
      releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(ps.slice(1))).toEqual([2, 3, 4]);
    expect(gate.inFlight).toBe(0);
  });
});
