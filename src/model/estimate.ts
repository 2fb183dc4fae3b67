/**
 * The estimate as the API shows it: the cost model's breakdown with units,
 * currency, price date, assumptions and warnings, amounts rounded to cents.
 */
import type { Catalog } from './catalog';
import { costAssumptions, monthlyCost, withReplicaEconomics, DAYS_PER_MONTH, HOURS_PER_MONTH, type CostBreakdown, type CostInput } from './cost';
import type { PriceBook, Topology } from './types';

export const money = (x: number): number => Math.round(x * 100) / 100;
const moneyOrNull = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : money(x));
const gb = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export function pricesInfo(prices: PriceBook) {
  return {
    currency: prices.currency,
    asOf: prices.asOf,
    bandwidthAsOf: prices.bandwidth.asOf,
    source: prices.source,
    registryUnitPerDay: prices.registryUnitPerDay,
    overrides: prices.overrides,
  };
}

export const UNITS = {
  money: 'currency per month (see currency)',
  volume: 'GB per month (1 GB = 10^9 bytes)',
  latency: 'ms, P50 round-trip time',
  rate: 'currency per GB',
  period: `month = ${HOURS_PER_MONTH} hours = ${DAYS_PER_MONTH.toFixed(4)} days`,
} as const;

export function presentTopology(t: Topology) {
  return {
    homeRegion: t.homeRegion,
    sku: t.replicas.length > 0 ? 'Premium' : t.sku,
    homeZoneRedundancy: t.homeZoneRedundancy ?? false,
    replicas: t.replicas.map((r) => ({ region: r.region, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy })),
  };
}

/** The monthly line items rounded for display (pushTransfer only when push sites were given). */
export function presentMonthlyCost(b: Pick<CostBreakdown, 'total' | 'totalKnown' | 'registryUnits' | 'storage' | 'dataTransfer' | 'pushTransfer' | 'unknown'>) {
  return {
    total: moneyOrNull(b.total),
    totalKnown: money(b.totalKnown),
    registryUnits: moneyOrNull(b.registryUnits),
    storage: moneyOrNull(b.storage),
    dataTransfer: moneyOrNull(b.dataTransfer),
    ...(b.pushTransfer !== undefined ? { pushTransfer: moneyOrNull(b.pushTransfer) } : {}),
    unknown: b.unknown,
  };
}

/** The breakdown's money fields rounded for display (the model keeps full precision). */
export function presentBreakdown(b: CostBreakdown) {
  return {
    monthlyCost: presentMonthlyCost(b),
    locations: b.locations.map((l) => ({
      region: l.region,
      displayName: l.displayName,
      role: l.role,
      regionEndpointEnabled: l.regionEndpointEnabled,
      zoneRedundancy: l.zoneRedundancy,
      registryUnits: moneyOrNull(l.registryUnits),
      storage: moneyOrNull(l.storage),
      total: moneyOrNull(l.total),
      servesWorkloads: l.servesWorkloads,
      servedGBPerMonth: gb(l.servedGBPerMonth),
      ...(l.role === 'replica'
        ? {
            marginalMonthlyValue: moneyOrNull(l.marginalMonthlyValue),
            breakEvenGBPerMonth: l.breakEvenGBPerMonth === null || l.breakEvenGBPerMonth === undefined ? null : Math.round(l.breakEvenGBPerMonth * 10) / 10,
            economicsNote: l.economicsNote,
          }
        : {}),
    })),
    workloads: b.workloads.map((w) => ({
      ...w,
      pullGBPerMonth: gb(w.pullGBPerMonth),
      cost: moneyOrNull(w.cost),
    })),
  };
}

export interface EstimateOptions {
  warnings?: string[];
  extraAssumptions?: string[];
  registryId?: string;
}

export function buildEstimate(input: CostInput, catalog: Catalog, prices: PriceBook, opts: EstimateOptions = {}) {
  const breakdown = withReplicaEconomics(input, monthlyCost(input, catalog, prices), catalog, prices);
  const warnings = [...(opts.warnings ?? [])];
  const estimatedLatency = breakdown.workloads.filter((w) => w.latencyEstimated && w.latencyMs !== null).map((w) => w.id);
  if (estimatedLatency.length) {
    warnings.push(`Latency for ${estimatedLatency.join(', ')} is estimated from great-circle distance (no published measurement).`);
  }
  return {
    currency: prices.currency,
    units: UNITS,
    prices: pricesInfo(prices),
    ...(opts.registryId ? { registryId: opts.registryId } : {}),
    topology: presentTopology(input.topology),
    storageGiB: input.storageGiB,
    ...presentBreakdown(breakdown),
    assumptions: [...costAssumptions(prices, catalog), ...(opts.extraAssumptions ?? [])],
    warnings,
  };
}

export type EstimateResponse = ReturnType<typeof buildEstimate>;
