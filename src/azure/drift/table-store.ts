/**
 * Azure Table storage DriftReportStore, table `driftreports` (DRIFT_REPORTS_TABLE):
 *
 * | PartitionKey        | RowKey         | row                                            |
 * |---------------------|----------------|------------------------------------------------|
 * | `r|<registry key>`  | runId          | the report of that registry in that run        |
 * | `latest`            | registry key   | a copy of the registry's newest report         |
 * | `run|<runId>`       | registry key   | the small index entry (status, severity, codes) |
 * | `runs`              | runId          | the run record                                 |
 *
 * The registry key is the lower-case resource id with `/` → `|` (keys may not
 * contain `/`). Every key is deterministic from (registryId, runId), so storing
 * a report again (a re-processed queue message) overwrites the same rows: one
 * row per registry per run, never two. Run ids sort by time, so history is one
 * partition query. `latest` is replaced only by a report of the same or a newer
 * run (ETag-conditional), so a late retry of an old run cannot hide a newer one.
 * Reports are JSON in `doc0..docN` (≤ 30,000 characters each: a string property
 * holds at most 64 KiB).
 */
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { DriftReport } from '../../model/drift/types';
import { fleetSourceOf, type FleetSource } from '../../model/drift/fleet';
import type { StorageConnection } from '../store/config';
import { StoreUnavailableError, storageStatusOf, toStoreError } from '../store/errors';
import { entryOf } from './entries';
import type { DriftReportStore, DriftRun, DriftRunEntry } from '../../app/ports/drift';
import { registryRowKey } from './row-key';

function loadTables(): typeof import('@azure/data-tables') {
  return require('@azure/data-tables') as typeof import('@azure/data-tables');
}

const CHUNK = 30_000;
const LATEST = 'latest';
const RUNS = 'runs';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

