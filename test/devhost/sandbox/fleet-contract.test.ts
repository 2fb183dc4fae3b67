/**
 * The sandbox's Resource Graph (Resources, 2024-04-01) and metrics batch (Batch, 2024-02-01) exchanges
 * against the official Swagger (test/fixtures/specs, PROVENANCE.md): every exchange of a real SDK run
 * (paging, quota 429, refused subscription, management group, tenant; batches of 50, unknown resource,
 * the endpoint's 400s) conforms, and the check catches a deliberately wrong request or response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArmSandbox, syntheticRegistries, type ArmSandbox } from '../../../devhost/sandbox';
import { OUT_OF_CONTRACT_HEADER } from '../../../devhost/sandbox/contract';
import type { RecordedExchange } from '../../../devhost/sandbox/types';
import { createArmAdapters } from '../../../src/azure/arm';
import { createFleetAdapters } from '../../../src/azure/arm/fleet';
import { checkFleetExchange, expectFleetContractClean } from '../../helpers/fleet-contract';

const SUB_A = '00000000-0000-0000-0000-0000000000c1';
const SUB_B = '00000000-0000-0000-0000-0000000000c2';
const RG_URL = '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01';
const NS = 'Microsoft.ContainerRegistry/registries';
let sb: ArmSandbox;
const seeds = [...syntheticRegistries(600, { subscriptionId: SUB_A, namePrefix: 'alpha' }), ...syntheticRegistries(40, { subscriptionId: SUB_B, namePrefix: 'bravo', seed: 5 })];
const idOf = (name: string, sub = SUB_A) => `/subscriptions/${sub}/resourceGroups/synthetic-rg/providers/Microsoft.ContainerRegistry/registries/${name}`;

beforeAll(async () => {
  sb = await startArmSandbox({ seed: { registries: seeds }, resourceGraph: { quota: 2, windowSeconds: 3, managementGroups: { platform: [SUB_B] } } });
});
afterAll(async () => {
  await sb.close();
});

function adapters() {
  const settings = { armEndpoint: sb.url, staticToken: 'fleet-contract' };
  const arm = createArmAdapters(settings);
  return createFleetAdapters(settings, { metricsEndpointTemplate: `${sb.url}/metrics/{region}`, topology: () => arm.topology });
}

async function post(path: string, body: unknown, outOfContract = false): Promise<Response> {
  return fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer fleet-contract', 'content-type': 'application/json', ...(outOfContract ? { [OUT_OF_CONTRACT_HEADER]: '1' } : {}) },
    body: JSON.stringify(body),
  });
}

const since = (seq: number) => sb.requests.filter((x) => x.seq > seq);
const lastSeq = () => sb.requests.at(-1)?.seq ?? 0;

describe('Resource Graph and metrics batch exchanges vs the official Swagger', () => {
  it('every Resources exchange of an SDK inventory run conforms: pages, quota 429s, 403, management group, tenant, 400s', async () => {
    const from = lastSeq();
    const { inventory } = adapters();
    // Another client of the same principal (same token) uses the quota (2 per 3 s) first, with at least 2 s of the
    // window left: the run's first query meets a 429.
    for (;;) {
      const r = await post(RG_URL, { query: 'resources', options: { $top: 1 } });
      if (r.status === 200 && r.headers.get('x-ms-user-quota-remaining') === '0' && (r.headers.get('x-ms-user-quota-resets-after') ?? '') >= '00:00:03') break;
    }
    const all = await inventory.list({ subscriptions: [SUB_A, SUB_B], managementGroups: [], tenant: false });
    expect(all.registries).toHaveLength(640);
    expect(sb.resourceGraph.throttled).toBeGreaterThan(0);
    expect((await inventory.list({ subscriptions: [], managementGroups: ['platform'], tenant: false })).registries).toHaveLength(40);
    sb.resourceGraph.deniedSubscriptions.add(SUB_B);
    await new Promise((r) => setTimeout(r, 3100));
    const refused = await post(RG_URL, { subscriptions: [SUB_B], query: "resources | where type =~ 'microsoft.containerregistry/registries'" });
    expect(refused.status).toBe(403);
    sb.resourceGraph.deniedSubscriptions.clear();
    await new Promise((r) => setTimeout(r, 3100));
    expect((await post(RG_URL, { query: 'resources | summarize count()' })).status).toBe(400); // outside the sandbox's KQL subset
    expect((await post(RG_URL, { query: "resources | project id, name | order by name asc", options: { $top: 5, $skip: 3 } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    expect((await post(RG_URL, { query: 'resources', options: { resultFormat: 'table' } })).status).toBe(400);
    const results = expectFleetContractClean(since(from), 8);
    const statuses = new Set(results.map((r) => r.statusCode));
    for (const s of [200, 400, 403, 429]) expect(statuses).toContain(s);
  }, 60_000);

  it('every Batch exchange of the MetricsClient conforms (50 per call, an unknown resource), and its 400s', async () => {
    const from = lastSeq();
    const { batchMetrics } = adapters();
    const west = seeds.filter((r) => r.subscriptionId === SUB_A && r.location === 'westeurope').slice(0, 50);
    expect(west).toHaveLength(50);
    const got = await batchMetrics.getPullSummaries({ subscriptionId: SUB_A, region: 'westeurope', registryIds: [...west.slice(0, 49).map((r) => idOf(r.name)), idOf('not-a-registry')] }, { days: 30 });
    expect(got.size).toBe(50);
    const base = `/metrics/westeurope/subscriptions/${SUB_A}/metrics:getBatch?api-version=2024-02-01&metricnamespace=${NS}`;
    expect((await post(`${base}&metricnames=TotalPullCount`, { resourceids: Array.from({ length: 51 }, (_, i) => idOf(`r${i}`)) })).status).toBe(400);
    const other = seeds.find((r) => r.subscriptionId === SUB_A && r.location !== 'westeurope');
    expect((await post(`${base}&metricnames=TotalPullCount`, { resourceids: [idOf(other?.name ?? '')] })).status).toBe(400);
    expect((await post(base, { resourceids: [idOf(west[0]?.name ?? '')] }, true)).status).toBe(400); // metricnames missing: out of contract on purpose
    const results = expectFleetContractClean(since(from), 4);
    expect(results.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(2); // TotalPullCount + StorageUsed
    expect(results.filter((r) => r.statusCode === 400)).toHaveLength(3);
  });

  it('catches a deliberately wrong request or response', async () => {
    const from = lastSeq();
    await new Promise((r) => setTimeout(r, 3100));
    expect((await post(RG_URL, { query: "resources | where type =~ 'microsoft.containerregistry/registries'", options: { $top: 2 } })).status).toBe(200);
    const tooMany = await post(RG_URL, { query: 'resources', options: { $top: 5000 } });
    expect(tooMany.status).toBe(400);
    const batch = await post(`/metrics/westeurope/subscriptions/${SUB_A}/metrics:getBatch?api-version=2024-02-01&metricnamespace=${NS}&metricnames=TotalPullCount`, {
      resourceids: [idOf(seeds.find((r) => r.subscriptionId === SUB_A && r.location === 'westeurope')?.name ?? '')],
    });
    expect(batch.status).toBe(200);
    const [graphOk, graphTop, batchOk] = since(from);
    if (!graphOk || !graphTop || !batchOk) throw new Error('three exchanges expected');
    expect([graphOk, batchOk].map((x) => checkFleetExchange(x).issues)).toEqual([[], []]);
    const mutate = (x: RecordedExchange, f: (x: RecordedExchange) => void): RecordedExchange => {
      const copy = structuredClone(x);
      f(copy);
      return copy;
    };
    const issuesOf = (x: RecordedExchange) => checkFleetExchange(x).issues.join('\n');
    // Request: options.$top beyond 1000 (the sandbox's 400 is a valid error response; the request is what breaks the spec).
    expect(issuesOf(graphTop)).toMatch(/request body\/options\/\$top must be <= 1000/);
    // Response missing a required field (totalRecords), resultTruncated outside its enum, data not rows.
    expect(issuesOf(mutate(graphOk, (x) => delete (x.response.body as Record<string, unknown>)['totalRecords']))).toMatch(/must have required property 'totalRecords'/);
    expect(issuesOf(mutate(graphOk, (x) => ((x.response.body as Record<string, unknown>)['resultTruncated'] = false)))).toMatch(/resultTruncated must be string/);
    expect(issuesOf(mutate(graphOk, (x) => ((x.response.body as Record<string, unknown>)['data'] = [1, 2])))).toMatch(/data\/0 must be an object/);
    // Error shape: the Resource Graph ErrorResponse requires error.code and error.message.
    expect(issuesOf(mutate(graphTop, (x) => ((x.response.body as { error: Record<string, unknown> }).error = { message: 'no code' })))).toMatch(/error must have required property 'code'/);
    // Request: no query, an unknown api-version.
    expect(issuesOf(mutate(graphOk, (x) => delete (x.request.body as Record<string, unknown>)['query']))).toMatch(/request body must have required property 'query'/);
    expect(issuesOf(mutate(graphOk, (x) => (x.request.url = x.request.url.replace('2024-04-01', '2021-03-01'))))).toMatch(/api-version: '2021-03-01' is not the spec's 2024-04-01/);
    // Batch: a values item without starttime, a metric without unit, metricnames missing, resourceids not an array, a subscription that is not a uuid.
    const firstValue = (x: RecordedExchange) => (x.response.body as { values: Array<Record<string, unknown>> }).values[0] as Record<string, unknown>;
    expect(issuesOf(mutate(batchOk, (x) => delete firstValue(x)['starttime']))).toMatch(/values\/0 must have required property 'starttime'/);
    expect(issuesOf(mutate(batchOk, (x) => delete ((firstValue(x)['value'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>)['unit']))).toMatch(/values\/0\/value\/0 must have required property 'unit'/);
    expect(issuesOf(mutate(batchOk, (x) => (x.request.url = x.request.url.replace('&metricnames=TotalPullCount', ''))))).toMatch(/query metricnames is required/);
    expect(issuesOf(mutate(batchOk, (x) => (x.request.body = { resourceids: 'one' })))).toMatch(/request body\/resourceids must be array/);
    expect(issuesOf(mutate(batchOk, (x) => (x.request.url = x.request.url.replace(SUB_A, 'sub-a'))))).toMatch(/subscriptionId: 'sub-a' is not a uuid/);
    // A status the operation does not declare with a body that is not the error shape.
    expect(issuesOf(mutate(batchOk, (x) => ((x.response.statusCode = 500), (x.response.body = { error: 'boom' }))))).toMatch(/response body\/error must be object/);
  });
});
