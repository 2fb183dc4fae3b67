/** The price source: the current price book (the shipped snapshot, or the last live refresh). */
import type { PriceBook, Sku } from '../../model/types';

/** A fresh copy of the current price book on every call (callers may modify it). */
export type PriceSource = () => PriceBook;

/** ACR registry-unit prices as the Azure Retail Prices API lists them today. */
export interface LiveAcrPrices {
  fetchedAt: string;
  currency: string;
  items: number;
  pages: number;
  /** The price most regions share, per SKU (currency/day). */
  registryUnitPerDay: Partial<Record<Sku, number>>;
  /** Regions whose price differs from the common one. */
  regionOverrides: Record<string, Partial<Record<Sku, number>>>;
  latestEffectiveStartDate: string | null;
}

/** Reads live list prices (the Azure Retail Prices API adapter implements it). */
export type LivePriceReader = (currency: string) => Promise<LiveAcrPrices>;
