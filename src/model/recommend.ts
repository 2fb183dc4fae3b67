/**
 * The replica recommender: the ACR planning problem as exact facility
 * location with client preferences (DESIGN §2). Facilities are the home
 * region (always open) and the candidate replica regions; clients are the
 * workloads, each served by its lowest-latency open location (Traffic
 * Manager), at cost V_w × rate(location, w). Pure: no I/O.
 */
import type { Catalog } from './catalog';
import { DAYS_PER_MONTH, locationFee, locationStorage, monthlyCost, rankLocations, siteLatency, workloadId, type CostInput } from './cost';
import { UnsatisfiableError } from './errors';
import { buildEstimate, money, presentMonthlyCost, type EstimateResponse } from './estimate';
import type { PriceBook, PushSite, Region, ReplicaSpec, Topology, Workload } from './types';
import { recommendationSections } from './answer-sections';
import { withPushClients } from './push';
import { countProbe, solveForEachCount, solveUfl } from './ufl';
import type { UflInstance, UflResult } from './ufl';

export interface RecommendConstraints {
  mustInclude: string[];
  exclude: string[];
  candidates?: string[];
  allowedGeographies?: string[];
  maxReplicas?: number;
  latency?: { maxMs: number; percentile?: number };
  zoneRedundancyRequired: boolean;
  includeRestricted: boolean;
  /**
   * Survive any one location's outage: every workload keeps an enabled location that can serve it
   * (within maxMs ms round trip when given) whichever single location (home included) fails.
   */
  resilience?: Resilience;
  /** At least this many replicas (the home location not counted). */
  minReplicas?: number;
}

export interface Resilience {
  survive: 'any-one-location';
  /** ms round trip (P50) the remaining location must be within. */
  maxMs?: number;
}

export interface RecommendInput {
  current: Topology;
  storageGiB: number | null;
  workloads: Workload[];
  /** Push sites (pushRegions): extra clients of the instance, priced at the push site's rate. */
  pushes?: PushSite[];
  constraints: RecommendConstraints;
  /**
   * timeLimitMs: the deadline of the whole request (main solve and frontier together), ms from the
   * start of recommend(); what is not proved by then is answered with its gap.
   */
  solver: {
    timeLimitMs?: number;
    nodeLimit?: number;
    frontierMax?: number;
    /** Absolute deadline (epoch ms) when the request's clock started earlier (e.g. when it was queued); the earlier of the two wins. */
    deadlineAt?: number;
  };
}

/** Deadline of a request that sets none (ms); the solver pool applies the SOLVER_DEADLINE_MS setting instead. */
export const DEFAULT_DEADLINE_MS = 10_000;

export interface RecommendContext {
  catalog: Catalog;
  prices: PriceBook;
  warnings: string[];
  extraAssumptions?: string[];
  registryId?: string;
}

/** Candidate replica regions after every constraint; throws 422 for contradictions among them. */
export function candidateRegions(home: string, c: RecommendConstraints, catalog: Catalog, warnings: string[]): Region[] {
  const geos = c.allowedGeographies?.map((g) => g.toLowerCase());
  const geoOk = (r: Region): boolean => !geos || geos.includes(r.geography.toLowerCase()) || geos.includes(r.continent);
  const excluded = new Set(c.exclude);
  for (const m of c.mustInclude) {
    const r = catalog.get(m);
    if (!r) continue;
    if (excluded.has(m)) throw new UnsatisfiableError(`'${m}' is both in mustInclude and in exclude.`, 'mustInclude');
    if (m !== home && !geoOk(r)) {
      throw new UnsatisfiableError(`'${m}' (${r.geography}) is in mustInclude but outside allowedGeographies (${c.allowedGeographies?.join(', ')}).`, 'allowedGeographies');
    }
    if (m !== home && c.zoneRedundancyRequired && !r.availabilityZones) {
      throw new UnsatisfiableError(`'${m}' is in mustInclude but has no availability zones, and zoneRedundancyRequired is set.`, 'zoneRedundancyRequired');
    }
    if (r.restricted) warnings.push(`${m} is access-restricted: a replica there needs a support request first.`);
  }
  const replicasRequired = c.mustInclude.filter((m) => m !== home).length;
  if (c.maxReplicas !== undefined && replicasRequired > c.maxReplicas) {
    throw new UnsatisfiableError(`mustInclude asks for ${replicasRequired} replicas but maxReplicas is ${c.maxReplicas}.`, 'maxReplicas');
  }
  const pool = c.candidates ? c.candidates.map((n) => catalog.get(n)).filter((r): r is Region => r !== undefined) : [...catalog.regions];
  const must = new Set(c.mustInclude);
  return pool.filter((r) => {
    if (r.name === home) return false;
    if (must.has(r.name)) return true;
    if (excluded.has(r.name)) return false;
    if (r.restricted && !c.includeRestricted) return false;
    if (!geoOk(r)) return false;
    if (c.zoneRedundancyRequired && !r.availabilityZones) return false;
    // A region with neither published latency nor coordinates cannot be ranked by Traffic Manager's rule.
    return catalog.latency.rttMs[r.name] !== undefined || (r.latitude !== null && r.longitude !== null);
  });
}

