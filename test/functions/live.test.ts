/**
 * The planning handlers on a live registry, against the ARM sandbox through the
 * real @azure/arm-containerregistry / @azure/arm-monitor clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../../devhost/sandbox';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { recommendations } from '../../src/functions/recommendations';
import { estimate } from '../../src/functions/estimate';
import { registries } from '../../src/functions/registries';
import { mapSvg } from '../../src/functions/map-svg';
import { invoke } from '../helpers/invoke';
import { expectContractClean } from '../helpers/contract';
import type { RecordedExchange } from '../../devhost/sandbox/types';

/** Every ARM exchange of this file, for the contract check at the end. */
const seen: RecordedExchange[] = [];

let sandbox: ArmSandbox;
const contosoId = registryResourceId('contoso');

beforeAll(async () => {
  sandbox = await startArmSandbox({ port: 0 });
  const env = { ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 'test-token', ARM_MAX_RETRIES: '3' };
  setServices(createServices(readSettings(env)));
});
afterEach(() => {
  seen.push(...sandbox.requests);
  sandbox.faults.set([]);
  sandbox.resetRequests();
});
afterAll(async () => {
  setServices();
  await sandbox.close();
});

describe('planning on a live registry (ARM sandbox)', () => {
  it('recommends from the registry id, deriving volumes from its pull metrics, with the assumptions listed', async () => {
    const res = await invoke(recommendations, {
      body: {
        registry: { id: contosoId },
        workloads: [
          { region: 'westus', share: 0.4 },
          { region: 'eastus', share: 0.3 },
          { region: 'westeurope', share: 0.3 },
        ],
        avgPullSizeMB: 300,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.registryId).toBe(contosoId);
    expect(res.json.optimality.status).toBe('proved');
    expect(res.json.current.topology).toMatchObject({ homeRegion: 'westus', sku: 'Standard', replicas: [] });
    const text = res.json.assumptions.join('\n');
    expect(text).toMatch(/TotalPullCount/);
    expect(text).toMatch(/no bytes-pulled metric/);
    const w = res.json.recommended.estimate.workloads;
    expect(w[0].volumeSource).toMatch(/share 0.4 × 300 MB/);
    // the derived volume is pulls/month × share × MB / 1000, from what the sandbox served
    const metricsCalls = sandbox.requests.filter((r) => r.request.url.includes('Microsoft.Insights/metrics'));
    expect(metricsCalls.length).toBeGreaterThan(0);
    expect(w[1].pullGBPerMonth / w[0].pullGBPerMonth).toBeCloseTo(0.75, 3);
  });

  it('splits the pulls equally between workloads that give no share', async () => {
    const res = await invoke(estimate, { body: { registry: { id: contosoId }, workloads: [{ region: 'westus' }, { region: 'eastus' }], avgPullSizeMB: 100 } });
    expect(res.status).toBe(200);
    expect(res.json.workloads[0].pullGBPerMonth).toBeCloseTo(res.json.workloads[1].pullGBPerMonth, 3);
    expect(res.json.assumptions.join(' ')).toMatch(/split the remaining 100.0%/);
  });

  it('reads the live topology of a geo-replicated registry', async () => {
    const res = await invoke(registries, { path: 'registries/x/y/z', params: { subscription: '00000000-0000-0000-0000-000000000000', resourceGroup: 'contoso-rg', name: 'contosowesteu' } });
    expect(res.status).toBe(200);
    expect(res.json.topology.homeRegion).toBe('westeurope');
    expect(res.json.topology.sku).toBe('Premium');
    expect(res.json.topology.replicas.length).toBeGreaterThan(0);
    expect(res.json.metrics.pullsPerMonth).toBeGreaterThan(0);
  });

  it('answers 404 problem for a registry that does not exist', async () => {
    const res = await invoke(estimate, { body: { registry: { id: registryResourceId('nosuchregistry') }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('retries a 429 with Retry-After and succeeds', async () => {
    sandbox.faults.set({ registry: 'contoso', throttle: { count: 1, retryAfterSeconds: 1 } });
    const started = Date.now();
    const res = await invoke(estimate, { body: { registry: { id: contosoId, storageGiB: 10 }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] } });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const throttled = sandbox.requests.filter((r) => r.response.statusCode === 429);
    expect(throttled.length).toBe(1);
  });

  it('turns a persistent 500 into a 502/503 problem carrying the upstream request id, and keeps serving', async () => {
    sandbox.faults.set({ registry: 'contoso', serverError: { persistent: true } });
    const res = await invoke(estimate, { body: { registry: { id: contosoId, storageGiB: 10 }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] } });
    expect([502, 503]).toContain(res.status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.upstreamRequestId).toEqual(expect.any(String));
    sandbox.faults.set([]);
    const again = await invoke(estimate, { body: { registry: { id: contosoId, storageGiB: 10 }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] } });
    expect(again.status).toBe(200);
  }, 60_000);
});

describe('GET /api/map.svg?registry=', () => {
  it('draws the live registry', async () => {
    const res = await invoke(mapSvg, { method: 'GET', query: { registry: registryResourceId('contosowesteu') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.text).toMatch(/data-region="westeurope"[^>]*data-state="home"|data-state="home"[^>]*data-region="westeurope"/);
    const bad = await invoke(mapSvg, { method: 'GET', query: { registry: 'nope' } });
    expect(bad.status).toBe(400);
  });
});

describe('contract', () => {
  it('every ARM exchange of this file validates against the official Swagger (zero violations)', async () => {
    await expectContractClean(seen);
  }, 60_000);
});
