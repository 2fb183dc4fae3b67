/** TableDriftReportStore against Azurite (in memory, free ports), and the same contract on the in-memory store. */
import { describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { useAzurite } from '../../helpers/azurite';
import { InMemoryDriftReportStore, TableDriftReportStore, registryRowKey } from '../../../src/azure/drift';
import type { DriftReportStore } from '../../../src/app/ports/drift';
import { errorReport } from '../../../src/model/drift';
import { fleetSourceOf } from '../../../src/model/drift/fleet';
import type { DriftReport } from '../../../src/model/drift';

let n = 0;

const azurite = useAzurite();

const A = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/alpha';
const B = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/bravo';
const RUN1 = '20260101T060000Z-00000001';
const RUN2 = '20260102T060000Z-00000002';

function report(registryId: string, runId: string, status: DriftReport['status'] = 'ok', extra: Partial<DriftReport> = {}): DriftReport {
  return {
    registryId,
    registryName: registryId.split('/').at(-1)!,
    runId,
    checkedAt: '2026-01-01T06:00:01.000Z',
    status,
    findings: status === 'drifted' ? [{ kind: 'configuration', severity: 'critical', code: 'REPLICA_MISSING', region: 'eastus', message: 'Replica eastus is missing.' }] : [],
    summary: status,
    ...extra,
  };
}

function tableName(): string {
  n += 1;
  return `driftreports${process.pid}x${n}`;
}

function contract(name: string, make: () => DriftReportStore) {
  describe(`DriftReportStore contract: ${name}`, () => {
    it('is idempotent per (registry, run): storing again overwrites, never duplicates', async () => {
      const s = make();
      await s.put(report(A, RUN1, 'ok'));
      await s.put(report(A, RUN1, 'drifted'));
      await s.put(report(A.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), RUN1, 'drifted'));
      const h = await s.history(A);
      expect(h).toHaveLength(1);
      expect(h[0]?.status).toBe('drifted');
      expect(await s.runEntries(RUN1)).toHaveLength(1);
      expect(await s.latest()).toHaveLength(1);
    });
    it('latest per registry is the newest run; an old run re-processed late does not replace it', async () => {
      const s = make();
      for (const [runId, startedAt] of [[RUN1, '2026-01-01T06:00:00.000Z'], [RUN2, '2026-01-02T06:00:00.000Z']] as const) {
        await s.putRun({ runId, startedAt, trigger: 'timer', expected: 2, sources: { registryIds: 2, subscriptions: [] }, listErrors: [] });
      }
      await s.put(report(A, RUN2, 'drifted'));
      await s.put(report(A, RUN1, 'ok'));
      await s.put(report(B, RUN1, 'ok'));
      const latest = await s.latest();
      expect(latest.map((r) => `${r.registryName}:${r.runId}`)).toEqual([`alpha:${RUN2}`, `bravo:${RUN1}`]);
      expect((await s.history(A)).map((r) => r.runId)).toEqual([RUN2, RUN1]);
      expect((await s.history(A, 1)).map((r) => r.runId)).toEqual([RUN2]);
      const entries = await s.runEntries(RUN1);
      expect(entries.map((e) => e.registryId)).toEqual([A, B]);
      const e2 = await s.runEntries(RUN2);
      expect(e2[0]).toMatchObject({ status: 'drifted', severity: 'critical', kinds: ['configuration'], codes: ['REPLICA_MISSING'] });
    });
    it('keeps large reports whole and stores runs', async () => {
      const s = make();
      const big = report(B, RUN2, 'drifted', { summary: 'x'.repeat(100), economics: { status: 'unknown', savingThreshold: 25, assumptions: Array.from({ length: 400 }, (_, i) => `assumption ${i} ${'y'.repeat(200)}`) } });
      await s.put(big);
      const [got] = await s.history(B);
      expect(got).toEqual(big);
      await s.put(errorReport({ registryId: A, runId: RUN2, checkedAt: '2026-01-02T06:00:00.000Z', message: 'throttled', status: 503, attempts: 5 }));
      expect((await s.history(A))[0]?.error).toEqual({ message: 'throttled', status: 503, attempts: 5 });
      await s.putRun({ runId: RUN1, startedAt: '2026-01-01T06:00:00.000Z', trigger: 'timer', expected: 2, sources: { registryIds: 2, subscriptions: [] }, listErrors: [] });
      await s.putRun({ runId: RUN2, startedAt: '2026-01-02T06:00:00.000Z', trigger: 'timer', expected: 2, sources: { registryIds: 2, subscriptions: [] }, listErrors: [], finalizedAt: 'x' });
      expect((await s.getRun(RUN2))?.finalizedAt).toBe('x');
      expect(await s.getRun('20990101T000000Z-00000000')).toBeNull();
      expect((await s.listRuns()).map((r) => r.runId)).toEqual([RUN2, RUN1]);
    });
  });
}

