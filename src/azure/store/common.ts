/** Helpers shared by the plan store adapters. */
import { addAudit, appendStep } from '../../model/plan/state';
import type { AuditEntry, Plan, PlanStep } from '../../model/plan/types';
import { ConcurrencyError, InvalidKeyError } from './errors';
import type { PlanMutation, PlanStore, PlanSummary, StoredPlan } from '../../app/ports/plan-store';
import { LOCK_TTL_MAX_SECONDS, LOCK_TTL_MIN_SECONDS } from '../../app/ports/plan-store';

/** Read-modify-write attempts of modify() before it gives up with the ConcurrencyError. */
export const MODIFY_ATTEMPTS = 8;

/** Plan ids are used as table RowKeys and blob names: keep them to a safe alphabet. */
export const PLAN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidPlanId(id: string): boolean {
  return PLAN_ID_PATTERN.test(id);
}

export function assertPlanId(id: string): void {
  if (!isValidPlanId(id)) throw new InvalidKeyError(`invalid plan id ${JSON.stringify(id)}: use letters, digits, '.', '_', '-' (max 128)`);
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < LOCK_TTL_MIN_SECONDS || ttlSeconds > LOCK_TTL_MAX_SECONDS) {
    throw new RangeError(`lock ttlSeconds must be an integer in [${LOCK_TTL_MIN_SECONDS}, ${LOCK_TTL_MAX_SECONDS}], got ${ttlSeconds}`);
  }
}

import { registryKey } from '../../model/registry-id';

export function summaryOf(plan: Plan, etag: string): PlanSummary {
  const s: PlanSummary = {
    id: plan.id,
    registryId: plan.registryId,
    registryName: plan.registryName,
    state: plan.state,
    createdAt: plan.createdAt,
    expiresAt: plan.expiresAt,
    requester: plan.requester,
    contentHash: plan.contentHash,
    etag,
  };
  if (plan.approver !== undefined) s.approver = plan.approver;
  return s;
}

export function newestFirst(a: PlanSummary, b: PlanSummary): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function checkMutation(before: Plan, after: Plan): void {
  if (after.id !== before.id) throw new InvalidKeyError(`a mutation cannot change the plan id (${before.id} -> ${after.id})`);
  if (registryKey(after.registryId) !== registryKey(before.registryId)) {
    throw new InvalidKeyError(`a mutation cannot change the registry of plan ${before.id}`);
  }
}

/** modify/appendAudit/appendStep on top of get + update. */
export abstract class PlanStoreBase implements PlanStore {
  abstract create(plan: Plan): Promise<StoredPlan>;
  abstract get(id: string): Promise<StoredPlan>;
  abstract list(filter?: { registryId?: string }): Promise<PlanSummary[]>;
  abstract update(id: string, expectedEtag: string, mutate: PlanMutation): Promise<StoredPlan>;
  abstract acquireRegistryLock(registryId: string, holder: string, ttlSeconds: number): ReturnType<PlanStore['acquireRegistryLock']>;

  async modify(id: string, mutate: PlanMutation): Promise<StoredPlan> {
    let last: unknown;
    for (let attempt = 0; attempt < MODIFY_ATTEMPTS; attempt++) {
      const { etag } = await this.get(id);
      try {
        return await this.update(id, etag, mutate);
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        last = e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw last;
  }

  appendAudit(id: string, entry: AuditEntry): Promise<StoredPlan> {
    return this.modify(id, (p) => addAudit(p, entry));
  }

  appendStep(id: string, step: PlanStep): Promise<StoredPlan> {
    return this.modify(id, (p) => appendStep(p, step));
  }
}
