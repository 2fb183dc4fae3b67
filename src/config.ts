/**
 * Application settings, read from the environment (App Settings in Azure,
 * `local.settings.json` → Values locally). Every setting is documented in
 * local.settings.example.json and the README.
 */
import { availableParallelism } from 'node:os';

export interface Settings extends SolverSettings {
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** ARM endpoint; the local host points it at the ARM sandbox. */
  armEndpoint: string;
  /** When set, used as the ARM bearer token instead of DefaultAzureCredential (sandbox only). */
  armStaticToken: string | undefined;
  /** Azure Storage connection for plans and drift reports. */
  storageConnection: string | undefined;
  /** Allow GET /api/prices?refresh=true to call the Azure Retail Prices API. */
  retailPricesUrl: string;
  retailPricesTimeoutMs: number;
  /** Accept the local stand-in identity header x-geoplanner-principal (never in Azure; ignored while appServiceAuthEnabled). */
  localPrincipalHeader: boolean;
  /**
   * App Service authentication (Easy Auth) is on in front of the app: the platform sets
   * WEBSITE_AUTH_ENABLED=True and only then is `x-ms-client-principal` trusted (see src/http/identity.ts).
   */
  appServiceAuthEnabled: boolean;
  /** Default lifetime of a plan before it must be approved and applied, hours. */
  planTtlHours: number;
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    maxBodyBytes: int(env.MAX_BODY_BYTES, 1_048_576),
    armEndpoint: env.ARM_ENDPOINT?.trim() || 'https://management.azure.com',
    armStaticToken: env.ARM_STATIC_TOKEN?.trim() || undefined,
    storageConnection: env.AzureWebJobsStorage?.trim() || undefined,
    retailPricesUrl: env.RETAIL_PRICES_URL?.trim() || 'https://prices.azure.com/api/retail/prices',
    retailPricesTimeoutMs: int(env.RETAIL_PRICES_TIMEOUT_MS, 10_000),
    localPrincipalHeader: (env.LOCAL_PRINCIPAL_HEADER ?? '').trim().toLowerCase() === 'true',
    appServiceAuthEnabled: (env.WEBSITE_AUTH_ENABLED ?? '').trim().toLowerCase() === 'true',
    planTtlHours: int(env.PLAN_TTL_HOURS, 168),
    ...readSolverSettings(env),
  };
}

/** The solver pool (src/solver/pool.ts): recommendations are solved in worker threads, never on the event loop. */
export interface SolverSettings {
  /** SOLVER_WORKERS: worker threads; default os.availableParallelism(). */
  solverWorkers: number;
  /** SOLVER_MAX_QUEUE: requests that may wait for a worker (0 = none); more get 503 + Retry-After at once. Default 4 × workers. */
  solverMaxQueue: number;
  /** SOLVER_QUEUE_TIMEOUT_MS: longest wait for a worker before 503 + Retry-After; unset = the request's solver time limit. */
  solverQueueTimeoutMs: number | undefined;
  /** SOLVER_IN_PROCESS_FALLBACK=true: without a compiled worker (TS sources not built), solve on the event loop instead of failing. */
  solverInProcessFallback: boolean;
}

export function readSolverSettings(env: NodeJS.ProcessEnv = process.env): SolverSettings {
  const workers = int(env.SOLVER_WORKERS, availableParallelism());
  const q = (env.SOLVER_MAX_QUEUE ?? '').trim();
  const queue = q !== '' && Number.isInteger(Number(q)) && Number(q) >= 0 ? Number(q) : 4 * workers;
  const wait = int(env.SOLVER_QUEUE_TIMEOUT_MS, 0);
  return {
    solverWorkers: workers,
    solverMaxQueue: queue,
    solverQueueTimeoutMs: wait > 0 ? wait : undefined,
    solverInProcessFallback: (env.SOLVER_IN_PROCESS_FALLBACK ?? '').trim().toLowerCase() === 'true',
  };
}
