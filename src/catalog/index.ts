/**
 * The catalog the service ships: regions, the latency matrix and the price
 * snapshot, copied from shared/data with their provenance (PROVENANCE.md).
 * JSON is imported (bundled by tsc), so no file I/O happens at run time.
 */
import regionsJson from './regions.json';
import latencyJson from './latency.json';
import acrPricesJson from './acr-prices.json';
import bandwidthJson from './bandwidth.json';
import { Catalog, type LatencyMatrix } from '../model/catalog';
import type { BandwidthRates, Continent, PriceBook, Region, Sku } from '../model/types';

const CONTINENTS: readonly Continent[] = [
  'north-america',
  'south-america',
  'europe',
  'asia',
  'oceania',
  'middle-east',
  'africa',
];

let catalog: Catalog | undefined;

/** The shipped region catalog (built once per process). */
export function shippedCatalog(): Catalog {
  if (!catalog) catalog = new Catalog(regionsJson as Region[], latencyJson as LatencyMatrix);
  return catalog;
}

function continentRecord(source: Record<string, number>, what: string): Record<Continent, number> {
  const out = {} as Record<Continent, number>;
  for (const c of CONTINENTS) {
    const v = source[c];
    if (typeof v !== 'number') throw new Error(`bandwidth.json: no ${what} rate for ${c}`);
    out[c] = v;
  }
  return out;
}

function shippedBandwidth(): BandwidthRates {
  const internet = {} as Record<Continent, number>;
  for (const zone of Object.values(bandwidthJson.internetEgress.zones)) {
    for (const c of zone.continents) internet[c as Continent] = zone.perGB;
  }
  for (const c of CONTINENTS) {
    if (typeof internet[c] !== 'number') throw new Error(`bandwidth.json: no internet egress zone for ${c}`);
  }
  return {
    asOf: bandwidthJson.asOf,
    source: bandwidthJson.source,
    withinContinent: continentRecord(bandwidthJson.interRegion.withinContinent, 'within-continent'),
    toOtherContinent: continentRecord(bandwidthJson.interRegion.toOtherContinent, 'inter-continent'),
    internet,
    internetFreeGBPerMonth: bandwidthJson.internetEgress.freeGBPerMonth,
  };
}

/** A fresh copy of the shipped price snapshot (callers may apply overrides to it). */
export function shippedPrices(): PriceBook {
  return {
    currency: acrPricesJson.currency,
    asOf: acrPricesJson.asOf,
    source: acrPricesJson.source,
    registryUnitPerDay: { ...(acrPricesJson.registryUnitPerDay as Record<Sku, number>) },
    includedStorageGiB: { ...(acrPricesJson.includedStorageGiB as Record<Sku, number>) },
    storageOveragePerGiBMonth: acrPricesJson.storageOveragePerGiBMonth,
    regionOverrides: { ...(acrPricesJson.regionOverrides as Record<string, Partial<Record<Sku, number>>>) },
    bandwidth: shippedBandwidth(),
    overrides: [],
  };
}

/** Notes that come with the snapshot (billing assumptions), shown by GET /api/prices. */
export const priceNotes: readonly string[] = [...acrPricesJson.notes, ...bandwidthJson.interRegion.notes, ...bandwidthJson.internetEgress.notes];

export const catalogProvenance = {
  regions: 'Azure/terraform-azurerm-avm-utl-regions (cached ARM list-locations, commit e9d62409) + MicrosoftDocs/reliability-docs regions-list.md (zones, restricted access); retrieved 2026-11-23',
  latency: (latencyJson as LatencyMatrix).source,
  prices: acrPricesJson.source,
  bandwidth: bandwidthJson.source,
  details: 'src/catalog/PROVENANCE.md',
} as const;