interface Built {
  instance: UflInstance;
  facilities: string[];
  clients: Workload[];
}

/** The facility-location instance of a planning request (facility 0 = home, always open). */
export function buildInstance(input: RecommendInput, candidates: readonly Region[], ctx: RecommendContext): Built {
  const { catalog, prices } = ctx;
  const home = input.current.homeRegion;
  const facilities = [home, ...candidates.map((r) => r.name)];
  const index = new Map(facilities.map((f, i) => [f, i]));
  const n = facilities.length;
  const storage = locationStorage('Premium', input.storageGiB, prices) ?? 0;
  const openCost = facilities.map((f) => locationFee('Premium', f, prices) + storage);
  const clients = input.workloads;
  const m = clients.length;
  const cost = new Float64Array(n * m);
  const prefs: number[][] = [];
  clients.forEach((w, j) => {
    const ranked = rankLocations(w.site, facilities, catalog, prices);
    prefs.push(ranked.map((r) => index.get(r.region) ?? -1));
    for (const r of ranked) {
      const i = index.get(r.region);
      if (i !== undefined) cost[i * m + j] = (w.pullGBPerMonth ?? 0) * r.rate.ratePerGB;
    }
  });
  const instance: UflInstance = {
    nFacilities: n,
    nClients: m,
    openCost,
    cost,
    prefs,
    fixedOpen: [0, ...input.constraints.mustInclude.map((r) => index.get(r)).filter((i): i is number => i !== undefined && i !== 0)],
    ...(input.constraints.maxReplicas !== undefined ? { maxOpen: input.constraints.maxReplicas + 1 } : {}),
    ...(input.constraints.minReplicas !== undefined && input.constraints.minReplicas > 0 ? { minOpen: input.constraints.minReplicas + 1 } : {}),
  };
  const resilience = input.constraints.resilience;
  if (resilience) instance.redundancy = { sets: resilienceSets(resilience, clients, facilities, prefs, catalog), min: 2 };
  const lat = input.constraints.latency;
  if (lat) {
    const sets = clients.map((w) => facilities.map((f, i) => ({ i, ms: siteLatency(w.site, f, catalog).ms })).filter((x) => x.ms !== null && x.ms <= lat.maxMs).map((x) => x.i));
    const byVolume = lat.percentile !== undefined;
    const weights = clients.map((w) => (byVolume ? (w.pullGBPerMonth ?? 0) : 1));
    const total = weights.reduce((s, x) => s + x, 0);
    const minCoveredWeight = byVolume ? ((lat.percentile ?? 100) / 100) * total : total;
    // Pre-check: name the workloads that no candidate can serve in time.
    const hopeless = clients.filter((_, j) => (sets[j]?.length ?? 0) === 0);
    const hopelessWeight = hopeless.reduce((s, w) => s + (byVolume ? (w.pullGBPerMonth ?? 0) : 1), 0);
    if (total - hopelessWeight < minCoveredWeight - 1e-9) {
      const detail = hopeless
        .map((w) => {
          const best = Math.min(...facilities.map((f) => siteLatency(w.site, f, catalog).ms ?? Infinity));
          return `${workloadId(w.site)} (best possible ${Number.isFinite(best) ? `${best} ms` : 'unknown'})`;
        })
        .join(', ');
      throw new UnsatisfiableError(
        `No allowed location serves ${byVolume ? `${lat.percentile}% of the volume` : 'every workload'} within ${lat.maxMs} ms: ${detail}.`,
        'latency',
      );
    }
    instance.coverage = { sets, weights, minCoveredWeight: Math.max(0, minCoveredWeight - 1e-9) };
  }
  return { instance: withPushClients(instance, facilities, input.pushes, catalog, prices), facilities, clients };
}

/**
 * The locations that count for each workload after a single-location outage: every location that can
 * serve it (its preference order), or those within resilience.maxMs. Two of them open = survives any one.
 */
