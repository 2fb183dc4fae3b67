/**
 * The plan state machine, as pure functions: each transition returns a new plan
 * record (never mutates its input) or throws a named PlanError.
 *
 *   pending --approve--> approved --beginApply--> applying --finishApply--> applied
 *      |                    |                        |
 *      +--reject--> rejected <--reject--+            +--finishApply--> partiallyApplied
 *                                                                        |
 *                        applying <--beginApply (resume)-----------------+
 *
 * `expired` is never stored: pending/approved plans are expired once now >= expiresAt
 * (see effectiveState). Plans that started applying do not expire: converging a
 * half-applied registry is always allowed (the stale check still guards it).
 * `applied` is final; beginApply on it returns the plan unchanged (re-apply is a no-op).
 */
import { randomUUID } from 'node:crypto';
import type { Topology } from '../types';
import type { ConsolidationPlanContent } from '../consolidation';
import { sameActor } from './actor';
import { diff } from './diff';
import { PlanExpiredError, PlanIntegrityError, PlanStateError, SelfApprovalError } from './errors';
import { contentHash, fingerprint, planContent } from './fingerprint';
import type { AuditEntry, ExecutionResult, LiveTopology, LiveWebhook, Plan, PlanState, PlanStep, Preflight } from './types';
import { planWebhooks } from './webhooks';

export const DEFAULT_PLAN_TTL_HOURS = 72;

export interface CreatePlanInput {
  id?: string;
  registryId: string;
  registryName: string;
  requester: string;
  /** The requester's object id and identity provider, when known: self-approval is decided by them. */
  requesterObjectId?: string;
  requesterProvider?: string;
  /** Live topology read from the registry now (model/live.ts liveTopology). */
  current: LiveTopology;
  /** The registry's webhooks, when read: new replica locations get copies (see webhooks.ts). */
  webhooks?: LiveWebhook[];
  /** Network preflight (preflight.ts): blockers make the plan `blocked`. */
  preflight?: Preflight;
  target: Topology;
  allowDeletes: boolean;
  now: Date;
  /** Default DEFAULT_PLAN_TTL_HOURS. */
  ttlHours?: number;
  costBefore?: unknown;
  costAfter?: unknown;
  priceAsOf?: string;
  notificationUrl?: string;
  /** A consolidation plan (#17). */
  consolidation?: ConsolidationPlanContent;
}

/** Builds a new `pending` plan: diff, live fingerprint, content hash and the first audit entry. */
export function createPlan(input: CreatePlanInput): Plan {
  const planned = diff(input.current, input.target, { allowDeletes: input.allowDeletes });
  const hooks = planWebhooks(planned.actions, input.webhooks ?? []);
  const actions = hooks.actions;
  const skipped = [...planned.skipped, ...hooks.skipped];
  const ttl = input.ttlHours ?? DEFAULT_PLAN_TTL_HOURS;
  if (!(ttl > 0)) throw new RangeError(`ttlHours must be > 0, got ${ttl}`);
  const createdAt = input.now.toISOString();
  const expiresAt = new Date(input.now.getTime() + ttl * 3600_000).toISOString();
  const base: Omit<Plan, 'contentHash'> = {
    id: input.id ?? randomUUID(),
    registryId: input.registryId,
    registryName: input.registryName,
    createdAt,
    expiresAt,
    requester: input.requester,
    state: input.preflight && input.preflight.blockers.length > 0 ? 'blocked' : 'pending',
    ...(input.preflight && input.preflight.blockers.length > 0 ? { blockedReason: input.preflight.blockers.join('; ') } : {}),
    ...(input.preflight ? { preflight: input.preflight } : {}),
    allowDeletes: input.allowDeletes,
    current: input.current,
    target: input.target,
    actions,
    skipped,
    liveFingerprint: fingerprint(input.current),
    steps: [],
    audit: [
      {
        at: createdAt,
        actor: input.requester,
        event: 'created',
        detail: `${actions.length} action(s), ${skipped.length} skipped change(s)${input.preflight && input.preflight.blockers.length > 0 ? `; blocked: ${input.preflight.blockers.join('; ')}` : ''}`,
      },
    ],
  };
  if (input.costBefore !== undefined) base.costBefore = input.costBefore;
  if (input.costAfter !== undefined) base.costAfter = input.costAfter;
  if (input.priceAsOf !== undefined) base.priceAsOf = input.priceAsOf;
  if (input.notificationUrl !== undefined) base.notificationUrl = input.notificationUrl;
  if (input.consolidation !== undefined) base.consolidation = input.consolidation;
  if (input.requesterObjectId !== undefined) base.requesterObjectId = input.requesterObjectId;
  if (input.requesterProvider !== undefined) base.requesterProvider = input.requesterProvider;
  return { ...base, contentHash: contentHash(base) };
}

