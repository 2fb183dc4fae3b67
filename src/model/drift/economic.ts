/**
 * Economic drift: the optimizer (recommend()) re-run on the last 30 days of
 * pull metrics. Azure Monitor has no bytes-pulled metric and no per-region
 * split, so the volume is pulls × DRIFT_AVG_PULL_SIZE_MB × each workload's
 * share (the applied plan's workloads, else an equal share per current
 * location). Without an average pull size the economics are unknown, never
 * invented. Pure.
 */
import type { Catalog } from '../catalog';
import { DAYS_PER_MONTH } from '../cost';
import { buildEstimate, money } from '../estimate';
import { recommend, type RecommendContext, type RecommendInput, type Recommendation } from '../recommend';
import type { PriceBook, Topology, Workload, WorkloadSite } from '../types';
import type { DriftEconomics, DriftFinding, DriftInput, DriftPlanWorkload, DriftReplicaEconomics } from './types';

const kind = 'economic' as const;
const GIB = 1024 ** 3;

export interface EconomicContext {
  catalog: Catalog;
  prices: PriceBook;
  /** Solver time limit per registry (default 2000 ms). */
  solverTimeLimitMs?: number;
}

export interface EconomicResult {
  findings: DriftFinding[];
  economics: DriftEconomics;
}

function unknown(reason: string, savingThreshold: number, assumptions: string[] = []): EconomicResult {
  return {
    findings: [{ kind, severity: 'info', code: 'ECONOMICS_UNKNOWN', message: `Economic drift unknown: ${reason}` }],
    economics: { status: 'unknown', reason, savingThreshold, assumptions },
  };
}

/** Pulls per 730-hour month; null when no day has data. */
export function pullsPerMonth(m: DriftInput['metrics']): number | null {
  if (!m || m.totalPullCount === null || m.daysWithData === 0) return null;
  return (m.totalPullCount / m.daysWithData) * DAYS_PER_MONTH;
}

/** Stored GiB: the home geolocation's StorageUsed, else the largest reported; null when unknown. */
export function storedGiB(m: DriftInput['metrics'], home: string): number | null {
  if (!m) return null;
  const h = m.storageUsedBytesByGeolocation[home];
  if (typeof h === 'number') return h / GIB;
  const known = Object.values(m.storageUsedBytesByGeolocation).filter((v): v is number => typeof v === 'number');
  return known.length ? Math.max(...known) / GIB : null;
}

function siteOf(w: DriftPlanWorkload, catalog: Catalog): WorkloadSite | null {
  if (w.region !== undefined) return catalog.get(w.region) ? { kind: 'azure', region: w.region } : null;
  if (w.name !== undefined && typeof w.latitude === 'number' && typeof w.longitude === 'number') {
    return { kind: 'external', name: w.name, latitude: w.latitude, longitude: w.longitude };
  }
  return null;
}

/** The workloads to price and how they were chosen. */
export function driftWorkloads(input: DriftInput, pulls: number, avgMB: number, catalog: Catalog): { workloads: Workload[]; note: string } {
  const recorded = input.appliedPlan?.workloads?.filter((w) => w.share > 0 && siteOf(w, catalog) !== null) ?? [];
  if (recorded.length > 0) {
    const total = recorded.reduce((s, w) => s + w.share, 0);
    const workloads = recorded.map((w) => {
      const share = w.share / total;
      return {
        site: siteOf(w, catalog) as WorkloadSite,
        pullGBPerMonth: (pulls * share * avgMB) / 1000,
        volumeSource: `derived: ${pulls.toFixed(0)} pulls/month × share ${share.toFixed(3)} (from plan ${input.appliedPlan?.id}) × ${avgMB} MB`,
      };
    });
    return {
      workloads,
      note: `Workloads: the ${recorded.length} recorded with applied plan ${input.appliedPlan?.id} (${recorded.map((w) => `${w.region ?? w.name} ${((w.share / total) * 100).toFixed(1)}%`).join(', ')})${Math.abs(total - 1) > 0.005 ? `, shares rescaled from a total of ${(total * 100).toFixed(1)}%` : ''}.`,
    };
  }
  const locations = [input.topology.homeRegion, ...input.topology.replicas.map((r) => r.region)].filter((r) => catalog.get(r));
  const share = 1 / locations.length;
  return {
    workloads: locations.map((region) => ({
      site: { kind: 'azure', region },
      pullGBPerMonth: (pulls * share * avgMB) / 1000,
      volumeSource: `derived: ${pulls.toFixed(0)} pulls/month × equal share ${share.toFixed(3)} × ${avgMB} MB`,
    })),
    note: `Workloads: none recorded with an applied plan, so one workload per current location (${locations.join(', ')}) with an equal share of the pulls (${(share * 100).toFixed(1)}% each). Azure Monitor has no per-region pull split.`,
  };
}

