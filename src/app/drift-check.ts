/**
 * Use case: check one registry of a drift run — live topology and the pull
 * metrics through the ARM ports (bounded by the ARM limit), the last applied
 * plan from the plan store, the drift model (its optimizer in the solver,
 * waiting while the solver is busy) — and store the report. Storing is
 * idempotent per (registry, runId): a re-processed message overwrites the same row.
 *
 * Failures: a transient one (429/5xx/network, still failing after the
 * adapters' own retries) is rethrown while attempts remain, so the queue
 * retries the message; on the last attempt, or for a permanent one (registry
 * gone, 403), an `error` report with the reason is stored instead.
 */
import { checkDriftWith, errorReport } from '../model/drift/report';
import type { AppliedPlanRef, DriftPlanWorkload, DriftReport } from '../model/drift/types';
import { topologyFromLive } from '../model/live';
import type { Plan } from '../model/plan/types';
import { isTransient } from '../model/transient';
import type { DriftDeps } from './drift-deps';
import { DRIFT_CHECK_POISON_QUEUE } from './ports/drift';
import { whenSolverFree } from './solver-wait';

/** Days of pull metrics a drift check reads. */
export const DRIFT_METRIC_DAYS = 30;

export interface DriftCheckMessage {
  runId: string;
  registryId: string;
}

export type DriftCheckDeps = Pick<DriftDeps, 'settings' | 'reports' | 'planStore' | 'armLimiter' | 'arm' | 'solver' | 'catalog' | 'prices' | 'now' | 'log'>;

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

/** The newest plan in state `applied` for the registry, or why there is none to compare with. */
export async function lastAppliedPlan(deps: Pick<DriftDeps, 'planStore'>, registryId: string): Promise<{ plan: AppliedPlanRef | null; note?: string }> {
  const ps = deps.planStore();
  if ('unavailable' in ps) return { plan: null, note: `Configuration drift not checked: the plan store is unavailable (${ps.unavailable}).` };
  try {
    const summaries = await ps.store.list({ registryId });
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

/** Reads one registry and runs the drift model. Throws the ARM errors. */
export async function checkRegistry(deps: DriftCheckDeps, msg: DriftCheckMessage): Promise<DriftReport> {
  const { topology, metrics } = deps.arm();
  const live = await deps.armLimiter.run(() => topology.getRegistry(msg.registryId));
  const summary = await deps.armLimiter.run(() => metrics.getPullSummary(msg.registryId, { days: DRIFT_METRIC_DAYS }));
  const { plan, note } = await lastAppliedPlan(deps, live.id);
  const s = deps.settings;
  // The optimizer runs in the solver pool, off the event loop. A check waits while the pool is busy
  // (bounded: whenSolverFree), then throws its 503, which is transient: the queue retries the message.
  const solver = deps.solver();
  return checkDriftWith(
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
    (input, ctx) => whenSolverFree(() => solver.recommend(input, ctx)),
  );
}

/**
 * Checks the registry of one message (attempt `attempt` of it) and stores the
 * report; rethrows a transient failure while attempts remain (the queue retries).
 */
export async function driftCheck(deps: DriftCheckDeps, input: { message: DriftCheckMessage; attempt: number }): Promise<DriftReport> {
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
    report = errorReport({
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: deps.now().toISOString(),
      message: err.message,
      ...(typeof err.status === 'number' ? { status: err.status } : {}),
      ...(typeof err.code === 'string' ? { code: err.code } : {}),
      attempts: attempt,
    });
    deps.log.warn(`driftCheck: ${msg.registryId} run ${msg.runId}: reported as error after ${attempt} attempt(s): ${err.message}`);
  }
  await deps.reports.put(report);
  deps.log.log(`driftCheck: ${report.summary} [${msg.runId}]`);
  return report;
}

/** A check message that failed every attempt (moved to the poison queue): stored as an error report, not lost. */
export async function reportPoisonedCheck(deps: Pick<DriftDeps, 'reports' | 'now' | 'log'>, input: { message: DriftCheckMessage }): Promise<void> {
  const msg = input.message;
  deps.log.error(`driftCheckPoison: ${msg.registryId} run ${msg.runId} failed every attempt and reached ${DRIFT_CHECK_POISON_QUEUE}`);
  await deps.reports.put(
    errorReport({
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: deps.now().toISOString(),
      message: `the check failed on every attempt and its message was moved to the ${DRIFT_CHECK_POISON_QUEUE} queue (see the function logs)`,
      code: 'PoisonMessage',
    }),
  );
}
