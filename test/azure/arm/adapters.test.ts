/**
 * The ARM adapters (real SDK clients) over HTTP against the ARM sandbox: topology reads and changes,
 * pull metrics, what goes on the wire, and the Swagger contract of all of it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArmAdapters } from '../../../src/azure/arm';
import type { ArmAdapters } from '../../../src/app/ports/arm';
import { createContractValidator } from '../../../devhost/sandbox/contract';
import { registryResourceId } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';
import type { RecordedExchange } from '../../../devhost/sandbox/types';

let sb: ArmSandbox;
let arm: ArmAdapters;
const seen: RecordedExchange[] = [];
const CONTOSO = registryResourceId('contoso');
const WESTEU = registryResourceId('contosowesteu');
const FABRIKAM = registryResourceId('fabrikamacr', 'fabrikam-rg');
const WOODGROVE = registryResourceId('woodgrovezr');
const SUB = '00000000-0000-0000-0000-000000000000';

/** Keeps the exchanges so far for the contract check, then empties the log. */
function flush(): void {
  seen.push(...sb.requests);
  sb.resetRequests();
}
const wire = () => sb.requests.map((r) => `${r.request.method} ${r.operationId} ${r.response.statusCode}`);

beforeAll(async () => {
  sb = await startArmSandbox();
  arm = createArmAdapters({ armEndpoint: sb.url, staticToken: 'adapter-token', lroPollIntervalMs: 5, retry: { retryDelayMs: 10, maxRetryDelayMs: 40 } });
});
beforeEach(() => {
  seen.push(...sb.requests);
  sb.reset();
});
afterAll(async () => {
  await sb.close();
});

