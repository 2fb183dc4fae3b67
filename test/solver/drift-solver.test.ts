/**
 * Drift economics through the solver port (src/model/drift economicDriftWith /
 * checkDriftWith, used by the driftCheck queue trigger): same report as the
 * in-process optimizer; a busy or crashed solver is thrown (the queue retries),
 * a solver error of the model makes the economics unknown, as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { checkDrift, checkDriftWith, economicDriftWith, type DriftInput } from '../../src/model/drift';
import { UnsatisfiableError } from '../../src/model/errors';
import { isTransient } from '../../src/model/transient';
import { WorkerPoolSolver } from '../../src/solver/pool';
import { SolverBusyError, SolverCrashedError } from '../../src/solver/port';

const GIB = 1024 ** 3;
const ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso';
const ctx = { catalog: shippedCatalog(), prices: shippedPrices() };
const input: DriftInput = {
  registryId: ID,
  runId: '20260110T060000Z-0000abcd',
  checkedAt: '2026-01-10T06:00:01.000Z',
  live: {
    id: ID,
    name: 'contoso',
    location: 'eastus',
    sku: 'Premium',
    zoneRedundancy: false,
    replicas: ['westeurope', 'southeastasia'].map((location) => ({ name: location, location, regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready' })),
  },
  topology: {
    homeRegion: 'eastus',
    sku: 'Premium',
    homeZoneRedundancy: false,
    replicas: ['southeastasia', 'westeurope'].map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })),
  },
  appliedPlan: null,
  metrics: { days: 30, totalPullCount: 50_000 * 30, daysWithData: 30, storageUsedBytesByGeolocation: { eastus: 100 * GIB, westeurope: 100 * GIB, southeastasia: 100 * GIB } },
  settings: { avgPullSizeMB: 200, savingThreshold: 25, storageLagPercent: 10 },
};

const pool = new WorkerPoolSolver({ size: 1, maxQueue: 1, workerScript: path.resolve(__dirname, '..', '..', 'dist', 'src', 'solver', 'worker.js'), log: () => {} });
afterAll(() => pool.close());

describe('drift economics through the solver port', () => {
  it('gives the same report through the worker pool as in-process', async () => {
    const viaPool = await checkDriftWith(input, ctx, (i, c) => pool.recommend(i, c));
    expect(viaPool.economics?.status).toBe('evaluated');
    expect(viaPool).toEqual(checkDrift(input, ctx));
    expect(pool.stats().completed).toBe(1);
  });

  it('throws a busy or crashed solver (transient: the queue retries the check)', async () => {
    const busy = new SolverBusyError('busy', 3);
    await expect(economicDriftWith(input, ctx, async () => Promise.reject(busy))).rejects.toBe(busy);
    expect(isTransient(busy)).toBe(true);
    const crashed = new SolverCrashedError('died');
    await expect(checkDriftWith(input, ctx, async () => Promise.reject(crashed))).rejects.toBe(crashed);
    expect(isTransient(crashed)).toBe(true);
  });

  it('reports the economics unknown when the optimizer itself fails', async () => {
    const r = await economicDriftWith(input, ctx, async () => Promise.reject(new UnsatisfiableError('nothing to optimise', 'workloads')));
    expect(r.economics).toMatchObject({ status: 'unknown', reason: 'the optimizer could not run: nothing to optimise' });
    expect(r.findings.map((f) => f.code)).toEqual(['ECONOMICS_UNKNOWN']);
  });

  it('does not call the solver when there is nothing to optimise', async () => {
    let calls = 0;
    const r = await economicDriftWith({ ...input, settings: { ...input.settings, avgPullSizeMB: undefined } }, ctx, async () => {
      calls++;
      throw new Error('not expected');
    });
    expect(calls).toBe(0);
    expect(r.economics.status).toBe('unknown');
  });
});
