/**
 * JSON Schemas (draft 2020-12) shared by the request schemas. One source:
 * ajv validates requests with them and /api/openapi.json embeds them.
 */

export const REGISTRY_ID_PATTERN =
  '^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ContainerRegistry/registries/[A-Za-z0-9]{5,50}$';

export const regionNameSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
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
      type: 'string',
      pattern: REGISTRY_ID_PATTERN,
      description: 'ARM resource id of a live registry (read through Azure Resource Manager).',
    },
    homeRegion: regionNameSchema,
    sku: { ...skuSchema, description: 'Defaults to Premium. Any replica forces Premium.' },
    storageGiB: {
      type: 'number',
      minimum: 0,
      description: 'Stored GiB (each location holds a full copy). Omitted: storage cost is reported as unknown.',
    },
    zoneRedundancy: { type: 'boolean', default: false, description: 'Zone redundancy of the home location.' },
  },
} as const;

export const workloadSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'Where images are pulled: an Azure `region`, or a point outside Azure (`name` + `latitude` + `longitude`, priced as internet egress). Volume: `pullGBPerMonth`, or `pullsPerMonth` × `avgPullSizeMB`, or (with a live registry) a `share` of its pulls.',
  properties: {
    region: regionNameSchema,
    name: { type: 'string', minLength: 1, maxLength: 80, description: 'Label; required for points outside Azure.' },
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    pullGBPerMonth: { type: 'number', minimum: 0, description: 'GB (10^9 bytes) pulled per month.' },
    pullsPerMonth: { type: 'number', minimum: 0 },
    avgPullSizeMB: { type: 'number', exclusiveMinimum: 0, description: 'Average MB (10^6 bytes) transferred per pull.' },
    share: { type: 'number', minimum: 0, maximum: 1, description: "This workload's share of the registry's pulls (live registries)." },
  },
} as const;

const perContinent = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['north-america', 'south-america', 'europe', 'asia', 'oceania', 'middle-east', 'africa'].map((c) => [c, { type: 'number', minimum: 0 }]),
  ),
} as const;

export const priceOverridesSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Per-request price overrides (e.g. negotiated prices); every override is echoed in `prices.overrides`.',
  properties: {
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    asOf: { type: 'string', maxLength: 40 },
    registryUnitPerDay: {
      type: 'object',
      additionalProperties: false,
      properties: { Basic: { type: 'number', minimum: 0 }, Standard: { type: 'number', minimum: 0 }, Premium: { type: 'number', minimum: 0 } },
    },
    storageOveragePerGiBMonth: { type: 'number', minimum: 0 },
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
  },
} as const;
