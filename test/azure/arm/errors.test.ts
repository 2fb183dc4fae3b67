/**
 * Retries and errors of the ARM adapters, with faults injected in the sandbox: 429 + Retry-After is
 * retried, persistent 5xx and throttling beyond the budget become AzureUpstreamError with the upstream
 * request id, failed LROs, 401/403/404/400/409 mapping, unreachable and slow endpoints.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AzureAuthenticationError,
  AzureError,
  AzureForbiddenError,
  AzureOperationFailedError,
  AzureRequestRejectedError,
  AzureUpstreamError,
  createArmAdapters,
  RegistryNotFoundError,
  ReplicaNotFoundError,
  type ArmClientSettings,
} from '../../../src/azure/arm';
import type { ArmAdapters } from '../../../src/app/ports/arm';
import { toAzureError } from '../../../src/azure/arm/map-error';
import { createContractValidator } from '../../../devhost/sandbox/contract';
import { registryResourceId } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';
import type { RecordedExchange } from '../../../devhost/sandbox/types';

let sb: ArmSandbox;
let arm: ArmAdapters;
const seen: RecordedExchange[] = [];
const CONTOSO = registryResourceId('contoso');
const WESTEU = registryResourceId('contosowesteu');

function settings(extra: Partial<ArmClientSettings> = {}): ArmClientSettings {
  return {
    armEndpoint: sb.url,
    staticToken: 'err-token',
    lroPollIntervalMs: 5,
    ...extra,
    retry: { maxRetries: 3, retryDelayMs: 10, maxRetryDelayMs: 40, ...(extra.retry ?? {}) },
  };
}

async function caught(p: Promise<unknown>): Promise<AzureError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AzureError);
    return e as AzureError;
  }
  throw new Error('expected a rejection');
}

const lastResponseRequestId = () => sb.requests.at(-1)?.response.headers['x-ms-request-id'];

beforeAll(async () => {
  sb = await startArmSandbox();
  arm = createArmAdapters(settings());
});
beforeEach(() => {
  seen.push(...sb.requests);
  sb.reset();
});
afterAll(async () => {
  await sb.close();
});

describe('retries', () => {
  it('a 429 with Retry-After is waited for, retried and succeeds', async () => {
    sb.faults.set({ registry: 'contoso', throttle: { count: 1, retryAfterSeconds: 1 } });
    const t = Date.now();
    const reg = await arm.topology.getRegistry(CONTOSO);
    expect(reg.name).toBe('contoso');
    expect(sb.requests.map((r) => r.response.statusCode)).toEqual([429, 200]);
    expect(sb.requests[0]?.response.headers['retry-after']).toBe('1');
    const gap = Date.parse(sb.requests[1]?.time ?? '') - Date.parse(sb.requests[0]?.time ?? '');
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('a Retry-After beyond the budget is not waited for: 503 to our caller, with the Retry-After', async () => {
    sb.faults.set({ throttle: { retryAfterSeconds: 120 } });
    const t = Date.now();
    const e = await caught(arm.topology.getRegistry(CONTOSO));
    expect(Date.now() - t).toBeLessThan(1000);
    expect(e).toBeInstanceOf(AzureUpstreamError);
    expect(e).toMatchObject({ status: 503, upstreamStatus: 429, upstreamCode: 'TooManyRequests', retryAfterSeconds: 120 });
    expect(e.upstreamRequestId).toBe(lastResponseRequestId());
    expect(sb.requests).toHaveLength(1);
  });

  it('transient 500s are retried with backoff', async () => {
    sb.faults.set({ serverError: { count: 2 } });
    expect((await arm.topology.getRegistry(WESTEU)).replicas).toHaveLength(1);
    expect(sb.requests.map((r) => r.response.statusCode)).toEqual([500, 500, 200, 200]);
  });

  it('a persistent 500 gives AzureUpstreamError 502 with the upstream request id, after maxRetries', async () => {
    sb.faults.set({ serverError: { persistent: true } });
    const e = await caught(arm.topology.getRegistry(CONTOSO));
    expect(e).toBeInstanceOf(AzureUpstreamError);
    expect(e).toMatchObject({ status: 502, upstreamStatus: 500, upstreamCode: 'InternalServerError' });
    expect(sb.requests).toHaveLength(4);
    expect(e.upstreamRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.upstreamRequestId).toBe(lastResponseRequestId());
    expect(e.toJSON()).toMatchObject({ name: 'AzureUpstreamError', status: 502, upstreamRequestId: lastResponseRequestId() });
  });

  it('a persistent 503 gives 503; metrics failures map the same way', async () => {
    sb.faults.set({ serverError: { persistent: true, statusCode: 503 } });
    expect(await caught(arm.topology.getRegistry(CONTOSO))).toMatchObject({ status: 503, upstreamStatus: 503 });
    sb.faults.set({ serverError: { persistent: true }, operations: ['Metrics_List'] });
    const e = await caught(arm.metrics.getPullSummary(CONTOSO, { days: 7 }));
    expect(e).toMatchObject({ status: 502, upstreamStatus: 500 });
    expect(e.upstreamRequestId).toBeTruthy();
  });

  it('an unreachable endpoint gives 502; a slow one gives 504', async () => {
    const dead = await startArmSandbox();
    const deadUrl = dead.url;
    await dead.close();
    const unreachable = createArmAdapters(settings({ armEndpoint: deadUrl, retry: { maxRetries: 1 } }));
    expect(await caught(unreachable.topology.getRegistry(CONTOSO))).toMatchObject({ status: 502, upstreamStatus: null });

    sb.faults.set({ latencyMs: 400 });
    const impatient = createArmAdapters(settings({ retry: { maxRetries: 0, requestTimeoutMs: 100 } }));
    expect(await caught(impatient.topology.getRegistry(CONTOSO))).toMatchObject({ status: 504 });
  });
});

describe('long-running operations', () => {
  it('a failed create gives AzureOperationFailedError with the operation error code and request id', async () => {
    sb.faults.set({ failLro: { code: 'ReplicationFailed', message: 'Region capacity exhausted.' } });
    const e = await caught(arm.topology.createReplica(WESTEU, { location: 'eastus' }));
    expect(e).toBeInstanceOf(AzureOperationFailedError);
    expect(e).toMatchObject({ status: 502, code: 'AzureOperationFailed', upstreamCode: 'ReplicationFailed' });
    expect(e.message).toContain('Region capacity exhausted.');
    expect(e.message).toContain('create replica in eastus');
    const failingPoll = sb.requests.filter((r) => r.operationId === 'OperationStatus').at(-1);
    expect(e.upstreamRequestId).toBe(failingPoll?.response.headers['x-ms-request-id']);
    expect((await arm.topology.getRegistry(WESTEU)).replicas.find((r) => r.location === 'eastus')?.provisioningState).toBe('Failed');
    // Resumable: creating again succeeds.
    expect((await arm.topology.createReplica(WESTEU, { location: 'eastus' })).provisioningState).toBe('Succeeded');
  });

  it('a 429 on a status poll is retried and the create still completes', async () => {
    sb.faults.set({ throttle: { count: 1, retryAfterSeconds: 0 }, operations: ['OperationStatus'] });
    expect((await arm.topology.createReplica(WESTEU, { location: 'eastus' })).displayStatus).toBe('Ready');
    expect(sb.requests.filter((r) => r.response.statusCode === 429)).toHaveLength(1);
  });
});

describe('ARM refusals and missing resources', () => {
  it('unknown registry -> RegistryNotFoundError (404); unknown replica -> ReplicaNotFoundError', async () => {
    const e = await caught(arm.topology.getRegistry(registryResourceId('nosuchregistry')));
    expect(e).toBeInstanceOf(RegistryNotFoundError);
    expect(e).toMatchObject({ status: 404, upstreamStatus: 404, upstreamCode: 'ResourceNotFound' });
    const m = await caught(arm.metrics.getPullSummary(registryResourceId('nosuchregistry'), { days: 7 }));
    expect(m).toBeInstanceOf(RegistryNotFoundError);
    const r = await caught(arm.topology.updateReplica(WESTEU, 'nosuchreplica', { regionEndpointEnabled: false }));
    expect(r).toBeInstanceOf(ReplicaNotFoundError);
    expect(r.status).toBe(404);
    const rr = await caught(arm.topology.createReplica(registryResourceId('nosuchregistry'), { location: 'eastus' }));
    expect(rr).toBeInstanceOf(RegistryNotFoundError);
  });

  it('rule violations -> AzureRequestRejectedError (422; 409 for conflicts) carrying the ARM code', async () => {
    expect(await caught(arm.topology.createReplica(WESTEU, { location: 'westeurope', name: 'homeagain' }))).toMatchObject({
      status: 422,
      upstreamStatus: 400,
      upstreamCode: 'ReplicationNotAllowedInHomeRegion',
    });
    expect(await caught(arm.topology.createReplica(CONTOSO, { location: 'eastus' }))).toMatchObject({ status: 422, upstreamCode: 'ReplicationNotSupportedForSku' });
    expect(await caught(arm.topology.createReplica(WESTEU, { location: 'northeurope', zoneRedundancy: true }))).toMatchObject({
      status: 422,
      upstreamCode: 'ZoneRedundancyCannotBeUpdated',
    });
    const dup = await caught(arm.topology.createReplica(WESTEU, { location: 'northeurope', name: 'northeurope2' }));
    expect(dup).toBeInstanceOf(AzureRequestRejectedError);
    expect(dup.status).toBe(409);
    expect(await caught(arm.topology.updateSku(WESTEU, 'Standard'))).toMatchObject({ status: 422, upstreamCode: 'CannotDowngradeRegistryWithReplications' });
  });

  it('a rejected token -> AzureAuthenticationError (502, upstream 401)', async () => {
    const noToken = createArmAdapters(settings({ credential: { getToken: async () => ({ token: '', expiresOnTimestamp: Date.now() + 60_000 }) } }));
    const e = await caught(noToken.topology.getRegistry(CONTOSO));
    expect(e).toBeInstanceOf(AzureAuthenticationError);
    expect(e).toMatchObject({ status: 502, upstreamStatus: 401, upstreamCode: 'AuthenticationFailed' });
    // Find this test's exchange by what it asked for: a poll left over from an earlier test's LRO may land after the reset.
    const mine = sb.requests.filter((r) => r.operationId === 'Registries_Get' && r.request.method === 'GET');
    expect(mine.map((r) => r.response.statusCode)).toEqual([401]);
  });

  it('input errors never reach Azure', async () => {
    expect(await caught(arm.topology.getRegistry('/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/abcde'))).toMatchObject({ status: 400 });
    expect(await caught(arm.topology.createReplica(WESTEU, { location: 'east-us!' }))).toMatchObject({ status: 400 });
    expect(await caught(arm.topology.deleteReplica(WESTEU, 'ab'))).toMatchObject({ status: 400 });
    expect(await caught(arm.topology.listRegistries({ subscriptionId: 'nope' }))).toMatchObject({ status: 400 });
    expect(sb.requests).toEqual([]);
  });
});

describe('toAzureError', () => {
  const ctx = { operation: 'read registry', resourceId: CONTOSO };
  const restError = (statusCode: number, code: string, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`${code} happened`), {
      name: 'RestError',
      statusCode,
      code,
      response: { status: statusCode, headers: { get: (n: string) => headers[n.toLowerCase()] } },
    });

  it('maps statuses', () => {
    expect(toAzureError(restError(403, 'AuthorizationFailed', { 'x-ms-request-id': 'rid-1' }), ctx)).toMatchObject({
      status: 403,
      upstreamRequestId: 'rid-1',
    });
    expect(toAzureError(restError(403, 'AuthorizationFailed'), ctx)).toBeInstanceOf(AzureForbiddenError);
    expect(toAzureError(restError(504, 'GatewayTimeout'), ctx).status).toBe(504);
    expect(toAzureError(restError(429, 'TooManyRequests', { 'retry-after': '7' }), ctx)).toMatchObject({ status: 503, retryAfterSeconds: 7 });
    expect(toAzureError(restError(501, 'NotImplemented'), ctx).status).toBe(502);
    expect(toAzureError(new Error('socket hang up'), ctx)).toMatchObject({ status: 502, name: 'AzureUpstreamError' });
    expect(toAzureError('a string', ctx)).toBeInstanceOf(AzureUpstreamError);
    const already = new RegistryNotFoundError(CONTOSO);
    expect(toAzureError(already, ctx)).toBe(already);
  });
});

describe('contract', () => {
  it('all exchanges of this file (errors included) validate against the official specs', async () => {
    seen.push(...sb.requests);
    const results = await (await createContractValidator()).validateExchanges(seen);
    expect(results.some((r) => r.statusCode === 429)).toBe(true);
    expect(results.some((r) => r.statusCode === 500)).toBe(true);
    expect(results.some((r) => r.statusCode === 401)).toBe(true);
    expect(results.filter((r) => !r.ok).map((r) => ({ op: r.operationId, status: r.statusCode, url: r.url, issues: r.issues }))).toEqual([]);
  });
});
