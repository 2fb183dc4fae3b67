import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../../src/catalog';
import { checkDrift, configurationFindings, economicDrift, healthFindings, newRunId, runIdTime, isRunId, summarize, matchesFilter } from '../../../src/model/drift';
import type { DriftInput, DriftLiveRegistry, DriftMetrics } from '../../../src/model/drift';
import type { Topology } from '../../../src/model/types';

const GIB = 1024 ** 3;
const catalog = shippedCatalog();
const ctx = { catalog, prices: shippedPrices() };
const ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso';

function live(replicas: Array<Partial<DriftLiveRegistry['replicas'][number]> & { location: string }> = [], home = 'eastus', sku = 'Premium'): DriftLiveRegistry {
  return {
    id: ID,
    name: 'contoso',
    location: home,
    sku,
    zoneRedundancy: false,
    replicas: replicas.map((r) => ({ name: r.location, regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready', ...r })),
  };
}

function topo(l: DriftLiveRegistry): Topology {
  return {
    homeRegion: l.location,
    sku: l.sku as Topology['sku'],
    homeZoneRedundancy: l.zoneRedundancy,
    replicas: l.replicas.map((r) => ({ region: r.location, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy })).sort((a, b) => a.region.localeCompare(b.region)),
  };
}

function metrics(dailyPulls: number, storage: Record<string, number | null> = {}): DriftMetrics {
  return { days: 30, totalPullCount: dailyPulls * 30, daysWithData: 30, storageUsedBytesByGeolocation: storage };
}

function input(l: DriftLiveRegistry, over: Partial<DriftInput> = {}): DriftInput {
  return {
    registryId: ID,
    runId: '20260110T060000Z-0000abcd',
    checkedAt: '2026-01-10T06:00:01.000Z',
    live: l,
    topology: topo(l),
    appliedPlan: null,
    metrics: metrics(50_000, { [l.location]: 100 * GIB, ...Object.fromEntries(l.replicas.map((r) => [r.location, 100 * GIB])) }),
    settings: { avgPullSizeMB: 200, savingThreshold: 25, storageLagPercent: 10 },
    ...over,
  };
}

describe('configuration drift', () => {
  const target: Topology = {
    homeRegion: 'eastus',
    sku: 'Premium',
    homeZoneRedundancy: false,
    replicas: [
      { region: 'westeurope', regionEndpointEnabled: true, zoneRedundancy: false },
      { region: 'southeastasia', regionEndpointEnabled: true, zoneRedundancy: true },
    ],
  };
  it('no applied plan → one info finding, nothing to compare with', () => {
    const f = configurationFindings(topo(live()), null);
    expect(f).toEqual([expect.objectContaining({ kind: 'configuration', severity: 'info', code: 'NO_APPLIED_PLAN' })]);
    expect(f[0]?.message).toMatch(/nothing to compare|no approved topology/i);
  });
  it('matches the plan → no finding', () => {
    const l = live([{ location: 'westeurope' }, { location: 'southeastasia', zoneRedundancy: true }]);
    expect(configurationFindings(topo(l), { id: 'p1', target })).toEqual([]);
  });
  it('missing, extra, endpoint disabled, zone redundancy, SKU', () => {
    const l = live([{ location: 'westeurope', regionEndpointEnabled: false }, { location: 'japaneast' }], 'eastus');
    const codes = configurationFindings(topo(l), { id: 'p1', target }).map((f) => `${f.code}:${f.region ?? ''}:${f.severity}`);
    expect(codes).toEqual(['REPLICA_MISSING:southeastasia:critical', 'ENDPOINT_DISABLED:westeurope:warning', 'REPLICA_EXTRA:japaneast:warning']);
    const zr = live([{ location: 'westeurope' }, { location: 'southeastasia', zoneRedundancy: false }]);
    expect(configurationFindings(topo(zr), { id: 'p1', target }).map((f) => f.code)).toEqual(['ZONE_REDUNDANCY_DIFFERS']);
    const std = topo(live([], 'eastus', 'Standard'));
    const f = configurationFindings(std, { id: 'p1', target });
    expect(f.find((x) => x.code === 'SKU_CHANGED')?.severity).toBe('critical');
  });
});

describe('health drift', () => {
  it('not Ready, provisioning Failed, replica behind', () => {
    const l = live([
      { location: 'westeurope', displayStatus: 'Syncing' },
      { location: 'japaneast', provisioningState: 'Failed', displayStatus: 'Failed' },
      { location: 'brazilsouth' },
      { location: 'uksouth' },
    ]);
    const m = metrics(1000, { eastus: 100 * GIB, westeurope: 99 * GIB, japaneast: 100 * GIB, brazilsouth: 80 * GIB, uksouth: 95 * GIB });
    const f = healthFindings(l, m, 10);
    const codes = new Set(f.map((x) => `${x.code}:${x.region}`));
    expect(codes).toEqual(new Set(['REPLICA_PROVISIONING_FAILED:japaneast', 'REPLICA_BEHIND:brazilsouth', 'REPLICA_NOT_READY:westeurope']));
    expect(f.find((x) => x.code === 'REPLICA_BEHIND')?.message).toMatch(/20\.0% less; threshold 10%/);
  });
  it('unknown storage is a note, not drift', () => {
    const f = healthFindings(live([{ location: 'westeurope' }]), metrics(1000, { eastus: 10 * GIB }), 10);
    expect(f).toEqual([expect.objectContaining({ code: 'STORAGE_LAG_UNKNOWN', severity: 'info', region: 'westeurope' })]);
  });
});

describe('economic drift', () => {
  it('without DRIFT_AVG_PULL_SIZE_MB → unknown (info), never invented', () => {
    const r = economicDrift(input(live([{ location: 'westeurope' }]), { settings: { savingThreshold: 25, storageLagPercent: 10 } }), ctx);
    expect(r.economics.status).toBe('unknown');
    expect(r.economics.monthlySaving).toBeUndefined();
    expect(r.findings).toEqual([expect.objectContaining({ kind: 'economic', severity: 'info', code: 'ECONOMICS_UNKNOWN' })]);
    expect(r.findings[0]?.message).toMatch(/DRIFT_AVG_PULL_SIZE_MB/);
  });
  it('no pull data → unknown', () => {
    const r = economicDrift(input(live(), { metrics: { days: 30, totalPullCount: null, daysWithData: 0, storageUsedBytesByGeolocation: {} } }), ctx);
    expect(r.economics.status).toBe('unknown');
  });
  it('busy replicas pay for themselves → no economic drift; assumptions stated', () => {
    const r = economicDrift(input(live([{ location: 'westeurope' }]), { metrics: metrics(200_000, { eastus: 100 * GIB, westeurope: 100 * GIB }) }), ctx);
    expect(r.economics.status).toBe('evaluated');
    expect(r.findings).toEqual([]);
    expect(r.economics.replicas?.[0]?.marginalMonthlyValue).toBeGreaterThan(0);
    const a = r.economics.assumptions.join('\n');
    expect(a).toMatch(/equal share/);
    expect(a).toMatch(/200 MB/);
    expect(a).toMatch(/TotalPullCount/);
  });
  it('a quiet replica below break-even and a saving above the threshold', () => {
    const r = economicDrift(input(live([{ location: 'westeurope' }]), { metrics: metrics(100, { eastus: 10 * GIB, westeurope: 10 * GIB }) }), ctx);
    const codes = r.findings.map((f) => `${f.code}:${f.region ?? ''}`);
    expect(codes).toEqual(['SAVING_AVAILABLE:', 'REPLICA_BELOW_BREAK_EVEN:westeurope']);
    expect(r.economics.changes?.remove).toEqual(['westeurope']);
    expect(r.economics.monthlySaving).toBeGreaterThan(25);
    expect(r.findings[1]?.message).toMatch(/below its break-even/);
  });
  it('uses the workloads recorded with the applied plan', () => {
    const l = live([{ location: 'westeurope' }]);
    const r = economicDrift(input(l, { appliedPlan: { id: 'p9', target: topo(l), workloads: [{ region: 'eastus', share: 0.1 }, { region: 'westeurope', share: 0.9 }] } }), ctx);
    expect(r.economics.assumptions.join(' ')).toMatch(/recorded with applied plan p9 \(eastus 10\.0%, westeurope 90\.0%\)/);
  });
  it('threshold: a saving below it is not drift', () => {
    const l = live([{ location: 'westeurope' }]);
    const r = economicDrift(input(l, { metrics: metrics(100, {}), settings: { avgPullSizeMB: 200, savingThreshold: 1000, storageLagPercent: 10 } }), ctx);
    expect(r.findings.map((f) => f.code)).toEqual(['REPLICA_BELOW_BREAK_EVEN']);
  });
});

describe('report', () => {
  it('ok with notes, drifted with a summary line', () => {
    const ok = checkDrift(input(live([{ location: 'westeurope' }]), { metrics: metrics(200_000, { eastus: GIB, westeurope: GIB }) }), ctx);
    expect(ok.status).toBe('ok');
    expect(ok.summary).toBe('contoso: no drift (1 note)');
    const l = live([{ location: 'westeurope', displayStatus: 'Syncing' }]);
    const bad = checkDrift(input(l, { metrics: metrics(200_000, { eastus: GIB, westeurope: GIB }) }), ctx);
    expect(bad.status).toBe('drifted');
    expect(bad.summary).toMatch(/^contoso: drifted \(warning; health\): Replica westeurope is Syncing/);
    expect(matchesFilter(bad, ['health'], ['warning'])).toBe(true);
    expect(matchesFilter(bad, ['economic'], [])).toBe(false);
    expect(matchesFilter(bad, [], ['critical'])).toBe(false);
  });
  it('summarize an error and run ids', () => {
    expect(summarize('error', [])).toBe('check failed');
    const id = newRunId(new Date(Date.UTC(2026, 0, 2, 6, 0, 0)), () => 0.5);
    expect(id).toBe('20260102T060000Z-80000000');
    expect(isRunId(id)).toBe(true);
    expect(runIdTime(id)?.toISOString()).toBe('2026-01-02T06:00:00.000Z');
  });
});

describe('economic drift of a replica with routing disabled', () => {
  it('names the routing change the saving comes from', () => {
    const l = live([{ location: 'westus2', regionEndpointEnabled: false }, { location: 'westeurope' }]);
    const r = economicDrift(input(l, { metrics: metrics(40_000, {}) }), ctx);
    const saving = r.findings.find((f) => f.code === 'SAVING_AVAILABLE');
    expect(saving?.message).toMatch(/enable routing to westus2/);
    expect(r.economics.changes?.enableRouting).toEqual(['westus2']);
    expect(r.findings.find((f) => f.code === 'REPLICA_BELOW_BREAK_EVEN' && f.region === 'westus2')?.message).toMatch(/routing disabled/);
  });
});
