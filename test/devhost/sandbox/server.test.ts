/**
 * The ARM sandbox over raw HTTP (fetch): ARM shapes, rules, LRO polling, metrics, faults, control plane.
 * Every Swagger-covered exchange of this file is validated against the official specs at the end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContractValidator, OUT_OF_CONTRACT_HEADER } from '../../../devhost/sandbox/contract';
import { registryResourceId, seedWithSynthetic, syntheticRegistries } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';
import type { RecordedExchange } from '../../../devhost/sandbox/types';

const AUTH = { authorization: 'Bearer sandbox-test' };
/** For requests that break the Swagger on purpose (the contract check then looks at the response only). */
const INVALID = { ...AUTH, [OUT_OF_CONTRACT_HEADER]: '1' };
const ACR = 'api-version=2025-11-01';
const MON = 'api-version=2024-02-01';
const CONTOSO = registryResourceId('contoso');
const WESTEU = registryResourceId('contosowesteu');
const FABRIKAM = registryResourceId('fabrikamacr', 'fabrikam-rg');

let sb: ArmSandbox;
const seen: RecordedExchange[] = [];

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Res> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  sb = await startArmSandbox();
});
afterEach(() => {
  seen.push(...sb.requests);
  sb.reset();
});
afterAll(async () => {
  await sb.close();
});

