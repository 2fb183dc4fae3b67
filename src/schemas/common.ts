/**
 * JSON Schemas (draft 2020-12) shared by the request schemas. One source:
 * ajv validates requests with them and /api/openapi.json embeds them.
 *
 * Every input is bounded here (LIMITS): each string has a maxLength, each
 * array a maxItems, each number a finite minimum/maximum. The bounds are
 * chosen so that no product the cost model forms from them (e.g.
 * pullsPerMonth × avgPullSizeMB × a per-GB rate × the number of workloads)
 * can overflow to Infinity, and so that no per-request work (did-you-mean,
 * the solver) grows with the size of an untrusted value.
 */

/** The input bounds (also shown in /api/openapi.json through the schemas below). */
export const LIMITS = {
  /** Region names: ARM (`westus`), display (`West US`) or hyphenated; the longest Azure name has < 30 characters. */
  regionNameLength: 64,
  /** Labels such as a workload name. */
  nameLength: 80,
  /** ARM resource ids of registries. */
  registryIdLength: 1024,
  /** Webhook URLs. */
  urlLength: 2048,
  /** Free text: approval comments, rejection reasons. */
  textLength: 1000,
  /** Geography / continent names in constraints. */
  geographyLength: 64,
  /** Replicas of one registry (Azure allows one per region: fewer than 100 regions). */
  replicas: 100,
  /** Workloads in one request. */
  workloads: 1000,
  /** Push sites (pushRegions) in one request: where CI pushes from. */
  pushRegions: 100,
  /** GB pushed from one push site per month. */
  pushGBPerMonth: 1e9,
  /** Region lists in constraints (mustInclude, exclude, candidates): at most the catalog size. */
  regionLists: 100,
  /** Stored GiB of a registry (10 PiB). */
  storageGiB: 1e7,
  /** GB pulled by one workload per month. */
  pullGBPerMonth: 1e9,
  /** Pulls of one workload per month. */
  pullsPerMonth: 1e12,
  /** MB per pull (1 TB). */
  avgPullSizeMB: 1e6,
  /** Any price override (per day, per GiB-month or per GB), in the request's currency. */
  price: 1e6,
  /** Latency objective, ms round trip. */
  latencyMs: 10_000,
  /** A 400 lists at most this many issues in `errors` (the rest are counted in `errorsOmitted`). */
  listedIssues: 50,
  /** Input echoed in an error message is cut to this many characters (with an ellipsis). */
  echoedValueLength: 64,
} as const;

export const REGISTRY_ID_PATTERN =
  '^/subscriptions/[^/]{1,64}/resourceGroups/[^/]{1,90}/providers/Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$';

/** An ARM registry resource id (bounded: the pattern alone would let an unbounded subscription or group segment through). */
export const registryIdSchema = {
  type: 'string',
  maxLength: LIMITS.registryIdLength,
  pattern: REGISTRY_ID_PATTERN,
} as const;

/** A price override: finite, non-negative, at most LIMITS.price. */
export const priceSchema = { type: 'number', minimum: 0, maximum: LIMITS.price } as const;

export const regionNameSchema = {
  type: 'string',
  minLength: 1,
  maxLength: LIMITS.regionNameLength,
  description: 'An Azure region: ARM name (`westus`), display name (`West US`) or hyphenated (`west-us`). Unknown names get a did-you-mean.',
  examples: ['westus'],
} as const;

export const skuSchema = { type: 'string', enum: ['Basic', 'Standard', 'Premium'] } as const;

export const replicaSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['region'],
  properties: {
    region: regionNameSchema,
    regionEndpointEnabled: {
      type: 'boolean',
      default: true,
      description: 'false: Traffic Manager routes no pulls here; data still syncs and the replica is still billed.',
    },
    zoneRedundancy: { type: 'boolean', default: false, description: 'Only in regions with availability zones; free; create-only.' },
  },
} as const;

export const registrySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'The registry: its home region, SKU and stored GiB — or `id`, the resource id of a live registry to read them from.',
  properties: {
    id: {
      ...registryIdSchema,
      description: 'ARM resource id of a live registry (read through Azure Resource Manager).',
    },
    homeRegion: regionNameSchema,
    sku: { ...skuSchema, description: 'Defaults to Premium. Any replica forces Premium.' },
    storageGiB: {
      type: 'number',
      minimum: 0,
      maximum: LIMITS.storageGiB,
      description: 'Stored GiB (each location holds a full copy). Omitted: storage cost is reported as unknown.',
    },
    zoneRedundancy: { type: 'boolean', default: false, description: 'Zone redundancy of the home location.' },
  },
} as const;

/** Average pull size, MB (10^6 bytes): positive and at most LIMITS.avgPullSizeMB. */
export const avgPullSizeMBSchema = { type: 'number', exclusiveMinimum: 0, maximum: LIMITS.avgPullSizeMB } as const;

/** Where a site is: an Azure `region`, or a point outside Azure (`name` + `latitude` + `longitude`). Shared by workloads and push sites. */
export const siteLocationProperties = {
  region: regionNameSchema,
  name: { type: 'string', minLength: 1, maxLength: LIMITS.nameLength, description: 'Label; required for points outside Azure.' },
  latitude: { type: 'number', minimum: -90, maximum: 90 },
  longitude: { type: 'number', minimum: -180, maximum: 180 },
} as const;

export const workloadSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Where images are pulled: an Azure `region`, or a point outside Azure (`name` + `latitude` + `longitude`, priced as internet egress). Volume: `pullGBPerMonth`, or `pullsPerMonth` × `avgPullSizeMB`, or (with a live registry) a `share` of its pulls.',
  properties: {
    ...siteLocationProperties,
    pullGBPerMonth: { type: 'number', minimum: 0, maximum: LIMITS.pullGBPerMonth, description: 'GB (10^9 bytes) pulled per month.' },
    pullsPerMonth: { type: 'number', minimum: 0, maximum: LIMITS.pullsPerMonth },
    avgPullSizeMB: { ...avgPullSizeMBSchema, description: 'Average MB (10^6 bytes) transferred per pull.' },
    share: { type: 'number', minimum: 0, maximum: 1, description: "This workload's share of the registry's pulls (live registries)." },
  },
} as const;

const perContinent = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['north-america', 'south-america', 'europe', 'asia', 'oceania', 'middle-east', 'africa'].map((c) => [c, priceSchema]),
  ),
} as const;

export const priceOverridesSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Per-request price overrides (e.g. negotiated prices); every override is echoed in `prices.overrides`.',
  properties: {
    currency: { type: 'string', minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' },
    asOf: { type: 'string', minLength: 1, maxLength: 40 },
    registryUnitPerDay: {
      type: 'object',
      additionalProperties: false,
      properties: { Basic: priceSchema, Standard: priceSchema, Premium: priceSchema },
    },
    storageOveragePerGiBMonth: priceSchema,
    interRegionWithinContinentPerGB: perContinent,
    interRegionToOtherContinentPerGB: perContinent,
    internetEgressPerGB: perContinent,
  },
} as const;

export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      maxItems: LIMITS.listedIssues,
      description: `Every problem with its JSON pointer; at most ${LIMITS.listedIssues} (the first ones found), the rest counted in errorsOmitted.`,
      items: {
        type: 'object',
        required: ['pointer', 'message'],
        properties: {
          pointer: { type: 'string' },
          message: { type: 'string' },
          code: { type: 'string' },
          didYouMean: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    errorsOmitted: { type: 'integer', minimum: 1, description: 'How many further problems were found but not listed in errors.' },
  },
} as const;
