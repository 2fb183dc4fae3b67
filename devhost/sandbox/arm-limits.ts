/**
 * ARM's read throttling as the sandbox enforces it: a token bucket per
 * subscription (and principal; the sandbox has one principal), 250 reads of
 * burst refilled at 25 reads/s — Azure's published numbers for
 * `x-ms-ratelimit-remaining-subscription-global-reads`
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 * Every successful read answers the remaining count in that header; a read
 * that finds the bucket empty gets 429 `SubscriptionRequestsThrottled` with
 * `Retry-After` (whole seconds until one token is back).
 */

export interface ArmReadLimitOptions {
  /** Bucket size (default 250). */
  burst?: number;
  /** Tokens added per second (default 25). */
  refillPerSecond?: number;
}

export const ARM_READ_BURST = 250;
export const ARM_READ_REFILL_PER_SECOND = 25;
export const READS_REMAINING_HEADER = 'x-ms-ratelimit-remaining-subscription-global-reads';

export type ReadAdmission = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class ArmReadLimiter {
  readonly burst: number;
  readonly refillPerSecond: number;
  private readonly buckets = new Map<string, Bucket>();
  /** Reads admitted and refused, per subscription (lower case). */
  readonly admitted = new Map<string, number>();
  readonly throttled = new Map<string, number>();

  constructor(
    options: ArmReadLimitOptions = {},
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.burst = options.burst ?? ARM_READ_BURST;
    this.refillPerSecond = options.refillPerSecond ?? ARM_READ_REFILL_PER_SECOND;
    if (!(this.burst >= 1) || !(this.refillPerSecond > 0)) throw new Error('ARM read limit: burst must be ≥ 1 and refillPerSecond > 0');
  }

  /** Takes one read token of the subscription, or says how long until one is back. */
  admit(subscriptionId: string): ReadAdmission {
    const key = subscriptionId.toLowerCase();
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.admitted.set(key, (this.admitted.get(key) ?? 0) + 1);
      return { ok: true, remaining: Math.floor(b.tokens) };
    }
    this.throttled.set(key, (this.throttled.get(key) ?? 0) + 1);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.refillPerSecond)) };
  }

  /** Total reads admitted (all subscriptions). */
  totalAdmitted(): number {
    let n = 0;
    for (const v of this.admitted.values()) n += v;
    return n;
  }

  reset(): void {
    this.buckets.clear();
    this.admitted.clear();
    this.throttled.clear();
  }
}

/** The subscription an ARM read is charged to (`/subscriptions/{id}/...`), if any. */
export function subscriptionOfPath(path: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
}