function resilienceSets(r: Resilience, clients: readonly Workload[], facilities: readonly string[], prefs: readonly (readonly number[])[], catalog: Catalog): number[][] {
  const maxMs = r.maxMs;
  if (maxMs === undefined) return prefs.map((p) => p.filter((i) => i >= 0));
  return clients.map((w) => facilities.map((f, i) => ({ i, ms: siteLatency(w.site, f, catalog).ms })).filter((x) => x.ms !== null && x.ms <= maxMs).map((x) => x.i));
}

/** Allowed locations (home + candidates) of a workload by latency: the best two, for the 422s. */
function bestTwo(w: Workload, locations: readonly string[], catalog: Catalog): string {
  const known = locations
    .map((l) => ({ l, ms: siteLatency(w.site, l, catalog).ms }))
    .filter((x): x is { l: string; ms: number } => x.ms !== null)
    .sort((a, b) => a.ms - b.ms)
    .slice(0, 2);
  return known.length ? known.map((x) => `${x.ms} ms ${x.l}`).join(', ') : 'no location with a known latency';
}

/**
 * Fast 422s before the solve, each naming the culprit field: minReplicas against maxReplicas and the
 * candidates; resilience against maxReplicas, and against the locations left to each workload (within
 * maxMs when given). When a candidate filter (zoneRedundancyRequired, allowedGeographies, exclude,
 * candidates) removed what resilience needs, that filter is named.
 */
export function checkReplicaConstraints(input: RecommendInput, candidates: readonly Region[], catalog: Catalog, prices: PriceBook): void {
  const c = input.constraints;
  const home = input.current.homeRegion;
  if (c.minReplicas !== undefined && c.maxReplicas !== undefined && c.minReplicas > c.maxReplicas) {
    throw new UnsatisfiableError(`minReplicas is ${c.minReplicas} but maxReplicas is ${c.maxReplicas}.`, 'minReplicas');
  }
  if (c.minReplicas !== undefined && c.minReplicas > candidates.length) {
    throw new UnsatisfiableError(`minReplicas is ${c.minReplicas} but only ${candidates.length} candidate replica region${candidates.length === 1 ? ' is' : 's are'} left after the other constraints.`, 'minReplicas');
  }
  const r = c.resilience;
  if (!r) return;
  if (c.maxReplicas !== undefined && c.maxReplicas < 1) {
    throw new UnsatisfiableError(`resilience (survive any one location) needs at least one replica besides the home region, but maxReplicas is ${c.maxReplicas}.`, 'resilience');
  }
  const short = (cands: readonly Region[]): Workload[] => {
    const facilities = [home, ...cands.map((x) => x.name)];
    return input.workloads.filter((w) => {
      if (r.maxMs === undefined) return rankLocations(w.site, facilities, catalog, prices).length < 2;
      const maxMs = r.maxMs;
      return facilities.filter((f) => { const ms = siteLatency(w.site, f, catalog).ms; return ms !== null && ms <= maxMs; }).length < 2;
    });
  };
  const failing = short(candidates);
  if (failing.length === 0) return;
  const locations = [home, ...candidates.map((x) => x.name)];
  const detail = failing.map((w) => `${workloadId(w.site)} (best two allowed: ${bestTwo(w, locations, catalog)})`).join(', ');
  const need = r.maxMs === undefined ? 'two allowed locations that can serve it' : `two allowed locations within ${r.maxMs} ms`;
  // Which candidate filter took away what resilience needs (relaxing it alone would do)?
  const relaxations: [keyof RecommendConstraints, Partial<RecommendConstraints>][] = [
    ['zoneRedundancyRequired', { zoneRedundancyRequired: false }],
    ['allowedGeographies', { allowedGeographies: undefined }],
    ['exclude', { exclude: [] }],
    ['candidates', { candidates: undefined }],
  ];
  for (const [field, relax] of relaxations) {
    const inactive = field === 'zoneRedundancyRequired' ? !c.zoneRedundancyRequired : field === 'exclude' ? c.exclude.length === 0 : c[field] === undefined;
    if (inactive) continue;
    const wider = candidateRegions(home, { ...c, ...relax }, catalog, []);
    if (short(wider).length === 0) {
      throw new UnsatisfiableError(`resilience needs every workload to have ${need}, and ${field} leaves fewer to ${detail}.`, field);
    }
  }
  throw new UnsatisfiableError(`resilience needs every workload to have ${need}; fewer are left to ${detail}.`, 'resilience');
}