describe('RegistryTopologyPort (arm-containerregistry)', () => {
  it('reads Contoso before geo-replication: westus, Standard, no replicas (one GET, no replication list)', async () => {
    const reg = await arm.topology.getRegistry(CONTOSO);
    expect(reg).toEqual({
      id: CONTOSO,
      subscriptionId: SUB,
      resourceGroup: 'contoso-rg',
      name: 'contoso',
      location: 'westus',
      sku: 'Standard',
      loginServer: 'contoso.azurecr.io',
      zoneRedundancy: false,
      replicas: [],
      tags: { team: 'platform' },
      // the sandbox default: public access, no rules, no private endpoints, no data endpoints (Standard: no networkRuleSet)
      network: { publicNetworkAccess: 'Enabled', networkRuleDefaultAction: null, ipRuleCount: 0, dataEndpointEnabled: false, dataEndpointHostNames: [], privateEndpoints: [] },
    });
    expect(wire()).toEqual(['GET Registries_Get 200']);
    const x = sb.requests[0] as RecordedExchange;
    expect(x.request.url).toBe(`${CONTOSO}?api-version=2025-11-01`);
    expect(x.request.headers['authorization']).toBe('Bearer adapter-token');
  });

  it('drops the home location from the replica list; keeps regionEndpointEnabled and zone redundancy', async () => {
    const westeu = await arm.topology.getRegistry(WESTEU);
    expect(westeu.replicas.map((r) => r.location)).toEqual(['northeurope']);
    const fabrikam = await arm.topology.getRegistry(FABRIKAM.replace('Microsoft.ContainerRegistry', 'microsoft.containerregistry'));
    expect(fabrikam.id).toBe(FABRIKAM);
    expect(fabrikam.replicas.map((r) => [r.location, r.regionEndpointEnabled, r.displayStatus])).toEqual([
      ['southeastasia', true, 'Ready'],
      ['westeurope', true, 'Ready'],
      ['westus2', false, 'Ready'],
    ]);
    const woodgrove = await arm.topology.getRegistry(WOODGROVE);
    expect(woodgrove.zoneRedundancy).toBe(true);
    expect(woodgrove.replicas).toEqual([
      { name: 'northeurope', location: 'northeurope', regionEndpointEnabled: true, zoneRedundancy: true, provisioningState: 'Succeeded', displayStatus: 'Ready', statusTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
  });

  it('lists registries of a subscription and of a resource group', async () => {
    const all = await arm.topology.listRegistries({ subscriptionId: SUB });
    expect(all.map((r) => `${r.name}:${r.sku}:${r.replicas.length}`)).toEqual([
      'contoso:Standard:0',
      'contosowesteu:Premium:1',
      'woodgrovezr:Premium:1',
      'fabrikamacr:Premium:3',
      'tailspinbasic:Basic:0',
    ]);
    const rg = await arm.topology.listRegistries({ subscriptionId: SUB, resourceGroup: 'fabrikam-rg' });
    expect(rg.map((r) => r.name)).toEqual(['fabrikamacr']);
  });

  it('Contoso moves to geo-replication: Premium, then East US, Canada Central, West Europe (four times Premium)', async () => {
    const premium = await arm.topology.updateSku(CONTOSO, 'Premium');
    expect(premium.sku).toBe('Premium');
    expect(wire()).toEqual(['PATCH Registries_Update 200', 'GET Registries_Get 200', 'GET Replications_List 200']);
    expect(sb.requests[0]?.request.body).toEqual({ sku: { name: 'Premium' } });

    flush();
    const eastus = await arm.topology.createReplica(CONTOSO, { location: 'East US' });
    expect(eastus).toEqual({ name: 'eastus', location: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready', statusTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(wire()).toEqual(['PUT Replications_Create 201', 'GET OperationStatus 200', 'GET OperationStatus 200', 'GET Replications_Get 200']);
    for (const r of sb.requests) {
      expect(r.request.url).toContain('api-version=2025-11-01');
      expect(r.request.headers['authorization']).toBe('Bearer adapter-token');
    }
    expect(sb.requests[0]?.request.body).toEqual({ location: 'eastus' });

    await arm.topology.createReplica(CONTOSO, { location: 'canadacentral', zoneRedundancy: true });
    await arm.topology.createReplica(CONTOSO, { location: 'westeurope', regionEndpointEnabled: false, tags: { owner: 'eu' } });
    const live = await arm.topology.getRegistry(CONTOSO);
    expect(live.replicas.map((r) => [r.location, r.zoneRedundancy, r.regionEndpointEnabled, r.provisioningState])).toEqual([
      ['canadacentral', true, true, 'Succeeded'],
      ['eastus', false, true, 'Succeeded'],
      ['westeurope', false, false, 'Succeeded'],
    ]);

    // Idempotent: the same create again is a 200 without polling.
    flush();
    await arm.topology.createReplica(CONTOSO, { location: 'eastus' });
    expect(wire()).toEqual(['PUT Replications_Create 200']);
  });

  it('updates and deletes replicas (deleting a missing replica succeeds)', async () => {
    const updated = await arm.topology.updateReplica(WESTEU, 'northeurope', { regionEndpointEnabled: false });
    expect(updated.regionEndpointEnabled).toBe(false);
    expect(sb.requests[0]?.request.body).toEqual({ properties: { regionEndpointEnabled: false } });

    flush();
    await arm.topology.deleteReplica(WESTEU, 'northeurope');
    expect(wire()).toEqual(['DELETE Replications_Delete 202', 'GET OperationResult 202', 'GET OperationResult 204']);
    expect((await arm.topology.getRegistry(WESTEU)).replicas).toEqual([]);
    await expect(arm.topology.deleteReplica(WESTEU, 'northeurope')).resolves.toBeUndefined();
  });
});

describe('PullMetricsPort (arm-monitor)', () => {
  it('daily pulls over the last 30 complete UTC days, totals, storage per geolocation', async () => {
    const s = await arm.metrics.getPullSummary(FABRIKAM, { days: 30 });
    expect(s.days).toBe(30);
    expect(s.daily).toHaveLength(30);
    expect(s.daysWithData).toBe(30);
    const today = new Date().toISOString().slice(0, 10);
    expect((s.daily.at(-1)?.date ?? '') < today).toBe(true);
    expect(s.daily.every((d) => typeof d.pulls === 'number' && d.pulls > 0)).toBe(true);
    expect(s.totalPullCount).toBe(s.daily.reduce((a, d) => a + (d.pulls ?? 0), 0));
    expect(s.successfulPullCount).toBeLessThanOrEqual(s.totalPullCount ?? 0);
    expect(s.totalPushCount).toBeGreaterThan(0);
    expect(Object.keys(s.storageUsedBytesByGeolocation).sort()).toEqual(['eastus', 'southeastasia', 'westeurope', 'westus2']);
    expect(s.storageUsedBytesByGeolocation['eastus']).toBeGreaterThan(900 * 1024 ** 3);
    expect(s.interval).toBe('P1D');
    expect(s.timespan).toMatch(/^\d{4}-\d\d-\d\dT00:00:00Z\/\d{4}-\d\d-\d\dT00:00:00Z$/);

    expect(wire()).toEqual(['GET Metrics_List 200', 'GET Metrics_List 200']);
    const [counts, storage] = sb.requests.map((r) => new URL(r.request.url, 'http://x').searchParams);
    expect(counts?.get('api-version')).toBe('2024-02-01');
    expect(counts?.get('interval')).toBe('P1D');
    expect(counts?.get('metricnames')).toBe('TotalPullCount,SuccessfulPullCount,TotalPushCount');
    expect(counts?.get('aggregation')).toBe('Total');
    expect(storage?.get('$filter')).toBe("Geolocation eq '*'");
    expect(storage?.get('aggregation')).toBe('Average');
    expect(sb.requests[0]?.request.headers['authorization']).toBe('Bearer adapter-token');
  });

  it('unknown stays null: days before the metric history are null, not 0', async () => {
    sb.state.addRegistry({ name: 'youngregistry', location: 'eastus', sku: 'Premium', replicas: [{ location: 'westus2' }], metrics: { dailyPulls: 1000, historyDays: 10 } });
    const s = await arm.metrics.getPullSummary(registryResourceId('youngregistry'), { days: 30 });
    expect(s.daily.filter((d) => d.pulls === null)).toHaveLength(20);
    expect(s.daysWithData).toBe(10);
    expect(s.totalPullCount).toBe(s.daily.reduce((a, d) => a + (d.pulls ?? 0), 0));

    sb.state.addRegistry({ name: 'brandnewreg', location: 'eastus', sku: 'Standard', metrics: { dailyPulls: 1000, historyDays: 0 } });
    const none = await arm.metrics.getPullSummary(registryResourceId('brandnewreg'), { days: 7 });
    expect(none).toMatchObject({ totalPullCount: null, successfulPullCount: null, totalPushCount: null, daysWithData: 0, storageUsedBytesByGeolocation: { eastus: null } });
    expect(none.daily.every((d) => d.pulls === null)).toBe(true);
  });

  it('validates days', async () => {
    await expect(arm.metrics.getPullSummary(CONTOSO, { days: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(arm.metrics.getPullSummary(CONTOSO, { days: 94 })).rejects.toMatchObject({ status: 400 });
    expect(sb.requests).toEqual([]);
  });
});

describe('contract', () => {
  it('everything the adapters sent and received validates against the official specs', async () => {
    seen.push(...sb.requests);
    const results = await (await createContractValidator()).validateExchanges(seen);
    expect(new Set(results.map((r) => r.operationId))).toEqual(
      new Set(['Registries_Get', 'Registries_List', 'Registries_ListByResourceGroup', 'Registries_Update', 'Replications_List', 'Replications_Get', 'Replications_Create', 'Replications_Update', 'Replications_Delete', 'Metrics_List']),
    );
    expect(results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, url: r.url, issues: r.issues }))).toEqual([]);
  });
});
