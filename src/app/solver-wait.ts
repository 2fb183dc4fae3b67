import { isSolverBusy } from './ports/solver';

/**
 * For background work (a queue trigger), which should wait rather than be
 * refused: retries `solve` while the solver is busy, sleeping its Retry-After
 * (at most `maxDelayMs`, with jitter) between attempts, then gives up with the
 * last busy error. Other errors pass at once.
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
      if (!isSolverBusy(e) || attempt >= attempts) throw e;
      const ms = Math.min(opts.maxDelayMs ?? 5000, e.retryAfterSeconds * 1000);
      await sleep(ms * (0.5 + Math.random() / 2));
    }
  }
}
