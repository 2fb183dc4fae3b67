/**
 * POST /api/map.svg: either an estimate request (a topology + workloads, as
 * POST /api/estimate takes) or a recommendation output (POST
 * /api/recommendations' answer, posted back as is: extra properties are
 * allowed, only what the map draws is checked). The two are told apart by
 * `recommended`.
 */
import { MAX_REPLICAS, MAX_WORKLOADS, estimateRequestSchema } from './estimate';
import { LIMITS, regionNameSchema } from './common';

/**
 * Bounds of the figures a posted recommendation carries: the largest an
 * estimate can produce from bounded inputs (pullsPerMonth × avgPullSizeMB ×
 * a per-GB price, for every workload) stays below them.
 */
const MAX_MONTHLY_AMOUNT = 1e25;
const MAX_LINE_GB_PER_MONTH = (LIMITS.pullsPerMonth * LIMITS.avgPullSizeMB) / 1000;
const MAX_LINE_LATENCY_MS = 100_000;

const { $id: _estimateId, examples: _estimateExamples, ...estimateBody } = estimateRequestSchema;

const mapTopologySchema = {
  type: 'object',
  required: ['homeRegion', 'replicas'],
  properties: {
    homeRegion: regionNameSchema,
    sku: { type: 'string', enum: ['Basic', 'Standard', 'Premium'] },
    homeZoneRedundancy: { type: 'boolean' },
    replicas: {
      type: 'array',
      maxItems: MAX_REPLICAS,
      items: {
        type: 'object',
        required: ['region'],
        properties: { region: regionNameSchema, regionEndpointEnabled: { type: 'boolean' }, zoneRedundancy: { type: 'boolean' } },
      },
    },
  },
} as const;

const mapMonthlyCostSchema = {
  type: 'object',
  required: ['total'],
  properties: {
    total: { type: ['number', 'null'], minimum: 0, maximum: MAX_MONTHLY_AMOUNT, description: 'null = unknown' },
    totalKnown: { type: 'number', minimum: 0, maximum: MAX_MONTHLY_AMOUNT },
    unknown: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 40 } },
  },
} as const;

const mapWorkloadLineSchema = {
  type: 'object',
  required: ['id', 'servedBy', 'pullGBPerMonth'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: LIMITS.nameLength },
    kind: { type: 'string', enum: ['azure', 'external'] },
    region: regionNameSchema,
    name: { type: 'string', maxLength: LIMITS.nameLength },
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    servedBy: { anyOf: [regionNameSchema, { type: 'null' }] },
    pullGBPerMonth: { type: ['number', 'null'], minimum: 0, maximum: MAX_LINE_GB_PER_MONTH },
    latencyMs: { type: ['number', 'null'], minimum: 0, maximum: MAX_LINE_LATENCY_MS },
  },
} as const;

/**
 * The failover figures the map shows for `?fail=` from a posted
 * recommendation's `recommended.outage` (the answer's own figures, as for
 * monthlyCost); the routing itself is recomputed.
 */
const mapOutageSchema = {
  type: 'object',
  properties: {
    locations: {
      type: 'array',
      maxItems: MAX_REPLICAS + 1,
      items: {
        type: 'object',
        required: ['location'],
        properties: {
          location: regionNameSchema,
          monthlyCost: mapMonthlyCostSchema,
          monthlyCostDelta: { type: ['number', 'null'], minimum: -MAX_MONTHLY_AMOUNT, maximum: MAX_MONTHLY_AMOUNT },
        },
      },
    },
  },
} as const;

/** What the map needs from a recommendation output; everything else in it is ignored. */
export const recommendationMapSchema = {
  type: 'object',
  required: ['currency', 'prices', 'current', 'recommended'],
  properties: {
    currency: { type: 'string', minLength: 1, maxLength: 8 },
    prices: { type: 'object', required: ['asOf'], properties: { asOf: { type: 'string', minLength: 1, maxLength: 40 } } },
    current: { type: 'object', required: ['topology'], properties: { topology: mapTopologySchema, monthlyCost: mapMonthlyCostSchema } },
    recommended: {
      type: 'object',
      required: ['topology'],
      properties: {
        topology: mapTopologySchema,
        monthlyCost: mapMonthlyCostSchema,
        outage: mapOutageSchema,
        estimate: {
          type: 'object',
          properties: { workloads: { type: 'array', maxItems: MAX_WORKLOADS, items: mapWorkloadLineSchema } },
        },
      },
    },
  },
} as const;

export const mapRequestSchema = {
  $id: 'MapRequest',
  description:
    'Either an estimate request (`registry` + `replicas` + `workloads`, as POST /api/estimate takes: the map shows that topology and where each workload is served) or the answer of POST /api/recommendations posted back as is (recognised by `recommended`: the map shows current vs recommended replicas).',
  type: 'object',
  if: { type: 'object', required: ['recommended'], properties: { recommended: {} } },
  then: recommendationMapSchema,
  else: estimateBody,
} as const;

/**
 * `?fail=` of the map routes: a location of the shown topology (the
 * recommended one for a posted recommendation) to draw in the failover state.
 */
export const failParameterSchema = {
  ...regionNameSchema,
  description:
    'Failover view: a location of the shown topology (the recommended one when a recommendation is posted), ARM or display name. The map crosses it out, draws each workload it served rerouted to its next-closest remaining enabled location (lowest latency, the estimate\'s rule) and marks the workloads left with no registry. A region that is not a location of the topology is a 400 listing the valid choices.',
} as const;

/** TypeScript view of the recommendation branch. */
export interface MapTopologyInput {
  homeRegion: string;
  sku?: string;
  homeZoneRedundancy?: boolean;
  replicas: { region: string; regionEndpointEnabled?: boolean; zoneRedundancy?: boolean }[];
}
export interface MapWorkloadLineInput {
  id: string;
  kind?: string;
  region?: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  servedBy: string | null;
  pullGBPerMonth: number | null;
  latencyMs?: number | null;
}
export interface MapMonthlyCostInput {
  total: number | null;
  totalKnown?: number;
  unknown?: string[];
}
export interface RecommendationMapInput {
  currency: string;
  prices: { asOf: string };
  current: { topology: MapTopologyInput; monthlyCost?: MapMonthlyCostInput };
  recommended: {
    topology: MapTopologyInput;
    monthlyCost?: MapMonthlyCostInput;
    outage?: { locations?: { location: string; monthlyCost?: MapMonthlyCostInput; monthlyCostDelta?: number | null }[] };
    estimate?: { workloads?: MapWorkloadLineInput[] };
  };
}