function topologyOf(open: readonly number[], facilities: readonly string[], input: RecommendInput): Topology {
  const currentByRegion = new Map(input.current.replicas.map((r) => [r.region, r]));
  const replicas: ReplicaSpec[] = open
    .filter((i) => i !== 0)
    .map((i) => facilities[i] ?? '')
    .filter((r) => r !== '')
    .sort()
    .map((region) => ({
      region,
      regionEndpointEnabled: true,
      zoneRedundancy: input.constraints.zoneRedundancyRequired || (currentByRegion.get(region)?.zoneRedundancy ?? false),
    }));
  return {
    homeRegion: input.current.homeRegion,
    sku: replicas.length > 0 ? 'Premium' : input.current.sku,
    homeZoneRedundancy: input.current.homeZoneRedundancy ?? false,
    replicas,
  };
}

function latencyStats(est: { workloads: readonly { latencyMs: number | null; pullGBPerMonth: number | null }[] }) {
  const known = est.workloads.filter((w) => w.latencyMs !== null);
  const max = known.length ? Math.max(...known.map((w) => w.latencyMs ?? 0)) : null;
  const vol = known.reduce((s, w) => s + (w.pullGBPerMonth ?? 0), 0);
  const mean = vol > 0 ? known.reduce((s, w) => s + (w.latencyMs ?? 0) * (w.pullGBPerMonth ?? 0), 0) / vol : null;
  return { maxLatencyMs: max, volumeWeightedMeanLatencyMs: mean === null ? null : Math.round(mean * 10) / 10 };
}

/**
 * Share of the request's deadline the main solve may use; the frontier has the rest (and whatever the
 * main solve leaves), so a request whose optimum is not proved in time still lists a plan per count.
 */
export const MAIN_SOLVE_SHARE = 0.8;

function optimality(r: UflResult, deadlineMs: number, currency: string) {
  const note = r.status === 'optimal' ? r.reason : gapNote(r, deadlineMs, currency);
  return {
    deadlineMs,
    status: r.status === 'optimal' ? ('proved' as const) : ('gap' as const),
    objective: money(r.objective),
    lowerBound: money(r.lowerBound),
    relativeGap: r.gap,
    nodes: r.nodes,
    ms: Math.round(r.ms * 10) / 10,
    ...(note ? { note } : {}),
  };
}

/** What an unproved answer means and what to do about it. */
function gapNote(r: UflResult, deadlineMs: number, currency: string): string {
  const why = r.reason ?? 'a limit was reached';
  if (!Number.isFinite(r.objective) || !Number.isFinite(r.lowerBound)) return `${why} before the proof.`;
  const above = money(r.objective - r.lowerBound);
  const pct = Math.round(r.gap * 10000) / 100;
  const timed = /time limit/.test(why) ? ` (the main solve may use ${Math.round(MAIN_SOLVE_SHARE * 100)} % of the request's ${deadlineMs} ms deadline, the frontier the rest)` : '';
  return `${why} before the proof${timed}: this plan costs at most ${above} ${currency}/month (${pct} % of its cost) more than the optimum, whose monthly cost is at least lowerBound. A longer deadline (solver.timeLimitMs, up to 200000 ms, or the SOLVER_DEADLINE_MS app setting) may prove it.`;
}

type Estimator = (t: Topology) => EstimateResponse;
/** A frontier point's monthly cost lines and latency statistics (see frontierSummary). */
type Summarizer = (t: Topology) => { monthlyCost: EstimateResponse['monthlyCost']; maxLatencyMs: number | null; volumeWeightedMeanLatencyMs: number | null };

/**
 * The numbers a frontier point shows, as buildEstimate(costInput(t)) would give them (same monthly cost
 * lines, same latency statistics over the estimate's GB-rounded volumes) without what the frontier does not
 * show: the per-replica economics (one re-routing of every workload per replica), assumptions, locations.
 */
export function frontierSummary(input: CostInput, catalog: Catalog, prices: PriceBook): ReturnType<Summarizer> {
  const b = monthlyCost(input, catalog, prices);
  const gb = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000); // as the estimate presents volumes
  return { monthlyCost: presentMonthlyCost(b), ...latencyStats({ workloads: b.workloads.map((w) => ({ latencyMs: w.latencyMs, pullGBPerMonth: gb(w.pullGBPerMonth) })) }) };
}
export type SolverOptions = { deadline: number; nodeLimit?: number };

