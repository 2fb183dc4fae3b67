/**
 * The apply executor: orchestration only; all I/O goes through the injected ExecutorPort.
 *
 * Stale / resume rule (checked on the live topology BEFORE any mutating call):
 *
 * 1. Fresh run (no step of this plan was ever `started`): the live topology must
 *    fingerprint exactly to plan.liveFingerprint, the topology the plan (and its
 *    approval and cost figures) was made from. Anything else is a StalePlanError
 *    listing what changed.
 * 2. Resume (some step was started before: a failed or interrupted run): the live
 *    topology must be one the plan can pass through, resource by resource:
 *    - home region and home zone redundancy exactly as planned from;
 *    - the SKU either the original or the upgrade target;
 *    - each replica region the plan touches either in its original state, its final
 *      state, or (for a zone-redundancy re-create) absent;
 *    - every other replica exactly as it was.
 *    This is "the original topology with some subset of the plan's actions applied",
 *    checked without enumerating subsets. Actions whose post-state already holds are
 *    `alreadyDone` (recorded as skipped); the others are performed in plan order.
 *
 * Every performed action is bracketed by `started` and `succeeded`/`failed` step
 * records; the run stops at the first failure (outcome partiallyApplied). After the
 * last action the live topology is read again and must equal the planned end state
 * (original + all actions), otherwise the run is partiallyApplied as well.
 * A plan in state `applied` is a no-op (nothing read, nothing performed).
 */
import type { ReplicaSpec, Topology } from '../types';
import { applyActions } from './diff';
import { PlanStateError, StalePlanError } from './errors';
import { brokenRegions, canonicalTopology, describeTopologyChange, fingerprint, normalizeRegion } from './fingerprint';
import { assertIntegrity } from './state';
import type { ExecuteOptions, ExecutionResult, ExecutorPort, LiveTopology, Plan, PlanAction, PlanStep } from './types';

type Slot = ReplicaSpec | null; // null = absent

function sameSlot(a: Slot, b: Slot): boolean {
  if (a === null || b === null) return a === b;
  return a.regionEndpointEnabled === b.regionEndpointEnabled && a.zoneRedundancy === b.zoneRedundancy;
}

function slotText(s: Slot): string {
  if (s === null) return 'absent';
  return `endpoint ${s.regionEndpointEnabled ? 'enabled' : 'disabled'}, zone redundancy ${s.zoneRedundancy ? 'on' : 'off'}`;
}

function replicaSlots(t: Topology): Map<string, ReplicaSpec> {
  return new Map(canonicalTopology(t).replicas.map((r) => [r.region, r]));
}

/** Was `action`'s post-state reached in `live`? A broken replica satisfies no create and no delete. */
export function isActionSatisfied(action: PlanAction, live: LiveTopology): boolean {
  const slots = replicaSlots(live);
  if (action.kind !== 'upgradeSku' && brokenRegions(live).includes(normalizeRegion(action.region))) return false;
  switch (action.kind) {
    case 'upgradeSku':
      return live.sku === action.to;
    case 'createReplica':
    case 'updateReplica':
      return sameSlot(slots.get(action.region) ?? null, action.to);
    case 'deleteReplica': {
      const s = slots.get(action.region) ?? null;
      if (s === null) return true;
      return action.recreateAs !== undefined && sameSlot(s, action.recreateAs);
    }
    case 'createWebhook':
      return (live.webhooks ?? []).some((w) => w.name.toLowerCase() === action.webhook.name.toLowerCase() && normalizeRegion(w.location) === action.region);
  }
}

export interface LiveAssessment {
  mode: 'fresh' | 'resume';
  /** Ids of actions whose post-state already holds. */
  done: Set<string>;
}

/** True when some step of the plan was started before (a resume). */
export function hasStarted(plan: Plan): boolean {
  return plan.steps.some((s) => s.status === 'started');
}

