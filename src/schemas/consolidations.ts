/** POST /api/consolidations (#17): several live registries → one geo-replicated registry. */
import { LIMITS, avgPullSizeMBSchema, registryIdSchema, workloadSchema } from './common';
import { MAX_WORKLOADS } from './estimate';
import { constraintsSchema } from './recommendations';

/** At most this many registries in one consolidation (each is read from ARM and its data plane). */
export const MAX_CONSOLIDATION_REGISTRIES = 20;

export const consolidationRequestSchema = {
  $id: 'ConsolidationRequest',
  type: 'object',
  additionalProperties: false,
  required: ['registryIds'],
  description:
    'Registries to consolidate into one (any SKUs, subscriptions, regions). The home region is chosen among theirs (that registry keeps its name); the replica set is solved exactly per candidate home.',
  properties: {
    registryIds: { type: 'array', minItems: 2, maxItems: MAX_CONSOLIDATION_REGISTRIES, uniqueItems: true, items: registryIdSchema, description: `ARM resource ids of live registries (2..${MAX_CONSOLIDATION_REGISTRIES}).` },
    workloads: { type: 'array', maxItems: MAX_WORKLOADS, items: workloadSchema, description: 'Who pulls how much from where (as in /api/recommendations). Omitted: registry units and storage only.' },
    avgPullSizeMB: avgPullSizeMBSchema,
    constraints: constraintsSchema,
    solver: {
      type: 'object',
      additionalProperties: false,
      properties: { timeLimitMs: { type: 'integer', minimum: 10, maximum: 200_000, description: 'ms per candidate home (default 10,000).' } },
    },
    createPlan: { type: 'boolean', default: false, description: 'Also store a consolidation plan (app role Planner.Request); approve and apply it at /api/plans/{id}.' },
    expiresInHours: { type: 'number', exclusiveMinimum: 0, maximum: 720 },
    notificationUrl: { type: 'string', minLength: 1, maxLength: LIMITS.urlLength },
  },
} as const;

const money = { type: ['number', 'null'] } as const;
const monthlyCostSchema = {
  type: 'object',
  required: ['total'],
  properties: { total: money, totalKnown: money, registryUnits: money, storage: money, dataTransfer: money, unknown: { type: 'array', items: { type: 'string' } } },
} as const;

export const consolidationResponseSchema = {
  type: 'object',
  required: ['currency', 'current', 'recommended', 'savings', 'storage', 'rewrites', 'deletable', 'assumptions'],
  properties: {
    currency: { type: 'string' },
    current: {
      type: 'object',
      required: ['registries', 'monthlyCost'],
      properties: { registries: { type: 'array', items: { type: 'object' } }, monthlyCost: monthlyCostSchema },
    },
    recommended: {
      type: 'object',
      required: ['registry', 'topology', 'monthlyCost', 'homes'],
      properties: { registry: { type: 'object' }, topology: { type: 'object' }, monthlyCost: monthlyCostSchema, homes: { type: 'array', items: { type: 'object' } } },
    },
    savings: { type: 'object', required: ['monthly'], properties: { monthly: money } },
    storage: { type: 'object' },
    imports: { type: ['object', 'null'] },
    rewrites: { type: 'array', items: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } } },
    deletable: { type: 'array', items: { type: 'object' } },
    webhooks: { type: 'string' },
    assumptions: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: { type: 'string' } },
    plan: { type: ['object', 'null'] },
  },
} as const;