/** The state to show: stored state, or `expired` for pending/approved plans past expiresAt. */
export function effectiveState(plan: Plan, now: Date): PlanState {
  if ((plan.state === 'pending' || plan.state === 'approved') && now.getTime() >= Date.parse(plan.expiresAt)) {
    return 'expired';
  }
  return plan.state;
}

export function isExpired(plan: Plan, now: Date): boolean {
  return effectiveState(plan, now) === 'expired';
}

function withAudit(plan: Plan, entry: AuditEntry): AuditEntry[] {
  return [...plan.audit, entry];
}

/** Throws PlanIntegrityError unless the plan content still hashes to plan.contentHash (and to the approved hash, once approved). */
export function assertIntegrity(plan: Plan): void {
  const actual = contentHash(planContent(plan));
  if (actual !== plan.contentHash) {
    throw new PlanIntegrityError('plan content does not match its content hash', plan.contentHash, actual);
  }
  if (plan.approvedContentHash !== undefined && actual !== plan.approvedContentHash) {
    throw new PlanIntegrityError('plan content changed after approval', plan.approvedContentHash, actual);
  }
}

function assertNotExpired(plan: Plan, now: Date, operation: string): void {
  if (isExpired(plan, now)) {
    throw new PlanExpiredError(`plan ${plan.id} expired at ${plan.expiresAt}; cannot ${operation}; create a new plan`, plan.expiresAt);
  }
}

export interface ActorContext {
  /** Display name (audit). */
  actor: string;
  /** The actor's object id and identity provider, when known (see actor.ts sameActor). */
  actorObjectId?: string;
  actorProvider?: string;
  now: Date;
}

export function approve(plan: Plan, ctx: ActorContext & { expectedContentHash?: string }): Plan {
  assertNotExpired(plan, ctx.now, 'approve');
  if (plan.state === 'blocked') {
    throw new PlanStateError(`plan ${plan.id} is blocked: ${plan.blockedReason ?? 'its preflight found a blocker'}; fix that and create a new plan`, plan.state, 'approve');
  }
  if (plan.state !== 'pending') {
    throw new PlanStateError(`plan ${plan.id} is ${plan.state}; only a pending plan can be approved`, plan.state, 'approve');
  }
  const approver = { name: ctx.actor, ...(ctx.actorObjectId !== undefined ? { objectId: ctx.actorObjectId } : {}), ...(ctx.actorProvider !== undefined ? { provider: ctx.actorProvider } : {}) };
  const requester = { name: plan.requester, ...(plan.requesterObjectId !== undefined ? { objectId: plan.requesterObjectId } : {}), ...(plan.requesterProvider !== undefined ? { provider: plan.requesterProvider } : {}) };
  if (sameActor(approver, requester)) {
    throw new SelfApprovalError(`${ctx.actor} requested plan ${plan.id} and cannot also approve it`);
  }
  assertIntegrity(plan);
  if (ctx.expectedContentHash !== undefined && ctx.expectedContentHash !== plan.contentHash) {
    throw new PlanIntegrityError(
      'the plan the approver reviewed is not the stored plan',
      ctx.expectedContentHash,
      plan.contentHash,
    );
  }
  const at = ctx.now.toISOString();
  return {
    ...plan,
    state: 'approved',
    approver: ctx.actor,
    ...(ctx.actorObjectId !== undefined ? { approverObjectId: ctx.actorObjectId } : {}),
    ...(ctx.actorProvider !== undefined ? { approverProvider: ctx.actorProvider } : {}),
    approvedAt: at,
    approvedContentHash: plan.contentHash,
    audit: withAudit(plan, { at, actor: ctx.actor, event: 'approved', detail: `content ${plan.contentHash}` }),
  };
}

