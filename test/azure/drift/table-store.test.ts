/** TableDriftReportStore against Azurite (in memory, free ports), and the same contract on the in-memory store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { ensureAzurite, type AzuriteHandle } from '../../../devhost/azurite';
import { InMemoryDriftReportStore, TableDriftReportStore, registryRowKey } from '../../../src/azure/drift';
import type { DriftReportStore } from '../../../src/app/ports/drift';
import { errorReport } from '../../../src/model/drift';
import type { DriftReport } from '../../../src/model/drift';

let azurite: AzuriteHandle;
let n = 0;

beforeAll(async () => {
  azurite = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
});
afterAll(async () => {
  await azurite?.stop();
});

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
contract('Azure Table storage (Azurite)', () => new TableDriftReportStore({ connection: { kind: 'connectionString', connectionString: azurite.connectionString, insecure: true }, tableName: tableName() }));

describe('Table layout', () => {
  it('one row per registry per run (+ latest + run index), keys without slashes', async () => {
    const name = tableName();
    const s = new TableDriftReportStore({ connection: { kind: 'connectionString', connectionString: azurite.connectionString, insecure: true }, tableName: name });
    for (let i = 0; i < 3; i++) await s.put(report(A, RUN1, 'drifted'));
    await s.put(report(A, RUN2));
    const t = TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
    const rows: Array<{ partitionKey?: string; rowKey?: string }> = [];
    for await (const e of t.listEntities()) rows.push(e);
    const keys = rows.map((r) => `${r.partitionKey} ${r.rowKey}`).sort();
    const k = registryRowKey(A);
    expect(k).not.toContain('/');
    expect(keys).toEqual([`latest ${k}`, `r|${k} ${RUN1}`, `r|${k} ${RUN2}`, `run|${RUN1} ${k}`, `run|${RUN2} ${k}`].sort());
  });
});
