/**
 * Adapter: ACR registry-unit prices from the Azure Retail Prices API
 * (GET https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview&$filter=...),
 * 100 items a page, following NextPageLink. Uses the global fetch; no SDK.
 */
import { AppError } from '../model/errors';
import type { Sku } from '../model/types';
import type { LiveAcrPrices } from '../app/ports/prices';

export type { LiveAcrPrices };

export interface RetailPriceItem {
  currencyCode: string;
  retailPrice: number;
  unitOfMeasure: string;
  armRegionName: string;
  meterName: string;
  skuName: string;
  type: string;
  effectiveStartDate: string;
}

export class RetailPricesError extends AppError {
  readonly status = 502;
  readonly code = 'RetailPricesUnavailable';
  readonly title = 'The Azure Retail Prices API could not be read';
}

const SKU_METERS: Record<string, Sku> = {
  'Basic Registry Unit': 'Basic',
  'Standard Registry Unit': 'Standard',
  'Premium Registry Unit': 'Premium',
};

export async function fetchAcrRetailPrices(opts: { baseUrl: string; timeoutMs: number; currency?: string; maxPages?: number; fetchImpl?: typeof fetch }): Promise<LiveAcrPrices> {
  const doFetch = opts.fetchImpl ?? fetch;
  const filter = "serviceName eq 'Container Registry' and priceType eq 'Consumption' and unitOfMeasure eq '1/Day'";
  const first = new URL(opts.baseUrl);
  first.searchParams.set('api-version', '2023-01-01-preview');
  first.searchParams.set('$filter', filter);
  if (opts.currency) first.searchParams.set('currencyCode', opts.currency);
  const items: RetailPriceItem[] = [];
  let next: string | null = first.toString();
  let pages = 0;
  const maxPages = opts.maxPages ?? 50;
  while (next && pages < maxPages) {
    let res: Response;
    try {
      res = await doFetch(next, { signal: AbortSignal.timeout(opts.timeoutMs), headers: { accept: 'application/json' } });
    } catch (e) {
      throw new RetailPricesError(`Azure Retail Prices API unreachable: ${(e as Error).message}`);
    }
    if (!res.ok) throw new RetailPricesError(`Azure Retail Prices API answered ${res.status}`);
    const page = (await res.json()) as { Items?: RetailPriceItem[]; NextPageLink?: string | null };
    items.push(...(page.Items ?? []));
    next = page.NextPageLink ?? null;
    pages += 1;
  }
  return summarise(items, pages);
}

/** Pure: reduces Retail Prices items to a common price per SKU and per-region differences. */
export function summarise(items: readonly RetailPriceItem[], pages: number, now = new Date()): LiveAcrPrices {
  const bySku = new Map<Sku, Map<string, number>>();
  let currency = 'USD';
  let latest: string | null = null;
  for (const it of items) {
    const sku = SKU_METERS[it.meterName];
    if (!sku || it.unitOfMeasure !== '1/Day' || !it.armRegionName) continue;
    currency = it.currencyCode;
    const m = bySku.get(sku) ?? new Map<string, number>();
    m.set(it.armRegionName, it.retailPrice);
    bySku.set(sku, m);
    if (!latest || it.effectiveStartDate > latest) latest = it.effectiveStartDate;
  }
  const registryUnitPerDay: Partial<Record<Sku, number>> = {};
  const regionOverrides: Record<string, Partial<Record<Sku, number>>> = {};
  for (const [sku, regions] of bySku) {
    const counts = new Map<number, number>();
    for (const p of regions.values()) counts.set(p, (counts.get(p) ?? 0) + 1);
    const common = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (common === undefined) continue;
    registryUnitPerDay[sku] = common;
    for (const [region, p] of regions) {
      if (p !== common) regionOverrides[region] = { ...regionOverrides[region], [sku]: p };
    }
  }
  return { fetchedAt: now.toISOString(), currency, items: items.length, pages, registryUnitPerDay, regionOverrides, latestEffectiveStartDate: latest };
}