/** Refuses a request with no known volume; warns about unknown volumes and a missing storage size. */
function checkVolumes(input: RecommendInput, warnings: string[]): void {
  const unknownVolume = input.workloads.filter((w) => w.pullGBPerMonth === null).map((w) => workloadId(w.site));
  if (unknownVolume.length === input.workloads.length) {
    throw new UnsatisfiableError('No workload has a known pull volume: there is nothing to optimise. Give pullGBPerMonth, pullsPerMonth + avgPullSizeMB, or share with a live registry.', 'workloads');
  }
  if (unknownVolume.length) warnings.push(`Optimised without the transfer of ${unknownVolume.join(', ')} (volume unknown).`);
  if (input.storageGiB === null) warnings.push('registry.storageGiB not given: replicas are priced on registry units only; storage above 500 GiB would add its overage per replica.');
}

/** The exact optimum; throws 422 naming the constraint when there is none. */
function solveBest(instance: UflInstance, solverOpts: SolverOptions, c?: RecommendConstraints): UflResult {
  const best = solveUfl(instance, solverOpts);
  if (best.status === 'infeasible') {
    if (instance.redundancy !== undefined && resilienceIsTheCulprit(instance, best, solverOpts)) {
      const others = [c?.maxReplicas !== undefined ? `maxReplicas ${c.maxReplicas}` : '', c?.latency ? `latency within ${c.latency.maxMs} ms` : '', c?.candidates ? 'candidates' : '', c?.exclude.length ? 'exclude' : '', c?.allowedGeographies ? 'allowedGeographies' : ''].filter((x) => x !== '');
      const within = c?.resilience?.maxMs !== undefined ? ` within ${c.resilience.maxMs} ms` : '';
      throw new UnsatisfiableError(`The constraints cannot all be met: no replica set${others.length ? ` within ${others.join(', ')}` : ''} keeps every workload served${within} after any single-location outage.`, 'resilience');
    }
    const constraint = /latency|coverage/i.test(best.reason ?? '') ? 'latency' : /maxOpen|max/i.test(best.reason ?? '') ? 'maxReplicas' : 'constraints';
    throw new UnsatisfiableError(`The constraints cannot all be met: ${best.reason ?? 'no feasible replica set'}.`, constraint);
  }
  return best;
}

/** Whether an infeasible answer is due to the resilience constraint: the reason names it, or the instance without it has a solution. */
function resilienceIsTheCulprit(instance: UflInstance, r: UflResult, solverOpts: SolverOptions): boolean {
  if (/^redundancy/.test(r.reason ?? '')) return true;
  const { redundancy: _dropped, ...without } = instance;
  return solveUfl(without, { ...solverOpts, nodeLimit: 10_000 }).status !== 'infeasible';
}

/** The topology of the optimum, or the home-only plan on the current (cheaper) SKU when that costs less. */
function chooseTopology(best: UflResult, facilities: readonly string[], input: RecommendInput, est: Estimator, warnings: string[]): Topology {
  const home = input.current.homeRegion;
  let recommendedTopology = topologyOf(best.open, facilities, input);
  // The solver prices every location as Premium. A home-only plan may keep a cheaper current SKU.
  const needsReplica = input.constraints.resilience !== undefined || (input.constraints.minReplicas ?? 0) > 0;
  if (input.current.sku !== 'Premium' && !input.constraints.latency && !needsReplica && input.constraints.mustInclude.every((m) => m === home)) {
    const homeOnly = topologyOf([0], facilities, input);
    const a = est(homeOnly).monthlyCost.totalKnown;
    const b = est(recommendedTopology).monthlyCost.totalKnown;
    if (a < b) recommendedTopology = homeOnly;
  }
  if (recommendedTopology.replicas.length === 0 && recommendedTopology.sku !== 'Premium') {
    warnings.push(
      `No replica pays for itself: the registry stays ${recommendedTopology.sku} without replicas, cheaper than any Premium plan (optimality.objective prices every location as Premium, so it differs from this plan's cost).`,
    );
  }
  return recommendedTopology;
}