describe('auth and headers', () => {
  it('401 AuthenticationFailed without a bearer token, request ids on every response', async () => {
    const r = await call('GET', `${CONTOSO}?${ACR}`, undefined, {});
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('AuthenticationFailed');
    expect(r.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const basic = await call('GET', `${CONTOSO}?${ACR}`, undefined, { authorization: 'Basic abc' });
    expect(basic.status).toBe(401);
    const ok = await call('GET', `${CONTOSO}?${ACR}`, undefined, { ...AUTH, 'x-ms-correlation-request-id': 'corr-1' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ms-correlation-request-id')).toBe('corr-1');
  });

  it('rejects a missing or other api-version', async () => {
    expect((await call('GET', CONTOSO, undefined, INVALID)).body.error.code).toBe('MissingApiVersionParameter');
    const old = await call('GET', `${CONTOSO}?api-version=2023-07-01`, undefined, INVALID);
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('NoRegisteredProviderFound');
  });
});

describe('registries', () => {
  it('gets the seeded Contoso registry: westus, Standard, no replicas', async () => {
    const r = await call('GET', `${CONTOSO}?${ACR}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: CONTOSO,
      name: 'contoso',
      type: 'Microsoft.ContainerRegistry/registries',
      location: 'westus',
      sku: { name: 'Standard', tier: 'Standard' },
      properties: { loginServer: 'contoso.azurecr.io', provisioningState: 'Succeeded', zoneRedundancy: 'Disabled' },
    });
    const reps = await call('GET', `${CONTOSO}/replications?${ACR}`);
    expect(reps.body.value).toEqual([]);
  });

  it('provider segments are case-insensitive; unknown registry is 404 ResourceNotFound', async () => {
    const lower = CONTOSO.replace('resourceGroups', 'resourcegroups').replace('Microsoft.ContainerRegistry', 'microsoft.containerregistry');
    expect((await call('GET', `${lower}?${ACR}`)).status).toBe(200);
    const r = await call('GET', `${registryResourceId('nosuchregistry')}?${ACR}`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('ResourceNotFound');
  });

  it('lists by subscription and by resource group', async () => {
    const all = await call('GET', `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerRegistry/registries?${ACR}`);
    expect(all.body.value.map((r: any) => r.name).sort()).toEqual(['contoso', 'contosowesteu', 'fabrikamacr', 'tailspinbasic', 'woodgrovezr']);
    const rg = await call('GET', `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/fabrikam-rg/providers/Microsoft.ContainerRegistry/registries?${ACR}`);
    expect(rg.body.value.map((r: any) => r.name)).toEqual(['fabrikamacr']);
  });

  it('PATCH upgrades the SKU and replaces tags; downgrading with replicas is refused', async () => {
    const up = await call('PATCH', `${CONTOSO}?${ACR}`, { sku: { name: 'Premium' }, tags: { env: 'prod' } });
    expect(up.status).toBe(200);
    expect(up.body.sku.name).toBe('Premium');
    expect(up.body.tags).toEqual({ env: 'prod' });
    const down = await call('PATCH', `${WESTEU}?${ACR}`, { sku: { name: 'Standard' } });
    expect(down.status).toBe(400);
    expect(down.body.error.code).toBe('CannotDowngradeRegistryWithReplications');
    const bad = await call('PATCH', `${CONTOSO}?${ACR}`, { sku: { name: 'Gold' } });
    expect(bad.status).toBe(400);
  });
});

describe('replications', () => {
  it('lists the home replication first for Premium registries (fabrikam: 3 replicas, one endpoint disabled)', async () => {
    const r = await call('GET', `${FABRIKAM}/replications?${ACR}`);
    expect(r.body.value.map((x: any) => [x.location, x.properties.regionEndpointEnabled])).toEqual([
      ['eastus', true],
      ['westeurope', true],
      ['southeastasia', true],
      ['westus2', false],
    ]);
  });

  it('create: PUT 201 + Azure-AsyncOperation/Location, Creating/Syncing -> Succeeded/Ready after polling', async () => {
    const put = await call('PUT', `${WESTEU}/replications/eastus?${ACR}`, { location: 'eastus' });
    expect(put.status).toBe(201);
    expect(put.body.properties).toMatchObject({ provisioningState: 'Creating', status: { displayStatus: 'Syncing' } });
    const asyncOp = put.headers.get('azure-asyncoperation') ?? '';
    expect(asyncOp).toContain(`${sb.url}${WESTEU}/replications/eastus/operationStatuses/`);
    expect(put.headers.get('location')).toContain('/operationResults/');
    const path = asyncOp.slice(sb.url.length);
    expect((await call('GET', path)).body.status).toBe('InProgress');
    const done = await call('GET', path);
    expect(done.body).toMatchObject({ status: 'Succeeded' });
    const get = await call('GET', `${WESTEU}/replications/eastus?${ACR}`);
    expect(get.body.properties).toMatchObject({ provisioningState: 'Succeeded', status: { displayStatus: 'Ready' }, regionEndpointEnabled: true, zoneRedundancy: 'Disabled' });
    // Same body again: idempotent 200.
    const again = await call('PUT', `${WESTEU}/replications/eastus?${ACR}`, { location: 'eastus' });
    expect(again.status).toBe(200);
  });

  it('enforces the rules: home region, Premium only, zone redundancy is create-only, one replica per location', async () => {
    const home = await call('PUT', `${WESTEU}/replications/westeurope2?${ACR}`, { location: 'westeurope' });
    expect([home.status, home.body.error.code]).toEqual([400, 'ReplicationNotAllowedInHomeRegion']);
    const std = await call('PUT', `${CONTOSO}/replications/eastus?${ACR}`, { location: 'eastus' });
    expect([std.status, std.body.error.code]).toEqual([400, 'ReplicationNotSupportedForSku']);
    const zr = await call('PUT', `${WESTEU}/replications/northeurope?${ACR}`, { location: 'northeurope', properties: { zoneRedundancy: 'Enabled' } });
    expect([zr.status, zr.body.error.code]).toEqual([400, 'ZoneRedundancyCannotBeUpdated']);
    const zrPatch = await call('PATCH', `${WESTEU}/replications/northeurope?${ACR}`, { properties: { zoneRedundancy: 'Enabled' } }, INVALID);
    expect(zrPatch.status).toBe(400);
    const dup = await call('PUT', `${WESTEU}/replications/another1?${ACR}`, { location: 'northeurope' });
    expect(dup.status).toBe(409);
    const noZones = await call('PUT', `${WESTEU}/replications/westus?${ACR}`, { location: 'westus', properties: { zoneRedundancy: 'Enabled' } });
    expect(noZones.body.error.code).toBe('ZoneRedundancyNotSupportedInRegion');
    const unknownLoc = await call('PUT', `${WESTEU}/replications/marsnorth?${ACR}`, { location: 'marsnorth' });
    expect(unknownLoc.body.error.code).toBe('LocationNotAvailableForResourceType');
    const delHome = await call('DELETE', `${WESTEU}/replications/westeurope?${ACR}`);
    expect(delHome.status).toBe(400);
    const unknownReg = await call('PUT', `${registryResourceId('nosuchregistry')}/replications/eastus?${ACR}`, { location: 'eastus' });
    expect([unknownReg.status, unknownReg.body.error.code]).toEqual([404, 'ResourceNotFound']);
  });

  it('update: PATCH regionEndpointEnabled and tags', async () => {
    const r = await call('PATCH', `${WESTEU}/replications/northeurope?${ACR}`, { tags: { a: 'b' }, properties: { regionEndpointEnabled: false } });
    expect(r.status).toBe(200);
    expect(r.body.properties.regionEndpointEnabled).toBe(false);
    expect(r.body.tags).toEqual({ a: 'b' });
  });

  it('delete: 202 + Location, 202 while running, then 204 and the replica is gone', async () => {
    const del = await call('DELETE', `${WESTEU}/replications/northeurope?${ACR}`);
    expect(del.status).toBe(202);
    const loc = (del.headers.get('location') ?? '').slice(sb.url.length);
    expect((await call('GET', `${WESTEU}/replications/northeurope?${ACR}`)).body.properties.provisioningState).toBe('Deleting');
    expect((await call('GET', loc)).status).toBe(202);
    expect((await call('GET', loc)).status).toBe(204);
    expect((await call('GET', `${WESTEU}/replications/northeurope?${ACR}`)).status).toBe(404);
    expect((await call('DELETE', `${WESTEU}/replications/northeurope?${ACR}`)).status).toBe(204);
  });
});

describe('metrics', () => {
  const metricsPath = (id: string, q: string) => `${id}/providers/Microsoft.Insights/metrics?${MON}&${q}`;

  it('daily pull/push counts (Total, Count, no dimensions), deterministic', async () => {
    const end = new Date();
    end.setUTCHours(0, 0, 0, 0);
    const start = new Date(end.getTime() - 30 * 86_400_000);
    const q = `timespan=${encodeURIComponent(`${start.toISOString()}/${end.toISOString()}`)}&interval=P1D&metricnames=TotalPullCount,SuccessfulPullCount,TotalPushCount,SuccessfulPushCount&aggregation=Total`;
    const r = await call('GET', metricsPath(CONTOSO, q));
    expect(r.status).toBe(200);
    expect(r.body.interval).toBe('P1D');
    expect(r.body.value).toHaveLength(4);
    const pulls = r.body.value[0];
    expect(pulls).toMatchObject({ id: `${CONTOSO}/providers/Microsoft.Insights/metrics/TotalPullCount`, type: 'Microsoft.Insights/metrics', name: { value: 'TotalPullCount' }, unit: 'Count' });
    expect(pulls.timeseries).toHaveLength(1);
    expect(pulls.timeseries[0].data).toHaveLength(30);
    for (const p of pulls.timeseries[0].data) {
      expect(p.total).toBeGreaterThan(0);
      expect(p.average).toBeUndefined();
    }
    const succ = r.body.value[1].timeseries[0].data;
    pulls.timeseries[0].data.forEach((p: any, i: number) => expect(succ[i].total).toBeLessThanOrEqual(p.total));
    const again = await call('GET', metricsPath(CONTOSO, q));
    expect(again.body.value).toEqual(r.body.value);
  });

  it('hourly buckets add up to the daily bucket', async () => {
    const day = new Date();
    day.setUTCHours(0, 0, 0, 0);
    const start = new Date(day.getTime() - 2 * 86_400_000).toISOString();
    const end = new Date(day.getTime() - 86_400_000).toISOString();
    const ts = encodeURIComponent(`${start}/${end}`);
    const daily = await call('GET', metricsPath(CONTOSO, `timespan=${ts}&interval=P1D&metricnames=TotalPullCount&aggregation=Total`));
    const hourly = await call('GET', metricsPath(CONTOSO, `timespan=${ts}&interval=PT1H&metricnames=TotalPullCount&aggregation=Total`));
    const hours = hourly.body.value[0].timeseries[0].data;
    expect(hours).toHaveLength(24);
    expect(hours.reduce((a: number, p: any) => a + p.total, 0)).toBe(daily.body.value[0].timeseries[0].data[0].total);
  });

  it('StorageUsed (Bytes, Average) split by Geolocation with $filter, one series per location', async () => {
    const q = `timespan=P2D&interval=P1D&metricnames=StorageUsed&aggregation=Average&$filter=${encodeURIComponent("Geolocation eq '*'")}`;
    const r = await call('GET', metricsPath(FABRIKAM, q));
    expect(r.status).toBe(200);
    const m = r.body.value[0];
    expect(m.unit).toBe('Bytes');
    expect(m.timeseries.map((t: any) => t.metadatavalues[0].value).sort()).toEqual(['eastus', 'southeastasia', 'westeurope', 'westus2']);
    expect(m.timeseries[0].data.at(-1).average).toBeGreaterThan(900 * 1024 ** 3 * 0.99);
    const countsWithFilter = await call('GET', metricsPath(FABRIKAM, `metricnames=TotalPullCount&$filter=${encodeURIComponent("Geolocation eq '*'")}`));
    expect(countsWithFilter.status).toBe(400);
  });

  it('no value before the registry history; 400 for unknown metrics; 404 for unknown registries', async () => {
    const r = await call('GET', metricsPath(CONTOSO, 'timespan=P60D&interval=P1D&metricnames=TotalPullCount&aggregation=Total'));
    const data = r.body.value[0].timeseries[0].data;
    expect(data[0].total).toBeUndefined();
    expect(data.at(-2).total).toBeGreaterThan(0);
    const bad = await call('GET', metricsPath(CONTOSO, 'metricnames=BytesPulled'));
    expect([bad.status, bad.body.code]).toEqual([400, 'BadRequest']);
    const missing = await call('GET', metricsPath(registryResourceId('nosuchregistry'), 'metricnames=TotalPullCount'));
    expect(missing.status).toBe(404);
  });
});

describe('faults and control plane', () => {
  it('throttles with Retry-After (count), then recovers; per registry only', async () => {
    sb.faults.set({ registry: 'contoso', throttle: { count: 2, retryAfterSeconds: 3 } });
    const a = await call('GET', `${CONTOSO}?${ACR}`);
    expect([a.status, a.headers.get('retry-after'), a.body.error.code]).toEqual([429, '3', 'TooManyRequests']);
    expect((await call('GET', `${WESTEU}?${ACR}`)).status).toBe(200);
    expect((await call('GET', `${CONTOSO}?${ACR}`)).status).toBe(429);
    expect((await call('GET', `${CONTOSO}?${ACR}`)).status).toBe(200);
    expect(sb.faults.list()[0]).toMatchObject({ hits: 2, remaining: 0, exhausted: true });
  });

  it('persistent 500 until cleared; probability-based faults are deterministic', async () => {
    sb.faults.set({ serverError: { persistent: true } });
    for (let i = 0; i < 3; i++) expect((await call('GET', `${CONTOSO}?${ACR}`)).status).toBe(500);
    sb.faults.clear();
    expect((await call('GET', `${CONTOSO}?${ACR}`)).status).toBe(200);
    sb.faults.set({ throttle: { probability: 0.5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await call('GET', `${CONTOSO}?${ACR}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('failed LRO: the Nth create ends Failed with an error in the operation status', async () => {
    sb.faults.set({ failLro: { nth: 2, code: 'ReplicationFailed', message: 'Region capacity exhausted.' } });
    const first = await call('PUT', `${WESTEU}/replications/eastus?${ACR}`, { location: 'eastus' });
    const second = await call('PUT', `${WESTEU}/replications/francecentral?${ACR}`, { location: 'francecentral' });
    const poll = async (r: Res) => {
      const p = (r.headers.get('azure-asyncoperation') ?? '').slice(sb.url.length);
      await call('GET', p);
      return (await call('GET', p)).body;
    };
    expect((await poll(first)).status).toBe('Succeeded');
    expect(await poll(second)).toMatchObject({ status: 'Failed', error: { code: 'ReplicationFailed', message: 'Region capacity exhausted.' } });
    const rep = await call('GET', `${WESTEU}/replications/francecentral?${ACR}`);
    expect(rep.body.properties).toMatchObject({ provisioningState: 'Failed', status: { displayStatus: 'Failed' } });
    // Re-putting a failed replica retries the creation.
    expect((await call('PUT', `${WESTEU}/replications/francecentral?${ACR}`, { location: 'francecentral' })).status).toBe(201);
  });

  it('adds latency', async () => {
    sb.faults.set({ latencyMs: 120, operations: ['Registries_Get'] });
    const t = Date.now();
    await call('GET', `${CONTOSO}?${ACR}`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
  });

  it('is controllable over HTTP: faults, state, requests, reset, registries', async () => {
    const set = await call('POST', '/_sandbox/faults', [{ name: 'slow500', serverError: { count: 1, statusCode: 503 } }], {});
    expect(set.body.rules[0]).toMatchObject({ name: 'slow500', remaining: 1 });
    expect((await call('GET', `${CONTOSO}?${ACR}`)).status).toBe(503);
    expect((await call('GET', '/_sandbox/faults', undefined, {})).body.rules[0].exhausted).toBe(true);
    expect((await call('POST', '/_sandbox/faults', { throttle: { count: 0 } }, {})).status).toBe(400);
    await call('PATCH', `${CONTOSO}?${ACR}`, { sku: { name: 'Premium' } });
    const state = await call('GET', '/_sandbox/state', undefined, {});
    expect(state.body.registries.find((r: any) => r.name === 'contoso').sku).toBe('Premium');
    expect((await call('GET', '/_sandbox/requests', undefined, {})).body.requests.length).toBe(2);
    await call('POST', '/_sandbox/registries', { name: 'addedlater', location: 'eastus', sku: 'Basic' }, {});
    expect((await call('GET', `${registryResourceId('addedlater')}?${ACR}`)).status).toBe(200);
    await call('POST', '/_sandbox/reset', undefined, {});
    expect((await call('GET', `${CONTOSO}?${ACR}`)).body.sku.name).toBe('Standard');
    expect((await call('GET', `${registryResourceId('addedlater')}?${ACR}`)).status).toBe(404);
    expect(sb.faults.list()).toEqual([]);
  });
});

describe('synthetic registries', () => {
  it('seeds N deterministic registries; lists page with nextLink', async () => {
    expect(syntheticRegistries(50)).toEqual(syntheticRegistries(50));
    const big = await startArmSandbox({ seed: seedWithSynthetic(1000), pageSize: 100 });
    try {
      let path: string | undefined = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/synthetic-rg/providers/Microsoft.ContainerRegistry/registries?${ACR}`;
      let count = 0;
      let pages = 0;
      while (path) {
        const res = await fetch(`${big.url}${path}`, { headers: AUTH });
        const body = (await res.json()) as { value: unknown[]; nextLink?: string };
        count += body.value.length;
        pages += 1;
        path = body.nextLink?.slice(big.url.length);
      }
      expect([count, pages]).toEqual([1000, 10]);
      seen.push(...big.requests);
    } finally {
      await big.close();
    }
  });
});

describe('LRO timing options', () => {
  it('lroPollDelayMs keeps operations InProgress; lroAutoCompleteMs settles unpolled ones', async () => {
    const slow = await startArmSandbox({ lroPollDelayMs: 150, lroInProgressPolls: 2, lroAutoCompleteMs: 400, lroRetryAfterSeconds: 1 });
    try {
      const put = await fetch(`${slow.url}${WESTEU}/replications/eastus?${ACR}`, {
        method: 'PUT',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ location: 'eastus' }),
      });
      expect(put.headers.get('retry-after')).toBe('1');
      const statusUrl = put.headers.get('azure-asyncoperation') ?? '';
      const poll = async () => ((await (await fetch(statusUrl, { headers: AUTH })).json()) as { status: string }).status;
      expect([await poll(), await poll(), await poll()]).toEqual(['InProgress', 'InProgress', 'InProgress']);
      await new Promise((r) => setTimeout(r, 160));
      expect(await poll()).toBe('Succeeded');
      await fetch(`${slow.url}${WESTEU}/replications/francecentral?${ACR}`, {
        method: 'PUT',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ location: 'francecentral' }),
      });
      const get = async () => ((await (await fetch(`${slow.url}${WESTEU}/replications/francecentral?${ACR}`, { headers: AUTH })).json()) as any).properties.provisioningState;
      expect(await get()).toBe('Creating');
      await new Promise((r) => setTimeout(r, 420));
      expect(await get()).toBe('Succeeded');
      seen.push(...slow.requests.filter((r) => r.operationId !== 'OperationStatus'));
    } finally {
      await slow.close();
    }
  });
});

describe('contract', () => {
  it('every Swagger-covered exchange above validates against the official specs (oav LiveValidator)', async () => {
    const validator = await createContractValidator();
    const results = await validator.validateExchanges(seen);
    const ops = new Set(results.map((r) => r.operationId));
    for (const op of ['Registries_Get', 'Registries_List', 'Registries_ListByResourceGroup', 'Registries_Update', 'Replications_List', 'Replications_Get', 'Replications_Create', 'Replications_Update', 'Replications_Delete', 'Metrics_List']) {
      expect(ops, op).toContain(op);
    }
    expect(results.length).toBeGreaterThan(60);
    const failures = results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, status: r.statusCode, url: r.url, issues: r.issues }));
    expect(failures).toEqual([]);
  });
});
