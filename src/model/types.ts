/**
 * Domain types shared by the pure model, the adapters and the handlers.
 * Types only: no behaviour lives here (see cost.ts, catalog.ts, ...).
 */

export type Sku = 'Basic' | 'Standard' | 'Premium';
export const SKUS: readonly Sku[] = ['Basic', 'Standard', 'Premium'];

export type Continent =
  | 'north-america'
  | 'south-america'
  | 'europe'
  | 'asia'
  | 'oceania'
  | 'middle-east'
  | 'africa';

/** One Azure public-cloud region, as shipped in the catalog (src/catalog/regions.json). */
export interface Region {
  name: string;
  displayName: string;
  geography: string;
  continent: Continent;
  latitude: number | null;
  longitude: number | null;
  pairedRegion: string | null;
  availabilityZones: boolean;
  restricted: boolean;
}

/** A replica of a registry (any location other than the home region). */
export interface ReplicaSpec {
  region: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: boolean;
}

/**
 * A registry topology: the home region, the SKU and the replicas.
 * Region names are canonical ARM location names (`westus`).
 */
export interface Topology {
  homeRegion: string;
  sku: Sku;
  /** Zone redundancy of the home location (chosen when the registry was created). */
  homeZoneRedundancy?: boolean;
  replicas: ReplicaSpec[];
}

/** Where a workload pulls from: an Azure region, or a point outside Azure (internet egress). */
export type WorkloadSite =
  | { kind: 'azure'; region: string }
  | { kind: 'external'; name: string; latitude: number; longitude: number };

/** A workload with its monthly pulled volume in GB (decimal, as bandwidth is billed), or unknown. */
export interface Workload {
  site: WorkloadSite;
  /** GB per month; null = unknown (never treated as 0). */
  pullGBPerMonth: number | null;
  /** How the volume was obtained, shown to the user. */
  volumeSource: string;
}

/** A place CI pushes images from (pushRegions), with its monthly pushed volume in GB, or unknown. */
export interface PushSite {
  site: WorkloadSite;
  /** GB per month; null = unknown (never treated as 0). */
  pushGBPerMonth: number | null;
  volumeSource: string;
}

/** Prices the cost model needs; the catalog snapshot, possibly with per-request overrides. */
export interface PriceBook {
  currency: string;
  asOf: string;
  source: string;
  registryUnitPerDay: Record<Sku, number>;
  includedStorageGiB: Record<Sku, number>;
  storageOveragePerGiBMonth: number;
  /** Per-region registry unit price overrides: region -> sku -> USD/day. */
  regionOverrides: Record<string, Partial<Record<Sku, number>>>;
  bandwidth: BandwidthRates;
  /** Human-readable notes about what was overridden. */
  overrides: string[];
}

export interface BandwidthRates {
  asOf: string;
  source: string;
  /** USD per GB, by SOURCE continent, destination in the same continent group. */
  withinContinent: Record<Continent, number>;
  /** USD per GB, by SOURCE continent, destination in another continent group. */
  toOtherContinent: Record<Continent, number>;
  /** USD per GB to the internet, by SOURCE continent. */
  internet: Record<Continent, number>;
  internetFreeGBPerMonth: number;
}

/** Latency lookup result: published P50 or a great-circle estimate, or unknown. */
export interface Latency {
  ms: number | null;
  estimated: boolean;
}