/** The best plan for every replica count 0..kMax. */
function frontierOf(instance: UflInstance, kMax: number, solverOpts: SolverOptions, best: UflResult, facilities: readonly string[], input: RecommendInput, summarize: Summarizer) {
  const minReplicas = input.constraints.minReplicas ?? 0;
  const below = Array.from({ length: Math.min(minReplicas, kMax + 1) }, (_, k) => ({ replicas: k, status: 'infeasible' as const, reason: `minReplicas: at least ${minReplicas} replicas are required` }));
  const resilienceReason = (k: number) => {
    const maxMs = input.constraints.resilience?.maxMs;
    return `resilience: with ${k} replica${k === 1 ? '' : 's'}, some location's outage would leave a workload with no enabled location${maxMs !== undefined ? ` within ${maxMs} ms` : ''}`;
  };
  const points = solveForEachCount(instance, kMax + 1, solverOpts, best).map(({ count, result }) => {
    if (result.status === 'infeasible') return { replicas: count - 1, status: 'infeasible' as const, reason: /resilience/.test(result.reason ?? '') ? resilienceReason(count - 1) : (result.reason ?? 'infeasible') };
    if (result.open.length === 0) return { replicas: count - 1, status: 'gap' as const, relativeGap: null, reason: `${result.reason ?? 'limit reached'} before a plan with this replica count was found` };
    const t = topologyOf(result.open, facilities, input);
    const e = summarize(t);
    return {
      replicas: count - 1,
      status: result.status === 'optimal' ? ('proved' as const) : ('gap' as const),
      regions: t.replicas.map((r) => r.region),
      monthlyCost: e.monthlyCost,
      maxLatencyMs: e.maxLatencyMs,
      volumeWeightedMeanLatencyMs: e.volumeWeightedMeanLatencyMs,
      ...(result.status === 'gap' ? { relativeGap: result.gap, reason: result.reason ?? 'limit reached' } : {}),
    };
  });
  // Counts the solve skipped as infeasible (below mustInclude's count, or ruled out by the latency
  // objective alone or together with resilience) are listed too, with the reason: no silent hole.
  const shown = new Set([...below, ...points].map((p) => p.replicas));
  const missing = Array.from({ length: kMax + 1 }, (_, k) => k)
    .filter((k) => !shown.has(k))
    .map((k) => ({ replicas: k, status: 'infeasible' as const, reason: skippedCountReason(instance, k, input.constraints, solverOpts) }));
  return [...below, ...points, ...missing].sort((a, b) => a.replicas - b.replicas);
}

/** Why no plan has exactly k replicas, for a count the frontier's solve found infeasible. */
export function skippedCountReason(instance: UflInstance, k: number, c: RecommendConstraints, solverOpts: SolverOptions): string {
  const mustCount = new Set(instance.fixedOpen ?? []).size - 1;
  if (k < mustCount) return `mustInclude: ${mustCount} replicas are required`;
  const lat = c.latency;
  if (lat && instance.coverage) {
    const probe = countProbe(instance, k + 1, { coverage: instance.coverage });
    const objective = `the ${lat.maxMs} ms latency objective${lat.percentile !== undefined ? ` (${lat.percentile}% of the volume)` : ''}`;
    const r = solveUfl(probe, { nodeLimit: 10_000, deadline: solverOpts.deadline });
    const plural = `${k} replica${k === 1 ? '' : 's'}`;
    if (r.status === 'infeasible' || !c.resilience) return `latency: no plan with ${plural} meets ${objective}`;
    const outage = `survives any single-location outage${c.resilience.maxMs !== undefined ? ` within ${c.resilience.maxMs} ms` : ''}`;
    return r.open.length > 0
      ? `resilience and latency together: plans with ${plural} can meet ${objective}, but none of them also ${outage}`
      : `resilience and latency together: no plan with ${plural} meets ${objective} and ${outage}`;
  }
  return `no plan with ${k} replica${k === 1 ? '' : 's'} meets the constraints`;
}

/** A constraint that removing one replica from the recommended plan would break. */
export type RequiredFor = 'mustInclude' | 'minReplicas' | 'resilience' | 'latency';

/**
 * The constraints that removing `region` alone from the open locations `openRegions` (home included)
 * would violate, checked on the instance's own sets: resilience = some client left with fewer than
 * `min` open locations in its redundancy set (Traffic Manager's failover candidates, within maxMs when
 * given); latency = the covered weight falls below the objective's. Empty: the replica can be removed
 * without breaking any constraint (its break-even then says whether it pays).
 */
export function requiredFor(region: string, openRegions: readonly string[], instance: UflInstance, facilities: readonly string[], c: RecommendConstraints): RequiredFor[] {
  const out: RequiredFor[] = [];
  if (c.mustInclude.includes(region)) out.push('mustInclude');
  const replicasLeft = openRegions.filter((r) => r !== region && r !== facilities[0]).length;
  if (replicasLeft < (c.minReplicas ?? 0)) out.push('minReplicas');
  const open = new Set(openRegions.filter((r) => r !== region).map((r) => facilities.indexOf(r)).filter((i) => i >= 0));
  const rd = instance.redundancy;
  if (rd && rd.sets.some((set) => set.filter((i) => open.has(i)).length < rd.min)) out.push('resilience');
  const cov = instance.coverage;
  if (cov) {
    const covered = cov.sets.reduce((s, set, j) => s + (set.some((i) => open.has(i)) ? (cov.weights[j] ?? 0) : 0), 0);
    if (covered < cov.minCoveredWeight) out.push('latency');
  }
  return out;
}

