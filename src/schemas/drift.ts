/** JSON Schemas of the drift API's answers (OpenAPI docs; one source with the TypeScript types in src/model/drift/types.ts). */
import { LIMITS, REGISTRY_ID_PATTERN } from './common';

/** ?kind= / ?severity= / ?status=: a comma-separated list of known values (bounded: nothing longer is split or echoed). */
export const driftFilterParamSchema = { type: 'string', maxLength: 200 } as const;
/** ?registry= of GET /api/drift/history: a registry resource id, compared case-insensitively. */
export const driftRegistryParamSchema = { type: 'string', minLength: 1, maxLength: LIMITS.registryIdLength } as const;
/** ?limit=: how many reports or runs. */
export const driftLimitParamSchema = { type: 'integer', minimum: 1, maximum: 1000 } as const;

export const driftFindingSchema = {
  type: 'object',
  required: ['kind', 'severity', 'code', 'message'],
  properties: {
    kind: { type: 'string', enum: ['configuration', 'economic', 'health'] },
    severity: { type: 'string', enum: ['info', 'warning', 'critical'], description: 'warning and critical findings make a registry `drifted`; info findings are notes (e.g. nothing to compare with, economics unknown).' },
    code: {
      type: 'string',
      description:
        'configuration: NO_APPLIED_PLAN, REPLICA_MISSING, REPLICA_EXTRA, ENDPOINT_DISABLED, ENDPOINT_ENABLED, SKU_CHANGED, ZONE_REDUNDANCY_DIFFERS, HOME_REGION_DIFFERS; economic: SAVING_AVAILABLE, REPLICA_BELOW_BREAK_EVEN, ECONOMICS_UNKNOWN; health: REPLICA_NOT_READY, REPLICA_PROVISIONING_FAILED, REPLICA_BEHIND, REPLICA_STATUS_UNKNOWN, STORAGE_LAG_UNKNOWN, CHECK_FAILED.',
    },
    region: { type: 'string' },
    message: { type: 'string' },
    detail: { type: 'object' },
  },
} as const;

export const driftEconomicsSchema = {
  type: 'object',
  required: ['status', 'savingThreshold', 'assumptions'],
  properties: {
    status: { type: 'string', enum: ['evaluated', 'unknown'] },
    reason: { type: 'string' },
    currency: { type: 'string' },
    pricesAsOf: { type: 'string' },
    pullsPerMonth: { type: ['number', 'null'] },
    avgPullSizeMB: { type: 'number' },
    currentMonthlyCost: { type: ['number', 'null'] },
    recommendedMonthlyCost: { type: ['number', 'null'] },
    monthlySaving: { type: ['number', 'null'] },
    recommendedReplicas: { type: 'array', items: { type: 'string' } },
    changes: { type: 'object', properties: { add: { type: 'array', items: { type: 'string' } }, remove: { type: 'array', items: { type: 'string' } }, enableRouting: { type: 'array', items: { type: 'string' } } } },
    replicas: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          region: { type: 'string' },
          regionEndpointEnabled: { type: 'boolean' },
          servedGBPerMonth: { type: ['number', 'null'] },
          marginalMonthlyValue: { type: ['number', 'null'] },
          breakEvenGBPerMonth: { type: ['number', 'null'] },
        },
      },
    },
    savingThreshold: { type: 'number' },
    optimality: { type: 'string', enum: ['proved', 'gap'], description: 'Whether recommendedMonthlyCost is proved optimal.' },
    assumptions: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const driftReportSchema = {
  type: 'object',
  required: ['registryId', 'runId', 'checkedAt', 'status', 'findings', 'summary'],
  properties: {
    registryId: { type: 'string', pattern: REGISTRY_ID_PATTERN },
    registryName: { type: 'string' },
    location: { type: 'string', description: 'Home region as checked.' },
    runId: { type: 'string', description: '`YYYYMMDDTHHMMSSZ-xxxxxxxx`: the run start (UTC) and a random suffix; sorts by time.' },
    checkedAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['ok', 'drifted', 'error'] },
    findings: { type: 'array', items: driftFindingSchema },
    summary: { type: 'string', description: 'One short human line.' },
    approvedPlanId: { type: 'string', description: 'The last applied plan the live topology was compared with.' },
    economics: driftEconomicsSchema,
    error: { type: 'object', properties: { message: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, attempts: { type: 'integer' } } },
  },
} as const;

export const driftListResponseSchema = {
  type: 'object',
  required: ['count', 'reports'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time' },
    filters: { type: 'object' },
    count: { type: 'integer' },
    counts: { type: 'object', description: 'Reports per status (before filtering).' },
    reports: { type: 'array', items: driftReportSchema },
  },
} as const;

export const driftHistoryResponseSchema = {
  type: 'object',
  required: ['registryId', 'count', 'reports'],
  properties: {
    registryId: { type: 'string' },
    count: { type: 'integer' },
    reports: { type: 'array', items: driftReportSchema, description: 'Newest first.' },
  },
} as const;

