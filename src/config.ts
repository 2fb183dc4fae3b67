/**
 * Application settings, read from the environment (App Settings in Azure,
 * `local.settings.json` → Values locally). Every setting is documented in
 * local.settings.example.json and the README.
 */

export interface Settings {
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
  /** Accept the local stand-in identity header x-geoplanner-principal (never in Azure). */
  localPrincipalHeader: boolean;
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
    planTtlHours: int(env.PLAN_TTL_HOURS, 168),
  };
}
