/**
 * THE composition root: reads the settings once (src/settings.ts) and builds
 * every adapter from its section, lazily (nothing is connected, no SDK loaded,
 * no worker started until first use). Handlers and use cases see ports, never
 * SDK clients or process.env. Tests build their own with
 * `createServices(settings, overrides)` and install it with `setServices()`.
 */
import { shippedCatalog, shippedPrices } from './catalog';
import type { Catalog } from './model/catalog';
import type { PriceBook } from './model/types';
import { readSettings, type ArmSettings, type Settings } from './settings';
import type { ArmAdapters, PlanExecutorFactory } from './app/ports/arm';
import type { DriftQueue, DriftReportStore } from './app/ports/drift';
import type { PlanStore } from './app/ports/plan-store';
import type { Solver } from './app/ports/solver';
import type { WebhookSender } from './app/ports/webhook';
import { createArmAdapters, type ArmClientSettings } from './azure/arm';
import { armPlanExecutor } from './azure/arm/plan-executor';
import { ArmClientFactory } from './azure/arm/clients';
import { ArmImageImporter } from './azure/arm/import-image';
import { RegistryDataAdapter, staticCredential as dataPlaneStaticCredential } from './azure/registry-data';
import type { RegistryDataPort } from './app/ports/registry-data';
import type { ImageImportPort } from './app/ports/image-import';
import fs from 'node:fs';
import { createPlanStore } from './azure/store';
import { StoreUnavailableError } from './azure/store/errors';
import { Semaphore } from './app/semaphore';
import { InMemoryArmReadBudget, TableArmReadBudget } from './azure/drift/arm-budget';
import { createFleetAdapters, type FleetAdapters } from './azure/arm/fleet';
import type { ArmReadBudget, BatchPullMetricsPort, RegistryInventoryPort } from './app/ports/inventory';
import { InMemoryDriftReportStore } from './azure/drift/memory';
import { StorageQueueDriftQueue } from './azure/drift/queue';
import { TableDriftReportStore } from './azure/drift/table-store';
import { InMemoryFleetSnapshotStore, TableFleetSnapshotStore } from './azure/drift/fleet-snapshot';
import type { FleetSnapshotStore } from './app/ports/fleet-snapshot';
import { postWebhook } from './azure/webhook';
import { createSolver } from './solver/pool';
import { fetchAcrRetailPrices } from './azure/retail-prices';
import type { LivePriceReader } from './app/ports/prices';

/** What the drift scan needs besides the shared adapters. */
export interface DriftServices {
  /** Drift reports and runs (Table storage, or memory with DRIFT_STORE=memory / no storage connection). */
  reports: DriftReportStore;
  /** The fleet snapshot the run finalizer writes and GET /api/fleet reads (same table as the reports; memory with them). */
  fleetSnapshots: FleetSnapshotStore;
  /** The drift-checks / drift-runs queues (unavailable without a storage connection: send throws 503). */
  queue: DriftQueue;
  /** The plan store, or a reason why there is none (configuration drift is then unknown). */
  planStore(): { store: PlanStore } | { unavailable: string };
  /** Bounds the ARM calls of drift checks in flight in this process (DRIFT_ARM_CONCURRENCY). */
  armLimiter: Semaphore;
  /** Resource Graph inventory (ARM fallback) and batched metrics; built on first use. */
  inventory(): RegistryInventoryPort;
  batchMetrics(): BatchPullMetricsPort;
  /** The per-subscription ARM read bucket shared by every instance (Table row per subscription; memory without storage). */
  armBudget: ArmReadBudget;
}

export interface Services {
  settings: Settings;
  catalog: Catalog;
  /** A fresh copy of the current price book (snapshot, or the last live refresh). */
  prices(): PriceBook;
  /** Live ACR list prices from the Azure Retail Prices API (RETAIL_PRICES_URL, RETAIL_PRICES_TIMEOUT_MS). */
  livePrices: LivePriceReader;
  /** Ports to Azure Resource Manager (registry topology, pull metrics); built on first use. */
  arm(): ArmAdapters;
  /** Plans, their audit trail and the per-registry apply lock; built on first use. */
  planStore(): PlanStore;
  /**
   * The optimizer, off the event loop: a worker-thread pool (SOLVER_WORKERS,
   * SOLVER_MAX_QUEUE), created on first use. Tests may inject an in-process one.
   */
  solver(): Solver;
  /** The registry I/O of one plan's apply (ARM, through arm().topology). */
  planExecutor: PlanExecutorFactory;
  /** The registries' data plane (repositories, tags, sizes: #17); built on first use. */
  registryData(): RegistryDataPort;
  /** ARM importImage (#17); built on first use. */
  imageImport(): ImageImportPort;
  /** The drift scan's report store, queue, plan store view and ARM limit; built on first use. */
  drift: DriftServices;
  /** JSON webhooks (plan notifications, drift run summaries). */
  webhook: WebhookSender;
  /** Outbound HTTP for the webhook sender (tests inject one). */
  fetch: typeof fetch;
  /** Waits (webhook backoff); tests inject one. */
  sleep(ms: number): Promise<void>;
  /** Clock (tests inject one). */
  now(): Date;
}

/** Replacements for tests: any member; `drift` members one by one. */
export type ServiceOverrides = Partial<Omit<Services, 'drift' | 'settings'>> & { drift?: Partial<DriftServices> };

/** The ARM section as the ARM client factory takes it. */
export function armClientSettings(s: ArmSettings): ArmClientSettings {
  return {
    armEndpoint: s.endpoint,
    ...(s.staticToken ? { staticToken: s.staticToken } : {}),
    ...(Object.keys(s.retry).length > 0 ? { retry: s.retry } : {}),
    ...(s.lroPollIntervalMs !== undefined ? { lroPollIntervalMs: s.lroPollIntervalMs } : {}),
  };
}

