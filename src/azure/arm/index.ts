/**
 * ARM adapters: registry topology (arm-containerregistry) and pull metrics (arm-monitor).
 * SDKs and credentials are loaded on first use, not here.
 */
import { ArmClientFactory, type ArmClientSettings } from './clients';
import { AzureMonitorPullMetricsAdapter } from './metrics';
import type { ArmAdapters } from './ports';
import { ArmRegistryTopologyAdapter } from './topology';

export type { ArmClientSettings } from './clients';
export { ArmConfigurationError, DEFAULT_ARM_ENDPOINT, resolveEndpoint, staticTokenCredential } from './clients';
export { DEFAULT_RETRY_SETTINGS, type RetrySettings } from './pipeline';
export * from './errors';
export type * from './ports';
export { parseRegistryResourceId, formatRegistryResourceId, type RegistryResourceId } from './resource-id';
export { ArmRegistryTopologyAdapter, canonicalLocation } from './topology';
export { AzureMonitorPullMetricsAdapter, MAX_METRIC_DAYS } from './metrics';

/** Settings as named in app settings / local.settings.json. */
export const ARM_SETTING_NAMES = {
  armEndpoint: 'ARM_ENDPOINT',
  staticToken: 'ARM_STATIC_TOKEN',
  maxRetries: 'ARM_MAX_RETRIES',
  maxRetryAfterMs: 'ARM_MAX_RETRY_AFTER_MS',
  maxTotalRetryWaitMs: 'ARM_MAX_TOTAL_RETRY_WAIT_MS',
  requestTimeoutMs: 'ARM_REQUEST_TIMEOUT_MS',
  lroPollIntervalMs: 'ARM_LRO_POLL_INTERVAL_MS',
} as const;

function intSetting(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Setting ${name} must be a non-negative integer, got '${v}'.`);
  return n;
}

/** Reads ARM_ENDPOINT, ARM_STATIC_TOKEN and the optional retry/LRO settings from an env-like object. */
export function armSettingsFromEnv(env: Record<string, string | undefined> = process.env): ArmClientSettings {
  const retry: NonNullable<ArmClientSettings['retry']> = {};
  const maxRetries = intSetting(env, ARM_SETTING_NAMES.maxRetries);
  const maxRetryAfterMs = intSetting(env, ARM_SETTING_NAMES.maxRetryAfterMs);
  const maxTotalRetryWaitMs = intSetting(env, ARM_SETTING_NAMES.maxTotalRetryWaitMs);
  const requestTimeoutMs = intSetting(env, ARM_SETTING_NAMES.requestTimeoutMs);
  if (maxRetries !== undefined) retry.maxRetries = maxRetries;
  if (maxRetryAfterMs !== undefined) retry.maxRetryAfterMs = maxRetryAfterMs;
  if (maxTotalRetryWaitMs !== undefined) retry.maxTotalRetryWaitMs = maxTotalRetryWaitMs;
  if (requestTimeoutMs !== undefined) retry.requestTimeoutMs = requestTimeoutMs;
  const lroPollIntervalMs = intSetting(env, ARM_SETTING_NAMES.lroPollIntervalMs);
  const armEndpoint = env[ARM_SETTING_NAMES.armEndpoint]?.trim();
  const staticToken = env[ARM_SETTING_NAMES.staticToken]?.trim();
  return {
    ...(armEndpoint ? { armEndpoint } : {}),
    ...(staticToken ? { staticToken } : {}),
    ...(Object.keys(retry).length > 0 ? { retry } : {}),
    ...(lroPollIntervalMs !== undefined ? { lroPollIntervalMs } : {}),
  };
}

/**
 * Builds both ports. Cheap: validates the settings (throws ArmConfigurationError for a bad
 * ARM_ENDPOINT, or a local http endpoint without ARM_STATIC_TOKEN) but loads no SDK until first use.
 */
export function createArmAdapters(settings: ArmClientSettings = {}): ArmAdapters {
  const clients = new ArmClientFactory(settings);
  return {
    topology: new ArmRegistryTopologyAdapter(clients),
    metrics: new AzureMonitorPullMetricsAdapter(clients),
  };
}
