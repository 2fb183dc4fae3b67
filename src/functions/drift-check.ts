/**
 * `driftCheck` (queue trigger on `drift-checks`): checks one registry of a
 * drift run — live topology and 30 days of pull metrics through the ARM ports
 * (bounded by DRIFT_ARM_CONCURRENCY per process; the adapters retry 429 with
 * Retry-After), the last applied plan from the plan store — and stores the
 * report. Storing is idempotent per (registry, runId): a re-processed message
 * overwrites the same row.
 *
 * Failures: a transient one (429/5xx/network, still failing after the
 * adapters' own retries) is thrown so the queue retries the message
 * (dequeueCount); on the last attempt (DRIFT_MAX_DEQUEUE_COUNT, = host.json
 * maxDequeueCount, default 5) or for a permanent one (registry gone, 403) an
 * `error` report with the reason is stored instead. Should even that fail,
 * the host moves the message to `drift-checks-poison`, where
 * `driftCheckPoison` reports it — nothing is lost.
 */
import type { InvocationContext } from '@azure/functions';
import { topologyFromLive } from './live-context';
import type { QueueFunction } from './triggers';
import { getServices, type Services } from '../services';
import { whenSolverFree } from '../solver/port';
import { checkDriftWith, errorReport } from '../model/drift/report';
import type { AppliedPlanRef, DriftPlanWorkload, DriftReport } from '../model/drift/types';
import { isRunId } from '../model/drift/run-id';
import type { Plan } from '../model/plan/types';
import { getDriftRuntime, type DriftRuntime } from '../azure/drift/runtime';
import { DRIFT_CHECK_POISON_QUEUE, DRIFT_CHECK_QUEUE, DRIFT_METRIC_DAYS } from '../azure/drift/settings';

export interface DriftCheckMessage {
  runId: string;
  registryId: string;
}

export function parseCheckMessage(message: unknown): DriftCheckMessage | string {
  const m = (typeof message === 'string' ? safeJson(message) : message) as Partial<DriftCheckMessage> | null;
  if (!m || typeof m !== 'object') return 'the message is not a JSON object';
  if (typeof m.runId !== 'string' || !isRunId(m.runId)) return `runId missing or malformed: ${JSON.stringify(m.runId)}`;
  if (typeof m.registryId !== 'string' || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/registries\/[^/]+$/i.test(m.registryId)) {
    return `registryId is not a registry resource id: ${JSON.stringify(m.registryId)}`;
  }
  return { runId: m.runId, registryId: m.registryId };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** Transient = worth retrying via the queue: throttled, upstream 5xx, network/timeouts. */
export function isTransient(e: unknown): boolean {
  const status = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  if (typeof status !== 'number') return true;
  return status === 408 || status === 429 || status >= 500;
}

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
export async function lastAppliedPlan(rt: DriftRuntime, registryId: string): Promise<{ plan: AppliedPlanRef | null; note?: string }> {
  const ps = rt.planStore();
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
export async function checkRegistry(msg: DriftCheckMessage, rt: DriftRuntime, services: Services): Promise<DriftReport> {
  const { topology, metrics } = services.arm();
  const live = await rt.armLimiter.run(() => topology.getRegistry(msg.registryId));
  const summary = await rt.armLimiter.run(() => metrics.getPullSummary(msg.registryId, { days: DRIFT_METRIC_DAYS }));
  const { plan, note } = await lastAppliedPlan(rt, live.id);
  const s = rt.settings;
  // The optimizer runs in the solver pool, off the event loop. A check waits while the pool is busy
  // (bounded: whenSolverFree), then throws its 503, which is transient: the queue retries the message.
  const solver = services.solver();
  return checkDriftWith(
    {
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: rt.now().toISOString(),
      live,
      topology: topologyFromLive(live),
      appliedPlan: plan,
      ...(note ? { planNote: note } : {}),
      metrics: summary,
      settings: { ...(s.avgPullSizeMB !== undefined ? { avgPullSizeMB: s.avgPullSizeMB } : {}), savingThreshold: s.savingThreshold, storageLagPercent: s.storageLagPercent },
    },
    { catalog: services.catalog, prices: services.prices() },
    (input, ctx) => whenSolverFree(() => solver.recommend(input, ctx)),
  );
}

function dequeueCountOf(context: InvocationContext): number {
  const n = Number(context.triggerMetadata?.['dequeueCount'] ?? 1);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export async function handleDriftCheck(message: unknown, context: InvocationContext, rt: DriftRuntime = getDriftRuntime(), services: Services = getServices()): Promise<DriftReport | undefined> {
  const msg = parseCheckMessage(message);
  if (typeof msg === 'string') {
    context.error(`driftCheck: dropped a malformed message (${msg}): ${JSON.stringify(message).slice(0, 500)}`);
    return undefined;
  }
  const attempt = dequeueCountOf(context);
  let report: DriftReport;
  try {
    report = await checkRegistry(msg, rt, services);
  } catch (e) {
    const err = e as Error & { status?: number; code?: string };
    if (isTransient(e) && attempt < rt.settings.maxDequeueCount) {
      context.warn(`driftCheck: ${msg.registryId} run ${msg.runId}: attempt ${attempt}/${rt.settings.maxDequeueCount} failed (${err.message}); the queue will retry`);
      throw e;
    }
    report = errorReport({
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: rt.now().toISOString(),
      message: err.message,
      ...(typeof err.status === 'number' ? { status: err.status } : {}),
      ...(typeof err.code === 'string' ? { code: err.code } : {}),
      attempts: attempt,
    });
    context.warn(`driftCheck: ${msg.registryId} run ${msg.runId}: reported as error after ${attempt} attempt(s): ${err.message}`);
  }
  await rt.reports.put(report);
  context.log(`driftCheck: ${report.summary} [${msg.runId}]`);
  return report;
}

export const driftCheck: QueueFunction = {
  kind: 'queue',
  name: 'driftCheck',
  queueName: DRIFT_CHECK_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    await handleDriftCheck(message, context);
  },
};

/** Poison messages of `drift-checks` (failed DRIFT_MAX_DEQUEUE_COUNT times, even storing the error report): reported, not lost. */
export async function handleDriftCheckPoison(message: unknown, context: InvocationContext, rt: DriftRuntime = getDriftRuntime()): Promise<void> {
  const msg = parseCheckMessage(message);
  if (typeof msg === 'string') {
    context.error(`driftCheckPoison: poison message that is not a drift check (${msg}): ${JSON.stringify(message).slice(0, 2000)}`);
    return;
  }
  context.error(`driftCheckPoison: ${msg.registryId} run ${msg.runId} failed every attempt and reached ${DRIFT_CHECK_POISON_QUEUE}`);
  await rt.reports.put(
    errorReport({
      registryId: msg.registryId,
      runId: msg.runId,
      checkedAt: rt.now().toISOString(),
      message: `the check failed on every attempt and its message was moved to the ${DRIFT_CHECK_POISON_QUEUE} queue (see the function logs)`,
      code: 'PoisonMessage',
    }),
  );
}

export const driftCheckPoison: QueueFunction = {
  kind: 'queue',
  name: 'driftCheckPoison',
  queueName: DRIFT_CHECK_POISON_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    await handleDriftCheckPoison(message, context);
  },
};
