/**
 * THE application settings: one typed object in sections, read once from the
 * environment (App Settings in Azure, `local.settings.json` → Values locally)
 * by the composition root (src/composition.ts), which hands each adapter its
 * section. Nothing else reads process.env for the app's settings. Every
 * setting is documented in local.settings.example.json and the README.
 *
 * Validation: a value that is set but unusable throws a SettingsError naming
 * the setting (and what it must be); unset or blank means the default.
 * Flags (LOCAL_PRINCIPAL_HEADER, WEBSITE_AUTH_ENABLED, SOLVER_IN_PROCESS_FALLBACK)
 * are on only for `true` (any case), off for anything else.
 */
import { availableParallelism } from 'node:os';
import { AppError } from './model/errors';
import { resolveEndpoint, DEFAULT_ARM_ENDPOINT } from './azure/arm/clients';
import type { RetrySettings } from './azure/arm/pipeline';
import { devConnectionString, type DevPorts } from './azure/store/dev-storage';
import { isDevelopmentStorage, type PlanStoreSettings, type StorageConnection } from './azure/store/config';

export type Env = Record<string, string | undefined>;

/** A setting is set but unusable: the deployment is misconfigured (500, naming the setting). */
export class SettingsError extends AppError {
  readonly status = 500;
  readonly code = 'InvalidSetting';
  readonly title = 'The service is misconfigured';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpSettings {
  /** MAX_BODY_BYTES: largest accepted request body, bytes (default 1 MiB). */
  maxBodyBytes: number;
}

export interface IdentitySettings {
  /**
   * LOCAL_PRINCIPAL_HEADER=true: accept the local stand-in identity header x-geoplanner-principal. Never in
   * Azure: ignored while appServiceAuthEnabled, and forced off wherever the App Service platform runs the app
   * (WEBSITE_INSTANCE_ID is set), so a copied local.settings.json cannot open a deployed app to forged names.
   */
  localPrincipalHeader: boolean;
  /** Why localPrincipalHeader was forced off although LOCAL_PRINCIPAL_HEADER=true (shown by /api/health), if it was. */
  localPrincipalHeaderRefused?: string;
  /**
   * WEBSITE_AUTH_ENABLED=True: App Service authentication (Easy Auth) is on in front of the app (the platform
   * sets it), and only then is `x-ms-client-principal` trusted (see src/http/identity.ts).
   */
  appServiceAuthEnabled: boolean;
}

export interface ArmSettings {
  /** ARM_ENDPOINT (default https://management.azure.com; http only on a loopback host, e.g. the ARM sandbox). */
  endpoint: string;
  /** ARM_STATIC_TOKEN: used as the ARM bearer token instead of DefaultAzureCredential (sandbox only). */
  staticToken: string | undefined;
  /** ARM_MAX_RETRIES, ARM_MAX_RETRY_AFTER_MS, ARM_MAX_TOTAL_RETRY_WAIT_MS, ARM_REQUEST_TIMEOUT_MS: only those set (defaults in DEFAULT_RETRY_SETTINGS). */
  retry: Partial<RetrySettings>;
  /** ARM_LRO_POLL_INTERVAL_MS: poll interval of long-running operations when ARM sends no Retry-After (SDK default 2000). */
  lroPollIntervalMs: number | undefined;
  /** ACR_DATA_ENDPOINT_TEMPLATE: where the registries' data plane is reached, `https://…/{registry}` (the ARM sandbox); unset = `https://<loginServer>`. */
  dataPlaneEndpointTemplate?: string;
  /** ACR_DATA_CA_FILE: a PEM file of an extra CA to trust for the data plane (the sandbox's self-signed certificate). */
  dataPlaneCaFile?: string;
}

/** A queue connection: a connection string, or a queue service URI for a managed identity. */
export type QueueConnection = string | { serviceUri: string; clientId?: string };

export interface StorageSettings {
  /** The storage connection setting the Functions host uses (queues, drift reports). */
  connectionName: 'AzureWebJobsStorage';
  /** Its raw value when it is a connection string (may hold an account key: never logged or returned). */
  connectionString: string | undefined;
  /** It resolved for blob/table clients (connection string, or identity-based `__accountName`/`__…ServiceUri`), or null. */
  connection: StorageConnection | null;
  /** It resolved for the queue client, or null. */
  queueConnection: QueueConnection | null;
  /** PLAN_STORE, PLAN_STORE_CONNECTION, PLAN_STORE_TABLE, PLAN_STORE_CONTAINER, PLAN_LOCK_CONTAINER. */
  planStore: PlanStoreSettings;
}

export interface PlanSettings {
  /** PLAN_TTL_HOURS: default lifetime of a plan before it must be approved and applied, hours (default 168). */
  ttlHours: number;
}

/** The drift scan (timer → queue → checks → reports → webhook). */
export interface DriftSettings {
  /** DRIFT_SCHEDULE: NCRONTAB of the `topologyDrift` timer (default `0 0 6 * * *`: 06:00 UTC daily). */
  schedule: string;
  /** DRIFT_REGISTRY_IDS: comma-separated registry resource ids to watch. */
  registryIds: string[];
  /** DRIFT_SUBSCRIPTIONS: comma-separated subscription ids: every registry in them (ARM list). */
  subscriptions: string[];
  /** DRIFT_AVG_PULL_SIZE_MB: average pulled size, MB; unset → economic drift is reported as unknown. */
  avgPullSizeMB: number | undefined;
  /** DRIFT_SAVING_THRESHOLD: monthly saving (price-book currency) that counts as economic drift (default 25). */
  savingThreshold: number;
  /** DRIFT_STORAGE_LAG_PERCENT: replica StorageUsed below the home's by more than this → "replica behind" (default 10 %). */
  storageLagPercent: number;
  /** DRIFT_WEBHOOK_URL: optional, POSTed once per run with a summary and the drifted registries. */
  webhookUrl: string | undefined;
  /** DRIFT_WEBHOOK_ATTEMPTS: attempts of that POST (default 4). */
  webhookAttempts: number;
  /** DRIFT_WEBHOOK_BACKOFF_MS: first backoff, ms (default 1000, doubling). */
  webhookBackoffMs: number;
  /** DRIFT_ARM_CONCURRENCY: ARM calls in flight per instance (default 8). */
  armConcurrency: number;
  /** DRIFT_MAX_DEQUEUE_COUNT: attempts of one check before it is reported as an error (default 5 = host.json queues.maxDequeueCount). */
  maxDequeueCount: number;
  /** DRIFT_FINALIZE_DELAY_SECONDS: how often the run's completion is checked, s (default 30). */
  finalizeDelaySeconds: number;
  /** DRIFT_RUN_DEADLINE_MINUTES: after this a run is closed with what it has, min (default 60). */
  runDeadlineMinutes: number;
  /** DRIFT_STORE: `azure` (Table DRIFT_REPORTS_TABLE in AzureWebJobsStorage; default) or `memory`. */
  store: 'azure' | 'memory';
  /** DRIFT_REPORTS_TABLE (default `driftreports`). */
  tableName: string;
  /** Name of the storage connection setting (AzureWebJobsStorage). */
  connectionName: string;
  /** DRIFT_MANAGEMENT_GROUPS: comma-separated management groups: every registry under them (Resource Graph). */
  managementGroups: string[];
  /** DRIFT_TENANT=true: every registry the identity can read in the tenant (Resource Graph). */
  tenant: boolean;
  /** DRIFT_INVENTORY: `resource-graph` (default; ARM reads only where Resource Graph is refused) or `arm` (list through ARM, one check message per registry). */
  inventory: 'resource-graph' | 'arm';
  /** DRIFT_METRICS_ENDPOINT: the metrics batch regional endpoint, `{region}` replaced (default https://{region}.metrics.monitor.azure.com). */
  metricsEndpointTemplate: string;
  /** DRIFT_ARM_READS_BURST / DRIFT_ARM_READS_PER_SECOND: the per-subscription ARM read bucket the checks share (default 250 / 25, ARM's). */
  armReadsBurst: number;
  armReadsPerSecond: number;
  /** DRIFT_ARM_BUDGET_TABLE: the table holding that bucket, one row per subscription (default `driftarmbudget`). */
  armBudgetTable: string;
}

/** The solver pool (src/solver/pool.ts): recommendations are solved in worker threads, never on the event loop. */
export interface SolverSettings {
  /** SOLVER_WORKERS: worker threads; default os.availableParallelism(). */
  workers: number;
  /** SOLVER_MAX_QUEUE: requests that may wait for a worker (0 = none); more get 503 + Retry-After at once. Default 4 × workers. */
  maxQueue: number;
  /** SOLVER_QUEUE_TIMEOUT_MS: longest wait for a worker before 503 + Retry-After, ms; unset or 0 = the request's solver time limit. */
  queueTimeoutMs: number | undefined;
  /** SOLVER_IN_PROCESS_FALLBACK=true: without a compiled worker (TS sources not built), solve on the event loop instead of failing. */
  inProcessFallback: boolean;
  /** SOLVER_DEADLINE_MS: deadline of a recommendation that sets no solver.timeLimitMs (main solve + frontier), ms; default 10,000, at most 200,000 (the Azure load balancer cuts HTTP responses at 230 s). */
  deadlineMs: number;
}

export interface PriceSettings {
  /** RETAIL_PRICES_URL: the Azure Retail Prices API (GET /api/prices?refresh=true). */
  retailUrl: string;
  /** RETAIL_PRICES_TIMEOUT_MS: per page, ms (default 10000). */
  timeoutMs: number;
}

export interface Settings {
  http: HttpSettings;
  identity: IdentitySettings;
  arm: ArmSettings;
  storage: StorageSettings;
  plans: PlanSettings;
  drift: DriftSettings;
  solver: SolverSettings;
  prices: PriceSettings;
}

/** NCRONTAB of the `topologyDrift` timer when DRIFT_SCHEDULE is unset: 06:00 UTC daily. */
export const DEFAULT_DRIFT_SCHEDULE = '0 0 6 * * *';
export const DEFAULT_RETAIL_PRICES_URL = 'https://prices.azure.com/api/retail/prices';
const WEBJOBS_STORAGE = 'AzureWebJobsStorage';

// ---- value readers: unset/blank → fallback; set but unusable → SettingsError naming the setting ----

function raw(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function text(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

function flag(env: Env, name: string): boolean {
  return (env[name] ?? '').trim().toLowerCase() === 'true';
}

interface NumberRule {
  min?: number;
  /** min is exclusive (> instead of ≥). */
  above?: boolean;
  max?: number;
  integer?: boolean;
  unit?: string;
}

function num(env: Env, name: string, rule: NumberRule): number | undefined {
  const v = raw(env, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  const min = rule.min ?? 0;
  const ok = Number.isFinite(n) && (rule.above ? n > min : n >= min) && (rule.max === undefined || n <= rule.max) && (!rule.integer || Number.isInteger(n));
  if (!ok) {
    const what = `${rule.integer ? 'an integer' : 'a number'} ${rule.above ? '>' : '≥'} ${min}${rule.max !== undefined ? ` and ≤ ${rule.max}` : ''}${rule.unit ? ` (${rule.unit})` : ''}`;
    throw new SettingsError(name, `Setting ${name} must be ${what}, got ${JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v)}.`);
  }
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  const lower = v.toLowerCase();
  const hit = allowed.find((a) => a === lower);
  if (!hit) throw new SettingsError(name, `Setting ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v)}.`);
  return hit;
}

function list(env: Env, name: string): string[] {
  return [...new Set((env[name] ?? '').split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean))];
}

function url(env: Env, name: string, fallback: string): string {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new SettingsError(name, `Setting ${name} must be an http(s) URL, got ${JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v)}.`);
  }
  return v;
}

// ---- sections ----

export function readHttpSettings(env: Env): HttpSettings {
  return { maxBodyBytes: Math.floor(num(env, 'MAX_BODY_BYTES', { min: 0, above: true, unit: 'bytes' }) ?? 1_048_576) };
}

export function readIdentitySettings(env: Env): IdentitySettings {
  const wanted = flag(env, 'LOCAL_PRINCIPAL_HEADER');
  const onAppService = (env['WEBSITE_INSTANCE_ID'] ?? '').trim() !== '';
  return {
    localPrincipalHeader: wanted && !onAppService,
    ...(wanted && onAppService ? { localPrincipalHeaderRefused: 'LOCAL_PRINCIPAL_HEADER=true is ignored on App Service (WEBSITE_INSTANCE_ID is set): use App Service authentication.' } : {}),
    appServiceAuthEnabled: flag(env, 'WEBSITE_AUTH_ENABLED'),
  };
}

export function readArmSettings(env: Env): ArmSettings {
  const ms = (name: string): number | undefined => num(env, name, { integer: true, unit: 'ms' });
  const retry: Partial<RetrySettings> = {};
  const maxRetries = num(env, 'ARM_MAX_RETRIES', { integer: true });
  const maxRetryAfterMs = ms('ARM_MAX_RETRY_AFTER_MS');
  const maxTotalRetryWaitMs = ms('ARM_MAX_TOTAL_RETRY_WAIT_MS');
  const requestTimeoutMs = ms('ARM_REQUEST_TIMEOUT_MS');
  if (maxRetries !== undefined) retry.maxRetries = maxRetries;
  if (maxRetryAfterMs !== undefined) retry.maxRetryAfterMs = maxRetryAfterMs;
  if (maxTotalRetryWaitMs !== undefined) retry.maxTotalRetryWaitMs = maxTotalRetryWaitMs;
  if (requestTimeoutMs !== undefined) retry.requestTimeoutMs = requestTimeoutMs;
  const endpoint = text(env, 'ARM_ENDPOINT', DEFAULT_ARM_ENDPOINT);
  try {
    resolveEndpoint(endpoint);
  } catch (e) {
    throw new SettingsError('ARM_ENDPOINT', `Setting ${(e as Error).message}`);
  }
  const dataPlaneEndpointTemplate = raw(env, 'ACR_DATA_ENDPOINT_TEMPLATE');
  if (dataPlaneEndpointTemplate !== undefined && !/^https:\/\/[^/]+(\/.*)?\{registry\}/.test(dataPlaneEndpointTemplate)) {
    throw new SettingsError('ACR_DATA_ENDPOINT_TEMPLATE', `Setting ACR_DATA_ENDPOINT_TEMPLATE '${dataPlaneEndpointTemplate}' must be an https URL containing {registry}.`);
  }
  return {
    endpoint,
    staticToken: raw(env, 'ARM_STATIC_TOKEN'),
    retry,
    lroPollIntervalMs: ms('ARM_LRO_POLL_INTERVAL_MS'),
    ...(dataPlaneEndpointTemplate !== undefined ? { dataPlaneEndpointTemplate } : {}),
    ...(raw(env, 'ACR_DATA_CA_FILE') !== undefined ? { dataPlaneCaFile: raw(env, 'ACR_DATA_CA_FILE') as string } : {}),
  };
}

function azuritePorts(env: Env): DevPorts {
  const p: DevPorts = {};
  const port = (name: string): number | undefined => num(env, name, { min: 1, max: 65535, integer: true, unit: 'a TCP port' });
  const b = port('AZURITE_BLOB_PORT');
  const q = port('AZURITE_QUEUE_PORT');
  const t = port('AZURITE_TABLE_PORT');
  if (b !== undefined) p.blobPort = b;
  if (q !== undefined) p.queuePort = q;
  if (t !== undefined) p.tablePort = t;
  return p;
}

/**
 * A storage connection setting by name, for blob/table clients (the Functions host's conventions):
 * `<name>` = a connection string or `UseDevelopmentStorage=true` (Azurite on 127.0.0.1, ports
 * AZURITE_BLOB_PORT / AZURITE_QUEUE_PORT / AZURITE_TABLE_PORT); else identity-based
 * `<name>__blobServiceUri` + `<name>__tableServiceUri`, or `<name>__accountName`;
 * `<name>__clientId` selects a user-assigned managed identity. Null when none is set.
 */
export function resolveStorageConnection(env: Env, name: string = WEBJOBS_STORAGE): StorageConnection | null {
  const cs = raw(env, name);
  if (cs) {
    if (isDevelopmentStorage(cs)) return { kind: 'connectionString', connectionString: devConnectionString(azuritePorts(env)), insecure: true };
    const insecure = /DefaultEndpointsProtocol\s*=\s*http(;|$)/i.test(cs) || /Endpoint\s*=\s*http:\/\//i.test(cs);
    return { kind: 'connectionString', connectionString: cs, insecure };
  }
  const clientId = raw(env, `${name}__clientId`);
  const blob = raw(env, `${name}__blobServiceUri`);
  const table = raw(env, `${name}__tableServiceUri`);
  const account = raw(env, `${name}__accountName`);
  let conn: StorageConnection | null = null;
  if (blob && table) conn = { kind: 'identity', blobServiceUri: blob, tableServiceUri: table };
  else if (account) {
    conn = { kind: 'identity', blobServiceUri: `https://${account}.blob.core.windows.net`, tableServiceUri: `https://${account}.table.core.windows.net` };
  }
  if (conn && clientId) conn.clientId = clientId;
  return conn;
}

/** The same connection setting for the queue client: a connection string, or `<name>__queueServiceUri` / `<name>__accountName` (+ `__clientId`). */
export function resolveQueueConnection(env: Env, name: string = WEBJOBS_STORAGE): QueueConnection | null {
  const cs = raw(env, name);
  if (cs) return isDevelopmentStorage(cs) ? devConnectionString(azuritePorts(env)) : cs;
  const clientId = raw(env, `${name}__clientId`);
  const uri = raw(env, `${name}__queueServiceUri`);
  const account = raw(env, `${name}__accountName`);
  const serviceUri = uri ?? (account ? `https://${account}.queue.core.windows.net` : undefined);
  if (!serviceUri) return null;
  return { serviceUri, ...(clientId ? { clientId } : {}) };
}

export function readPlanStoreSettings(env: Env): PlanStoreSettings {
  const backend = oneOf(env, 'PLAN_STORE', ['azure', 'memory'] as const, 'azure');
  const connectionName = text(env, 'PLAN_STORE_CONNECTION', WEBJOBS_STORAGE);
  return {
    backend,
    connection: backend === 'azure' ? resolveStorageConnection(env, connectionName) : null,
    connectionName,
    tableName: text(env, 'PLAN_STORE_TABLE', 'plans'),
    containerName: text(env, 'PLAN_STORE_CONTAINER', 'plans'),
    lockContainerName: text(env, 'PLAN_LOCK_CONTAINER', 'locks'),
  };
}

export function readStorageSettings(env: Env): StorageSettings {
  return {
    connectionName: WEBJOBS_STORAGE,
    connectionString: raw(env, WEBJOBS_STORAGE),
    connection: resolveStorageConnection(env, WEBJOBS_STORAGE),
    queueConnection: resolveQueueConnection(env, WEBJOBS_STORAGE),
    planStore: readPlanStoreSettings(env),
  };
}

export function readPlanSettings(env: Env): PlanSettings {
  return { ttlHours: Math.floor(num(env, 'PLAN_TTL_HOURS', { min: 0, above: true, unit: 'hours' }) ?? 168) };
}

/** DRIFT_METRICS_ENDPOINT: https (or http on loopback: the sandbox), with `{region}` somewhere in it. */
function metricsEndpoint(env: Env): string {
  const v = raw(env, 'DRIFT_METRICS_ENDPOINT');
  if (v === undefined) {
    // A local ARM endpoint (the ARM sandbox) serves the metrics batch API too, under /metrics/{region}.
    const arm = raw(env, 'ARM_ENDPOINT');
    if (arm && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/i.test(arm)) return `${arm.replace(/\/+$/, '')}/metrics/{region}`;
    return 'https://{region}.metrics.monitor.azure.com';
  }
  let u: URL | undefined;
  try {
    u = new URL(v.replace('{region}', 'region'));
  } catch {
    u = undefined;
  }
  const loopback = u !== undefined && u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (!u || !v.includes('{region}') || (u.protocol !== 'https:' && !loopback)) {
    throw new SettingsError('DRIFT_METRICS_ENDPOINT', `Setting DRIFT_METRICS_ENDPOINT must be an https URL containing {region} (http only on localhost), got ${JSON.stringify(v.slice(0, 64))}.`);
  }
  return v.replace(/\/+$/, '');
}

export function readDriftSettings(env: Env): DriftSettings {
  const webhookUrl = raw(env, 'DRIFT_WEBHOOK_URL');
  if (webhookUrl !== undefined) url(env, 'DRIFT_WEBHOOK_URL', '');
  return {
    schedule: text(env, 'DRIFT_SCHEDULE', DEFAULT_DRIFT_SCHEDULE),
    registryIds: list(env, 'DRIFT_REGISTRY_IDS'),
    subscriptions: list(env, 'DRIFT_SUBSCRIPTIONS'),
    avgPullSizeMB: num(env, 'DRIFT_AVG_PULL_SIZE_MB', { min: 0, above: true, unit: 'MB' }),
    savingThreshold: num(env, 'DRIFT_SAVING_THRESHOLD', {}) ?? 25,
    storageLagPercent: num(env, 'DRIFT_STORAGE_LAG_PERCENT', { unit: '%' }) ?? 10,
    webhookUrl,
    webhookAttempts: num(env, 'DRIFT_WEBHOOK_ATTEMPTS', { min: 1, integer: true }) ?? 4,
    webhookBackoffMs: num(env, 'DRIFT_WEBHOOK_BACKOFF_MS', { integer: true, unit: 'ms' }) ?? 1000,
    armConcurrency: num(env, 'DRIFT_ARM_CONCURRENCY', { min: 1, integer: true }) ?? 8,
    maxDequeueCount: num(env, 'DRIFT_MAX_DEQUEUE_COUNT', { min: 1, integer: true }) ?? 5,
    finalizeDelaySeconds: num(env, 'DRIFT_FINALIZE_DELAY_SECONDS', { integer: true, unit: 's' }) ?? 30,
    runDeadlineMinutes: num(env, 'DRIFT_RUN_DEADLINE_MINUTES', { unit: 'min' }) ?? 60,
    store: oneOf(env, 'DRIFT_STORE', ['azure', 'memory'] as const, 'azure'),
    tableName: text(env, 'DRIFT_REPORTS_TABLE', 'driftreports'),
    connectionName: WEBJOBS_STORAGE,
    managementGroups: list(env, 'DRIFT_MANAGEMENT_GROUPS'),
    tenant: flag(env, 'DRIFT_TENANT'),
    inventory: oneOf(env, 'DRIFT_INVENTORY', ['resource-graph', 'arm'] as const, 'resource-graph'),
    metricsEndpointTemplate: metricsEndpoint(env),
    armReadsBurst: num(env, 'DRIFT_ARM_READS_BURST', { min: 1, integer: true }) ?? 250,
    armReadsPerSecond: num(env, 'DRIFT_ARM_READS_PER_SECOND', { min: 0, above: true, unit: 'reads/s' }) ?? 25,
    armBudgetTable: text(env, 'DRIFT_ARM_BUDGET_TABLE', 'driftarmbudget'),
  };
}

export function readSolverSettings(env: Env): SolverSettings {
  const workers = num(env, 'SOLVER_WORKERS', { min: 1, integer: true }) ?? availableParallelism();
  const maxQueue = num(env, 'SOLVER_MAX_QUEUE', { integer: true }) ?? 4 * workers;
  const wait = num(env, 'SOLVER_QUEUE_TIMEOUT_MS', { integer: true, unit: 'ms' });
  const deadlineMs = num(env, 'SOLVER_DEADLINE_MS', { min: 10, max: 200_000, integer: true, unit: 'ms' }) ?? 10_000;
  return { workers, maxQueue, queueTimeoutMs: wait !== undefined && wait > 0 ? wait : undefined, inProcessFallback: flag(env, 'SOLVER_IN_PROCESS_FALLBACK'), deadlineMs };
}

export function readPriceSettings(env: Env): PriceSettings {
  return {
    retailUrl: url(env, 'RETAIL_PRICES_URL', DEFAULT_RETAIL_PRICES_URL),
    timeoutMs: Math.floor(num(env, 'RETAIL_PRICES_TIMEOUT_MS', { min: 0, above: true, unit: 'ms' }) ?? 10_000),
  };
}

/** Every setting, validated (throws a SettingsError naming the first unusable one). Called once, by the composition root. */
export function readSettings(env: Env = process.env): Settings {
  return {
    http: readHttpSettings(env),
    identity: readIdentitySettings(env),
    arm: readArmSettings(env),
    storage: readStorageSettings(env),
    plans: readPlanSettings(env),
    drift: readDriftSettings(env),
    solver: readSolverSettings(env),
    prices: readPriceSettings(env),
  };
}
