/**
 * Use case: check the registries of one drift-checks message — a group of up to
 * 50 registries of one subscription and region whose live topology the
 * inventory put in the message (metrics: one batch call for the group), or one
 * registry by id (live topology and metrics through the ARM ports). ARM reads
 * that remain (a registry the inventory did not see, metrics the batch did not
 * answer) are bounded by the ARM limit in this process and by the
 * per-subscription read budget shared by every instance. Then the last applied
 * plan from the plan store, the drift model (its optimizer in the solver,
 * waiting while the solver is busy) — and store the report. Storing is
 * idempotent per (registry, runId): a re-processed message overwrites the same row.
 *
 * Failures: a transient one (429/5xx/network, still failing after the
 * adapters' own retries) is rethrown while attempts remain, so the queue
 * retries the message; on the last attempt, or for a permanent one (registry
 * gone, 403), an `error` report with the reason is stored instead.
 */
import { isGroupMessage, type DriftCheckMessage, type DriftGroupCheckMessage, type DriftSingleCheckMessage } from '../model/drift/messages';
import { checkDriftWith, errorReport } from '../model/drift/report';
import type { AppliedPlanRef, DriftPlanWorkload, DriftReport } from '../model/drift/types';
import { topologyFromLive, type LiveRegistry, type PullSummary } from '../model/live';
import type { Plan } from '../model/plan/types';
import { isTransient } from '../model/transient';
import type { DriftDeps } from './drift-deps';
import { DRIFT_CHECK_POISON_QUEUE } from './ports/drift';
import type { PlanSummary } from './ports/plan-store';
import { mapLimit } from './map-limit';
import { driftSolve } from './drift-solve';

/** Days of pull metrics a drift check reads. */
export const DRIFT_METRIC_DAYS = 30;

export type { DriftCheckMessage, DriftGroupCheckMessage, DriftSingleCheckMessage };

/** ARM reads of one registry's topology (registries.get + replications.list) and of its metrics (two metrics.list). */
export const TOPOLOGY_READS = 2;
export const METRICS_READS = 2;
/** Registries of a group checked at once: their work is mostly storage round trips; the solver pool bounds the CPU part. */
const GROUP_CONCURRENCY = 16;

export type DriftCheckDeps = Pick<DriftDeps, 'settings' | 'reports' | 'planStore' | 'armLimiter' | 'arm' | 'solver' | 'catalog' | 'prices' | 'now' | 'log' | 'batchMetrics' | 'armBudget'>;

/** Shares of the workloads a plan recorded (`workloads`, or `costAfter.workloads` of an estimate), if any. */
export function planWorkloads(plan: Plan): DriftPlanWorkload[] | undefined {
  const raw = (plan as unknown as { workloads?: unknown }).workloads ?? (plan.costAfter as { workloads?: unknown } | undefined)?.workloads;
  if (!Array.isArray(raw)) return undefined;
  const items = raw.filter((w): w is Record<string, unknown> => typeof w === 'object' && w !== null);
  const withShare = items.filter((w) => typeof w['share'] === 'number');
  const withVolume = items.filter((w) => typeof w['pullGBPerMonth'] === 'number');
  const site = (w: Record<string, unknown>) => ({
    ...(typeof w['region'] === 'string' ? { region: w['region'] } : {}),
    ...(typeof w['name'] === 'string' ? { name: w['name'] } : {}),
    ...(typeof w['latitude'] === 'number' ? { latitude: w['latitude'] } : {}),
    ...(typeof w['longitude'] === 'number' ? { longitude: w['longitude'] } : {}),
  });
  if (withShare.length === items.length && items.length > 0) return items.map((w) => ({ ...site(w), share: w['share'] as number }));
  const total = withVolume.reduce((s, w) => s + (w['pullGBPerMonth'] as number), 0);
  if (withVolume.length === items.length && total > 0) return items.map((w) => ({ ...site(w), share: (w['pullGBPerMonth'] as number) / total }));
  return undefined;
}

/** Plan summaries of a group's registries, listed once for the whole message (key: lower-case registry id). */
export type PlanIndex = Map<string, PlanSummary[]>;

/** The newest plan in state `applied` for the registry, or why there is none to compare with. */
export async function lastAppliedPlan(deps: Pick<DriftDeps, 'planStore'>, registryId: string, index?: PlanIndex): Promise<{ plan: AppliedPlanRef | null; note?: string }> {
  const ps = deps.planStore();
  if ('unavailable' in ps) return { plan: null, note: `Configuration drift not checked: the plan store is unavailable (${ps.unavailable}).` };
  try {
    const summaries = index ? (index.get(registryId.toLowerCase()) ?? []) : await ps.store.list({ registryId });
    const applied = summaries.find((s) => s.state === 'applied');
    if (!applied) {
      return { plan: null, note: summaries.length ? `No applied plan for this registry (${summaries.length} plan(s), none applied): nothing to compare with.` : undefined };
    }
    const { plan } = await ps.store.get(applied.id);
    const appliedAt = [...plan.steps].reverse().find((s) => s.status === 'succeeded')?.at;
    const workloads = planWorkloads(plan);
    return { plan: { id: plan.id, target: plan.target, ...(appliedAt ? { appliedAt } : {}), ...(workloads ? { workloads } : {}) } };
  } catch (e) {
    return { plan: null, note: `Configuration drift not checked: the plan store failed (${(e as Error).message}).` };
  }
}

