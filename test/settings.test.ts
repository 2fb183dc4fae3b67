/** src/settings.ts: the one typed settings object — defaults, each section, and unusable values refused by name. */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readSettings, resolveQueueConnection, SettingsError, type Settings } from '../src/settings';
import { toProblem } from '../src/http/problem';

function refused(env: Record<string, string>): SettingsError {
  try {
    readSettings(env);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return e as SettingsError;
  }
  throw new Error(`readSettings accepted ${JSON.stringify(env)}`);
}

describe('readSettings', () => {
  it('defaults: an empty environment is a working (local, in-memory-less) configuration', () => {
    const s: Settings = readSettings({});
    expect(s.http).toEqual({ maxBodyBytes: 1_048_576 });
    expect(s.identity).toEqual({ localPrincipalHeader: false, appServiceAuthEnabled: false });
    expect(s.arm).toEqual({ endpoint: 'https://management.azure.com', staticToken: undefined, retry: {}, lroPollIntervalMs: undefined });
    expect(s.storage).toEqual({
      connectionName: 'AzureWebJobsStorage',
      connectionString: undefined,
      connection: null,
      queueConnection: null,
      planStore: { backend: 'azure', connection: null, connectionName: 'AzureWebJobsStorage', tableName: 'plans', containerName: 'plans', lockContainerName: 'locks' },
    });
    expect(s.plans).toEqual({ ttlHours: 168 });
    expect(s.drift).toEqual({
      schedule: '0 0 6 * * *',
      registryIds: [],
      subscriptions: [],
      avgPullSizeMB: undefined,
      savingThreshold: 25,
      storageLagPercent: 10,
      webhookUrl: undefined,
      webhookAttempts: 4,
      webhookBackoffMs: 1000,
      armConcurrency: 8,
      maxDequeueCount: 5,
      finalizeDelaySeconds: 30,
      runDeadlineMinutes: 60,
      store: 'azure',
      tableName: 'driftreports',
      connectionName: 'AzureWebJobsStorage',
      managementGroups: [],
      tenant: false,
      inventory: 'resource-graph',
      metricsEndpointTemplate: 'https://{region}.metrics.monitor.azure.com',
      armReadsBurst: 250,
      armReadsPerSecond: 25,
      armBudgetTable: 'driftarmbudget',
    });
    expect(s.solver).toEqual({ workers: availableParallelism(), maxQueue: 4 * availableParallelism(), queueTimeoutMs: undefined, inProcessFallback: false, deadlineMs: 10_000 });
    expect(s.prices).toEqual({ retailUrl: 'https://prices.azure.com/api/retail/prices', timeoutMs: 10_000 });
  });

  it('blank values are unset (the default), not errors', () => {
    expect(readSettings({ MAX_BODY_BYTES: '  ', PLAN_TTL_HOURS: '', DRIFT_STORE: ' ', ARM_ENDPOINT: '' })).toEqual(readSettings({}));
  });

  it('http, identity, plans, prices', () => {
    const s = readSettings({
      MAX_BODY_BYTES: '2048',
      LOCAL_PRINCIPAL_HEADER: 'TRUE',
      WEBSITE_AUTH_ENABLED: ' True ',
      PLAN_TTL_HOURS: '24',
      RETAIL_PRICES_URL: 'http://127.0.0.1:9/prices',
      RETAIL_PRICES_TIMEOUT_MS: '500',
    });
    expect(s.http.maxBodyBytes).toBe(2048);
    expect(s.identity).toEqual({ localPrincipalHeader: true, appServiceAuthEnabled: true });
    expect(s.plans.ttlHours).toBe(24);
    expect(s.prices).toEqual({ retailUrl: 'http://127.0.0.1:9/prices', timeoutMs: 500 });
    // flags are on only for "true"
    for (const v of ['1', 'yes', 'on', 'False']) expect(readSettings({ LOCAL_PRINCIPAL_HEADER: v }).identity.localPrincipalHeader, v).toBe(false);
  });

  it('identity: the local stand-in header is forced off where App Service runs the app (WEBSITE_INSTANCE_ID)', () => {
    const s = readSettings({ LOCAL_PRINCIPAL_HEADER: 'true', WEBSITE_INSTANCE_ID: 'a1b2c3' });
    expect(s.identity.localPrincipalHeader).toBe(false);
    expect(s.identity.localPrincipalHeaderRefused).toMatch(/ignored on App Service/);
    expect(readSettings({ LOCAL_PRINCIPAL_HEADER: 'true' }).identity.localPrincipalHeaderRefused).toBeUndefined();
  });

  it('arm: endpoint, static token, retries and LRO polling', () => {
    expect(
      readSettings({ ARM_ENDPOINT: 'http://127.0.0.1:10300', ARM_STATIC_TOKEN: ' local ', ARM_MAX_RETRIES: '0', ARM_REQUEST_TIMEOUT_MS: '15000', ARM_LRO_POLL_INTERVAL_MS: '20' }).arm,
    ).toEqual({ endpoint: 'http://127.0.0.1:10300', staticToken: 'local', retry: { maxRetries: 0, requestTimeoutMs: 15000 }, lroPollIntervalMs: 20 });
  });

  it('storage: Azurite with its ports, a connection string, or identity-based; the plan store names', () => {
    const dev = readSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', AZURITE_QUEUE_PORT: '20001', AZURITE_TABLE_PORT: '20002' }).storage;
    expect(dev.connectionString).toBe('UseDevelopmentStorage=true');
    expect(dev.connection).toMatchObject({ kind: 'connectionString', insecure: true });
    expect(dev.connection?.kind === 'connectionString' && dev.connection.connectionString).toContain('TableEndpoint=http://127.0.0.1:20002/devstoreaccount1');
    expect(dev.queueConnection).toContain('QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1');
    expect(dev.planStore.connection).toEqual(dev.connection);

    const cs = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
    const real = readSettings({ AzureWebJobsStorage: cs }).storage;
    expect(real.connection).toEqual({ kind: 'connectionString', connectionString: cs, insecure: false });
    expect(real.queueConnection).toBe(cs);

    const mi = readSettings({ AzureWebJobsStorage__accountName: 'acct', AzureWebJobsStorage__clientId: 'cid' }).storage;
    expect(mi.connectionString).toBeUndefined();
    expect(mi.connection).toEqual({ kind: 'identity', blobServiceUri: 'https://acct.blob.core.windows.net', tableServiceUri: 'https://acct.table.core.windows.net', clientId: 'cid' });
    expect(mi.queueConnection).toEqual({ serviceUri: 'https://acct.queue.core.windows.net', clientId: 'cid' });
    expect(resolveQueueConnection({ Other__queueServiceUri: 'https://q.example' }, 'Other')).toEqual({ serviceUri: 'https://q.example' });

    const plans = readSettings({ PLAN_STORE: 'Memory', PLAN_STORE_CONNECTION: 'Plans', Plans: cs, PLAN_STORE_TABLE: 't', PLAN_STORE_CONTAINER: 'c', PLAN_LOCK_CONTAINER: 'l' }).storage.planStore;
    expect(plans).toEqual({ backend: 'memory', connection: null, connectionName: 'Plans', tableName: 't', containerName: 'c', lockContainerName: 'l' });
    expect(readSettings({ PLAN_STORE_CONNECTION: 'Plans', Plans: cs }).storage.planStore.connection).toEqual(real.connection);
  });

  it('drift: every DRIFT_* setting', () => {
    const d = readSettings({
      DRIFT_SCHEDULE: '0 */5 * * * *',
      DRIFT_REGISTRY_IDS: '/subscriptions/a/x, /subscriptions/a/x;/subscriptions/b/y',
      DRIFT_SUBSCRIPTIONS: 's1 s2',
      DRIFT_AVG_PULL_SIZE_MB: '200',
      DRIFT_SAVING_THRESHOLD: '0',
      DRIFT_STORAGE_LAG_PERCENT: '12.5',
      DRIFT_WEBHOOK_URL: 'https://hooks.example/drift',
      DRIFT_WEBHOOK_ATTEMPTS: '2',
      DRIFT_WEBHOOK_BACKOFF_MS: '0',
      DRIFT_ARM_CONCURRENCY: '16',
      DRIFT_MAX_DEQUEUE_COUNT: '3',
      DRIFT_FINALIZE_DELAY_SECONDS: '0',
      DRIFT_RUN_DEADLINE_MINUTES: '90',
      DRIFT_STORE: 'MEMORY',
      DRIFT_REPORTS_TABLE: 'drift2',
      DRIFT_MANAGEMENT_GROUPS: 'platform, apps',
      DRIFT_TENANT: 'true',
      DRIFT_INVENTORY: 'arm',
      DRIFT_METRICS_ENDPOINT: 'https://{region}.metrics.example/',
      DRIFT_ARM_READS_BURST: '100',
      DRIFT_ARM_READS_PER_SECOND: '12.5',
      DRIFT_ARM_BUDGET_TABLE: 'budget2',
    }).drift;
    expect(d).toEqual({
      schedule: '0 */5 * * * *',
      registryIds: ['/subscriptions/a/x', '/subscriptions/b/y'],
      subscriptions: ['s1', 's2'],
      avgPullSizeMB: 200,
      savingThreshold: 0,
      storageLagPercent: 12.5,
      webhookUrl: 'https://hooks.example/drift',
      webhookAttempts: 2,
      webhookBackoffMs: 0,
      armConcurrency: 16,
      maxDequeueCount: 3,
      finalizeDelaySeconds: 0,
      runDeadlineMinutes: 90,
      store: 'memory',
      tableName: 'drift2',
      connectionName: 'AzureWebJobsStorage',
      managementGroups: ['platform', 'apps'],
      tenant: true,
      inventory: 'arm',
      metricsEndpointTemplate: 'https://{region}.metrics.example',
      armReadsBurst: 100,
      armReadsPerSecond: 12.5,
      armBudgetTable: 'budget2',
    });
    expect(readSettings({ ARM_ENDPOINT: 'http://127.0.0.1:4010' }).drift.metricsEndpointTemplate).toBe('http://127.0.0.1:4010/metrics/{region}');
    expect(() => readSettings({ DRIFT_METRICS_ENDPOINT: 'http://metrics.example/{region}' })).toThrow(/DRIFT_METRICS_ENDPOINT/);
    expect(() => readSettings({ DRIFT_METRICS_ENDPOINT: 'https://metrics.example' })).toThrow(/DRIFT_METRICS_ENDPOINT/);
  });

  it('solver: workers, queue bound (default 4 × workers), queue wait, fallback', () => {
    expect(readSettings({ SOLVER_WORKERS: '3' }).solver).toEqual({ workers: 3, maxQueue: 12, queueTimeoutMs: undefined, inProcessFallback: false, deadlineMs: 10_000 });
    expect(readSettings({ SOLVER_WORKERS: '2', SOLVER_MAX_QUEUE: '0', SOLVER_QUEUE_TIMEOUT_MS: '2500', SOLVER_IN_PROCESS_FALLBACK: 'true' }).solver).toEqual({
      workers: 2,
      maxQueue: 0,
      queueTimeoutMs: 2500,
      inProcessFallback: true,
      deadlineMs: 10_000,
    });
    expect(readSettings({ SOLVER_QUEUE_TIMEOUT_MS: '0' }).solver.queueTimeoutMs).toBeUndefined();
  });

  it.each([
    ['MAX_BODY_BYTES', 'lots'],
    ['MAX_BODY_BYTES', '0'],
    ['PLAN_TTL_HOURS', '-1'],
    ['RETAIL_PRICES_URL', 'not a url'],
    ['RETAIL_PRICES_URL', 'ftp://prices.example'],
    ['RETAIL_PRICES_TIMEOUT_MS', 'Infinity'],
    ['ARM_ENDPOINT', 'http://arm.example.com'],
    ['ARM_ENDPOINT', 'not a url'],
    ['ARM_MAX_RETRIES', 'many'],
    ['ARM_MAX_RETRIES', '1.5'],
    ['ARM_LRO_POLL_INTERVAL_MS', '-20'],
    ['PLAN_STORE', 'cosmos'],
    ['AZURITE_TABLE_PORT', '70000'],
    ['DRIFT_AVG_PULL_SIZE_MB', '0'],
    ['DRIFT_SAVING_THRESHOLD', '-5'],
    ['DRIFT_WEBHOOK_URL', 'hooks.example/drift'],
    ['DRIFT_WEBHOOK_ATTEMPTS', '0'],
    ['DRIFT_ARM_CONCURRENCY', '2.5'],
    ['DRIFT_MAX_DEQUEUE_COUNT', 'five'],
    ['DRIFT_STORE', 'cosmos'],
    ['SOLVER_WORKERS', 'many'],
    ['SOLVER_WORKERS', '0'],
    ['SOLVER_MAX_QUEUE', '-1'],
    ['SOLVER_QUEUE_TIMEOUT_MS', '1e400'],
    ['SOLVER_DEADLINE_MS', '300000'],
  ])('%s=%s is refused with an error naming the setting', (name, value) => {
    // AZURITE_* ports are read only for development storage
    const env: Record<string, string> = name.startsWith('AZURITE_') ? { AzureWebJobsStorage: 'UseDevelopmentStorage=true', [name]: value } : { [name]: value };
    const e = refused(env);
    expect(e.setting).toBe(name);
    expect(e.message).toContain(name);
    expect(e.code).toBe('InvalidSetting');
  });

  it('the error is a 500 problem naming the setting, and never echoes a long value in full', () => {
    const e = refused({ DRIFT_SAVING_THRESHOLD: 'x'.repeat(10_000) });
    expect(e.message.length).toBeLessThan(200);
    const p = toProblem(e);
    expect(p.status).toBe(500);
    expect(p.body).toMatchObject({ type: 'urn:acr-geoplanner:problem:invalid-setting', title: 'The service is misconfigured' });
    expect(p.body.detail).toMatch(/DRIFT_SAVING_THRESHOLD/);
  });
});
