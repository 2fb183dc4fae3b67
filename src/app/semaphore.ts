/**
 * A FIFO counting semaphore: at most `max` tasks run at once, the others wait
 * in memory in arrival order. Used for the ARM read concurrency of the drift
 * job (composition) and for the drift checks' solver places (drift-solve.ts).
 */
import type { ConcurrencyLimit } from './ports/drift';

export class Semaphore implements ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('Semaphore max must be ≥ 1');
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
