import { describe, expect, it } from 'vitest';
import { ArmConfigurationError, createArmAdapters, resolveEndpoint } from '../../../src/azure/arm';
import { readArmSettings, SettingsError } from '../../../src/settings';

describe('settings', () => {
  it('reads ARM_ENDPOINT, ARM_STATIC_TOKEN and the retry/LRO settings (src/settings.ts, section arm)', () => {
    expect(readArmSettings({})).toEqual({ endpoint: 'https://management.azure.com', staticToken: undefined, retry: {}, lroPollIntervalMs: undefined });
    expect(
      readArmSettings({
        ARM_ENDPOINT: 'http://127.0.0.1:10300',
        ARM_STATIC_TOKEN: 'local',
        ARM_MAX_RETRIES: '5',
        ARM_MAX_RETRY_AFTER_MS: '10000',
        ARM_MAX_TOTAL_RETRY_WAIT_MS: '20000',
        ARM_REQUEST_TIMEOUT_MS: '15000',
        ARM_LRO_POLL_INTERVAL_MS: '500',
      }),
    ).toEqual({
      endpoint: 'http://127.0.0.1:10300',
      staticToken: 'local',
      retry: { maxRetries: 5, maxRetryAfterMs: 10000, maxTotalRetryWaitMs: 20000, requestTimeoutMs: 15000 },
      lroPollIntervalMs: 500,
    });
    expect(() => readArmSettings({ ARM_MAX_RETRIES: 'many' })).toThrow(/ARM_MAX_RETRIES/);
    expect(() => readArmSettings({ ARM_ENDPOINT: 'http://arm.example.com' })).toThrow(SettingsError);
  });

  it('defaults to https://management.azure.com; http only for loopback, and then a static token is required', () => {
    expect(resolveEndpoint(undefined)).toEqual({ url: 'https://management.azure.com', insecureLoopback: false });
    expect(resolveEndpoint('http://localhost:10300/')).toEqual({ url: 'http://localhost:10300', insecureLoopback: true });
    expect(() => resolveEndpoint('http://arm.example.com')).toThrow(ArmConfigurationError);
    expect(() => resolveEndpoint('not a url')).toThrow(/not a URL/);
    expect(() => createArmAdapters({ armEndpoint: 'http://127.0.0.1:1' })).toThrow(/ARM_STATIC_TOKEN/);
    expect(() => createArmAdapters({})).not.toThrow();
  });

  it('loads no SDK until the first call', () => {
    const loaded = () => Object.keys(require.cache).filter((k) => /@azure[\\/](arm-containerregistry|arm-monitor|identity)[\\/]/.test(k));
    const before = loaded();
    createArmAdapters({ armEndpoint: 'http://127.0.0.1:1', staticToken: 't' });
    createArmAdapters({});
    expect(loaded()).toEqual(before);
  });
});
