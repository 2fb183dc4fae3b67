import { LIMITS, avgPullSizeMBSchema, priceOverridesSchema, registrySchema, replicaSchema, siteLocationProperties, workloadSchema } from './common';

export const MAX_REPLICAS = LIMITS.replicas;
export const MAX_WORKLOADS = LIMITS.workloads;

/** Where CI pushes images from: an Azure region, or a point outside Azure (free ingress), with an optional monthly volume. */
export const pushRegionSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'A place CI pushes images from: an Azure `region`, or a point outside Azure (`name` + `latitude` + `longitude`). Pushes follow Traffic Manager like pulls (lowest-latency enabled location); a push into another region is inter-region transfer billed by the push site\'s continent. `pushGBPerMonth` omitted: the push transfer is unknown (null).',
  properties: {
    ...siteLocationProperties,
    pushGBPerMonth: { type: 'number', minimum: 0, maximum: LIMITS.pushGBPerMonth, description: 'GB (10^9 bytes) pushed per month from this site.' },
  },
} as const;

/** The body properties every planning request shares (estimate, recommendations, map). */
export const planningBodyProperties = {
  registry: registrySchema,
  replicas: {
    type: 'array',
    maxItems: MAX_REPLICAS,
    items: replicaSchema,
    description: 'Replicas (locations other than the home region). With a live registry id: omitted = its live replicas.',
  },
  workloads: { type: 'array', maxItems: MAX_WORKLOADS, items: workloadSchema },
  avgPullSizeMB: {
    ...avgPullSizeMBSchema,
    description: 'Default average pull size for workloads that give pullsPerMonth or share but no avgPullSizeMB.',
  },
  prices: priceOverridesSchema,
  pushRegions: { type: 'array', maxItems: LIMITS.pushRegions, items: pushRegionSchema, description: 'Where CI pushes images from (push transfer, push-region replica advice, split-push warning).' },
} as const;

export const estimateRequestSchema = {
  $id: 'EstimateRequest',
  type: 'object',
  additionalProperties: false,
  required: ['registry', 'workloads'],
  properties: planningBodyProperties,
  examples: [
    {
      registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
      replicas: [{ region: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false }],
      workloads: [{ region: 'eastus', pullGBPerMonth: 800 }],
    },
  ],
} as const;

/** TypeScript view of a request that passed estimateRequestSchema. */
export interface ReplicaInput {
  region: string;
  regionEndpointEnabled?: boolean;
  zoneRedundancy?: boolean;
}
export interface RegistryInput {
  id?: string;
  homeRegion?: string;
  sku?: 'Basic' | 'Standard' | 'Premium';
  storageGiB?: number;
  zoneRedundancy?: boolean;
}
export interface WorkloadInput {
  region?: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  pullGBPerMonth?: number;
  pullsPerMonth?: number;
  avgPullSizeMB?: number;
  share?: number;
}
export type ContinentRates = Partial<Record<string, number>>;
export interface PriceOverrides {
  currency?: string;
  asOf?: string;
  registryUnitPerDay?: Partial<Record<'Basic' | 'Standard' | 'Premium', number>>;
  storageOveragePerGiBMonth?: number;
  interRegionWithinContinentPerGB?: ContinentRates;
  interRegionToOtherContinentPerGB?: ContinentRates;
  internetEgressPerGB?: ContinentRates;
}
export interface PushRegionInput {
  region?: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  pushGBPerMonth?: number;
}
export interface EstimateRequest {
  registry: RegistryInput;
  pushRegions?: PushRegionInput[];
  replicas?: ReplicaInput[];
  workloads: WorkloadInput[];
  avgPullSizeMB?: number;
  prices?: PriceOverrides;
}