class UnavailableQueue implements DriftQueue {
  constructor(private readonly reason: string) {}
  async send(): Promise<void> {
    throw new StoreUnavailableError(this.reason);
  }
}

/** The data-plane adapter: https://<loginServer> with DefaultAzureCredential, or the sandbox's endpoint, CA and static token. */
function createRegistryData(s: ArmSettings): RegistryDataPort {
  const template = s.dataPlaneEndpointTemplate;
  return new RegistryDataAdapter({
    ...(template !== undefined ? { endpointFor: (loginServer: string) => template.replace('{registry}', loginServer.split('.')[0] ?? loginServer) } : {}),
    ...(template !== undefined && s.staticToken ? { credential: dataPlaneStaticCredential(s.staticToken) } : {}),
    ...(s.dataPlaneCaFile !== undefined ? { ca: fs.readFileSync(s.dataPlaneCaFile, 'utf8') } : {}),
  });
}

let current: Services | undefined;
/** Every solver the services created, for closeServices(). */
const solvers = new Set<Solver>();

/** Builds every adapter from `settings` (lazily); `overrides` replace members (tests). */
export function createServices(settings: Settings = readSettings(), overrides: ServiceOverrides = {}): Services {
  const { drift: driftOverrides = {}, ...rest } = overrides;
  let arm: ArmAdapters | undefined;
  let store: PlanStore | undefined;
  let solver: Solver | undefined;
  let drift: DriftServices | undefined;
  let registryData: RegistryDataPort | undefined;
  let imageImport: ImageImportPort | undefined;

  const buildDrift = (): DriftServices => {
    const d = settings.drift;
    const storage = settings.storage;
    const reports =
      driftOverrides.reports ??
      (d.store === 'memory' || !storage.connection ? new InMemoryDriftReportStore() : new TableDriftReportStore({ connection: storage.connection, tableName: d.tableName }));
    const queue =
      driftOverrides.queue ??
      (storage.queueConnection ? new StorageQueueDriftQueue(storage.queueConnection) : new UnavailableQueue(`no queue storage configured: set ${storage.connectionName}`));
    const fleetSnapshots =
      driftOverrides.fleetSnapshots ??
      (driftOverrides.reports || d.store === 'memory' || !storage.connection ? new InMemoryFleetSnapshotStore() : new TableFleetSnapshotStore({ connection: storage.connection, tableName: d.tableName }));
    return {
      reports,
      fleetSnapshots,
      queue,
      planStore:
        driftOverrides.planStore ??
        (() => {
          try {
            return { store: services.planStore() };
          } catch (e) {
            return { unavailable: (e as Error).message };
          }
        }),
      armLimiter: driftOverrides.armLimiter ?? new Semaphore(d.armConcurrency),
      inventory: driftOverrides.inventory ?? (() => fleet().inventory),
      batchMetrics: driftOverrides.batchMetrics ?? (() => fleet().batchMetrics),
      armBudget: driftOverrides.armBudget ?? armBudget,
    };
  };
  let fleetAdapters: FleetAdapters | undefined;
  const fleet = (): FleetAdapters =>
    (fleetAdapters ??= createFleetAdapters(armClientSettings(settings.arm), {
      metricsEndpointTemplate: settings.drift.metricsEndpointTemplate,
      topology: () => services.arm().topology,
      budget: services.drift.armBudget,
    }));
  const budgetLimits = { burst: settings.drift.armReadsBurst, refillPerSecond: settings.drift.armReadsPerSecond };
  const armBudget: ArmReadBudget =
    settings.drift.store === 'memory' || !settings.storage.connection
      ? new InMemoryArmReadBudget(budgetLimits)
      : new TableArmReadBudget({ ...budgetLimits, connection: settings.storage.connection, tableName: settings.drift.armBudgetTable });

  const services: Services = {
    settings,
    catalog: shippedCatalog(),
    prices: shippedPrices,
    livePrices: (currency) => fetchAcrRetailPrices({ baseUrl: settings.prices.retailUrl, timeoutMs: settings.prices.timeoutMs, currency }),
    arm: () => (arm ??= createArmAdapters(armClientSettings(settings.arm))),
    planStore: () => (store ??= createPlanStore(settings.storage.planStore)),
    solver: () => {
      if (!solver) solvers.add((solver = createSolver(settings.solver)));
      return solver;
    },
    planExecutor: (registryId) => armPlanExecutor(services.arm().topology, registryId, { ...(services.arm().webhooks ? { webhooks: services.arm().webhooks } : {}) }),
    registryData: () => (registryData ??= createRegistryData(settings.arm)),
    imageImport: () => (imageImport ??= new ArmImageImporter(new ArmClientFactory(armClientSettings(settings.arm)))),
    get drift(): DriftServices {
      return (drift ??= buildDrift());
    },
    webhook: postWebhook,
    fetch: (...a) => fetch(...a),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  };
  // Overrides replace members; `drift` stays lazy (its members see the overridden ones).
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) Object.defineProperty(services, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return services;
}

/** The process-wide services, built on first use from the environment (settings read once, here). */
export function getServices(): Services {
  current ??= createServices(readSettings(process.env));
  return current;
}

/** Replace (or with no argument, reset) the process-wide services: for tests, the dev host, the bench. */
export function setServices(services?: Services): void {
  current = services;
}

/** Stops what services started in the background (the solver workers): a host's shutdown calls it. */
export async function closeServices(): Promise<void> {
  const all = [...solvers];
  solvers.clear();
  await Promise.all(all.map((s) => s.close()));
}
