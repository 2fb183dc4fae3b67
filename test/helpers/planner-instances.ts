/**
 * Deterministic generator of the planner's own problem (issue #13): a registry homed in West US with
 * 800 GiB of storage, workloads in Azure regions and/or at sites outside Azure (name + latitude +
 * longitude on land-ish boxes of every continent), log-uniform monthly volumes, every region a
 * candidate. Same seed → same instance, byte for byte.
 */
import type { RecommendConstraints, RecommendInput } from '../../src/model/recommend';
import type { Catalog } from '../../src/model/catalog';
import type { Workload } from '../../src/model/types';
import { mulberry32 } from '../../devhost/sandbox/prng';

/** Land-ish boxes [latMin, latMax, lonMin, lonMax] by continent (sites outside Azure are drawn in them). */
const BOXES: readonly { continent: string; box: readonly [number, number, number, number] }[] = [
  { continent: 'north-america', box: [30, 48, -122, -75] },
  { continent: 'north-america', box: [19, 30, -105, -97] },
  { continent: 'north-america', box: [43, 55, -125, -65] },
  { continent: 'south-america', box: [-34, -5, -70, -38] },
  { continent: 'europe', box: [40, 58, -5, 25] },
  { continent: 'europe', box: [58, 66, 8, 30] },
  { continent: 'asia', box: [22, 40, 100, 122] },
  { continent: 'asia', box: [8, 28, 72, 88] },
  { continent: 'asia', box: [33, 43, 126, 142] },
  { continent: 'asia', box: [-7, 14, 98, 120] },
  { continent: 'oceania', box: [-38, -20, 115, 153] },
  { continent: 'middle-east', box: [17, 33, 35, 56] },
  { continent: 'africa', box: [-34, -20, 17, 32] },
  { continent: 'africa', box: [0, 12, -10, 40] },
];

export type ConstraintKind = 'none' | 'maxMs' | 'maxMsPercentile' | 'maxReplicas';
export const CONSTRAINT_KINDS: readonly ConstraintKind[] = ['none', 'maxMs', 'maxMsPercentile', 'maxReplicas'];

export interface PlannerInstanceSpec {
  /** Azure workload regions (the first N catalog regions in a seeded shuffle; up to every catalog region). */
  azure: number;
  /** Workload sites outside Azure. */
  outside: number;
  constraint: ConstraintKind;
  seed: number;
  /** maxMs of the latency constraints (default 120). */
  maxMs?: number;
  /** percentile of 'maxMsPercentile' (default 90). */
  percentile?: number;
  /** maxReplicas of 'maxReplicas' (default 4). */
  maxReplicas?: number;
  /** Frontier size (default: the recommender's own default). */
  frontierMax?: number;
  timeLimitMs?: number;
}

export function specName(s: PlannerInstanceSpec): string {
  return `az${s.azure}+out${s.outside}/${s.constraint}/s${s.seed}`;
}

export function constraintsOf(s: PlannerInstanceSpec): RecommendConstraints {
  const c: RecommendConstraints = { mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false };
  if (s.constraint === 'maxMs') c.latency = { maxMs: s.maxMs ?? 120 };
  if (s.constraint === 'maxMsPercentile') c.latency = { maxMs: s.maxMs ?? 120, percentile: s.percentile ?? 90 };
  if (s.constraint === 'maxReplicas') c.maxReplicas = s.maxReplicas ?? 4;
  return c;
}

/** Workloads of a spec: seeded Azure regions then seeded outside sites, log-uniform 10..20,000 GB/month. */
export function workloadsOf(s: PlannerInstanceSpec, catalog: Catalog): Workload[] {
  const rnd = mulberry32(s.seed);
  const volume = (): number => Math.round(10 * Math.pow(2000, rnd()) * 10) / 10;
  const regions = catalog.regions.map((r) => r.name).sort();
  for (let i = regions.length - 1; i > 0; i--) {
    const k = Math.floor(rnd() * (i + 1));
    [regions[i], regions[k]] = [regions[k] as string, regions[i] as string];
  }
  const out: Workload[] = [];
  for (const region of regions.slice(0, Math.min(s.azure, regions.length))) {
    out.push({ site: { kind: 'azure', region }, pullGBPerMonth: volume(), volumeSource: 'generated' });
  }
  for (let q = 0; q < s.outside; q++) {
    const b = BOXES[Math.floor(rnd() * BOXES.length)] as (typeof BOXES)[number];
    const [la0, la1, lo0, lo1] = b.box;
    const latitude = Math.round((la0 + (la1 - la0) * rnd()) * 1e4) / 1e4;
    const longitude = Math.round((lo0 + (lo1 - lo0) * rnd()) * 1e4) / 1e4;
    out.push({ site: { kind: 'external', name: `site-${b.continent}-${q}`, latitude, longitude }, pullGBPerMonth: volume(), volumeSource: 'generated' });
  }
  return out;
}

/** The recommend() input of a spec (home westus, Standard today, 800 GiB). */
export function plannerInput(s: PlannerInstanceSpec, catalog: Catalog): RecommendInput {
  return {
    current: { homeRegion: 'westus', sku: 'Premium', replicas: [] },
    storageGiB: 800,
    workloads: workloadsOf(s, catalog),
    constraints: constraintsOf(s),
    solver: { timeLimitMs: s.timeLimitMs ?? 10_000, ...(s.frontierMax !== undefined ? { frontierMax: s.frontierMax } : {}) },
  };
}