/** Per-replica economics of the recommended plan, with a sentence explaining each replica. */
function replicaDetailsOf(recommended: EstimateResponse, input: RecommendInput, prices: PriceBook, needs: (region: string) => RequiredFor[]) {
  const latencyObjective = input.constraints.latency;
  return recommended.locations
    .filter((l) => l.role === 'replica')
    .map((l) => {
      const servedGB = l.servedGBPerMonth;
      const mv = l.marginalMonthlyValue ?? null;
      const required = needs(l.region);
      const reasons: string[] = [];
      if (required.includes('mustInclude')) reasons.push('required by mustInclude');
      if (mv !== null && mv < 0 && latencyObjective && required.includes('latency')) reasons.push(`kept to meet the ${latencyObjective.maxMs} ms latency objective`);
      if (mv !== null && mv < 0 && required.includes('resilience')) reasons.push('kept to survive a single-location outage');
      if (mv !== null && mv < 0 && required.includes('minReplicas')) reasons.push(`kept to meet minReplicas ${input.constraints.minReplicas}`);
      const alsoRequired = required.filter((x) => x !== 'mustInclude');
      if ((mv === null || mv >= 0) && alsoRequired.length) reasons.push(`removing it would also break ${alsoRequired.join(' and ')}`);
      if (mv !== null && mv < 0 && required.length === 0 && (latencyObjective || input.constraints.resilience || (input.constraints.minReplicas ?? 0) > 0)) {
        reasons.push('part of the cheapest plan that meets the constraints, though removing it alone would break none of them');
      }
      const money2 = (x: number | null) => (x === null ? 'an unknown amount' : `${x.toFixed(2)} ${prices.currency}`);
      const explanation =
        `${l.displayName} serves ${l.servesWorkloads.length ? l.servesWorkloads.join(', ') : 'no workload'}` +
        (servedGB !== null ? ` (${servedGB} GB/month)` : '') +
        (mv !== null ? (mv >= 0 ? `; saves ${money2(mv)}/month net of its own ${money2(l.total ?? l.registryUnits)}` : `; costs ${money2(-mv)}/month more than the transfer it saves`) : '') +
        (l.breakEvenGBPerMonth !== null && l.breakEvenGBPerMonth !== undefined ? `; break-even at ${l.breakEvenGBPerMonth} GB/month` : '') +
        (reasons.length ? ` (${reasons.join('; ')})` : '') +
        '.';
      return {
        region: l.region,
        servesWorkloads: l.servesWorkloads,
        servedGBPerMonth: servedGB,
        monthlyCost: l.total ?? l.registryUnits,
        marginalMonthlyValue: mv,
        breakEvenGBPerMonth: l.breakEvenGBPerMonth ?? null,
        requiredFor: required,
        explanation,
      };
    });
}

/** Monthly/annual saving (null when a total is unknown) and the replicas added, removed and kept. */
function savingsOf(current: EstimateResponse, recommended: EstimateResponse, recommendedTopology: Topology, input: RecommendInput) {
  const saving = current.monthlyCost.total !== null && recommended.monthlyCost.total !== null ? money(current.monthlyCost.total - recommended.monthlyCost.total) : null;
  const changes = {
    add: recommendedTopology.replicas.filter((r) => !input.current.replicas.some((c) => c.region === r.region)).map((r) => r.region),
    remove: input.current.replicas.filter((c) => !recommendedTopology.replicas.some((r) => r.region === c.region)).map((r) => r.region),
    keep: recommendedTopology.replicas.filter((r) => input.current.replicas.some((c) => c.region === r.region)).map((r) => r.region),
  };
  return {
    monthly: saving,
    annual: saving === null ? null : money(saving * 12),
    percent: saving !== null && current.monthlyCost.total ? Math.round((saving / current.monthlyCost.total) * 1000) / 10 : null,
    changes,
  };
}

