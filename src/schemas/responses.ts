/**
 * Response schemas, for /api/openapi.json and for tests that check answers
 * against what the API documents.
 */

const money = { type: ['number', 'null'], description: 'Amount in `currency` per month, rounded to cents; null = unknown.' } as const;

export const pricesInfoSchema = {
  type: 'object',
  required: ['currency', 'asOf', 'source', 'overrides'],
  properties: {
    currency: { type: 'string' },
    asOf: { type: 'string', description: 'Month of the price snapshot (or live refresh).' },
    bandwidthAsOf: { type: 'string' },
    source: { type: 'string' },
    registryUnitPerDay: { type: 'object', additionalProperties: { type: 'number' } },
    overrides: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const topologySchema = {
  type: 'object',
  required: ['homeRegion', 'sku', 'replicas'],
  properties: {
    homeRegion: { type: 'string' },
    sku: { type: 'string', enum: ['Basic', 'Standard', 'Premium'] },
    homeZoneRedundancy: { type: 'boolean' },
    replicas: {
      type: 'array',
      items: {
        type: 'object',
        required: ['region', 'regionEndpointEnabled', 'zoneRedundancy'],
        properties: { region: { type: 'string' }, regionEndpointEnabled: { type: 'boolean' }, zoneRedundancy: { type: 'boolean' } },
      },
    },
  },
} as const;

export const locationCostSchema = {
  type: 'object',
  required: ['region', 'role', 'registryUnits', 'storage', 'total', 'servesWorkloads'],
  properties: {
    region: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: ['home', 'replica'] },
    regionEndpointEnabled: { type: 'boolean' },
    zoneRedundancy: { type: 'boolean' },
    registryUnits: { type: ['number', 'null'], description: 'null = unknown (listed in unknown)' },
    storage: money,
    total: money,
    servesWorkloads: { type: 'array', items: { type: 'string' } },
    servedGBPerMonth: { type: ['number', 'null'] },
    marginalMonthlyValue: { ...money, description: 'Replicas: monthly cost without this replica − with it (positive = it pays for itself).' },
    breakEvenGBPerMonth: { type: ['number', 'null'], description: 'Replicas: GB/month it must serve for its transfer savings to pay its own cost; null = never (or nothing served).' },
    economicsNote: { type: 'string' },
  },
} as const;

export const workloadCostSchema = {
  type: 'object',
  required: ['id', 'kind', 'pullGBPerMonth', 'servedBy', 'latencyMs', 'latencyEstimated', 'ratePerGB', 'cost'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['azure', 'external'] },
    region: { type: 'string' },
    name: { type: 'string' },
    latitude: { type: 'number' },
    longitude: { type: 'number' },
    pullGBPerMonth: { type: ['number', 'null'] },
    volumeSource: { type: 'string' },
    servedBy: { type: ['string', 'null'] },
    latencyMs: { type: ['number', 'null'] },
    latencyEstimated: { type: 'boolean' },
    ratePerGB: { type: ['number', 'null'] },
    rateBasis: { type: 'string' },
    cost: money,
  },
} as const;

const monthlyCostSchema = {
  type: 'object',
  required: ['total', 'registryUnits', 'storage', 'dataTransfer'],
  properties: {
    total: { ...money, description: 'null when any component is unknown (see `unknown`).' },
    totalKnown: { type: 'number' },
    registryUnits: { type: ['number', 'null'], description: 'null = unknown (listed in unknown)' },
    storage: money,
    dataTransfer: money,
    pushTransfer: { ...money, description: 'Only with pushRegions: pushes served by a location outside the push site\'s region, billed as inter-region transfer by the push site\'s continent (pushes from outside Azure are free ingress); null = a push volume is unknown.' },
    unknown: { type: 'array', items: { type: 'string' } },
  },
} as const;

