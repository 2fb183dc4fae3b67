/**
 * The services the handlers depend on, created once per process and lazily:
 * handlers see ports, never SDK clients. Tests replace them with
 * `setServices()` (adapters are injected, not imported by handlers).
 */
import { readSettings, type Settings } from './config';
import { shippedCatalog, shippedPrices } from './catalog';
import type { Catalog } from './model/catalog';
import type { PriceBook } from './model/types';

export interface Services {
  settings: Settings;
  catalog: Catalog;
  /** A fresh copy of the current price book (snapshot, or the last live refresh). */
  prices(): PriceBook;
}

let current: Services | undefined;

export function createServices(settings: Settings = readSettings()): Services {
  return {
    settings,
    catalog: shippedCatalog(),
    prices: shippedPrices,
  };
}

export function getServices(): Services {
  if (!current) current = createServices();
  return current;
}

/** Replace (or with no argument, reset) the process-wide services: for tests and the local host. */
export function setServices(services?: Services): void {
  current = services;
}
