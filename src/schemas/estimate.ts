import { LIMITS, avgPullSizeMBSchema, priceOverridesSchema, registrySchema, replicaSchema, workloadSchema } from './common';

export const MAX_REPLICAS = LIMITS.replicas;
export const MAX_WORKLOADS = LIMITS.workloads;

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
export interface EstimateRequest {
  registry: RegistryInput;
  replicas?: ReplicaInput[];
  workloads: WorkloadInput[];
  avgPullSizeMB?: number;
  prices?: PriceOverrides;
}