/** Runs recommend(): in-process, or through the solver port (worker pool) on request paths. */
export type SolveRecommendation = (input: RecommendInput, ctx: RecommendContext) => Promise<Recommendation>;

/** Economic drift in two halves around the optimizer call: either the result already, or the solve to run and how to finish. */
export type EconomicJob =
  | { done: EconomicResult }
  | { solve: { input: RecommendInput; context: RecommendContext }; finish: (rec: Recommendation) => EconomicResult; failed: (e: unknown) => EconomicResult };

export function economicDrift(input: DriftInput, ctx: EconomicContext): EconomicResult {
  const job = economicDriftJob(input, ctx);
  if ('done' in job) return job.done;
  let rec: Recommendation;
  try {
    rec = recommend(job.solve.input, job.solve.context);
  } catch (e) {
    return job.failed(e);
  }
  return job.finish(rec);
}

/**
 * economicDrift() with the optimizer behind `solve` (the worker pool). An
 * error marked `transient` (solver busy or crashed) is thrown, so a queue
 * trigger retries the check; any other makes the economics unknown.
 */
export async function economicDriftWith(input: DriftInput, ctx: EconomicContext, solve: SolveRecommendation): Promise<EconomicResult> {
  const job = economicDriftJob(input, ctx);
  if ('done' in job) return job.done;
  let rec: Recommendation;
  try {
    rec = await solve(job.solve.input, job.solve.context);
  } catch (e) {
    if ((e as { transient?: unknown } | null)?.transient === true) throw e;
    return job.failed(e);
  }
  return job.finish(rec);
}

export function economicDriftJob(input: DriftInput, ctx: EconomicContext): EconomicJob {
  const { catalog, prices } = ctx;
  const threshold = input.settings.savingThreshold;
  const avg = input.settings.avgPullSizeMB;
  if (avg === undefined) {
    return { done: unknown('DRIFT_AVG_PULL_SIZE_MB is not set, and Azure Monitor has no bytes-pulled metric: pull volumes (and so transfer costs) are unknown.', threshold) };
  }
  const pulls = pullsPerMonth(input.metrics);
  if (pulls === null) return { done: unknown('no TotalPullCount data for the last 30 days: pull volumes are unknown.', threshold) };
  const t: Topology = input.topology;
  const missing = [t.homeRegion, ...t.replicas.map((r) => r.region)].filter((r) => !catalog.get(r));
  if (missing.includes(t.homeRegion)) return { done: unknown(`home region ${t.homeRegion} is not in the region catalog.`, threshold) };
  const storageGiB = storedGiB(input.metrics, t.homeRegion);
  const { workloads, note } = driftWorkloads(input, pulls, avg, catalog);
  const m = input.metrics;
  const assumptions = [
    `Pulls: ${pulls.toFixed(0)}/month from Azure Monitor TotalPullCount over the last ${m?.days ?? 30} days (${m?.daysWithData ?? 0} with data), scaled to a 730-hour month.`,
    `Average pull size ${avg} MB (DRIFT_AVG_PULL_SIZE_MB): Azure Monitor has no bytes-pulled metric.`,
    note,
    storageGiB === null ? 'Stored size unknown (no StorageUsed): storage overage left out.' : `Stored size ${storageGiB.toFixed(1)} GiB from StorageUsed (home region).`,
    `Prices: list prices as of ${prices.asOf} (${prices.currency})${prices.overrides.length ? `, with overrides: ${prices.overrides.join('; ')}` : ''}.`,
    'Optimizer: exact, no constraints (every catalog region a candidate); workloads served by their lowest-latency enabled location.',
    ...(missing.length ? [`Locations not in the catalog were left out: ${missing.join(', ')}.`] : []),
  ];
  return {
    solve: {
      input: {
        current: t,
        storageGiB,
        workloads,
        constraints: { mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false },
        solver: { timeLimitMs: ctx.solverTimeLimitMs ?? 2000, frontierMax: 0 },
      },
      context: { catalog, prices, warnings: [] },
    },
    failed: (e) => unknown(`the optimizer could not run: ${e instanceof Error ? e.message : String(e)}`, threshold, assumptions),
    finish: (rec) => economicResult(input, ctx, { pulls, avg, storageGiB, workloads, assumptions }, rec),
  };
}

