/**
 * What the drift functions depend on besides getServices() (ARM ports, catalog,
 * prices): settings, the report store, the queue, the plan store. Built lazily
 * from app settings; tests replace it with setDriftRuntime().
 */
import { createPlanStore } from '../store';
import type { PlanStore } from '../store/types';
import { resolveStorageConnection } from '../store/config';
import { StoreUnavailableError } from '../store/errors';
import { Limiter } from './limit';
import { InMemoryDriftReportStore } from './memory';
import { StorageQueueDriftQueue, queueConnectionFromEnv, type DriftQueue } from './queue';
import { readDriftSettings, type DriftAppSettings } from './settings';
import { TableDriftReportStore } from './table-store';
import type { DriftReportStore } from './types';

export interface DriftRuntime {
  settings: DriftAppSettings;
  reports: DriftReportStore;
  queue: DriftQueue;
  /** The plan store, or a reason why there is none (configuration drift is then unknown). */
  planStore(): { store: PlanStore } | { unavailable: string };
  /** Bounds the ARM calls in flight in this process. */
  armLimiter: Limiter;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

type Env = Record<string, string | undefined>;

class UnavailableQueue implements DriftQueue {
  constructor(private readonly reason: string) {}
  async send(): Promise<void> {
    throw new StoreUnavailableError(this.reason);
  }
}

export function createDriftRuntime(env: Env = process.env, overrides: Partial<DriftRuntime> = {}): DriftRuntime {
  const settings = overrides.settings ?? readDriftSettings(env);
  let reports: DriftReportStore;
  if (settings.store === 'memory') reports = new InMemoryDriftReportStore();
  else {
    const connection = resolveStorageConnection(env, settings.connectionName);
    reports = connection ? new TableDriftReportStore({ connection, tableName: settings.tableName }) : new InMemoryDriftReportStore();
  }
  const qc = queueConnectionFromEnv(env, settings.connectionName);
  let plans: { store: PlanStore } | { unavailable: string } | undefined;
  return {
    settings,
    reports,
    queue: qc ? new StorageQueueDriftQueue(qc) : new UnavailableQueue(`no queue storage configured: set ${settings.connectionName}`),
    planStore: () => {
      if (!plans) {
        try {
          plans = { store: createPlanStore(env) };
        } catch (e) {
          plans = { unavailable: (e as Error).message };
        }
      }
      return plans;
    },
    armLimiter: new Limiter(settings.armConcurrency),
    fetch: (...a) => fetch(...a),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => new Date(),
    ...overrides,
  };
}

let current: DriftRuntime | undefined;

export function getDriftRuntime(): DriftRuntime {
  current ??= createDriftRuntime();
  return current;
}

/** Replace (or with no argument, reset) the process-wide drift runtime: tests, the local host, the bench. */
export function setDriftRuntime(rt?: DriftRuntime): void {
  current = rt;
}