/** The subscription of a registry id (`/subscriptions/{id}/...`). */
function subscriptionOf(registryId: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(registryId)?.[1] ?? 'unknown';
}

/** ARM metric reads of one registry, charged to its subscription's budget. */
async function armPullSummary(deps: DriftCheckDeps, registryId: string): Promise<PullSummary> {
  await deps.armBudget?.take(subscriptionOf(registryId), METRICS_READS);
  return deps.armLimiter.run(() => deps.arm().metrics.getPullSummary(registryId, { days: DRIFT_METRIC_DAYS }));
}

/** Reads one registry through ARM (topology + metrics, charged to the budget) and runs the drift model. Throws the ARM errors. */
export async function checkRegistry(deps: DriftCheckDeps, msg: DriftSingleCheckMessage): Promise<DriftReport> {
  const { topology } = deps.arm();
  await deps.armBudget?.take(subscriptionOf(msg.registryId), TOPOLOGY_READS);
  const live = await deps.armLimiter.run(() => topology.getRegistry(msg.registryId));
  const summary = await armPullSummary(deps, msg.registryId);
  return evaluateRegistry(deps, msg.runId, msg.registryId, live, summary);
}

/** Runs the drift model on a registry whose topology and metrics are known. */
export async function evaluateRegistry(deps: DriftCheckDeps, runId: string, registryId: string, live: LiveRegistry, summary: PullSummary | null, plans?: PlanIndex): Promise<DriftReport> {
  const msg = { runId, registryId };
  const { plan, note } = await lastAppliedPlan(deps, live.id, plans);
  const s = deps.settings;
  // The optimizer runs in the solver pool, off the event loop. A check waits in memory for one of the
  // solver's places (driftSolve), then while the pool is busy with others (bounded: whenSolverFree),
  // then throws its 503, which is transient: the queue retries the message.
  const solver = deps.solver();
  const report = await checkDriftWith(
    {
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: deps.now().toISOString(),
      live,
      topology: topologyFromLive(live, { view: 'planning' }),
      appliedPlan: plan,
      ...(note ? { planNote: note } : {}),
      metrics: summary,
      settings: { ...(s.avgPullSizeMB !== undefined ? { avgPullSizeMB: s.avgPullSizeMB } : {}), savingThreshold: s.savingThreshold, storageLagPercent: s.storageLagPercent },
    },
    { catalog: deps.catalog, prices: deps.prices() },
    (input, ctx) => driftSolve(solver, input, ctx),
  );
  return { ...report, location: live.location };
}

/**
 * Checks a group message: metrics of every registry in one batch call (ARM reads, charged to the
 * budget, only for those the batch did not answer), the drift model per registry, one stored
 * report each. A registry that fails transiently while attempts remain makes the whole message
 * fail after the others are stored, so the queue retries it (storing again overwrites).
 */
