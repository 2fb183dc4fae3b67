/** In-memory PlanStore: same contract as the Azure Storage adapter (unit tests, local runs). */
import { randomUUID } from 'node:crypto';
import type { Plan } from '../../model/plan/types';
import { ConcurrencyError, LockBusyError, LockLostError, PlanAlreadyExistsError, PlanNotFoundError } from './errors';
import { PlanStoreBase, assertPlanId, assertTtl, checkMutation, isValidPlanId, newestFirst, summaryOf } from './common';
import { registryKey } from '../../model/registry-id';
import type { ListFilter, PlanMutation, PlanSummary, RegistryLock, StoredPlan } from '../../app/ports/plan-store';

interface Held {
  token: string;
  holder: string;
  expiresAt: number;
}

export interface InMemoryPlanStoreOptions {
  /** Clock for lock expiry (default Date.now). */
  now?: () => number;
}

export class InMemoryPlanStore extends PlanStoreBase {
  private readonly plans = new Map<string, { plan: Plan; etag: string }>();
  private readonly locks = new Map<string, Held>();
  private version = 0;
  private readonly now: () => number;

  constructor(opts: InMemoryPlanStoreOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
  }

  private nextEtag(): string {
    this.version += 1;
    return `W/"${this.version}"`;
  }

  async create(plan: Plan): Promise<StoredPlan> {
    assertPlanId(plan.id);
    if (this.plans.has(plan.id)) throw new PlanAlreadyExistsError(plan.id);
    const rec = { plan: structuredClone(plan), etag: this.nextEtag() };
    this.plans.set(plan.id, rec);
    return { plan: structuredClone(rec.plan), etag: rec.etag };
  }

  async get(id: string): Promise<StoredPlan> {
    const rec = isValidPlanId(id) ? this.plans.get(id) : undefined;
    if (!rec) throw new PlanNotFoundError(id);
    return { plan: structuredClone(rec.plan), etag: rec.etag };
  }

  async list(filter: ListFilter = {}): Promise<PlanSummary[]> {
    const key = filter.registryId === undefined ? undefined : registryKey(filter.registryId);
    return [...this.plans.values()]
      .filter((r) => key === undefined || registryKey(r.plan.registryId) === key)
      .map((r) => summaryOf(r.plan, r.etag))
      .sort(newestFirst);
  }

  async update(id: string, expectedEtag: string, mutate: PlanMutation): Promise<StoredPlan> {
    const rec = isValidPlanId(id) ? this.plans.get(id) : undefined;
    if (!rec) throw new PlanNotFoundError(id);
    if (rec.etag !== expectedEtag) throw new ConcurrencyError(id);
    const next = await mutate(structuredClone(rec.plan));
    checkMutation(rec.plan, next);
    // Re-check after the (possibly async) mutation: another update may have landed meanwhile.
    const cur = this.plans.get(id);
    if (!cur || cur.etag !== expectedEtag) throw new ConcurrencyError(id);
    const stored = { plan: structuredClone(next), etag: this.nextEtag() };
    this.plans.set(id, stored);
    return { plan: structuredClone(stored.plan), etag: stored.etag };
  }

  async acquireRegistryLock(registryId: string, holder: string, ttlSeconds: number): Promise<RegistryLock> {
    assertTtl(ttlSeconds);
    const key = registryKey(registryId);
    const held = this.locks.get(key);
    if (held && held.expiresAt > this.now()) throw new LockBusyError(registryId, held.holder);
    const token = randomUUID();
    this.locks.set(key, { token, holder, expiresAt: this.now() + ttlSeconds * 1000 });
    const locks = this.locks;
    const now = this.now;
    return {
      registryId,
      holder,
      leaseId: token,
      async renew() {
        const h = locks.get(key);
        if (!h || h.token !== token) throw new LockLostError(registryId);
        // Like a blob lease: an expired lease nobody else took can still be renewed.
        h.expiresAt = now() + ttlSeconds * 1000;
      },
      async release() {
        const h = locks.get(key);
        if (h && h.token === token) locks.delete(key);
      },
    };
  }
}
