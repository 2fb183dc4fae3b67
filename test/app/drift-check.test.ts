/** Use case drift-check: one registry of a run, with fake ARM ports, the in-memory report and plan stores and the in-process solver. */
import { describe, expect, it } from 'vitest';
import { driftCheck, lastAppliedPlan, planWorkloads, type DriftCheckDeps } from '../../src/app/drift-check';
import type { DriftSettings } from '../../src/app/drift-deps';
import type { ArmAdapters } from '../../src/app/ports/arm';
import { InMemoryDriftReportStore } from '../../src/azure/drift/memory';
import { InMemoryPlanStore } from '../../src/azure/store/memory';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { newRunId } from '../../src/model/drift/run-id';
import { registryKey } from '../../src/model/registry-id';
import { makePlan, rep, topo } from '../model/plan/fixtures';
import { fakeArm, liveRegistry, pullSummary, spySolver } from './fakes';

const NOW = new Date('2026-02-01T06:00:00.000Z');
const RUN = newRunId(NOW);
const healthy = liveRegistry('healthy1', { replicas: [{ name: 'eastus', location: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready' }] });
const settings: DriftSettings = {
  registryIds: [],
  subscriptions: [],
  avgPullSizeMB: undefined,
  savingThreshold: 25,
  storageLagPercent: 10,
  webhookUrl: undefined,
  webhookAttempts: 1,
  webhookBackoffMs: 1,
  maxDequeueCount: 3,
  finalizeDelaySeconds: 1,
  runDeadlineMinutes: 60,
};

function deps(arm: ArmAdapters, reports = new InMemoryDriftReportStore(), planStore: DriftCheckDeps['planStore'] = () => ({ store: new InMemoryPlanStore() })) {
  const logs: string[] = [];
  const d: DriftCheckDeps = {
    settings,
    reports,
    planStore,
    armLimiter: { run: (task) => task() },
    arm: () => arm,
    solver: () => spySolver(),
    catalog: shippedCatalog(),
    prices: shippedPrices,
    now: () => NOW,
    log: { log: (m) => logs.push(`log ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
  };
  return { d, reports, logs };
}

const failingArm = (status: number | undefined): ArmAdapters => {
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error(status === undefined ? 'socket hang up' : `HTTP ${status}`), status === undefined ? {} : { status, code: status === 404 ? 'RegistryNotFound' : 'AzureUpstreamError' });
  };
  const base = fakeArm([]);
  return { topology: { ...base.topology, getRegistry: fail }, metrics: base.metrics };
};

describe('driftCheck', () => {
  it('checks the registry and stores its report (idempotent per registry and run)', async () => {
    const arm = fakeArm([healthy], { [registryKey(healthy.id)]: pullSummary(100, { westus: 1e9, eastus: 1e9 }) });
    const { d, reports } = deps(arm);
    const report = await driftCheck(d, { message: { runId: RUN, registryId: healthy.id }, attempt: 1 });
    expect(report.registryId).toBe(healthy.id);
    expect(report.runId).toBe(RUN);
    expect(report.checkedAt).toBe(NOW.toISOString());
    expect(report.status).not.toBe('error');
    expect(arm.calls).toEqual([`getRegistry ${healthy.id}`, `getPullSummary ${healthy.id} 30`]);
    await driftCheck(d, { message: { runId: RUN, registryId: healthy.id }, attempt: 2 });
    expect(await reports.history(healthy.id)).toHaveLength(1);
  });

  it('a transient failure is rethrown while attempts remain (nothing stored), then stored as an error report', async () => {
    const { d, reports, logs } = deps(failingArm(503));
    const msg = { runId: RUN, registryId: healthy.id };
    await expect(driftCheck(d, { message: msg, attempt: 1 })).rejects.toThrow('HTTP 503');
    await expect(driftCheck(d, { message: msg, attempt: 2 })).rejects.toThrow('HTTP 503');
    expect(await reports.history(healthy.id)).toEqual([]);
    const last = await driftCheck(d, { message: msg, attempt: 3 });
    expect(last.status).toBe('error');
    expect(last.error).toEqual({ message: 'HTTP 503', status: 503, code: 'AzureUpstreamError', attempts: 3 });
    expect(logs.filter((l) => l.startsWith('warn'))).toHaveLength(3);
  });

  it('a permanent failure (registry gone) is an error report at once; a network error is transient', async () => {
    const gone = deps(failingArm(404));
    const r = await driftCheck(gone.d, { message: { runId: RUN, registryId: healthy.id }, attempt: 1 });
    expect(r.error).toMatchObject({ status: 404, code: 'RegistryNotFound', attempts: 1 });
    const net = deps(failingArm(undefined));
    await expect(driftCheck(net.d, { message: { runId: RUN, registryId: healthy.id }, attempt: 1 })).rejects.toThrow('socket hang up');
  });
});

describe('lastAppliedPlan and planWorkloads', () => {
  it('no plan store: configuration drift is not checked, and the note says why', async () => {
    expect(await lastAppliedPlan({ planStore: () => ({ unavailable: 'no storage' }) }, healthy.id)).toEqual({
      plan: null,
      note: 'Configuration drift not checked: the plan store is unavailable (no storage).',
    });
  });

  it('the newest applied plan with its target and workload shares (from volumes when no shares)', async () => {
    const store = new InMemoryPlanStore();
    const plan = {
      ...makePlan(topo('Premium', []), topo('Premium', [rep('eastus')]), true, { id: 'p-applied', registryId: healthy.id }),
      state: 'applied' as const,
      costAfter: { workloads: [{ region: 'westus', pullGBPerMonth: 300 }, { region: 'eastus', pullGBPerMonth: 100 }] },
    };
    await store.create(plan);
    const found = await lastAppliedPlan({ planStore: () => ({ store }) }, healthy.id);
    expect(found.plan?.id).toBe('p-applied');
    expect(found.plan?.target.replicas.map((r) => r.region)).toEqual(['eastus']);
    expect(found.plan?.workloads).toEqual([
      { region: 'westus', share: 0.75 },
      { region: 'eastus', share: 0.25 },
    ]);
    expect(planWorkloads({ ...plan, costAfter: { workloads: [{ region: 'westus', pullGBPerMonth: null }] } })).toBeUndefined();
  });
});