export async function driftCheckGroup(deps: DriftCheckDeps, input: { message: DriftGroupCheckMessage; attempt: number }): Promise<DriftReport[]> {
  const { message: msg, attempt } = input;
  const max = deps.settings.maxDequeueCount;
  let summaries = new Map<string, PullSummary>();
  const batch = deps.batchMetrics?.();
  if (batch) {
    try {
      summaries = await batch.getPullSummaries({ subscriptionId: msg.subscriptionId, region: msg.region, registryIds: msg.registries.map((r) => r.id) }, { days: DRIFT_METRIC_DAYS });
    } catch (e) {
      if (isTransient(e) && attempt < max) {
        deps.log.warn(`driftCheck: metrics batch of ${msg.registries.length} registries (${msg.subscriptionId}, ${msg.region}) run ${msg.runId}: attempt ${attempt}/${max} failed (${(e as Error).message}); the queue will retry`);
        throw e;
      }
      deps.log.warn(`driftCheck: metrics batch (${msg.subscriptionId}, ${msg.region}) failed (${(e as Error).message}); reading metrics through ARM per registry`);
    }
  }
  // The plans of the whole group in one listing (not one query per registry); a failure leaves the per-registry path.
  let plans: PlanIndex | undefined;
  const ps = deps.planStore();
  if (!('unavailable' in ps)) {
    try {
      const wanted = new Set(msg.registries.map((r) => r.id.toLowerCase()));
      plans = new Map();
      for (const p of await ps.store.list()) {
        const k = p.registryId.toLowerCase();
        if (!wanted.has(k)) continue;
        const list = plans.get(k);
        if (list) list.push(p);
        else plans.set(k, [p]);
      }
    } catch {
      plans = undefined;
    }
  }
  const failed: Error[] = [];
  const done: DriftReport[] = [];
  const out = await mapLimit(msg.registries, GROUP_CONCURRENCY, async (live): Promise<DriftReport | null> => {
    let report: DriftReport;
    try {
      const summary = summaries.get(live.id.toLowerCase()) ?? (await armPullSummary(deps, live.id));
      report = await evaluateRegistry(deps, msg.runId, live.id, live, summary, plans);
    } catch (e) {
      const err = e as Error & { status?: number; code?: string };
      if (isTransient(e) && attempt < max) {
        failed.push(err);
        return null;
      }
      report = failureReport(deps, live.id, msg.runId, err, attempt);
    }
    if (deps.reports.putMany) done.push(report);
    else await deps.reports.put(report);
    return report;
  });
  // Stored together when the store can (transactions per partition instead of rows one by one); when no registry
  // failed, these are the message's reports, all of them, and the store records the message as done.
  if (done.length && deps.reports.putMany) await deps.reports.putMany(done, { done: failed.length === 0 });
  if (failed.length) {
    const first = failed[0] as Error;
    deps.log.warn(`driftCheck: ${failed.length} of ${msg.registries.length} registries of a group (run ${msg.runId}) failed transiently (${first.message}); attempt ${attempt}/${max}, the queue will retry the group`);
    throw first;
  }
  const reports = out.filter((r): r is DriftReport => r !== null);
  deps.log.log(`driftCheck: ${reports.length} registries (${msg.subscriptionId}, ${msg.region}) checked [${msg.runId}]`);
  return reports;
}

/** The `error` report of a registry whose check failed for good (permanent, or out of attempts), logged. */
function failureReport(deps: DriftCheckDeps, registryId: string, runId: string, err: Error & { status?: number; code?: string }, attempt: number): DriftReport {
  deps.log.warn(`driftCheck: ${registryId} run ${runId}: reported as error after ${attempt} attempt(s): ${err.message}`);
  return errorReport({
    registryId,
    runId,
    checkedAt: deps.now().toISOString(),
    message: err.message,
    ...(typeof err.status === 'number' ? { status: err.status } : {}),
    ...(typeof err.code === 'string' ? { code: err.code } : {}),
    attempts: attempt,
  });
}

/**
 * Checks the registry of one message (attempt `attempt` of it) and stores the
 * report; rethrows a transient failure while attempts remain (the queue retries).
 */
export async function driftCheck(deps: DriftCheckDeps, input: { message: DriftSingleCheckMessage; attempt: number }): Promise<DriftReport> {
  const { message: msg, attempt } = input;
  let report: DriftReport;
  try {
    report = await checkRegistry(deps, msg);
  } catch (e) {
    const err = e as Error & { status?: number; code?: string };
    if (isTransient(e) && attempt < deps.settings.maxDequeueCount) {
      deps.log.warn(`driftCheck: ${msg.registryId} run ${msg.runId}: attempt ${attempt}/${deps.settings.maxDequeueCount} failed (${err.message}); the queue will retry`);
      throw e;
    }
    report = failureReport(deps, msg.registryId, msg.runId, err, attempt);
  }
  await deps.reports.put(report);
  deps.log.log(`driftCheck: ${report.summary} [${msg.runId}]`);
  return report;
}

/** Checks whatever one drift-checks message holds: a group or one registry. */
export async function driftCheckMessage(deps: DriftCheckDeps, input: { message: DriftCheckMessage; attempt: number }): Promise<DriftReport[]> {
  const { message, attempt } = input;
  return isGroupMessage(message) ? driftCheckGroup(deps, { message, attempt }) : [await driftCheck(deps, { message, attempt })];
}

/** A check message that failed every attempt (moved to the poison queue): stored as an error report per registry, not lost. */
export async function reportPoisonedCheck(deps: Pick<DriftDeps, 'reports' | 'now' | 'log'>, input: { message: DriftCheckMessage }): Promise<void> {
  const msg = input.message;
  const ids = isGroupMessage(msg) ? msg.registries.map((r) => r.id) : [msg.registryId];
  deps.log.error(`driftCheckPoison: ${ids.length === 1 ? ids[0] : `${ids.length} registries`} run ${msg.runId} failed every attempt and reached ${DRIFT_CHECK_POISON_QUEUE}`);
  for (const registryId of ids) {
    await deps.reports.put(
      errorReport({
        registryId,
        runId: msg.runId,
        checkedAt: deps.now().toISOString(),
        message: `the check failed on every attempt and its message was moved to the ${DRIFT_CHECK_POISON_QUEUE} queue (see the function logs)`,
        code: 'PoisonMessage',
      }),
    );
  }
}
