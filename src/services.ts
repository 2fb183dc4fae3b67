/**
 * The services the handlers depend on, created once per process and lazily:
 * handlers see ports, never SDK clients. Tests replace them with
 * `setServices()` (adapters are injected, not imported by handlers).
 */
import { readSettings, type Settings } from './config';
import { shippedCatalog, shippedPrices } from './catalog';
import type { Catalog } from './model/catalog';
import type { PriceBook } from './model/types';
import { armSettingsFromEnv, createArmAdapters, type ArmAdapters } from './azure/arm';
import { createPlanStore, type PlanStore } from './azure/store';
import { createSolver } from './solver/pool';
import type { Solver } from './solver/port';

export interface Services {
  settings: Settings;
  catalog: Catalog;
  /** A fresh copy of the current price book (snapshot, or the last live refresh). */
  prices(): PriceBook;
  /** Ports to Azure Resource Manager (registry topology, pull metrics); built on first use. */
  arm(): ArmAdapters;
  /** Plans, their audit trail and the per-registry apply lock; built on first use. */
  planStore(): PlanStore;
  /**
   * The optimizer, off the event loop: a worker-thread pool (SOLVER_WORKERS,
   * SOLVER_MAX_QUEUE), created on first use. Tests may inject an in-process one.
   */
  solver(): Solver;
  /** Clock (tests inject one). */
  now(): Date;
}

let current: Services | undefined;
/** Every solver the services created, for closeServices(). */
const solvers = new Set<Solver>();

export function createServices(settings: Settings = readSettings(), env: NodeJS.ProcessEnv = process.env): Services {
  let arm: ArmAdapters | undefined;
  let store: PlanStore | undefined;
  let solver: Solver | undefined;
  return {
    settings,
    catalog: shippedCatalog(),
    prices: shippedPrices,
    arm: () => (arm ??= createArmAdapters(armSettingsFromEnv(env))),
    planStore: () => (store ??= createPlanStore(env)),
    solver: () => {
      if (!solver) solvers.add((solver = createSolver(settings)));
      return solver;
    },
    now: () => new Date(),
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

/** Stops what services started in the background (the solver workers): a host's shutdown calls it. */
export async function closeServices(): Promise<void> {
  const all = [...solvers];
  solvers.clear();
  await Promise.all(all.map((s) => s.close()));
}
