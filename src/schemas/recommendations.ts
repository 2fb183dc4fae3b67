import { LIMITS, regionNameSchema } from './common';
import { MAX_REPLICAS, planningBodyProperties, type EstimateRequest } from './estimate';

export const constraintsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Constraints on the recommended replica set. Impossible combinations get 422 naming the constraint.',
  properties: {
    mustInclude: { type: 'array', maxItems: LIMITS.regionLists, items: regionNameSchema, description: 'Regions that must have a replica (or be the home region).' },
    exclude: { type: 'array', maxItems: LIMITS.regionLists, items: regionNameSchema, description: 'Regions that must not get a replica.' },
    candidates: { type: 'array', maxItems: LIMITS.regionLists, items: regionNameSchema, description: 'Consider only these regions for replicas (default: every region with published latency that is not access-restricted).' },
    allowedGeographies: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', minLength: 1, maxLength: LIMITS.geographyLength },
      description: 'Data residency: replicas only in these geographies (`United States`, `Europe`, …, as in GET /api/regions) or continents (`europe`, `north-america`, …).',
    },
    maxReplicas: { type: 'integer', minimum: 0, maximum: MAX_REPLICAS, description: 'At most this many replicas (the home location not counted).' },
    minReplicas: { type: 'integer', minimum: 0, maximum: MAX_REPLICAS, description: 'At least this many replicas (the home location not counted). The frontier shows smaller counts as infeasible.' },
    resilience: {
      type: 'object',
      additionalProperties: false,
      required: ['survive'],
      description:
        'Outage survival, solved exactly as a constraint: whichever single location fails (home included: its replicas keep serving pulls; Traffic Manager routes around the failed one), every workload is still served by an enabled location (within maxMs when given). Without maxMs: every workload has at least two open locations among those that can serve it; with maxMs: at least two within maxMs. Combinations that cannot be met get 422 naming the constraint.',
      properties: {
        survive: { type: 'string', enum: ['any-one-location'], description: 'The outage scenario to survive.' },
        maxMs: { type: 'number', exclusiveMinimum: 0, maximum: LIMITS.latencyMs, description: 'ms round trip (P50) within which the remaining location must be, for every workload.' },
      },
    },
    latency: {
      type: 'object',
      additionalProperties: false,
      required: ['maxMs'],
      description: 'Latency objective: every workload (or the given volume-weighted percentile of pulls) served within maxMs round-trip.',
      properties: {
        maxMs: { type: 'number', exclusiveMinimum: 0, maximum: LIMITS.latencyMs, description: 'ms round trip (P50).' },
        percentile: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'Percent of pulled volume that must meet maxMs; omitted: every workload.' },
      },
    },
    zoneRedundancyRequired: { type: 'boolean', description: 'Only regions with availability zones; replicas are zone redundant.' },
    includeRestricted: { type: 'boolean', default: false, description: 'Also consider access-restricted regions (they need a support request).' },
  },
} as const;

export const solverOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timeLimitMs: {
      type: 'integer',
      minimum: 10,
      maximum: 200_000,
      default: 10_000,
      description: 'ms: ONE deadline for the whole request, shared by the main solve (at most 80 % of it) and the frontier (the rest, each replica count an equal part of what is left) (default: the SOLVER_DEADLINE_MS app setting, 10,000). What is not proved by then is answered with its gap. At most 200,000, under the 230 s the Azure load balancer allows an HTTP response.',
    },
    nodeLimit: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    frontierMax: { type: 'integer', minimum: 0, maximum: MAX_REPLICAS, description: 'Largest replica count in the frontier (default: maxReplicas, else 8).' },
  },
} as const;

export const recommendationsRequestSchema = {
  $id: 'RecommendationsRequest',
  type: 'object',
  additionalProperties: false,
  required: ['registry', 'workloads'],
  properties: {
    ...planningBodyProperties,
    replicas: { ...planningBodyProperties.replicas, description: 'The current replicas, to compute savings against (with a live registry id: read from Azure when omitted).' },
    workloads: { ...planningBodyProperties.workloads, minItems: 1 },
    constraints: constraintsSchema,
    solver: solverOptionsSchema,
  },
  examples: [
    {
      registry: { homeRegion: 'westus', storageGiB: 120 },
      workloads: [
        { region: 'westus', pullGBPerMonth: 1000 },
        { region: 'eastus', pullGBPerMonth: 4000 },
        { region: 'westeurope', pullGBPerMonth: 3000 },
      ],
      constraints: { maxReplicas: 3 },
    },
    {
      registry: { homeRegion: 'westus', storageGiB: 120 },
      workloads: [
        { region: 'westus', pullGBPerMonth: 1000 },
        { region: 'eastus', pullGBPerMonth: 4000 },
        { region: 'canadacentral', pullGBPerMonth: 300 },
        { region: 'westeurope', pullGBPerMonth: 3000 },
        { region: 'francecentral', pullGBPerMonth: 800 },
      ],
      constraints: { resilience: { survive: 'any-one-location', maxMs: 40 }, minReplicas: 1 },
    },
  ],
} as const;

export interface ConstraintsInput {
  mustInclude?: string[];
  exclude?: string[];
  candidates?: string[];
  allowedGeographies?: string[];
  maxReplicas?: number;
  minReplicas?: number;
  latency?: { maxMs: number; percentile?: number };
  resilience?: { survive: 'any-one-location'; maxMs?: number };
  zoneRedundancyRequired?: boolean;
  includeRestricted?: boolean;
}

export interface RecommendationsRequest extends EstimateRequest {
  constraints?: ConstraintsInput;
  solver?: { timeLimitMs?: number; nodeLimit?: number; frontierMax?: number };
}