export function reject(plan: Plan, ctx: ActorContext & { reason: string }): Plan {
  if (plan.state !== 'pending' && plan.state !== 'approved' && plan.state !== 'blocked') {
    throw new PlanStateError(`plan ${plan.id} is ${plan.state}; only a pending or approved plan can be rejected`, plan.state, 'reject');
  }
  const at = ctx.now.toISOString();
  return {
    ...plan,
    state: 'rejected',
    rejectReason: ctx.reason,
    audit: withAudit(plan, { at, actor: ctx.actor, event: 'rejected', detail: ctx.reason }),
  };
}

/**
 * approved | partiallyApplied | applying (an interrupted run; the caller must hold the
 * registry lock, so no other run is alive) -> applying. `applied` is returned unchanged.
 */
export function beginApply(plan: Plan, ctx: ActorContext): Plan {
  if (plan.state === 'applied') return plan;
  assertNotExpired(plan, ctx.now, 'apply');
  if (plan.state === 'pending') {
    throw new PlanStateError(`plan ${plan.id} has not been approved`, plan.state, 'apply');
  }
  if (plan.state === 'rejected') {
    throw new PlanStateError(`plan ${plan.id} was rejected`, plan.state, 'apply');
  }
  if (plan.approvedContentHash === undefined) {
    throw new PlanStateError(`plan ${plan.id} carries no approval`, plan.state, 'apply');
  }
  assertIntegrity(plan);
  const attempt = (plan.applyAttempts ?? 0) + 1;
  const at = ctx.now.toISOString();
  const event = plan.state === 'approved' ? 'applyStarted' : 'applyResumed';
  const { lastError: _drop, ...rest } = plan;
  return {
    ...rest,
    state: 'applying',
    applyAttempts: attempt,
    audit: withAudit(plan, { at, actor: ctx.actor, event, detail: `attempt ${attempt} (from ${plan.state})` }),
  };
}

/** Appends one executor step record. */
export function appendStep(plan: Plan, step: PlanStep): Plan {
  return { ...plan, steps: [...plan.steps, step] };
}

/** applying -> applied | partiallyApplied, from the executor's result. Dry runs and no-ops change nothing. */
export function finishApply(plan: Plan, result: ExecutionResult, ctx: ActorContext): Plan {
  if (result.outcome === 'dryRun' || result.outcome === 'noop') return plan;
  if (plan.state !== 'applying') {
    throw new PlanStateError(`plan ${plan.id} is ${plan.state}; only an applying plan can finish`, plan.state, 'finishApply');
  }
  const at = ctx.now.toISOString();
  if (result.outcome === 'applied') {
    const { lastError: _drop, ...rest } = plan;
    return {
      ...rest,
      state: 'applied',
      audit: withAudit(plan, {
        at,
        actor: ctx.actor,
        event: 'applied',
        detail: `${result.performed.length} performed, ${result.alreadyDone.length} already done`,
      }),
    };
  }
  return {
    ...plan,
    state: 'partiallyApplied',
    lastError: result.error ?? 'unknown error',
    audit: withAudit(plan, {
      at,
      actor: ctx.actor,
      event: 'partiallyApplied',
      detail: `${result.failedActionId ?? 'verification'} failed: ${result.error ?? 'unknown error'}`,
    }),
  };
}

/**
 * applying -> the state the run started from (approved or partiallyApplied), when the
 * run was refused before any mutating call (stale plan, lock lost before start).
 */
export function abortApply(plan: Plan, ctx: ActorContext & { reason: string }): Plan {
  if (plan.state !== 'applying') {
    throw new PlanStateError(`plan ${plan.id} is ${plan.state}; only an applying plan can be aborted`, plan.state, 'abortApply');
  }
  const from = plan.steps.some((s) => s.status === 'started') ? 'partiallyApplied' : 'approved';
  return {
    ...plan,
    state: from,
    lastError: ctx.reason,
    audit: withAudit(plan, { at: ctx.now.toISOString(), actor: ctx.actor, event: 'applyRefused', detail: ctx.reason }),
  };
}

/** Appends an audit entry (pure). */
export function addAudit(plan: Plan, entry: AuditEntry): Plan {
  return { ...plan, audit: withAudit(plan, entry) };
}
