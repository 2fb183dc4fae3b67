/**
 * FleetSnapshotStore adapters (#16): memory, and Azure Table storage in the drift reports table
 * (DRIFT_REPORTS_TABLE) next to the reports:
 *
 * | PartitionKey        | RowKey    | row                                                                 |
 * |---------------------|-----------|---------------------------------------------------------------------|
 * | `fleet`             | `current` | the pointer: `snapshotId`, `rows`, `runId`, `builtAt`, and the previous snapshot's id and rows |
 * | `fleet|<snapshotId>`| `0000`…   | the snapshot's JSON, gzip then base64, in pieces `p0..p11` of ≤ 30,000 characters (≤ 720 KB a row) |
 *
 * A snapshot of 10,000 registries is about 3.4 MB of JSON, about 0.3 MB gzipped (0.4 MB base64): one
 * or two rows, read by one point read (the pointer) and one partition query (one page) — not 10 pages
 * of 1,000 `latest` rows (measured on Azurite: the plain JSON rows took ~0.7 s to read, mostly moving
 * the 3.4 MB).
 * Writing: the new snapshot's rows first (a fresh id each time, invisible until the pointer names
 * it), then the pointer (ETag-conditional), then the rows of the snapshot before the previous one
 * are deleted; so a reader sees the previous snapshot or the new one whole.
 */
import type { TableClient } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FleetSnapshot, FleetSnapshotStore } from '../../app/ports/fleet-snapshot';
import type { StorageConnection } from '../store/config';
import { StoreUnavailableError, storageStatusOf, toStoreError } from '../store/errors';
import { ensureTable, tableClientFor } from '../store/tables';

const POINTER_PARTITION = 'fleet';
const POINTER_ROW = 'current';
const PIECE = 30_000;
const PIECES_PER_ROW = 12;
const chunkPartition = (id: string) => `fleet|${id}`;

interface Pointer {
  snapshotId: string;
  rows: number;
  runId: string;
  builtAt: string;
  previousId?: string;
  previousRows?: number;
}

export class InMemoryFleetSnapshotStore implements FleetSnapshotStore {
  private snapshot: FleetSnapshot | null = null;
  async put(snapshot: FleetSnapshot): Promise<void> {
    this.snapshot = structuredClone(snapshot);
  }
  async get(): Promise<FleetSnapshot | null> {
    return this.snapshot ? structuredClone(this.snapshot) : null;
  }
}

export interface TableFleetSnapshotStoreOptions {
  connection?: StorageConnection;
  /** Injected client (tests). */
  client?: TableClient;
  tableName?: string;
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toStoreError(e, what, 'fleet snapshot store');
  }
}

/** The snapshot's JSON cut into rows of PIECES_PER_ROW pieces. */
export function snapshotRows(id: string, text: string): Array<Record<string, unknown> & { partitionKey: string; rowKey: string }> {
  const pieces = Math.max(1, Math.ceil(text.length / PIECE));
  const rows = Math.ceil(pieces / PIECES_PER_ROW);
  return Array.from({ length: rows }, (_, r) => {
    const row: Record<string, unknown> & { partitionKey: string; rowKey: string } = { partitionKey: chunkPartition(id), rowKey: String(r).padStart(4, '0') };
    for (let p = 0; p < PIECES_PER_ROW; p++) {
      const at = (r * PIECES_PER_ROW + p) * PIECE;
      if (at >= text.length && !(r === 0 && p === 0)) break;
      row[`p${p}`] = text.slice(at, at + PIECE);
    }
    return row;
  });
}

export class TableFleetSnapshotStore implements FleetSnapshotStore {
  private ready: Promise<TableClient> | undefined;

  constructor(private readonly opts: TableFleetSnapshotStoreOptions) {}

  private table(): Promise<TableClient> {
    this.ready ??= (async () => {
      let client = this.opts.client;
      if (!client) {
        const conn = this.opts.connection;
        if (!conn) throw new StoreUnavailableError('fleet snapshot store unavailable: no storage connection (AzureWebJobsStorage)');
        client = tableClientFor(conn, this.opts.tableName ?? 'driftreports');
      }
      await ensureTable(client);
      return client;
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw toStoreError(e, 'initialising', 'fleet snapshot store');
    });
    return this.ready;
  }

  private async pointer(t: TableClient): Promise<(Pointer & { etag: string }) | null> {
    try {
      const e = await t.getEntity<Pointer>(POINTER_PARTITION, POINTER_ROW);
      return e;
    } catch (e) {
      if (storageStatusOf(e) === 404) return null;
      throw e;
    }
  }

  private async deleteRows(t: TableClient, id: string, rows: number): Promise<void> {
    await Promise.all(
      Array.from({ length: rows }, (_, r) =>
        t.deleteEntity(chunkPartition(id), String(r).padStart(4, '0')).catch((e: unknown) => {
          if (storageStatusOf(e) !== 404) throw e;
        }),
      ),
    );
  }

  async put(snapshot: FleetSnapshot): Promise<void> {
    const t = await this.table();
    await io('put', async () => {
      const id = `${snapshot.runId}~${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      const rows = snapshotRows(id, gzipSync(JSON.stringify(snapshot)).toString('base64'));
      await Promise.all(rows.map((r) => t.upsertEntity(r, 'Replace')));
      for (let attempt = 0; ; attempt++) {
        const old = await this.pointer(t);
        if (old && old.builtAt > snapshot.builtAt) {
          await this.deleteRows(t, id, rows.length); // a newer snapshot is already current
          return;
        }
        const next = { partitionKey: POINTER_PARTITION, rowKey: POINTER_ROW, snapshotId: id, rows: rows.length, runId: snapshot.runId, builtAt: snapshot.builtAt, ...(old ? { previousId: old.snapshotId, previousRows: old.rows } : {}) };
        try {
          if (old) await t.updateEntity(next, 'Replace', { etag: old.etag });
          else await t.createEntity(next);
          if (old?.previousId && old.previousId !== id) await this.deleteRows(t, old.previousId, old.previousRows ?? 0);
          return;
        } catch (e) {
          const s = storageStatusOf(e);
          if ((s !== 409 && s !== 412) || attempt >= 7) throw e;
        }
      }
    });
  }

  async get(): Promise<FleetSnapshot | null> {
    const t = await this.table();
    const { odata } = require('@azure/data-tables') as typeof import('@azure/data-tables');
    return io('get', async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const p = await this.pointer(t);
        if (!p) return null;
        const rows: Array<Record<string, unknown>> = [];
        for await (const e of t.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${chunkPartition(p.snapshotId)}` } })) rows.push(e);
        if (rows.length !== p.rows) continue; // replaced and cleaned up between the two reads: read the pointer again
        rows.sort((a, b) => String(a['rowKey']).localeCompare(String(b['rowKey'])));
        let text = '';
        for (const r of rows) for (let i = 0; i < PIECES_PER_ROW && typeof r[`p${i}`] === 'string'; i++) text += r[`p${i}`] as string;
        return JSON.parse(gunzipSync(Buffer.from(text, 'base64')).toString('utf8')) as FleetSnapshot;
      }
      return null;
    });
  }
}
