/** The fleet snapshot stores (memory; Table storage on Azurite) and the run finalizer writing the snapshot (#16). */
import { describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { useAzurite } from '../../helpers/azurite';
import { InMemoryFleetSnapshotStore, TableFleetSnapshotStore, snapshotRows } from '../../../src/azure/drift/fleet-snapshot';
import { InMemoryDriftReportStore } from '../../../src/azure/drift';
import type { FleetSnapshot, FleetSnapshotStore } from '../../../src/app/ports/fleet-snapshot';
import type { FleetSource } from '../../../src/model/drift/fleet';
import { createServices } from '../../../src/composition';
import { readSettings } from '../../../src/settings';
import { handleRunFinalize } from '../../../src/functions/topology-drift';
import { getFleet } from '../../../src/app/fleet';
import { testContext } from './fleet';

let n = 0;
const azurite = useAzurite();

const RUN1 = '20261129T060000Z-00000001';
const RUN2 = '20261129T070000Z-00000002';
const RUN3 = '20261129T080000Z-00000003';

function sources(count: number, runId: string): FleetSource[] {
  return Array.from({ length: count }, (_, i) => ({
    registryId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/reg${i}`,
    registryName: `reg${i}`,
    location: 'westeurope',
    runId,
    checkedAt: '2026-11-29T06:00:00.000Z',
    status: i % 3 === 0 ? 'drifted' : 'ok',
    severity: i % 3 === 0 ? 'warning' : null,
    economics: i % 5 === 0 ? null : { status: 'evaluated', currency: 'USD', currentMonthlyCost: 150 + i, recommendedMonthlyCost: 100, monthlySaving: 50 + i, optimality: 'proved' },
  }));
}
const snap = (runId: string, builtAt: string, count = 3): FleetSnapshot => ({ runId, builtAt, sources: sources(count, runId) });

function tableName(): string {
  n += 1;
  return `fleetsnap${process.pid}x${n}`;
}

function contract(name: string, make: () => FleetSnapshotStore) {
  describe(`FleetSnapshotStore: ${name}`, () => {
    it('has none at first, then answers the newest whole, 12,000 registries included', async () => {
      const s = make();
      expect(await s.get()).toBeNull();
      const big = snap(RUN1, '2026-11-29T06:30:00.000Z', 12_000);
      await s.put(big);
      expect(await s.get()).toEqual(big);
      const next = snap(RUN2, '2026-11-29T07:30:00.000Z', 5);
      await s.put(next);
      expect(await s.get()).toEqual(next);
    });
    it('an older snapshot written late does not replace a newer one', async () => {
      const s = make();
      const newer = snap(RUN2, '2026-11-29T07:30:00.000Z');
      await s.put(newer);
      if (s instanceof InMemoryFleetSnapshotStore) return; // memory keeps the last put (one process, one finalizer)
      await s.put(snap(RUN1, '2026-11-29T06:30:00.000Z'));
      expect(await s.get()).toEqual(newer);
    });
  });
}

contract('memory', () => new InMemoryFleetSnapshotStore());
contract('Azure Table storage (Azurite)', () => new TableFleetSnapshotStore({ connection: { kind: 'connectionString', connectionString: azurite().connectionString, insecure: true }, tableName: tableName() }));

describe('TableFleetSnapshotStore rows', () => {
  it('cuts 3.5 MB into rows of at most 12 pieces of 30,000 characters and keeps only the current and the previous snapshot', async () => {
    const text = JSON.stringify(snap(RUN1, 'x', 10_000));
    const rows = snapshotRows('id', text);
    expect(text.length).toBeGreaterThan(3_000_000);
    expect(rows.length).toBe(Math.ceil(Math.ceil(text.length / 30_000) / 12));
    expect(rows.every((r) => Object.keys(r).filter((k) => /^p\d+$/.test(k)).length <= 12 && Object.values(r).every((v) => typeof v !== 'string' || v.length <= 30_000))).toBe(true);
    expect(rows.map((r) => Object.keys(r).filter((k) => /^p\d+$/.test(k)).map((k) => r[k] as string).join('')).join('')).toBe(text);

    const name = tableName();
    const s = new TableFleetSnapshotStore({ connection: { kind: 'connectionString', connectionString: azurite().connectionString, insecure: true }, tableName: name });
    await s.put(snap(RUN1, '2026-11-29T06:30:00.000Z', 2000));
    await s.put(snap(RUN2, '2026-11-29T07:30:00.000Z', 2000));
    await s.put(snap(RUN3, '2026-11-29T08:30:00.000Z', 2000));
    const t = TableClient.fromConnectionString(azurite().connectionString, name, { allowInsecureConnection: true });
    const partitions = new Set<string>();
    for await (const e of t.listEntities({ queryOptions: { select: ['PartitionKey'] } })) partitions.add(e.partitionKey ?? '');
    const snapshotPartitions = [...partitions].filter((p) => p.startsWith('fleet|')).map((p) => p.slice('fleet|'.length, 'fleet|'.length + RUN1.length));
    expect(snapshotPartitions.sort()).toEqual([RUN2, RUN3]);
    expect((await s.get())?.runId).toBe(RUN3);
  });
});

describe('the run finalizer and the snapshot', () => {
  const settings = readSettings({ DRIFT_STORE: 'memory', DRIFT_FINALIZE_DELAY_SECONDS: '0' });
  async function finalized(fleetSnapshots: FleetSnapshotStore) {
    const reports = new InMemoryDriftReportStore();
    for (const src of sources(4, RUN1)) await reports.put({ registryId: src.registryId, registryName: src.registryName ?? '', location: 'westeurope', runId: RUN1, checkedAt: src.checkedAt, status: 'ok', findings: [], summary: 'ok' });
    await reports.putRun({ runId: RUN1, startedAt: '2026-11-29T06:00:00.000Z', trigger: 'test', expected: 4, sources: { registryIds: 4, subscriptions: [] }, listErrors: [] });
    const services = createServices(settings, { drift: { reports, fleetSnapshots }, now: () => new Date('2026-11-29T06:10:00.000Z') });
    const logs: string[] = [];
    const outcome = await handleRunFinalize({ runId: RUN1 }, testContext('driftRunFinalize', logs), services);
    return { outcome, logs, reports, services };
  }

  it('stores the snapshot of every latest report; GET /api/fleet reads it and says how old it is', async () => {
    const store = new InMemoryFleetSnapshotStore();
    const { outcome, reports } = await finalized(store);
    expect(outcome).toBe('finalized');
    const got = await store.get();
    expect(got).toMatchObject({ runId: RUN1, builtAt: '2026-11-29T06:10:00.000Z' });
    expect(got?.sources).toEqual(await reports.latestFleet());
    const view = await getFleet({ reports, snapshots: store, now: () => new Date('2026-11-29T06:40:00.000Z') }, {});
    expect(view.snapshot).toEqual({ runId: RUN1, builtAt: '2026-11-29T06:10:00.000Z', ageSeconds: 1800 });
    expect(view.total).toBe(4);
  });

  it('finalizes the run even when the snapshot cannot be stored (a warning; the previous snapshot stays)', async () => {
    const failing: FleetSnapshotStore = { put: () => Promise.reject(new Error('storage down')), get: () => Promise.resolve(null) };
    const { outcome, logs, reports } = await finalized(failing);
    expect(outcome).toBe('finalized');
    expect(logs.some((l) => l.includes('fleet snapshot not stored') && l.includes('storage down'))).toBe(true);
    expect((await reports.getRun(RUN1))?.finalizedAt).toBeDefined();
  });
});