function economicResult(
  input: DriftInput,
  ctx: EconomicContext,
  d: { pulls: number; avg: number; storageGiB: number | null; workloads: Workload[]; assumptions: string[] },
  rec: Recommendation,
): EconomicResult {
  const { catalog, prices } = ctx;
  const threshold = input.settings.savingThreshold;
  const t: Topology = input.topology;
  const { pulls, avg, storageGiB, workloads, assumptions } = d;
  const current = buildEstimate({ topology: t, storageGiB, workloads }, catalog, prices);
  const replicas: DriftReplicaEconomics[] = current.locations
    .filter((l) => l.role === 'replica')
    .map((l) => ({
      region: l.region,
      regionEndpointEnabled: l.regionEndpointEnabled,
      servedGBPerMonth: l.servedGBPerMonth,
      marginalMonthlyValue: l.marginalMonthlyValue ?? null,
      breakEvenGBPerMonth: l.breakEvenGBPerMonth ?? null,
    }));
  // Storage unknown → totals are unknown; compare what is known (registry units + transfer) and say so.
  const storageUnknown = rec.current.monthlyCost.total === null || rec.recommended.monthlyCost.total === null;
  const currentCost = rec.current.monthlyCost.total ?? money(rec.current.monthlyCost.totalKnown);
  const recommendedCost = rec.recommended.monthlyCost.total ?? money(rec.recommended.monthlyCost.totalKnown);
  const saving = rec.savings.monthly ?? money(currentCost - recommendedCost);
  if (storageUnknown) assumptions.push('Costs and saving compare registry units and data transfer only: the stored size is unknown, so storage overage (per location) is left out.');
  const recommendedBy = new Map(rec.recommended.topology.replicas.map((r: { region: string; regionEndpointEnabled: boolean }) => [r.region, r.regionEndpointEnabled]));
  const enable = t.replicas.filter((r) => !r.regionEndpointEnabled && recommendedBy.get(r.region) === true).map((r) => r.region);
  const economics: DriftEconomics = {
    status: 'evaluated',
    currency: prices.currency,
    pricesAsOf: prices.asOf,
    pullsPerMonth: Math.round(pulls),
    avgPullSizeMB: avg,
    currentMonthlyCost: currentCost,
    recommendedMonthlyCost: recommendedCost,
    monthlySaving: saving,
    recommendedReplicas: rec.recommended.topology.replicas.map((r: { region: string }) => r.region),
    changes: { add: rec.savings.changes.add, remove: rec.savings.changes.remove, ...(enable.length ? { enableRouting: enable } : {}) },
    replicas,
    savingThreshold: threshold,
    ...(rec.optimality ? { optimality: rec.optimality.status } : {}),
    assumptions,
  };
  const cur = prices.currency;
  const findings: DriftFinding[] = [];
  if (saving > threshold) {
    const ch = [
      ...(rec.savings.changes.remove.length ? [`remove ${rec.savings.changes.remove.join(', ')}`] : []),
      ...(rec.savings.changes.add.length ? [`add ${rec.savings.changes.add.join(', ')}`] : []),
      ...(enable.length ? [`enable routing to ${enable.join(', ')}`] : []),
    ].join('; ');
    findings.push({
      kind,
      severity: 'warning',
      code: 'SAVING_AVAILABLE',
      message: `Re-optimising saves ${saving.toFixed(2)} ${cur}/month (${ch || 'same replicas'}): ${currentCost.toFixed(2)} → ${recommendedCost.toFixed(2)} ${cur}/month; threshold ${threshold} ${cur}.`,
      detail: { monthlySaving: saving, threshold, currency: cur, add: rec.savings.changes.add, remove: rec.savings.changes.remove, enableRouting: enable },
    });
  }
  for (const r of replicas) {
    if (r.marginalMonthlyValue === null || r.marginalMonthlyValue >= 0) continue;
    const loss = money(-r.marginalMonthlyValue);
    const message = !r.regionEndpointEnabled
      ? `Replica ${r.region} has routing disabled: it serves no pulls but costs ${loss.toFixed(2)} ${cur}/month.`
      : r.breakEvenGBPerMonth === null
        ? `Replica ${r.region} serves ${r.servedGBPerMonth ?? 0} GB/month and saves no transfer: it costs ${loss.toFixed(2)} ${cur}/month more than it saves.`
        : `Replica ${r.region} serves ${r.servedGBPerMonth ?? 0} GB/month, below its break-even of ${r.breakEvenGBPerMonth} GB/month: it costs ${loss.toFixed(2)} ${cur}/month more than the transfer it saves.`;
    findings.push({
      kind,
      severity: 'warning',
      code: 'REPLICA_BELOW_BREAK_EVEN',
      region: r.region,
      message,
      detail: { servedGBPerMonth: r.servedGBPerMonth, breakEvenGBPerMonth: r.breakEvenGBPerMonth, marginalMonthlyValue: r.marginalMonthlyValue, regionEndpointEnabled: r.regionEndpointEnabled },
    });
  }
  return { findings, economics };
}