/** The model sentence's part for resilience and minReplicas ('' without them). */
function resilienceSentence(c: RecommendConstraints): string {
  const parts: string[] = [];
  if (c.resilience) {
    parts.push(
      `resilience (survive any one location): every workload has at least 2 open locations ${c.resilience.maxMs !== undefined ? `within ${c.resilience.maxMs} ms` : 'among those that can serve it'}, so whichever single location fails (home included) it is still served${c.resilience.maxMs !== undefined ? ' within that latency' : ''}; solved exactly as a constraint, not checked afterwards`,
    );
  }
  if ((c.minReplicas ?? 0) > 0) parts.push(`at least ${c.minReplicas} replicas (minReplicas)`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** The optimal topology, the frontier for every replica count, per-replica economics and savings. */
export function recommend(input: RecommendInput, ctx: RecommendContext) {
  const { catalog, prices } = ctx;
  const warnings = ctx.warnings;
  const candidates = candidateRegions(input.current.homeRegion, input.constraints, catalog, warnings);
  checkReplicaConstraints(input, candidates, catalog, prices);
  checkVolumes(input, warnings);

  const { instance, facilities } = buildInstance(input, candidates, ctx);
  // One deadline for the whole request: the main solve and the frontier share it. The main solve may use
  // MAIN_SOLVE_SHARE of it, so that a request it cannot prove still gets a plan for every frontier count.
  const deadlineMs = input.solver.timeLimitMs ?? DEFAULT_DEADLINE_MS;
  const start = Date.now();
  const solverOpts: SolverOptions = { deadline: Math.min(start + deadlineMs, input.solver.deadlineAt ?? Infinity), ...(input.solver.nodeLimit ? { nodeLimit: input.solver.nodeLimit } : {}) };
  // (of the time actually left: a request that waited in the solver queue has less than deadlineMs)
  const best = solveBest(instance, { ...solverOpts, deadline: start + MAIN_SOLVE_SHARE * Math.max(0, solverOpts.deadline - start) }, input.constraints);

  const costInput = (t: Topology): CostInput => ({ topology: t, storageGiB: input.storageGiB, workloads: input.workloads, ...(input.pushes?.length ? { pushes: input.pushes } : {}) });
  const est = (t: Topology): EstimateResponse => buildEstimate(costInput(t), catalog, prices, { warnings: [], extraAssumptions: ctx.extraAssumptions });

  const recommendedTopology = chooseTopology(best, facilities, input, est, warnings);
  const sections = recommendationSections({ recommended: recommendedTopology, current: input.current }, costInput(input.current), catalog, prices, {
    ...(input.constraints.resilience?.maxMs !== undefined ? { maxMs: input.constraints.resilience.maxMs } : {}),
    ...(ctx.registryId ? { registryName: ctx.registryId.split('/').pop() } : {}),
  });
  warnings.push(...(sections.recommended.push?.warnings ?? []));
  const recommended = buildEstimate(
    costInput(recommendedTopology),
    catalog,
    prices,
    { warnings, extraAssumptions: ctx.extraAssumptions, registryId: ctx.registryId },
  );
  const current = est(input.current);

  const kMax = Math.min(input.solver.frontierMax ?? input.constraints.maxReplicas ?? Math.max(8, input.constraints.minReplicas ?? 0), candidates.length);
  const frontier = frontierOf(instance, kMax, solverOpts, best, facilities, input, (t) => frontierSummary(costInput(t), catalog, prices));

  return {
    currency: prices.currency,
    prices: recommended.prices,
    ...(ctx.registryId ? { registryId: ctx.registryId } : {}),
    optimality: optimality(best, deadlineMs, prices.currency),
    recommended: {
      topology: recommended.topology,
      monthlyCost: recommended.monthlyCost,
      ...latencyStats(recommended),
      replicas: replicaDetailsOf(recommended, input, prices, (region) =>
        requiredFor(region, [recommendedTopology.homeRegion, ...recommendedTopology.replicas.map((r) => r.region)], instance, facilities, input.constraints)),
      estimate: recommended,
      ...sections.recommended,
    },
    current: { topology: current.topology, monthlyCost: current.monthlyCost, ...latencyStats(current), outage: sections.current.outage },
    savings: savingsOf(current, recommended, recommendedTopology, input),
    frontier,
    search: {
      candidateRegions: candidates.map((r) => r.name),
      facilities: facilities.length,
      clients: input.workloads.length,
      constraints: input.constraints,
      model: `exact facility location with client preference orders (Traffic Manager serves each workload from its lowest-latency enabled location); opening cost = Premium registry unit × ${DAYS_PER_MONTH.toFixed(4)} days + storage overage; assignment cost = GB/month × transfer rate${resilienceSentence(input.constraints)}`,
    },
    assumptions: recommended.assumptions,
    warnings,
  };
}

export type Recommendation = ReturnType<typeof recommend>;
