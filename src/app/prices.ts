/**
 * Use case: the price snapshot every estimate uses, with its date and age, and
 * (on request) what the Azure Retail Prices API lists today beside it.
 * Estimates keep the snapshot unless a request overrides prices.
 */
import type { PriceBook } from '../model/types';
import type { LiveAcrPrices, LivePriceReader, PriceSource } from './ports/prices';

export interface PricesDeps {
  prices: PriceSource;
  livePrices: LivePriceReader;
  now(): Date;
}

export interface PricesView {
  book: PriceBook;
  /** Whole days since the snapshot's date; null when its date cannot be read. */
  ageDays: number | null;
  live?: LiveAcrPrices & { differences: string[] };
  warnings: string[];
}

/** A snapshot older than this many days gets a warning. */
export const STALE_SNAPSHOT_DAYS = 120;

/** Whole days since the first day of the snapshot's month (`2026-11` → 2026-11-01). */
export function snapshotAgeDays(asOf: string, now = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(asOf);
  if (!m) return null;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
  return Math.max(0, Math.floor((now.getTime() - start) / 86_400_000));
}

/** Differences between the snapshot's registry-unit prices and live ones, one line each with its unit. */
export function priceDifferences(book: PriceBook, live: LiveAcrPrices): string[] {
  return Object.entries(live.registryUnitPerDay)
    .filter(([sku, v]) => book.registryUnitPerDay[sku as keyof typeof book.registryUnitPerDay] !== v)
    .map(([sku, v]) => `${sku}: snapshot ${book.registryUnitPerDay[sku as keyof typeof book.registryUnitPerDay]} vs live ${v} ${live.currency}/day`);
}

export async function viewPrices(deps: PricesDeps, input: { refresh: boolean }): Promise<PricesView> {
  const book = deps.prices();
  const warnings: string[] = [];
  let live: PricesView['live'];
  if (input.refresh) {
    try {
      const got = await deps.livePrices(book.currency);
      live = { ...got, differences: priceDifferences(book, got) };
    } catch (e) {
      warnings.push(`Live refresh failed, showing the snapshot only: ${(e as Error).message}`);
    }
  }
  const ageDays = snapshotAgeDays(book.asOf, deps.now());
  if (ageDays !== null && ageDays > STALE_SNAPSHOT_DAYS) {
    warnings.push(`The price snapshot is ${ageDays} days old: refresh it (GET /api/prices?refresh=true) or override prices per request.`);
  }
  return { book, ageDays, ...(live ? { live } : {}), warnings };
}