contract('memory', () => new InMemoryDriftReportStore());
contract('Azure Table storage (Azurite)', () => new TableDriftReportStore({ connection: { kind: 'connectionString', connectionString: azurite().connectionString, insecure: true }, tableName: tableName() }));

describe('Table layout', () => {
  it('one row per registry per run (+ latest + run index), keys without slashes', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: { kind: 'connectionString', connectionString: azurite().connectionString, insecure: true }, tableName: name });
    for (let i = 0; i < 3; i++) await s.put(report(A, RUN1, 'drifted'));
    await s.put(report(A, RUN2));
    const t = TableClient.fromConnectionString(azurite().connectionString, name, { allowInsecureConnection: true });
    const rows: Array<{ partitionKey?: string; rowKey?: string }> = [];
    for await (const e of t.listEntities()) rows.push(e);
    const keys = rows.map((r) => `${r.partitionKey} ${r.rowKey}`).sort();
    const k = registryRowKey(A);
    expect(k).not.toContain('/');
    // the run's and the latest partitions of the registry's subscription (s1)
    expect(keys).toEqual([`latest|s1 ${k}`, `run|${RUN1}|s1 ${k}`, `run|${RUN1}|s1 ~done|${k}`, `run|${RUN2}|s1 ${k}`, `run|${RUN2}|s1 ~done|${k}`].sort());
  });
});

const conn = () => ({ kind: 'connectionString' as const, connectionString: azurite().connectionString, insecure: true });
const groupOf = (runId: string, count: number, status: DriftReport['status'] = 'ok') =>
  Array.from({ length: count }, (_, i) => report(`/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r${String(i).padStart(3, '0')}`, runId, status));

async function rowsOf(name: string): Promise<string[]> {
  const t = TableClient.fromConnectionString(azurite().connectionString, name, { allowInsecureConnection: true });
  const out: string[] = [];
  for await (const e of t.listEntities({ queryOptions: { select: ['PartitionKey', 'RowKey'] } })) out.push(`${e.partitionKey} ${e.rowKey}`);
  return out.sort();
}

