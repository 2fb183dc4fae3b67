/**
 * The plan store port: what the plan use cases and the apply orchestration need to persist
 * plans, their state, steps and audit trail, and to serialize applies per registry.
 * Adapters (src/azure/store): memory.ts (tests, local), azure-storage.ts (Tables + Blob, blob-lease locks).
 */
import type { AuditEntry, Plan, PlanState, PlanStep } from '../../model/plan/types';

export interface StoredPlan {
  plan: Plan;
  /** Opaque version tag for optimistic concurrency (pass it back to update). */
  etag: string;
}

/** Index fields of a plan, cheap to list. */
export interface PlanSummary {
  id: string;
  registryId: string;
  registryName: string;
  state: Exclude<PlanState, 'expired'>;
  createdAt: string;
  expiresAt: string;
  requester: string;
  approver?: string;
  contentHash: string;
  etag: string;
}

export interface ListFilter {
  /** ARM registry id (compared case-insensitively). */
  registryId?: string;
}

/** Returns the new plan record; may throw to abort (nothing is written). */
export type PlanMutation = (plan: Plan) => Plan | Promise<Plan>;

export interface RegistryLock {
  readonly registryId: string;
  readonly holder: string;
  /** Lease id (azure) or token (memory). */
  readonly leaseId: string;
  /** Extends the lock by its ttl; LockLostError when it expired and someone else took it. */
  renew(): Promise<void>;
  /** Releases the lock; releasing a lock that is already gone is not an error. */
  release(): Promise<void>;
}

export interface PlanStore {
  /** PlanAlreadyExistsError when the id is taken. */
  create(plan: Plan): Promise<StoredPlan>;
  /** PlanNotFoundError. */
  get(id: string): Promise<StoredPlan>;
  /** Newest first. */
  list(filter?: ListFilter): Promise<PlanSummary[]>;
  /** Optimistic concurrency: ConcurrencyError when the stored etag is not expectedEtag. */
  update(id: string, expectedEtag: string, mutate: PlanMutation): Promise<StoredPlan>;
  /** Read-modify-write with retries on ConcurrencyError (for changes that commute: audit, steps). */
  modify(id: string, mutate: PlanMutation): Promise<StoredPlan>;
  appendAudit(id: string, entry: AuditEntry): Promise<StoredPlan>;
  appendStep(id: string, step: PlanStep): Promise<StoredPlan>;
  /** ttlSeconds in [15, 60] (blob lease limits). LockBusyError when someone else holds it. */
  acquireRegistryLock(registryId: string, holder: string, ttlSeconds: number): Promise<RegistryLock>;
}

/** The lock ttl bounds of acquireRegistryLock (blob lease limits), in seconds. */
export const LOCK_TTL_MIN_SECONDS = 15;
export const LOCK_TTL_MAX_SECONDS = 60;
