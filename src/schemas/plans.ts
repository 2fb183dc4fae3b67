import { LIMITS, avgPullSizeMBSchema, regionNameSchema, registryIdSchema, replicaSchema, skuSchema, workloadSchema } from './common';
import { MAX_REPLICAS, MAX_WORKLOADS, type ReplicaInput, type WorkloadInput } from './estimate';

export const createPlanRequestSchema = {
  $id: 'CreatePlanRequest',
  type: 'object',
  additionalProperties: false,
  required: ['registryId'],
  description: 'A plan against a live registry: give `target` (the replica set wanted) or `recommendation` (the output of POST /api/recommendations; its recommended topology is the target).',
  properties: {
    registryId: { ...registryIdSchema, description: 'ARM resource id of the registry.' },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['replicas'],
      properties: {
        sku: { ...skuSchema, description: 'Defaults to Premium when there are replicas, else the live SKU.' },
        replicas: { type: 'array', maxItems: MAX_REPLICAS, items: replicaSchema },
      },
    },
    recommendation: {
      type: 'object',
      required: ['recommended'],
      properties: {
        recommended: {
          type: 'object',
          required: ['topology'],
          properties: {
            topology: {
              type: 'object',
              required: ['homeRegion', 'replicas'],
              properties: { homeRegion: regionNameSchema, sku: skuSchema, replicas: { type: 'array', maxItems: MAX_REPLICAS, items: replicaSchema } },
            },
          },
        },
      },
    },
    allowDeletes: { type: 'boolean', default: false, description: 'Replicas missing from the target are deleted only when true.' },
    expiresInHours: { type: 'number', exclusiveMinimum: 0, maximum: 720, description: 'Default: PLAN_TTL_HOURS (168 = 7 days).' },
    notificationUrl: { type: 'string', minLength: 1, maxLength: LIMITS.urlLength, description: 'https URL that receives a JSON POST on every state change (retried).' },
    workloads: { type: 'array', maxItems: MAX_WORKLOADS, items: workloadSchema, description: 'To price data transfer before/after (as in /api/estimate). Omitted: registry units and storage only.' },
    avgPullSizeMB: avgPullSizeMBSchema,
    storageGiB: { type: 'number', minimum: 0, maximum: LIMITS.storageGiB, description: 'Overrides the stored size read from Azure Monitor.' },
  },
} as const;

export interface CreatePlanRequest {
  registryId: string;
  target?: { sku?: 'Basic' | 'Standard' | 'Premium'; replicas: ReplicaInput[] };
  recommendation?: { recommended: { topology: { homeRegion: string; sku?: 'Basic' | 'Standard' | 'Premium'; replicas: ReplicaInput[] } } };
  allowDeletes?: boolean;
  expiresInHours?: number;
  notificationUrl?: string;
  workloads?: WorkloadInput[];
  avgPullSizeMB?: number;
  storageGiB?: number;
}

export const approvePlanRequestSchema = {
  $id: 'ApprovePlanRequest',
  type: 'object',
  additionalProperties: false,
  properties: {
    contentHash: { type: 'string', minLength: 1, maxLength: 128, description: 'The contentHash the approver reviewed; approval fails (409) if the plan no longer hashes to it.' },
    comment: { type: 'string', maxLength: LIMITS.textLength },
  },
} as const;

export const rejectPlanRequestSchema = {
  $id: 'RejectPlanRequest',
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: LIMITS.textLength } },
} as const;

export const planResponseSchema = {
  type: 'object',
  required: ['id', 'registryId', 'state', 'actions', 'contentHash', 'liveFingerprint', 'links'],
  properties: {
    id: { type: 'string' },
    registryId: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'blocked', 'approved', 'rejected', 'applying', 'applied', 'partiallyApplied', 'expired'] },
    requester: { type: 'string' },
    approver: { type: 'string' },
    expiresAt: { type: 'string' },
    actions: { type: 'array', items: { type: 'object' } },
    skipped: { type: 'array', items: { type: 'object' } },
    costBefore: {},
    costAfter: {},
    contentHash: { type: 'string' },
    liveFingerprint: { type: 'string' },
    steps: { type: 'array', items: { type: 'object' } },
    audit: { type: 'array', items: { type: 'object' } },
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;