describe('a check message stored together (putMany, Azurite)', () => {
  it('a group of 60 reports and its done marker: every report once, the progress counts the group, a retried message duplicates nothing', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: conn(), tableName: name });
    await s.putRun({ runId: RUN1, startedAt: '2026-01-01T06:00:00.000Z', trigger: 'test', expected: 60, sources: { registryIds: 60, subscriptions: [] }, listErrors: [] });
    const group = groupOf(RUN1, 60);
    await s.putMany(group, { done: true });
    const first = await rowsOf(name);
    expect(await s.runProgress(RUN1)).toBe(60);
    expect(await s.runEntries(RUN1)).toHaveLength(60);
    expect((await s.latest()).map((r) => r.runId)).toEqual(Array(60).fill(RUN1));
    // the same message processed again (a queue retry), this time with drifted reports: overwritten, not added
    await s.putMany(groupOf(RUN1, 60, 'drifted'), { done: true });
    expect(await rowsOf(name)).toEqual(first);
    expect(await s.runProgress(RUN1)).toBe(60);
    const entries = await s.runEntries(RUN1);
    expect(entries).toHaveLength(60);
    expect(new Set(entries.map((e) => e.status))).toEqual(new Set(['drifted']));
    expect(first.filter((k) => k.startsWith(`run|${RUN1}|s1 ~done|`))).toHaveLength(1);
    expect(await s.history(group[7]!.registryId)).toEqual([expect.objectContaining({ runId: RUN1, status: 'drifted' })]);
  });

  it('reports of two subscriptions: each in its subscription\'s run partition, one marker (in the first report\'s partition); put() marks its one report', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: conn(), tableName: name });
    const other = report('/subscriptions/s2/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/zulu', RUN1);
    await s.putMany([...groupOf(RUN1, 2), other], { done: true });
    const rows = (await rowsOf(name)).filter((k) => k.startsWith('run|'));
    expect(rows.filter((k) => k.startsWith(`run|${RUN1}|s1 subscriptions|s1|`))).toHaveLength(2);
    expect(rows.filter((k) => k.startsWith(`run|${RUN1}|s2 subscriptions|s2|`))).toHaveLength(1);
    expect(rows.filter((k) => k.includes('~done|'))).toEqual([`run|${RUN1}|s1 ~done|${registryRowKey(groupOf(RUN1, 1)[0]!.registryId)}`]);
    expect(await s.runProgress(RUN1)).toBe(3);
    await s.put(report(B, RUN1));
    expect(await s.runProgress(RUN1)).toBe(4);
    expect((await s.runEntries(RUN1)).map((e) => e.registryName)).toEqual(['bravo', 'r000', 'r001', 'zulu']);
  });

  it('a message with failed registries (done: false) records no marker; the retry that completes it does', async () => {
    const s = new TableDriftReportStore({ connection: conn(), tableName: tableName() });
    const group = groupOf(RUN1, 5);
    await s.putMany(group.slice(0, 3));
    expect(await s.runProgress(RUN1)).toBe(0);
    expect(await s.runEntries(RUN1)).toHaveLength(3);
    await s.putMany(group, { done: true });
    expect(await s.runProgress(RUN1)).toBe(5);
    expect(await s.runEntries(RUN1)).toHaveLength(5);
  });

  it('all or nothing: a transaction the service refuses stores none of its reports and no marker', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: conn(), tableName: name });
    const group = groupOf(RUN1, 4);
    // a row the service refuses (a row key over 1 KiB, a property over 64 KiB) makes it refuse the whole transaction
    const bad = { ...group[2]!, registryId: `${group[2]!.registryId}${'x'.repeat(70_000)}` };
    await expect(s.putMany([group[0]!, group[1]!, bad, group[3]!], { done: true })).rejects.toThrow();
    expect(await s.runEntries(RUN1)).toEqual([]);
    expect(await s.runProgress(RUN1)).toBe(0);
    expect((await rowsOf(name)).filter((k) => k.startsWith('run|'))).toEqual([]);
  });

  it('an older run stored after a newer one was recorded does not replace the newer latest reports', async () => {
    const s = new TableDriftReportStore({ connection: conn(), tableName: tableName() });
    const run = (runId: string) => ({ runId, startedAt: '2026-01-01T06:00:00.000Z', trigger: 'test', expected: 3, sources: { registryIds: 3, subscriptions: [] }, listErrors: [] });
    await s.putRun(run(RUN1));
    await s.putMany(groupOf(RUN1, 3), { done: true });
    await s.putRun(run(RUN2));
    await s.putMany(groupOf(RUN2, 2, 'drifted'), { done: true });
    // a late retry of run 1's message: its run rows are rewritten, the latest rows of run 2 stay
    await s.putMany(groupOf(RUN1, 3), { done: true });
    expect((await s.latest()).map((r) => `${r.registryName}:${r.runId}:${r.status}`)).toEqual([`r000:${RUN2}:drifted`, `r001:${RUN2}:drifted`, `r002:${RUN1}:ok`]);
    expect((await s.history(groupOf(RUN1, 1)[0]!.registryId)).map((r) => r.runId)).toEqual([RUN2, RUN1]);
    // the newest run recorded never goes back
    await s.putRun(run(RUN1));
    await s.putMany(groupOf(RUN1, 1), { done: true });
    expect((await s.latest())[0]?.runId).toBe(RUN2);
  });

  it('history still reads reports stored in the older per-registry partition', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: conn(), tableName: name });
    const t = TableClient.fromConnectionString(azurite().connectionString, name, { allowInsecureConnection: true });
    const old = report(A, RUN1, 'drifted');
    await s.putRun({ runId: RUN1, startedAt: '2026-01-01T06:00:00.000Z', trigger: 'test', expected: 1, sources: { registryIds: 1, subscriptions: [] }, listErrors: [] });
    await s.putRun({ runId: RUN2, startedAt: '2026-01-02T06:00:00.000Z', trigger: 'test', expected: 1, sources: { registryIds: 1, subscriptions: [] }, listErrors: [] });
    // as the previous layout wrote run 1: the report in `r|<key>`, only the index entry in the run partition
    await t.upsertEntity({ partitionKey: `r|${registryRowKey(A)}`, rowKey: RUN1, chunks: 1, doc0: JSON.stringify(old) }, 'Replace');
    await t.upsertEntity({ partitionKey: `run|${RUN1}`, rowKey: registryRowKey(A), chunks: 1, doc0: JSON.stringify({ registryId: A, status: 'drifted', severity: 'critical', kinds: ['configuration'], codes: ['REPLICA_MISSING'], summary: 'drifted', checkedAt: old.checkedAt }) }, 'Replace');
    // and its latest row, unsharded then
    await t.upsertEntity({ partitionKey: 'latest', rowKey: registryRowKey(A), chunks: 1, doc0: JSON.stringify(old), fleet: JSON.stringify(fleetSourceOf(old)) }, 'Replace');
    expect((await s.latest()).map((r) => r.runId)).toEqual([RUN1]);
    await s.put(report(A, RUN2, 'ok'));
    expect((await s.history(A)).map((r) => `${r.runId}:${r.status}`)).toEqual([`${RUN2}:ok`, `${RUN1}:drifted`]);
    // one latest report per registry, the newest run's, though the older unsharded row is still there
    expect((await s.latest()).map((r) => `${r.runId}:${r.status}`)).toEqual([`${RUN2}:ok`]);
    expect((await s.latestFleet()).map((f) => f.runId)).toEqual([RUN2]);
    expect(await s.runEntries(RUN1)).toEqual([expect.objectContaining({ registryId: A, status: 'drifted' })]);
  });
});
