/**
 * The real @azure/arm-containerregistry 12 and @azure/arm-monitor 8 clients against the sandbox, with their
 * default pipelines (only the bearer policy is swapped: the SDK refuses bearer tokens over plain http).
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { MonitorClient } from '@azure/arm-monitor';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopbackBearerPolicy } from '../../../src/azure/arm/pipeline';
import { staticTokenCredential } from '../../../src/azure/arm/clients';
import { createContractValidator } from '../../../devhost/sandbox/contract';
import { registryResourceId, SANDBOX_SUBSCRIPTION_ID } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';
import type { RecordedExchange } from '../../../devhost/sandbox/types';

let sb: ArmSandbox;
let acr: ContainerRegistryManagementClient;
let monitor: MonitorClient;
const seen: RecordedExchange[] = [];
const RG = 'contoso-rg';
const FAST = { updateIntervalInMs: 5 };

function localClients(url: string): { acr: ContainerRegistryManagementClient; monitor: MonitorClient } {
  const credential = staticTokenCredential('sdk-test-token');
  const options = { endpoint: url, allowInsecureConnection: true };
  const a = new ContainerRegistryManagementClient(credential, SANDBOX_SUBSCRIPTION_ID, options);
  const m = new MonitorClient(credential, options);
  for (const p of [a.pipeline, m.pipeline]) {
    p.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
    p.addPolicy(loopbackBearerPolicy(credential, 'https://management.azure.com/.default'));
  }
  return { acr: a, monitor: m };
}

beforeAll(async () => {
  sb = await startArmSandbox();
  ({ acr, monitor } = localClients(sb.url));
});
beforeEach(() => {
  seen.push(...sb.requests);
  sb.reset();
});
afterAll(async () => {
  await sb.close();
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('@azure/arm-containerregistry 12 against the sandbox', () => {
  it('registries.get / list / listByResourceGroup', async () => {
    const reg = await acr.registries.get(RG, 'contoso');
    expect(reg).toMatchObject({ name: 'contoso', location: 'westus', sku: { name: 'Standard' }, loginServer: 'contoso.azurecr.io' });
    expect((await all(acr.registries.list())).length).toBe(5);
    expect((await all(acr.registries.listByResourceGroup(RG))).map((r) => r.name).sort()).toEqual(['contoso', 'contosowesteu', 'woodgrovezr']);
    const x = sb.requests[0] as RecordedExchange;
    expect(x.request.url).toContain('api-version=2025-11-01');
    expect(x.request.headers['authorization']).toBe('Bearer sdk-test-token');
    expect(x.request.headers['user-agent']).toContain('azsdk-js-arm-containerregistry/12.0.0');
  });

  it('registries.beginUpdateAndWait upgrades contoso to Premium', async () => {
    const reg = await acr.registries.beginUpdateAndWait(RG, 'contoso', { sku: { name: 'Premium' } }, FAST);
    expect(reg.sku.name).toBe('Premium');
    expect((await acr.registries.get(RG, 'contoso')).sku.name).toBe('Premium');
  });

  it('replications.beginCreateAndWait follows Azure-AsyncOperation, then GETs the replica', async () => {
    const rep = await acr.replications.beginCreateAndWait(RG, 'contosowesteu', 'eastus', { location: 'eastus', zoneRedundancy: 'Enabled' }, FAST);
    expect(rep).toMatchObject({ name: 'eastus', location: 'eastus', provisioningState: 'Succeeded', zoneRedundancy: 'Enabled', status: { displayStatus: 'Ready' } });
    const wire = sb.requests.map((r) => `${r.request.method} ${r.operationId} ${r.response.statusCode}`);
    expect(wire).toEqual([
      'PUT Replications_Create 201',
      'GET OperationStatus 200',
      'GET OperationStatus 200',
      'GET Replications_Get 200',
    ]);
    const [put, poll1, poll2] = sb.requests as [RecordedExchange, RecordedExchange, RecordedExchange];
    expect(put.request.body).toEqual({ location: 'eastus', properties: { zoneRedundancy: 'Enabled' } });
    expect((poll1.response.body as { status: string }).status).toBe('InProgress');
    expect((poll2.response.body as { status: string }).status).toBe('Succeeded');
    for (const r of sb.requests) {
      expect(r.request.url).toContain('api-version=2025-11-01');
      expect(r.request.headers['authorization']).toBe('Bearer sdk-test-token');
    }
    const listed = await all(acr.replications.list(RG, 'contosowesteu'));
    expect(listed.map((r) => r.location)).toEqual(['westeurope', 'northeurope', 'eastus']);
  });

  it('replications.beginUpdateAndWait patches regionEndpointEnabled', async () => {
    const rep = await acr.replications.beginUpdateAndWait(RG, 'contosowesteu', 'northeurope', { regionEndpointEnabled: false, tags: { k: 'v' } }, FAST);
    expect(rep).toMatchObject({ regionEndpointEnabled: false, tags: { k: 'v' } });
    expect(sb.requests[0]?.request.body).toEqual({ tags: { k: 'v' }, properties: { regionEndpointEnabled: false } });
  });

  it('replications.beginDeleteAndWait follows Location until 204, replica gone', async () => {
    await acr.replications.beginDeleteAndWait(RG, 'contosowesteu', 'northeurope', FAST);
    expect(sb.requests.map((r) => `${r.request.method} ${r.operationId} ${r.response.statusCode}`)).toEqual([
      'DELETE Replications_Delete 202',
      'GET OperationResult 202',
      'GET OperationResult 204',
    ]);
    await expect(acr.replications.get(RG, 'contosowesteu', 'northeurope')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('a failed LRO rejects with the operation error', async () => {
    sb.faults.set({ failLro: { code: 'ReplicationFailed', message: 'No capacity.' } });
    await expect(acr.replications.beginCreateAndWait(RG, 'contosowesteu', 'eastus', { location: 'eastus' }, FAST)).rejects.toThrow(
      /long-running operation has failed.*ReplicationFailed.*No capacity/,
    );
  });

  it('the default retry policy retries a 429 after Retry-After', async () => {
    sb.faults.set({ throttle: { count: 1, retryAfterSeconds: 0 } });
    expect((await acr.registries.get(RG, 'contoso')).name).toBe('contoso');
    expect(sb.requests.map((r) => r.response.statusCode)).toEqual([429, 200]);
  });
});

describe('@azure/arm-monitor 8 against the sandbox', () => {
  it('metrics.list sends api-version 2024-02-01 and deserializes the response', async () => {
    const res = await monitor.metrics.list(registryResourceId('contosowesteu').slice(1), {
      timespan: 'P7D',
      interval: 'P1D',
      metricnames: 'TotalPullCount',
      aggregation: 'Total',
    });
    expect(res.value[0]?.name.value).toBe('TotalPullCount');
    expect(res.value[0]?.timeseries[0]?.data?.[0]?.timeStamp).toBeInstanceOf(Date);
    const x = sb.requests[0] as RecordedExchange;
    expect(x.request.url).toMatch(/^\/subscriptions\/.*\/providers\/Microsoft\.Insights\/metrics\?api-version=2024-02-01&/);
    expect(x.request.headers['user-agent']).toContain('azsdk-js-arm-monitor/8.0.0');
  });
});

describe('contract', () => {
  it('all SDK traffic of this file validates against the official specs', async () => {
    seen.push(...sb.requests);
    const results = await (await createContractValidator()).validateExchanges(seen);
    expect(results.length).toBeGreaterThanOrEqual(12);
    expect(results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, url: r.url, issues: r.issues }))).toEqual([]);
  });
});