function withDoc(row: Row, value: unknown): Row {
  const text = JSON.stringify(value);
  const n = Math.max(1, Math.ceil(text.length / CHUNK));
  row['chunks'] = n;
  for (let i = 0; i < n; i++) row[`doc${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return row;
}

function docOf<T>(e: Record<string, unknown>): T {
  const n = Number(e['chunks'] ?? 1);
  let text = '';
  for (let i = 0; i < n; i++) text += String(e[`doc${i}`] ?? '');
  return JSON.parse(text) as T;
}

const statusOf = storageStatusOf;

/** Runs table I/O: storage failures become StoreUnavailableError (503 + Retry-After), anything else passes through. */
async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toStoreError(e, what, 'drift report store');
  }
}

export interface TableDriftReportStoreOptions {
  connection?: StorageConnection;
  /** Injected client (tests). */
  client?: TableClient;
  credential?: TokenCredential;
  tableName?: string;
}

export class TableDriftReportStore implements DriftReportStore {
  private client: TableClient | undefined;
  private ready: Promise<TableClient> | undefined;

  constructor(private readonly opts: TableDriftReportStoreOptions) {
    this.client = opts.client;
  }

  private table(): Promise<TableClient> {
    this.ready ??= (async () => {
      let client = this.client;
      if (!client) {
        const { TableClient } = loadTables();
        const conn = this.opts.connection;
        const name = this.opts.tableName ?? 'driftreports';
        if (!conn) throw new StoreUnavailableError('drift report store unavailable: no storage connection (AzureWebJobsStorage)');
        if (conn.kind === 'connectionString') {
          client = TableClient.fromConnectionString(conn.connectionString, name, { allowInsecureConnection: conn.insecure });
        } else {
          let credential = this.opts.credential;
          if (!credential) {
            const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
            credential = conn.clientId ? new DefaultAzureCredential({ managedIdentityClientId: conn.clientId }) : new DefaultAzureCredential();
          }
          client = new TableClient(conn.tableServiceUri, name, credential);
        }
      }
      try {
        await client.createTable();
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
      }
      this.client = client;
      return client;
    })().catch((e: unknown) => {
      this.ready = undefined; // retry on next call
      throw toStoreError(e, 'initialising', 'drift report store');
    });
    return this.ready;
  }

  private async query<T extends Record<string, unknown>>(partitionKey: string): Promise<TableEntityResult<T>[]> {
    const t = await this.table();
    const { odata } = loadTables();
    return io('query', async () => {
      const out: TableEntityResult<T>[] = [];
      for await (const e of t.listEntities<T>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } })) out.push(e);
      return out;
    });
  }

  async put(report: DriftReport): Promise<void> {
    const t = await this.table();
    const key = registryRowKey(report.registryId);
    const base = { registryId: report.registryId, runId: report.runId, status: report.status, checkedAt: report.checkedAt, summary: report.summary.slice(0, 1000) };
    await io('put', async () => {
      // Three independent rows (each write idempotent): written concurrently.
      const entry = entryOf(report);
      await Promise.all([
        t.upsertEntity(withDoc({ partitionKey: `r|${key}`, rowKey: report.runId, ...base }, report), 'Replace'),
        t.upsertEntity(withDoc({ partitionKey: `run|${report.runId}`, rowKey: key, ...base }, entry), 'Replace'),
        this.putLatest(t, key, base, report),
      ]);
    });
  }

  /**
   * Reports of one run together: the per-registry history rows one by one (one partition each),
   * the run's index rows and the `latest` rows in entity-group transactions (≤ 100 rows, ≤ 2 MiB
   * each). `latest` rows are not replaced for registries whose latest report is from a newer run
   * (one query finds them first); a newer run writing the same registry between that query and the
   * transaction is the one case this path does not order — the next run writes it again.
   */
  async putMany(reports: DriftReport[]): Promise<void> {
    if (reports.length === 0) return;
    const byRun = new Map<string, DriftReport[]>();
    for (const r of reports) {
      const list = byRun.get(r.runId);
      if (list) list.push(r);
      else byRun.set(r.runId, [r]);
    }
    const t = await this.table();
    const { odata } = loadTables();
    await io('putMany', async () => {
      for (const [runId, group] of byRun) {
        const rows = group.map((report) => {
          const key = registryRowKey(report.registryId);
          const base = { registryId: report.registryId, runId: report.runId, status: report.status, checkedAt: report.checkedAt, summary: report.summary.slice(0, 1000) };
          return { key, report, base };
        });
        const newer = new Set<string>();
        for await (const e of t.listEntities<{ runId: string }>({ queryOptions: { filter: odata`PartitionKey eq ${LATEST} and runId gt ${runId}`, select: ['RowKey'] } })) {
          if (e.rowKey) newer.add(e.rowKey);
        }
        await Promise.all([
          ...rows.map(({ key, report, base }) => t.upsertEntity(withDoc({ partitionKey: `r|${key}`, rowKey: report.runId, ...base }, report), 'Replace')),
          this.transact(t, rows.map(({ key, report, base }) => withDoc({ partitionKey: `run|${runId}`, rowKey: key, ...base }, entryOf(report)))),
          this.transact(t, rows.filter(({ key }) => !newer.has(key)).map(({ key, report, base }) => withDoc({ partitionKey: LATEST, rowKey: key, ...base, fleet: JSON.stringify(fleetSourceOf(report)) }, report))),
        ]);
      }
    });
  }

  /** Upserts rows of one partition in transactions of ≤ 100 rows and ≤ 2 MiB of documents. */
  private async transact(t: TableClient, rows: Row[]): Promise<void> {
    let batch: Row[] = [];
    let size = 0;
    const flush = async () => {
      if (!batch.length) return;
      const actions = batch.map((r) => ['upsert', r, 'Replace'] as ['upsert', Row, 'Replace']);
      batch = [];
      size = 0;
      await t.submitTransaction(actions);
    };
    for (const r of rows) {
      const bytes = JSON.stringify(r).length;
      if (batch.length >= 100 || size + bytes > 2 * 1024 * 1024) await flush();
      batch.push(r);
      size += bytes;
    }
    await flush();
  }

  private async putLatest(t: TableClient, key: string, base: Record<string, unknown>, report: DriftReport): Promise<void> {
    const row = withDoc({ partitionKey: LATEST, rowKey: key, ...base, fleet: JSON.stringify(fleetSourceOf(report)) }, report);
    for (let attempt = 0; attempt < 8; attempt++) {
      let existing: TableEntityResult<Record<string, unknown>> | null = null;
      try {
        existing = await t.getEntity<Record<string, unknown>>(LATEST, key);
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
      try {
        if (!existing) {
          await t.createEntity(row);
        } else {
          if (String(existing['runId'] ?? '') > report.runId) return; // a newer run is already there
          await t.updateEntity(row, 'Replace', { etag: existing.etag });
        }
        return;
      } catch (e) {
        const s = statusOf(e);
        if (s !== 409 && s !== 412) throw e;
      }
    }
    throw new Error(`could not update the latest drift report of ${report.registryId}: too much contention`);
  }

  async latest(): Promise<DriftReport[]> {
    const rows = await this.query(LATEST);
    return rows.sort((a, b) => (a.rowKey ?? '').localeCompare(b.rowKey ?? '')).map((e) => docOf<DriftReport>(e));
  }

  /** The `fleet` column of the latest rows only (a few hundred bytes each, not the reports); rows written before it existed are read whole. */
  async latestFleet(): Promise<FleetSource[]> {
    const t = await this.table();
    const { odata } = loadTables();
    return io('query', async () => {
      const out: FleetSource[] = [];
      const old: string[] = [];
      for await (const e of t.listEntities<{ fleet?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${LATEST}`, select: ['RowKey', 'fleet'] } })) {
        if (typeof e.fleet === 'string') out.push(JSON.parse(e.fleet) as FleetSource);
        else if (e.rowKey) old.push(e.rowKey);
      }
      for (const key of old) out.push(fleetSourceOf(docOf<DriftReport>(await t.getEntity<Record<string, unknown>>(LATEST, key))));
      return out.sort((a, b) => registryRowKey(a.registryId).localeCompare(registryRowKey(b.registryId)));
    });
  }

  async history(registryId: string, limit = 100): Promise<DriftReport[]> {
    const rows = await this.query(`r|${registryRowKey(registryId)}`);
    return rows
      .sort((a, b) => (b.rowKey ?? '').localeCompare(a.rowKey ?? ''))
      .slice(0, limit)
      .map((e) => docOf<DriftReport>(e));
  }

  async runEntries(runId: string): Promise<DriftRunEntry[]> {
    const rows = await this.query(`run|${runId}`);
    return rows.map((e) => docOf<DriftRunEntry>(e)).sort((a, b) => a.registryId.localeCompare(b.registryId));
  }

  async putRun(run: DriftRun): Promise<void> {
    const t = await this.table();
    await io('putRun', () => t.upsertEntity(withDoc({ partitionKey: RUNS, rowKey: run.runId, startedAt: run.startedAt, expected: run.expected }, run), 'Replace'));
  }

  async getRun(runId: string): Promise<DriftRun | null> {
    const t = await this.table();
    return io('getRun', async () => {
      try {
        return docOf<DriftRun>(await t.getEntity<Record<string, unknown>>(RUNS, runId));
      } catch (e) {
        if (statusOf(e) === 404) return null;
        throw e;
      }
    });
  }

  async listRuns(limit = 50): Promise<DriftRun[]> {
    const rows = await this.query(RUNS);
    return rows
      .sort((a, b) => (b.rowKey ?? '').localeCompare(a.rowKey ?? ''))
      .slice(0, limit)
      .map((e) => docOf<DriftRun>(e));
  }
}