export const driftRunsResponseSchema = {
  type: 'object',
  required: ['count', 'runs'],
  properties: {
    count: { type: 'integer' },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['runId', 'startedAt', 'expected'],
        properties: {
          runId: { type: 'string' },
          startedAt: { type: 'string', format: 'date-time' },
          trigger: { type: 'string' },
          expected: { type: 'integer' },
          finalizedAt: { type: 'string', format: 'date-time' },
          outcome: { type: 'object' },
          webhook: { type: 'object' },
          listErrors: { type: 'array', items: { type: 'string' } },
          inventory: {
            type: 'object',
            description: 'How a Resource Graph run found its registries: scopes read, Resource Graph queries and 429s, and the subscriptions listed through ARM reads instead (armFallback: which and why).',
            properties: {
              source: { type: 'string', enum: ['resource-graph'] },
              resourceGraphScopes: { type: 'array', items: { type: 'string' } },
              armFallbackSubscriptions: { type: 'array', items: { type: 'string' } },
              armFallback: {
                type: 'array',
                items: { type: 'object', required: ['subscriptionId', 'reason'], properties: { subscriptionId: { type: 'string' }, reason: { type: 'string', maxLength: 300 } } },
              },
              resourceGraphQueries: { type: 'integer' },
              resourceGraphThrottled: { type: 'integer' },
              armReads: { type: 'integer', description: 'ARM reads of the fallback listing' },
              groupMessages: { type: 'integer' },
              singleMessages: { type: 'integer' },
            },
          },
        },
      },
    },
  },
} as const;

/** ?subscription= / ?region= of GET /api/fleet: comma-separated lists. */
export const fleetListParamSchema = { type: 'string', maxLength: 2000 } as const;
/** ?format= of GET /api/fleet. */
export const fleetFormatParamSchema = { type: 'string', enum: ['json', 'csv'] } as const;

export const fleetRowSchema = {
  type: 'object',
  required: ['registryId', 'registryName', 'subscriptionId', 'resourceGroup', 'region', 'status', 'severity', 'currency', 'currentMonthlyCost', 'optimalMonthlyCost', 'optimality', 'monthlySaving', 'checkedAt', 'dataAgeSeconds', 'runId'],
  properties: {
    registryId: { type: 'string', pattern: REGISTRY_ID_PATTERN },
    registryName: { type: 'string' },
    subscriptionId: { type: 'string' },
    resourceGroup: { type: 'string' },
    region: { type: ['string', 'null'], description: 'Home region; null when the check failed before reading the registry.' },
    status: { type: 'string', enum: ['ok', 'drifted', 'error'] },
    severity: { type: ['string', 'null'], enum: ['info', 'warning', 'critical', null] },
    currency: { type: ['string', 'null'] },
    currentMonthlyCost: { type: ['number', 'null'], description: 'Monthly cost today (currency per 730-hour month); null when unknown.' },
    optimalMonthlyCost: { type: ['number', 'null'], description: "Monthly cost of the optimizer's topology; null when unknown." },
    optimality: { type: ['string', 'null'], enum: ['proved', 'gap', null], description: '`proved`: optimalMonthlyCost is proved optimal; `gap`: best found by the deadline.' },
    monthlySaving: { type: ['number', 'null'], description: 'currentMonthlyCost − optimalMonthlyCost; null when unknown (never 0 for unknown).' },
    checkedAt: { type: 'string', format: 'date-time' },
    dataAgeSeconds: { type: 'integer', minimum: 0, description: 'Seconds since the check (s).' },
    runId: { type: 'string' },
  },
} as const;

export const fleetResponseSchema = {
  type: 'object',
  required: ['generatedAt', 'total', 'count', 'monthlySavingByCurrency', 'unknownSavings', 'counts', 'rows'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time' },
    total: { type: 'integer', description: 'Registries with a drift report, before filters.' },
    count: { type: 'integer' },
    monthlySavingByCurrency: { type: 'object', additionalProperties: { type: 'number' }, description: 'Sum of the known monthly savings of the listed registries, per currency.' },
    unknownSavings: { type: 'integer', description: 'Listed registries whose saving is unknown (not counted as 0).' },
    counts: { type: 'object', properties: { ok: { type: 'integer' }, drifted: { type: 'integer' }, error: { type: 'integer' } } },
    filters: { type: 'object' },
    snapshot: {
      type: ['object', 'null'],
      required: ['runId', 'builtAt', 'ageSeconds'],
      properties: { runId: { type: 'string' }, builtAt: { type: 'string', format: 'date-time' }, ageSeconds: { type: 'integer', minimum: 0, description: 'Seconds since the snapshot was built (s).' } },
      description: 'The fleet snapshot the rows come from (built when run runId was finalized); null: read from the latest reports.',
    },
    rows: { type: 'array', items: fleetRowSchema },
  },
} as const;