const outageMoveSchema = {
  type: 'object',
  required: ['workload', 'from', 'to', 'latencyMsBefore', 'latencyMsAfter', 'withinMaxMs'],
  properties: {
    workload: { type: 'string', description: 'Workload id (as in `workloads[].id`), or push site id in pushMoves.' },
    from: { type: 'string', description: 'The failed location.' },
    to: { type: ['string', 'null'], description: 'Location that serves it while `from` is down; null = no registry at all.' },
    latencyMsBefore: { type: ['number', 'null'], description: 'ms, P50 round trip.' },
    latencyMsAfter: { type: ['number', 'null'], description: 'ms, P50 round trip; null when unserved.' },
    withinMaxMs: { type: ['boolean', 'null'], description: 'Against the resilience maxMs; null when none was asked.' },
  },
} as const;

export const outageSchema = {
  type: 'object',
  description: 'What happens when each single location fails (a regional outage): where its workloads go, their latency, the unserved workloads, and the monthly cost of that failover state if it lasted.',
  required: ['scenario', 'assumptions', 'locations', 'survivesAnyOneLocation', 'unservedWorkloadsWorstCase'],
  properties: {
    scenario: { type: 'string', enum: ['any-one-location'] },
    maxMs: { type: ['number', 'null'], description: 'ms: the resilience objective the moves were checked against; null = none.' },
    assumptions: { type: 'array', items: { type: 'string' } },
    locations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['location', 'role', 'moves', 'unserved', 'monthlyCost', 'monthlyCostDelta'],
        properties: {
          location: { type: 'string', description: 'The location that fails.' },
          role: { type: 'string', enum: ['home', 'replica'] },
          moves: { type: 'array', items: outageMoveSchema, description: 'Only the workloads the failed location served.' },
          unserved: { type: 'array', items: { type: 'string' }, description: 'Workload ids with no registry at all while it is down.' },
          pushMoves: { type: 'array', items: outageMoveSchema, description: 'Only with pushRegions: the push sites it served.' },
          monthlyCost: monthlyCostSchema,
          monthlyCostDelta: { ...money, description: 'Failover state − normal state, currency per month; null when a moved volume is unknown.' },
          notes: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    survivesAnyOneLocation: { type: 'boolean', description: 'false when some single failure leaves a workload unserved (or outside the resilience maxMs).' },
    unservedWorkloadsWorstCase: { type: 'integer', minimum: 0 },
  },
} as const;

export const pushSectionSchema = {
  type: 'object',
  description: 'Only with pushRegions: where each push site\'s pushes land, their transfer, whether a replica in the push region pays, and the split-push warning.',
  required: ['monthlyTransfer', 'splitPushMarginMs', 'regions', 'warnings', 'assumptions'],
  properties: {
    monthlyTransfer: { ...money, description: 'Push transfer, currency per month; null when a push volume is unknown.' },
    splitPushMarginMs: { type: 'number', description: 'ms: two closest enabled locations within this of each other (seen from a push site) get the split-push warning.' },
    regions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'servedBy', 'latencyMs', 'inRegionReplica', 'pushGBPerMonth', 'monthlyTransfer', 'splitPush', 'advice'],
        properties: {
          id: { type: 'string' },
          kind: { type: 'string', enum: ['azure', 'external'] },
          region: { type: 'string' },
          name: { type: 'string' },
          servedBy: { type: ['string', 'null'], description: 'The location its pushes land in (lowest latency enabled).' },
          latencyMs: { type: ['number', 'null'], description: 'ms, P50 round trip.' },
          inRegionReplica: { type: 'boolean', description: 'An enabled location (home or replica) in the push site\'s own region.' },
          pushGBPerMonth: { type: ['number', 'null'], description: 'GB per month; null = unknown.' },
          ratePerGB: { type: ['number', 'null'], description: 'currency per GB' },
          rateBasis: { type: 'string' },
          monthlyTransfer: money,
          replicaInPushRegion: {
            type: 'object',
            required: ['region', 'monthlyValue', 'monthlyValueBeforeStorage', 'pays'],
            properties: {
              region: { type: 'string' },
              monthlyValue: { ...money, description: 'Monthly cost without − with a replica there (positive = it pays); null when unknown.' },
              monthlyValueBeforeStorage: { ...money, description: 'The same without storage overage: an upper bound when storage is unknown.' },
              pays: { type: ['boolean', 'null'] },
            },
          },
          splitPush: {
            type: ['object', 'null'],
            required: ['closest', 'differenceMs', 'warning'],
            properties: {
              closest: { type: 'array', items: { type: 'object', properties: { location: { type: 'string' }, latencyMs: { type: 'number' } } } },
              differenceMs: { type: 'number', description: 'ms' },
              warning: { type: 'string' },
            },
          },
          advice: { type: 'string' },
        },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
    assumptions: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const zoneRedundancyAdviceSchema = {
  type: 'array',
  description: 'Locations in regions with availability zones whose zone redundancy is off, with the advice (free; chosen at creation; changing it means re-creating the replica or registry).',
  items: {
    type: 'object',
    required: ['region', 'role', 'exists', 'advice'],
    properties: {
      region: { type: 'string' },
      role: { type: 'string', enum: ['home', 'replica'] },
      exists: { type: 'boolean', description: 'false: a replica the plan adds (create it zone redundant).' },
      advice: { type: 'string' },
    },
  },
} as const;

export const estimateResponseSchema = {
  type: 'object',
  required: ['currency', 'prices', 'topology', 'monthlyCost', 'locations', 'workloads', 'assumptions', 'warnings'],
  properties: {
    currency: { type: 'string' },
    units: { type: 'object', additionalProperties: { type: 'string' } },
    prices: pricesInfoSchema,
    registryId: { type: 'string' },
    topology: topologySchema,
    storageGiB: { type: ['number', 'null'] },
    monthlyCost: monthlyCostSchema,
    locations: { type: 'array', items: locationCostSchema },
    workloads: { type: 'array', items: workloadCostSchema },
    outage: outageSchema,
    push: pushSectionSchema,
    zoneRedundancy: zoneRedundancyAdviceSchema,
    assumptions: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const regionSchema = {
  type: 'object',
  required: ['name', 'displayName', 'continent', 'latitude', 'longitude', 'availabilityZones', 'pairedRegion'],
  properties: {
    name: { type: 'string' },
    displayName: { type: 'string' },
    geography: { type: 'string' },
    continent: { type: 'string' },
    latitude: { type: ['number', 'null'] },
    longitude: { type: ['number', 'null'] },
    availabilityZones: { type: 'boolean' },
    pairedRegion: { type: ['string', 'null'] },
    restricted: { type: 'boolean' },
    latencyPublished: { type: 'boolean', description: 'Whether the published latency matrix covers this region.' },
  },
} as const;

export const regionsResponseSchema = {
  type: 'object',
  required: ['count', 'regions', 'source'],
  properties: {
    count: { type: 'integer' },
    regions: { type: 'array', items: regionSchema },
    source: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const healthResponseSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    version: { type: 'string' },
    catalog: { type: 'object' },
    checks: { type: 'object' },
  },
} as const;

export const pricesResponseSchema = {
  type: 'object',
  required: ['currency', 'asOf', 'source'],
  properties: {
    currency: { type: 'string' },
    asOf: { type: 'string' },
    ageDays: { type: ['integer', 'null'] },
    source: { type: 'string' },
    live: { type: 'object' },
    registryUnitPerDay: { type: 'object' },
    includedStorageGiB: { type: 'object' },
    storageOveragePerGiBMonth: { type: 'number' },
    bandwidth: { type: 'object' },
    notes: { type: 'array', items: { type: 'string' } },
    overrides: { type: 'object' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const recommendationsResponseSchema = {
  type: 'object',
  required: ['currency', 'prices', 'optimality', 'recommended', 'current', 'savings', 'frontier', 'assumptions', 'warnings'],
  properties: {
    currency: { type: 'string' },
    prices: pricesInfoSchema,
    registryId: { type: 'string' },
    optimality: {
      type: 'object',
      required: ['status', 'objective', 'lowerBound', 'relativeGap'],
      properties: {
        status: { type: 'string', enum: ['proved', 'gap'], description: 'proved: lower bound = objective; gap: a limit was hit, see relativeGap.' },
        objective: { type: 'number' },
        lowerBound: { type: 'number' },
        relativeGap: { type: 'number' },
        nodes: { type: 'integer' },
        ms: { type: 'number' },
        deadlineMs: { type: 'integer', description: 'ms: the deadline of the whole request (main solve and frontier together) the solver ran under.' },
        note: { type: 'string', description: 'Why the search stopped; for status gap also what the gap means in money and how to prove the optimum (a longer deadline).' },
      },
    },
    recommended: {
      type: 'object',
      required: ['topology', 'monthlyCost', 'replicas', 'estimate'],
      properties: {
        topology: topologySchema,
        monthlyCost: { type: 'object' },
        maxLatencyMs: { type: ['number', 'null'] },
        volumeWeightedMeanLatencyMs: { type: ['number', 'null'] },
        replicas: {
          type: 'array',
          items: {
            type: 'object',
            required: ['region', 'servesWorkloads', 'marginalMonthlyValue', 'breakEvenGBPerMonth', 'requiredFor', 'explanation'],
            properties: {
              region: { type: 'string' },
              servesWorkloads: { type: 'array', items: { type: 'string' } },
              servedGBPerMonth: { type: ['number', 'null'] },
              monthlyCost: { type: ['number', 'null'] },
              marginalMonthlyValue: { type: ['number', 'null'], description: "This replica's own economics (transfer it saves − its cost) per month, in the answer's currency; a constraint may still require it (requiredFor)." },
              breakEvenGBPerMonth: { type: ['number', 'null'], description: "This replica's own economics: GB/month it must serve to pay for itself; a constraint may still require it (requiredFor)." },
              requiredFor: {
                type: 'array',
                items: { type: 'string', enum: ['mustInclude', 'minReplicas', 'resilience', 'latency'] },
                description:
                  'The constraints that removing this replica alone from the recommended plan would break (resilience: some location\'s outage would then leave a workload without an enabled location, within maxMs when given; latency: the latency objective would no longer be met). Empty: removable without breaking a constraint.',
              },
              explanation: { type: 'string' },
            },
          },
        },
        estimate: estimateResponseSchema,
        outage: outageSchema,
        push: pushSectionSchema,
        zoneRedundancy: zoneRedundancyAdviceSchema,
      },
    },
    current: {
      type: 'object',
      properties: {
        topology: topologySchema,
        monthlyCost: monthlyCostSchema,
        outage: outageSchema,
      },
    },
    savings: {
      type: 'object',
      properties: {
        monthly: { type: ['number', 'null'] },
        annual: { type: ['number', 'null'] },
        percent: { type: ['number', 'null'] },
        changes: { type: 'object' },
      },
    },
    frontier: {
      type: 'array',
      description: 'The best plan for each replica count 0..k.',
      items: {
        type: 'object',
        required: ['replicas', 'status'],
        properties: {
          replicas: { type: 'integer' },
          status: { type: 'string', enum: ['proved', 'gap', 'infeasible'] },
          regions: { type: 'array', items: { type: 'string' } },
          monthlyCost: { type: 'object' },
          maxLatencyMs: { type: ['number', 'null'] },
          volumeWeightedMeanLatencyMs: { type: ['number', 'null'] },
          relativeGap: { type: ['number', 'null'], description: 'status gap: (objective − lower bound) / objective when the deadline stopped this count; null: no bound yet.' },
          reason: { type: 'string' },
        },
      },
    },
    search: { type: 'object' },
    assumptions: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
