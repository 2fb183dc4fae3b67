/**
 * Azure Table storage DriftReportStore, table `driftreports` (DRIFT_REPORTS_TABLE):
 *
 * | PartitionKey        | RowKey                   | row                                                   |
 * |---------------------|--------------------------|-------------------------------------------------------|
 * | `run|<runId>|<sub>` | registry key             | the registry's report in that run (`rep0..N`) and its small index entry (`doc0..N`: status, severity, codes); `<sub>`: its subscription |
 * | `run|<runId>|<sub>` | `~done|<registry key>`   | a done marker: every report of one check message is stored (`registries`: how many) |
 * | `latest|<sub>`      | registry key             | a copy of the registry's newest report (`latest` before the shards; readers keep the newest run's) |
 * | `runs`              | runId                    | the run record                                        |
 * | `meta`              | `newestRun`              | the newest run id recorded (putRun raises it, never lowers it) |
 * | `r|<registry key>`  | runId                    | a report written before reports moved into the run partition (still read by history) |
 *
 * The registry key is the lower-case resource id with `/` → `|` (keys may not
 * contain `/`); registry keys sort before `~`, so a run's markers come after
 * its reports. Every key is deterministic from (registryId, runId) — a
 * marker's from the message's first registry — so storing again (a
 * re-processed queue message) overwrites the same rows: one row per registry
 * per run, never two. A check message's reports and its marker share one
 * partition, so they are written in entity-group transactions (≤ 100 rows,
 * ≤ 2 MiB here; the service allows 4 MiB): all of a chunk or none, the marker in the last chunk. History is
 * the registry's row in each recorded run (point reads), plus the older
 * per-registry partition. `latest` is replaced only by a report of the same or
 * a newer run (ETag-conditional for one report; for a message, the newest run
 * recorded is read first, and only when it is newer are the latest rows read).
 * Reports are JSON in chunks of ≤ 30,000 characters (a string property holds
 * at most 64 KiB).
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
import { ensureTable, loadTables, tableClientFor } from '../store/tables';


const CHUNK = 30_000;
const LATEST = 'latest';
const RUNS = 'runs';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** `value` as JSON in `<prefix>0..N` (≤ CHUNK characters each) and its chunk count in `<count>`. */
function withChunks(row: Row, value: unknown, prefix = 'doc', count = 'chunks'): Row {
  const text = JSON.stringify(value);
  const n = Math.max(1, Math.ceil(text.length / CHUNK));
  row[count] = n;
  for (let i = 0; i < n; i++) row[`${prefix}${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return row;
}

function withDoc(row: Row, value: unknown): Row {
  return withChunks(row, value);
}

function chunksOf<T>(e: Record<string, unknown>, prefix = 'doc', count = 'chunks'): T {
  const n = Number(e[count] ?? 1);
  let text = '';
  for (let i = 0; i < n; i++) text += String(e[`${prefix}${i}`] ?? '');
  return JSON.parse(text) as T;
}

function docOf<T>(e: Record<string, unknown>): T {
  return chunksOf<T>(e);
}

/** Where a run row keeps the whole report (its index entry is in `doc0..N`). */
const REPORT_PREFIX = 'rep';
const REPORT_COUNT = 'repChunks';
/** Registry keys sort before this; a run's done markers after. */
const MARKER_PREFIX = '~done|';
const META = 'meta';
const NEWEST_RUN = 'newestRun';
/** Transactions: at most 100 operations, and (below the service's 4 MiB) 2 MiB of rows. */
const TX_ROWS = 100;
const TX_BYTES = 2 * 1024 * 1024;
/** Point reads in flight for one history. */
const HISTORY_READS = 16;

/**
 * A run's reports are sharded by subscription (`run|<runId>|<subscription>`): a check message holds registries of
 * one subscription, so its reports and marker still share a partition, and no partition holds the whole fleet.
 * Runs stored before the shards used `run|<runId>`; the run's range query reads both.
 */
function runPartition(runId: string, registryKey: string): string {
  const m = /^subscriptions\|([^|]+)/.exec(registryKey);
  return `run|${runId}|${m?.[1] ?? '-'}`;
}
/** The latest report of a registry, sharded by subscription like the run rows (`latest` before the shards). */
function latestPartition(registryKey: string): string {
  return `${LATEST}|${/^subscriptions\|([^|]+)/.exec(registryKey)?.[1] ?? '-'}`;
}
/** Every latest partition (the shards and the older unsharded one). */
const LATEST_RANGE = { from: LATEST, to: `${LATEST}|~` };
/** One row per registry key: the one of the newest run (a registry's older unsharded row may sit next to its shard's). */
function newestPerKey<T>(rows: Array<{ key: string; runId: string; value: T }>): T[] {
  const best = new Map<string, { runId: string; value: T }>();
  for (const r of rows) {
    const b = best.get(r.key);
    if (!b || r.runId > b.runId) best.set(r.key, { runId: r.runId, value: r.value });
  }
  return [...best.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v.value);
}
/** Rows grouped by partition key, in order. */
function partitionsOf(rows: Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const list = out.get(r.partitionKey);
    if (list) list.push(r);
    else out.set(r.partitionKey, [r]);
  }
  return out;
}
/** Every partition of a run (the shards and the older unsharded one): `PartitionKey ge from and PartitionKey lt to`. */
const runRange = (runId: string) => ({ from: `run|${runId}`, to: `run|${runId}|~` });

function baseOf(report: DriftReport) {
  return { registryId: report.registryId, runId: report.runId, status: report.status, checkedAt: report.checkedAt, summary: report.summary.slice(0, 1000) };
}

/** A report's row in its run's partition: the index entry and the whole report. */
function runRow(report: DriftReport): Row {
  const key = registryRowKey(report.registryId);
  const row = withDoc({ partitionKey: runPartition(report.runId, key), rowKey: key, ...baseOf(report) }, entryOf(report));
  return withChunks(row, report, REPORT_PREFIX, REPORT_COUNT);
}

function latestRow(report: DriftReport): Row {
  const key = registryRowKey(report.registryId);
  return withDoc({ partitionKey: latestPartition(key), rowKey: key, ...baseOf(report), fleet: JSON.stringify(fleetSourceOf(report)) }, report);
}

/** The done marker of a check message whose reports (first one: `first`) are all stored. */
function markerRow(runId: string, first: DriftReport, registries: number): Row {
  const key = registryRowKey(first.registryId);
  return { partitionKey: runPartition(runId, key), rowKey: `${MARKER_PREFIX}${key}`, runId, registries };
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
        const conn = this.opts.connection;
        if (!conn) throw new StoreUnavailableError('drift report store unavailable: no storage connection (AzureWebJobsStorage)');
        client = tableClientFor(conn, this.opts.tableName ?? 'driftreports', this.opts.credential);
      }
      await ensureTable(client);
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

  /** One report, as a check message of its own: its run row and done marker in one transaction, then `latest` (ETag-conditional). */
  async put(report: DriftReport): Promise<void> {
    const t = await this.table();
    await io('put', async () => {
      await Promise.all([this.transactRunRows(t, [runRow(report)], markerRow(report.runId, report, 1)), this.putLatest(t, latestRow(report), report.runId)]);
    });
  }

  /**
   * Reports of one run together (a check message's, `done`: all of them, so its marker is written with the last
   * chunk): the run rows in entity-group transactions, then the `latest` rows in transactions — skipping registries
   * whose latest report is from a newer run. Whether a newer run exists is one point read (`meta`/`newestRun`); only
   * then are the latest rows queried. A newer run writing the same registry between that read and the transaction is
   * the one case this path does not order — the next run writes it again.
   */
  async putMany(reports: DriftReport[], opts: { done?: boolean } = {}): Promise<void> {
    if (reports.length === 0) return;
    const byRun = new Map<string, DriftReport[]>();
    for (const r of reports) {
      const list = byRun.get(r.runId);
      if (list) list.push(r);
      else byRun.set(r.runId, [r]);
    }
    const t = await this.table();
    await io('putMany', async () => {
      for (const [runId, group] of byRun) {
        const marker = opts.done && byRun.size === 1 ? markerRow(runId, group[0] as DriftReport, group.length) : undefined;
        const newer = await this.newerLatest(t, runId);
        await Promise.all([this.transactRunRows(t, group.map(runRow), marker), this.transactByPartition(t, group.filter((r) => !newer.has(registryRowKey(r.registryId))).map(latestRow))]);
      }
    });
  }

  /** Registry keys whose latest row is from a run newer than `runId`: none when no newer run was recorded (one point read). */
  private async newerLatest(t: TableClient, runId: string): Promise<Set<string>> {
    const newest = await this.newestRun(t);
    const newer = new Set<string>();
    if (newest !== null && newest <= runId) return newer;
    const { odata } = loadTables();
    const filter = odata`PartitionKey ge ${LATEST_RANGE.from} and PartitionKey lt ${LATEST_RANGE.to} and runId gt ${runId}`;
    for await (const e of t.listEntities<{ runId: string }>({ queryOptions: { filter, select: ['RowKey'] } })) {
      if (e.rowKey) newer.add(e.rowKey);
    }
    return newer;
  }

  /** The newest run id recorded, or null when none is (older tables). */
  private async newestRun(t: TableClient): Promise<string | null> {
    try {
      const e = await t.getEntity<{ runId?: string }>(META, NEWEST_RUN, { queryOptions: { select: ['runId'] } });
      return typeof e.runId === 'string' ? e.runId : null;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /** Raises `meta`/`newestRun` to `runId` (never lowers it; ETag-conditional). */
  private async raiseNewestRun(t: TableClient, runId: string): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      let existing: TableEntityResult<{ runId?: string }> | null = null;
      try {
        existing = await t.getEntity<{ runId?: string }>(META, NEWEST_RUN);
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
      if (existing && String(existing.runId ?? '') >= runId) return;
      try {
        if (!existing) await t.createEntity({ partitionKey: META, rowKey: NEWEST_RUN, runId });
        else await t.updateEntity({ partitionKey: META, rowKey: NEWEST_RUN, runId }, 'Replace', { etag: existing.etag });
        return;
      } catch (e) {
        const s = statusOf(e);
        if (s !== 409 && s !== 412) throw e;
      }
    }
    throw new Error(`could not record ${runId} as the newest drift run: too much contention`);
  }

  /** Run rows by partition (one, for a check message), the marker in its partition's last transaction, written after every other partition. */
  private async transactRunRows(t: TableClient, rows: Row[], marker: Row | undefined): Promise<void> {
    const byPartition = partitionsOf(rows);
    const last = marker ? (byPartition.get(marker.partitionKey) ?? []) : undefined;
    if (marker) byPartition.delete(marker.partitionKey);
    await Promise.all([...byPartition.values()].map((list) => this.transact(t, list)));
    if (marker && last) await this.transact(t, [...last, marker]);
  }

  /** Rows of any partitions: one series of transactions per partition (a transaction holds one partition). */
  private async transactByPartition(t: TableClient, rows: Row[]): Promise<void> {
    await Promise.all([...partitionsOf(rows).values()].map((list) => this.transact(t, list)));
  }

  /** Upserts rows of one partition in transactions of ≤ 100 rows and ≤ 2 MiB (all of a transaction or none), in order. */
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
      let bytes = 0;
      for (const v of Object.values(r)) bytes += typeof v === 'string' ? v.length * 2 : 16;
      if (batch.length >= TX_ROWS || size + bytes > TX_BYTES) await flush();
      batch.push(r);
      size += bytes;
    }
    await flush();
  }

  private async putLatest(t: TableClient, row: Row, runId: string): Promise<void> {
    const key = row.rowKey;
    for (let attempt = 0; attempt < 8; attempt++) {
      let existing: TableEntityResult<Record<string, unknown>> | null = null;
      try {
        existing = await t.getEntity<Record<string, unknown>>(row.partitionKey, key, { queryOptions: { select: ['runId'] } });
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
      try {
        if (!existing) {
          await t.createEntity(row);
        } else {
          if (String(existing['runId'] ?? '') > runId) return; // a newer run is already there
          await t.updateEntity(row, 'Replace', { etag: existing.etag });
        }
        return;
      } catch (e) {
        const s = statusOf(e);
        if (s !== 409 && s !== 412) throw e;
      }
    }
    throw new Error(`could not update the latest drift report of ${key}: too much contention`);
  }

  async latest(): Promise<DriftReport[]> {
    const t = await this.table();
    const { odata } = loadTables();
    return io('query', async () => {
      const rows: Array<{ key: string; runId: string; value: DriftReport }> = [];
      for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey ge ${LATEST_RANGE.from} and PartitionKey lt ${LATEST_RANGE.to}` } })) {
        const value = docOf<DriftReport>(e);
        rows.push({ key: e.rowKey ?? '', runId: value.runId, value });
      }
      return newestPerKey(rows);
    });
  }

  /** The `fleet` column of the latest rows only (a few hundred bytes each, not the reports); rows written before it existed are read whole. */
  async latestFleet(): Promise<FleetSource[]> {
    const t = await this.table();
    const { odata } = loadTables();
    return io('query', async () => {
      const out: Array<{ key: string; runId: string; value: FleetSource }> = [];
      const old: Array<{ partitionKey: string; rowKey: string }> = [];
      const filter = odata`PartitionKey ge ${LATEST_RANGE.from} and PartitionKey lt ${LATEST_RANGE.to}`;
      const add = (value: FleetSource) => out.push({ key: registryRowKey(value.registryId), runId: value.runId, value });
      for await (const e of t.listEntities<{ fleet?: string }>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'fleet'] } })) {
        if (typeof e.fleet === 'string') add(JSON.parse(e.fleet) as FleetSource);
        else if (e.partitionKey && e.rowKey) old.push({ partitionKey: e.partitionKey, rowKey: e.rowKey });
      }
      for (const o of old) add(fleetSourceOf(docOf<DriftReport>(await t.getEntity<Record<string, unknown>>(o.partitionKey, o.rowKey))));
      return newestPerKey(out);
    });
  }

  /** The registry's row in each recorded run (newest first, point reads), merged with its latest report and the older per-registry partition. */
  async history(registryId: string, limit = 100): Promise<DriftReport[]> {
    const t = await this.table();
    const key = registryRowKey(registryId);
    const { odata } = loadTables();
    const [runIds, legacy] = await Promise.all([
      io('query', async () => {
        const ids: string[] = [];
        for await (const e of t.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${RUNS}`, select: ['RowKey'] } })) if (e.rowKey) ids.push(e.rowKey);
        return ids.sort((a, b) => b.localeCompare(a)).slice(0, limit);
      }),
      this.query(`r|${key}`),
    ]);
    const byRun = new Map<string, DriftReport>();
    for (const e of legacy) if (e.rowKey) byRun.set(e.rowKey, docOf<DriftReport>(e));
    // The latest report too (a report of a run with no run record is found there).
    try {
      const latest = docOf<DriftReport>(await t.getEntity<Record<string, unknown>>(latestPartition(key), key));
      byRun.set(latest.runId, latest);
    } catch (e) {
      if (statusOf(e) !== 404) throw toStoreError(e, 'history', 'drift report store');
    }
    let next = 0;
    const reader = async (): Promise<void> => {
      for (let i = next++; i < runIds.length; i = next++) {
        const runId = runIds[i] as string;
        try {
          const row = await t.getEntity<Record<string, unknown>>(runPartition(runId, key), key);
          // A run row written before reports moved here holds only the index entry: its report is in the older partition.
          if (typeof row[REPORT_COUNT] === 'number') byRun.set(runId, chunksOf<DriftReport>(row, REPORT_PREFIX, REPORT_COUNT));
        } catch (e) {
          if (statusOf(e) !== 404) throw e;
        }
      }
    };
    await io('history', () => Promise.all(Array.from({ length: Math.min(HISTORY_READS, runIds.length) }, reader)));
    return [...byRun.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .slice(0, limit)
      .map(([, r]) => r);
  }

  /** The index entries of a run's reports (not the reports, not the markers). */
  async runEntries(runId: string): Promise<DriftRunEntry[]> {
    const t = await this.table();
    const { odata } = loadTables();
    const rows = await io('query', async () => {
      const out: DriftRunEntry[] = [];
      const { from, to } = runRange(runId);
      const filter = odata`PartitionKey ge ${from} and PartitionKey lt ${to} and RowKey lt ${MARKER_PREFIX}`;
      for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['chunks', 'doc0', 'doc1', 'doc2', 'doc3'] } })) out.push(docOf<DriftRunEntry>(e));
      return out;
    });
    return rows.sort((a, b) => a.registryId.localeCompare(b.registryId));
  }

  /** Registries whose check message is done (the run's markers; one page per 1,000 messages, not one row per registry). */
  async runProgress(runId: string): Promise<number> {
    const t = await this.table();
    const { odata } = loadTables();
    return io('query', async () => {
      let n = 0;
      const { from, to } = runRange(runId);
      const filter = odata`PartitionKey ge ${from} and PartitionKey lt ${to} and RowKey ge ${MARKER_PREFIX}`;
      for await (const e of t.listEntities<{ registries?: number }>({ queryOptions: { filter, select: ['registries'] } })) n += typeof e.registries === 'number' ? e.registries : 0;
      return n;
    });
  }

  /** Records the run and raises the newest run id (what putMany reads to know whether latest rows need a check). */
  async putRun(run: DriftRun): Promise<void> {
    const t = await this.table();
    await io('putRun', async () => {
      await t.upsertEntity(withDoc({ partitionKey: RUNS, rowKey: run.runId, startedAt: run.startedAt, expected: run.expected }, run), 'Replace');
      await this.raiseNewestRun(t, run.runId);
    });
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
