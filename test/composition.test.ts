/** src/composition.ts: the one composition root — lazy adapters from the settings, the drift members, overrides, getServices. */
import { afterEach, describe, expect, it } from 'vitest';
import { armClientSettings, createServices, getServices, setServices } from '../src/composition';
import { readSettings } from '../src/settings';
import { InMemoryDriftQueue, InMemoryDriftReportStore, StorageQueueDriftQueue, TableDriftReportStore } from '../src/azure/drift';
import { InMemoryPlanStore, StoreUnavailableError } from '../src/azure/store';
import { health } from '../src/functions/health';
import { invoke } from './helpers/invoke';

const CS = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
const sdkModules = () => Object.keys(require.cache).filter((k) => /@azure[\\/](arm-containerregistry|arm-monitor|identity|storage-queue|storage-blob|data-tables)[\\/]/.test(k));

afterEach(() => setServices());

describe('createServices', () => {
  it('builds nothing until first use: no SDK is loaded by building the services or their drift members', () => {
    const before = sdkModules();
    const s = createServices(readSettings({ AzureWebJobsStorage: CS, ARM_ENDPOINT: 'http://127.0.0.1:1', ARM_STATIC_TOKEN: 't' }));
    void s.drift;
    s.arm();
    s.planStore();
    expect(sdkModules()).toEqual(before);
  });

  it('drift members follow the settings: Table + queue with a storage connection, memory otherwise', async () => {
    const azure = createServices(readSettings({ AzureWebJobsStorage: CS, DRIFT_ARM_CONCURRENCY: '3' }));
    expect(azure.drift.reports).toBeInstanceOf(TableDriftReportStore);
    expect(azure.drift.queue).toBeInstanceOf(StorageQueueDriftQueue);
    expect(azure.drift.armLimiter.max).toBe(3);
    expect(azure.drift).toBe(azure.drift); // built once

    expect(createServices(readSettings({ AzureWebJobsStorage: CS, DRIFT_STORE: 'memory' })).drift.reports).toBeInstanceOf(InMemoryDriftReportStore);

    const none = createServices(readSettings({}));
    expect(none.drift.reports).toBeInstanceOf(InMemoryDriftReportStore);
    const sent = await none.drift.queue.send('drift-checks', {}).catch((e: unknown) => e);
    expect(sent).toBeInstanceOf(StoreUnavailableError);
    expect((sent as Error).message).toMatch(/AzureWebJobsStorage/);
  });

  it('the drift view of the plan store is the services’ plan store, or why there is none', () => {
    const memory = createServices(readSettings({ PLAN_STORE: 'memory' }));
    const view = memory.drift.planStore();
    expect('store' in view && view.store).toBe(memory.planStore());
    const missing = createServices(readSettings({})).drift.planStore();
    expect('unavailable' in missing && missing.unavailable).toMatch(/no plan storage configured: set AzureWebJobsStorage/);
  });

  it('overrides replace members, and the drift members see them', () => {
    const plans = new InMemoryPlanStore();
    const queue = new InMemoryDriftQueue();
    const fixed = new Date('2026-01-01T00:00:00Z');
    const s = createServices(readSettings({}), { planStore: () => plans, now: () => fixed, drift: { queue } });
    expect(s.planStore()).toBe(plans);
    expect(s.now()).toBe(fixed);
    expect(s.drift.queue).toBe(queue);
    const view = s.drift.planStore();
    expect('store' in view && view.store).toBe(plans);
    expect(s.drift.reports).toBeInstanceOf(InMemoryDriftReportStore);
  });

  it('hands the ARM section to the client factory as it takes it', () => {
    const arm = readSettings({ ARM_ENDPOINT: 'http://127.0.0.1:10300', ARM_STATIC_TOKEN: 'tok', ARM_MAX_RETRIES: '1', ARM_LRO_POLL_INTERVAL_MS: '20' }).arm;
    expect(armClientSettings(arm)).toEqual({ armEndpoint: 'http://127.0.0.1:10300', staticToken: 'tok', retry: { maxRetries: 1 }, lroPollIntervalMs: 20 });
    expect(armClientSettings(readSettings({}).arm)).toEqual({ armEndpoint: 'https://management.azure.com' });
  });
});

describe('getServices', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('reads the environment once: later changes are not seen until the services are reset', () => {
    process.env.PLAN_TTL_HOURS = '12';
    setServices();
    const first = getServices();
    expect(first.settings.plans.ttlHours).toBe(12);
    process.env.PLAN_TTL_HOURS = '13';
    expect(getServices()).toBe(first);
    setServices();
    expect(getServices().settings.plans.ttlHours).toBe(13);
  });

  it('an unusable setting: every route answers 500 invalid-setting naming it', async () => {
    process.env.SOLVER_WORKERS = 'many';
    setServices();
    const res = await invoke(health, {});
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ type: 'urn:acr-geoplanner:problem:invalid-setting', title: 'The service is misconfigured' });
    expect(res.json.detail).toMatch(/SOLVER_WORKERS/);
  });
});