/** Applies the stale/resume rule; throws StalePlanError when live is not acceptable. */
export function assessLive(plan: Plan, live: LiveTopology): LiveAssessment {
  const liveFp = fingerprint(live);
  if (!hasStarted(plan)) {
    if (liveFp !== plan.liveFingerprint) {
      throw new StalePlanError(
        `the live topology of ${plan.registryName} changed since plan ${plan.id} was made; create a new plan`,
        describeTopologyChange(plan.current, live),
        plan.liveFingerprint,
        liveFp,
      );
    }
    return { mode: 'fresh', done: new Set(plan.actions.filter((a) => isActionSatisfied(a, live)).map((a) => a.id)) };
  }

  const violations: string[] = [];
  const orig = canonicalTopology(plan.current);
  const now = canonicalTopology(live);
  const end = applyActions(plan.current, plan.actions);
  if (orig.homeRegion !== now.homeRegion) violations.push(`home region is ${now.homeRegion}, plan was made for ${orig.homeRegion}`);
  if (orig.homeZoneRedundancy !== now.homeZoneRedundancy) {
    violations.push(`home zone redundancy is ${String(now.homeZoneRedundancy)}, plan was made with ${String(orig.homeZoneRedundancy)}`);
  }
  if (now.sku !== orig.sku && now.sku !== end.sku) {
    violations.push(`SKU is ${now.sku}; the plan goes from ${orig.sku} to ${end.sku}`);
  }
  const origSlots = replicaSlots(plan.current);
  const endSlots = replicaSlots(end);
  const liveSlots = replicaSlots(live);
  const recreated = new Set(
    plan.actions.flatMap((a) => (a.kind === 'deleteReplica' && a.recreateAs !== undefined ? [normalizeRegion(a.region)] : [])),
  );
  const regions = new Set([...origSlots.keys(), ...endSlots.keys(), ...liveSlots.keys()]);
  for (const region of [...regions].sort()) {
    const allowed: Slot[] = [origSlots.get(region) ?? null, endSlots.get(region) ?? null];
    if (recreated.has(region)) allowed.push(null);
    const got = liveSlots.get(region) ?? null;
    if (!allowed.some((a) => sameSlot(a, got))) {
      violations.push(
        `replica ${region} is ${slotText(got)}; the plan expects ${[...new Set(allowed.map(slotText))].join(' or ')}`,
      );
    }
  }
  if (violations.length > 0) {
    throw new StalePlanError(
      `the live topology of ${plan.registryName} is not a state plan ${plan.id} passes through; it was changed outside the plan`,
      violations,
      plan.liveFingerprint,
      liveFp,
    );
  }
  return { mode: 'resume', done: new Set(plan.actions.filter((a) => isActionSatisfied(a, live)).map((a) => a.id)) };
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

export async function executePlan(plan: Plan, port: ExecutorPort, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
  const dryRun = opts.dryRun === true;
  if (plan.state === 'applied') {
    return { outcome: 'noop', steps: [], performed: [], alreadyDone: [] };
  }
  if (dryRun) {
    if (plan.state === 'rejected') throw new PlanStateError(`plan ${plan.id} was rejected`, plan.state, 'dryRun');
  } else {
    if (plan.state !== 'approved' && plan.state !== 'applying' && plan.state !== 'partiallyApplied') {
      throw new PlanStateError(`plan ${plan.id} is ${plan.state}; it cannot be applied`, plan.state, 'apply');
    }
    if (plan.approvedContentHash === undefined) {
      throw new PlanStateError(`plan ${plan.id} carries no approval`, plan.state, 'apply');
    }
    assertIntegrity(plan);
  }

  const readOpts = { webhooks: plan.actions.some((a) => a.kind === 'createWebhook') };
  // Stale check: before any mutating call.
  const live = await port.readLive(readOpts);
  const { done } = assessLive(plan, live);

  const attempt = opts.attempt ?? plan.applyAttempts ?? 1;
  const steps: PlanStep[] = [];
  const performed: PlanAction[] = [];
  const alreadyDone: string[] = [];
  const step = (a: PlanAction, status: PlanStep['status'], message?: string): PlanStep => {
    const s: PlanStep = { actionId: a.id, kind: a.kind, status, at: port.now().toISOString(), attempt };
    if (a.kind !== 'upgradeSku') s.region = a.region;
    if (message !== undefined) s.message = message;
    return s;
  };
  const record = async (s: PlanStep): Promise<void> => {
    steps.push(s);
    if (!dryRun) await port.recordStep(s);
  };

  for (const action of plan.actions) {
    if (done.has(action.id)) {
      alreadyDone.push(action.id);
      await record(step(action, 'skipped', 'alreadyDone: the live topology already has this change'));
      continue;
    }
    performed.push(action);
    if (dryRun) {
      steps.push(step(action, 'started', 'dryRun: would perform'));
      continue;
    }
    await record(step(action, 'started'));
    try {
      await port.perform(action);
    } catch (e) {
      const message = errorMessage(e);
      await record(step(action, 'failed', message));
      return { outcome: 'partiallyApplied', steps, performed, alreadyDone, failedActionId: action.id, error: message };
    }
    await record(step(action, 'succeeded'));
  }

  if (dryRun) return { outcome: 'dryRun', steps, performed, alreadyDone };

  // Verify convergence.
  const after = await port.readLive(readOpts);
  const finalFingerprint = fingerprint(after);
  const expected = applyActions(plan.current, plan.actions);
  if (finalFingerprint !== fingerprint(expected)) {
    const error = `after applying, the live topology differs from the planned end state: ${describeTopologyChange(expected, after).join('; ')}`;
    return { outcome: 'partiallyApplied', steps, performed, alreadyDone, error, finalFingerprint };
  }
  return { outcome: 'applied', steps, performed, alreadyDone, finalFingerprint };
}
