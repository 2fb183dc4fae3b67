/**
 * ARM's read throttling as a token bucket (per subscription and principal: `burst` tokens,
 * refilled at `refillPerSecond`), in the reservation form the drift checks share through
 * storage: a taker always takes its tokens at once — the balance may go below zero — and
 * waits until the refill has paid that debt. One conditional write per take, no polling,
 * first come first served; a debt longer than `maxWaitMs` is refused instead.
 */
export interface BucketLimits {
  burst: number;
  refillPerSecond: number;
}

export interface BucketState {
  /** Balance after the last take (may be negative: tokens reserved ahead of the refill). */
  tokens: number;
  /** When the balance was computed, ms since the epoch. */
  at: number;
}

/** The balance at `now`: refilled since `state.at`, never above the burst. */
export function refilled(state: BucketState | null, now: number, limits: BucketLimits): BucketState {
  if (!state) return { tokens: limits.burst, at: now };
  const elapsed = Math.max(0, now - state.at);
  return { tokens: Math.min(limits.burst, state.tokens + (elapsed / 1000) * limits.refillPerSecond), at: Math.max(now, state.at) };
}

export type Reservation = { ok: true; state: BucketState; waitMs: number } | { ok: false; waitMs: number };

/** Reserves `n` tokens at `now`: the new state to store and how long to wait before using them. */
export function reserve(state: BucketState | null, n: number, now: number, limits: BucketLimits, maxWaitMs = 60_000): Reservation {
  if (!(n >= 0)) throw new RangeError('tokens to take must be ≥ 0');
  const cur = refilled(state, now, limits);
  const after = cur.tokens - n;
  const waitMs = after >= 0 ? 0 : Math.ceil((-after / limits.refillPerSecond) * 1000);
  if (waitMs > maxWaitMs) return { ok: false, waitMs };
  return { ok: true, state: { tokens: after, at: cur.at }, waitMs };
}
