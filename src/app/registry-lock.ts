/**
 * withRegistryLock: hold a registry lock (PlanStore port) for the duration of `fn`,
 * renewing it in the background (a blob lease lasts at most 60 s; creating a
 * replica takes minutes). If a renewal fails, `lost()` starts returning its
 * error (the store's LockLostError) so the caller can stop before its next mutating call.
 */
import type { PlanStore, RegistryLock } from './ports/plan-store';

export interface HeldLock {
  lock: RegistryLock;
  /** The error that ended the lock, if a renewal failed. */
  lost(): Error | undefined;
  /** Throws the lock-lost error, if any. */
  assertHeld(): void;
}

export interface WithLockOptions {
  /** Lease duration, 15-60 s (default 60). */
  ttlSeconds?: number;
  /** Renewal interval (default ttl / 3). */
  renewEveryMs?: number;
}

export async function withRegistryLock<T>(
  store: PlanStore,
  registryId: string,
  holder: string,
  fn: (held: HeldLock) => Promise<T>,
  opts: WithLockOptions = {},
): Promise<T> {
  const ttl = opts.ttlSeconds ?? 60;
  const lock = await store.acquireRegistryLock(registryId, holder, ttl);
  let lostError: Error | undefined;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      if (lostError) return;
      renewing = lock.renew().catch((e: unknown) => {
        // The adapters reject with their LockLostError; anything else that is not an Error is wrapped.
        lostError = e instanceof Error ? e : new Error(`the lock on registry ${registryId} was lost (expired or taken over)`, { cause: e });
      });
    },
    opts.renewEveryMs ?? (ttl * 1000) / 3,
  );
  timer.unref?.();
  const held: HeldLock = {
    lock,
    lost: () => lostError,
    assertHeld: () => {
      if (lostError) throw lostError;
    },
  };
  try {
    return await fn(held);
  } finally {
    clearInterval(timer);
    await renewing;
    await lock.release().catch(() => undefined);
  }
}
