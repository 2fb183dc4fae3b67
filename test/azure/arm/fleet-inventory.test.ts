/**
 * The fleet adapters against the ARM sandbox: Resource Graph inventory (paged, quota honoured,
 * ARM fallback where Resource Graph is refused), the metrics batch data plane, and the
 * sandbox's ARM read token bucket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startArmSandbox, syntheticRegistries, type ArmSandbox } from '../../../devhost/sandbox';
import { READS_REMAINING_HEADER } from '../../../devhost/sandbox/arm-limits';
import { createArmAdapters } from '../../../src/azure/arm';
import { createFleetAdapters } from '../../../src/azure/arm/fleet';
import { closeCheckingFleetContract } from '../../helpers/fleet-contract';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';
let sb: ArmSandbox | undefined;
afterEach(async () => {
  // Every Resource Graph and metrics-batch exchange of the test against the official Swagger (#16).
  const closing = sb;
  sb = undefined;
  await closeCheckingFleetContract(closing);
});

function adapters(url: string) {
  const settings = { armEndpoint: url, staticToken: 'fleet-test' };
  const arm = createArmAdapters(settings);
  return { arm, ...createFleetAdapters(settings, { metricsEndpointTemplate: `${url}/metrics/{region}`, topology: () => arm.topology }) };
}

const seed = (n: number) => [
  ...syntheticRegistries(n, { subscriptionId: SUB_A, namePrefix: 'alpha' }),
  ...syntheticRegistries(n, { subscriptionId: SUB_B, namePrefix: 'bravo', seed: 7 }),
];

describe('Resource Graph inventory', () => {
  it('lists every registry of the subscriptions with the replicas ARM reports, in pages of 1,000 rows', async () => {
    sb = await startArmSandbox({ seed: { registries: seed(400) } });
    const { arm, inventory } = adapters(sb.url);
    const res = await inventory.list({ subscriptions: [SUB_A, SUB_B], managementGroups: [], tenant: false });
    expect(res.registries).toHaveLength(800);
    expect(res.errors).toEqual([]);
    expect(res.armReads).toBe(0);
    expect(res.resourceGraphQueries).toBeGreaterThanOrEqual(2); // > 1,000 rows (registries + replications)
    const rows = sb.requests.filter((x) => x.operationId === 'Resources');
    expect(rows.every((x) => ((x.response.body as { data: unknown[] }).data.length) <= 1000)).toBe(true);
    // Same topology as ARM's per-registry reads, for a sample.
    for (const r of res.registries.filter((_, i) => i % 97 === 0)) {
      const live = await arm.topology.getRegistry(r.id);
      expect(r.replicas.map(({ name, location, regionEndpointEnabled, zoneRedundancy, provisioningState, displayStatus }) => ({ name, location, regionEndpointEnabled, zoneRedundancy, provisioningState, displayStatus }))).toEqual(
        live.replicas.map(({ name, location, regionEndpointEnabled, zoneRedundancy, provisioningState, displayStatus }) => ({ name, location, regionEndpointEnabled, zoneRedundancy, provisioningState, displayStatus })),
      );
      expect({ sku: r.sku, location: r.location, zone: r.zoneRedundancy, login: r.loginServer }).toEqual({ sku: live.sku, location: live.location, zone: live.zoneRedundancy, login: live.loginServer });
    }
  });

  it('waits for the quota reset when Resource Graph throttles, and still returns everything', async () => {
    sb = await startArmSandbox({ seed: { registries: seed(700) }, resourceGraph: { quota: 1, windowSeconds: 1 } });
    const { inventory } = adapters(sb.url);
    const t0 = Date.now();
    const res = await inventory.list({ subscriptions: [SUB_A, SUB_B], managementGroups: [], tenant: false });
    const ms = Date.now() - t0;
    expect(res.registries).toHaveLength(1400);
    expect(new Set(res.registries.map((r) => r.id.toLowerCase())).size).toBe(1400);
    const pages = res.resourceGraphQueries;
    expect(pages).toBeGreaterThanOrEqual(3);
    // 1 query per 1 s window: the pages after the first each waited for a reset.
    expect(ms).toBeGreaterThanOrEqual((pages - 1) * 900);
    const answers = sb.requests.filter((x) => x.operationId === 'Resources');
    expect(answers.every((x) => x.response.headers['x-ms-user-quota-remaining'] !== undefined && /^\d\d:\d\d:\d\d$/.test(x.response.headers['x-ms-user-quota-resets-after'] ?? ''))).toBe(true);
    expect(sb.resourceGraph.throttled).toBe(answers.filter((x) => x.response.statusCode === 429).length);
    expect(res.resourceGraphThrottled).toBe(sb.resourceGraph.throttled);
  }, 60_000);

  it('falls back to ARM reads for a subscription where Resource Graph is refused', async () => {
    sb = await startArmSandbox({ seed: { registries: seed(30) }, resourceGraph: { deniedSubscriptions: [SUB_B] } });
    const { inventory } = adapters(sb.url);
    const res = await inventory.list({ subscriptions: [SUB_A, SUB_B], managementGroups: [], tenant: false });
    expect(res.registries).toHaveLength(60);
    expect(res.resourceGraphScopes).toEqual([SUB_A]);
    expect(res.armFallbackSubscriptions).toEqual([SUB_B]);
    expect(res.armFallback).toEqual([{ subscriptionId: SUB_B, reason: expect.stringMatching(/^Resource Graph refused the subscription \(403 AuthorizationFailed\): .*authorization/) }]);
    const premium = seed(30).filter((r) => r.subscriptionId === SUB_B && r.sku === 'Premium').length;
    expect(res.armReads).toBe(1 + premium); // 1 list page + 1 replications.list per Premium registry
    expect(sb.readLimit?.admitted.get(SUB_B)).toBe(1 + premium);
    expect(sb.readLimit?.admitted.get(SUB_A)).toBeUndefined();
  });

  it('asks Resource Graph about at most 1,000 subscriptions per query (a longer list is batched)', async () => {
    sb = await startArmSandbox({ seed: { registries: seed(5) } });
    const { inventory } = adapters(sb.url);
    const many = [SUB_A, ...Array.from({ length: 1200 }, (_, i) => `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`), SUB_B];
    const res = await inventory.list({ subscriptions: many, managementGroups: [], tenant: false });
    expect(res.errors).toEqual([]);
    expect(res.registries).toHaveLength(10);
    const asked = sb.requests.filter((x) => x.operationId === 'Resources').map((x) => ((x.request.body as { subscriptions?: string[] }).subscriptions ?? []).length);
    expect(asked).toEqual([1000, 202]);
    expect(res.resourceGraphScopes).toHaveLength(1202);
  });

  it('reads a management group and the whole tenant', async () => {
    sb = await startArmSandbox({ seed: { registries: seed(10) }, resourceGraph: { managementGroups: { platform: [SUB_B] } } });
    const { inventory } = adapters(sb.url);
    const mg = await inventory.list({ subscriptions: [], managementGroups: ['platform'], tenant: false });
    expect(mg.registries.map((r) => r.subscriptionId)).toEqual(Array(10).fill(SUB_B));
    const tenant = await inventory.list({ subscriptions: [], managementGroups: [], tenant: true });
    expect(tenant.registries).toHaveLength(20);
  });
});

describe('metrics batch', () => {
  it('answers what 2 Metrics_List reads per registry answer, for 50 registries in 2 calls', async () => {
    const regs = syntheticRegistries(600, { subscriptionId: SUB_A }).filter((r) => r.location === 'westeurope').slice(0, 50);
    expect(regs.length).toBe(50);
    sb = await startArmSandbox({ seed: { registries: regs } });
    const { arm, batchMetrics } = adapters(sb.url);
    const ids = regs.map((r) => `/subscriptions/${SUB_A}/resourceGroups/synthetic-rg/providers/Microsoft.ContainerRegistry/registries/${r.name}`);
    const got = await batchMetrics.getPullSummaries({ subscriptionId: SUB_A, region: 'westeurope', registryIds: ids }, { days: 30 });
    expect(sb.metricsBatch.calls).toBe(2);
    expect(got.size).toBe(50);
    for (const id of ids.filter((_, i) => i % 10 === 0)) {
      const one = await arm.metrics.getPullSummary(id, { days: 30 });
      const b = got.get(id.toLowerCase());
      expect(b?.totalPullCount).toBe(one.totalPullCount);
      expect(b?.daily).toEqual(one.daily);
      expect(b?.storageUsedBytesByGeolocation).toEqual(one.storageUsedBytesByGeolocation);
      expect(b?.totalPullCount).toBeGreaterThan(0);
    }
    await expect(batchMetrics.getPullSummaries({ subscriptionId: SUB_A, region: 'westeurope', registryIds: [...ids, ids[0] as string] }, { days: 30 })).rejects.toThrow(/at most 50/);
  });

  it('refuses a batch mixing regions (the regional endpoint serves its region)', async () => {
    const regs = syntheticRegistries(40, { subscriptionId: SUB_A });
    sb = await startArmSandbox({ seed: { registries: regs } });
    const res = await fetch(`${sb.url}/metrics/westeurope/subscriptions/${SUB_A}/metrics:getBatch?api-version=2024-02-01&metricnamespace=Microsoft.ContainerRegistry/registries&metricnames=TotalPullCount`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ resourceids: regs.filter((r) => r.location !== 'westeurope').slice(0, 1).map((r) => `/subscriptions/${SUB_A}/resourceGroups/synthetic-rg/providers/Microsoft.ContainerRegistry/registries/${r.name}`) }),
    });
    expect(res.status).toBe(400);
  });
});

describe('ARM read token bucket', () => {
  it('is on by default with 250 reads, answers the remaining count, then 429 + Retry-After when empty', async () => {
    sb = await startArmSandbox({ armReadLimit: { burst: 5, refillPerSecond: 1 } });
    const get = () => fetch(`${sb?.url}/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerRegistry/registries?api-version=2025-11-01`, { headers: { authorization: 'Bearer t' } });
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await get();
      expect(r.status).toBe(200);
      remaining.push(r.headers.get(READS_REMAINING_HEADER) ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SubscriptionRequestsThrottled');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get()).status).toBe(200);
    await sb.close();
    sb = await startArmSandbox();
    const first = await fetch(`${sb.url}/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerRegistry/registries?api-version=2025-11-01`, { headers: { authorization: 'Bearer t' } });
    expect(first.headers.get(READS_REMAINING_HEADER)).toBe('249');
  });
});
