/**
 * Azure Storage PlanStore.
 *
 * - Table `plans` (one row per plan: PartitionKey 'plan', RowKey = plan id): the index
 *   and state (registry, state, dates, people, content hash) plus `docBlob`, the name
 *   of the blob holding the full plan document. The row's ETag is the plan's ETag.
 * - Container `plans`: full plan documents as JSON, one immutable blob per revision
 *   (`<id>/<revision>-<uuid>.json`), so documents of any size fit (a table property
 *   holds at most 64 KiB) and a reader never sees a half-written document. An update
 *   writes the new revision blob first, then swaps the row with If-Match: the row
 *   swap is the commit point; a loser's blob is deleted. Old revisions are kept as
 *   history.
 * - Container `locks`: one blob per registry (`<lower-case registry id>.lock`); the
 *   lock is a blob lease (15-60 s, renewable); holder and time go in its metadata.
 *
 * SDKs are loaded lazily on first use; tables and containers are created if missing.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { Plan } from '../../model/plan/types';
import type { StorageConnection } from './config';
import { ensureTable, loadTables } from './tables';
import {
  ConcurrencyError,
  LockBusyError,
  LockLostError,
  PlanAlreadyExistsError,
  PlanNotFoundError,
  StoreUnavailableError,
  storageStatusOf,
  toStoreError,
} from './errors';
import { PlanStoreBase, assertPlanId, assertTtl, checkMutation, isValidPlanId, newestFirst } from './common';
import { registryKey } from '../../model/registry-id';
import type { ListFilter, PlanMutation, PlanSummary, RegistryLock, StoredPlan } from '../../app/ports/plan-store';

export interface AzureStorageClients {
  table: TableClient;
  plans: ContainerClient;
  locks: ContainerClient;
}

export interface AzureStoragePlanStoreOptions {
  /** How to reach the account (see config.ts); ignored when `clients` is given. */
  connection?: StorageConnection;
  /** Injected clients (tests, custom pipelines). */
  clients?: AzureStorageClients;
  /** Credential for identity-based connections (default: DefaultAzureCredential). */
  credential?: TokenCredential;
  tableName?: string;
  containerName?: string;
  lockContainerName?: string;
  /** SDK retries per call (default 3). */
  maxRetries?: number;
}

const PK = 'plan';

interface PlanRow {
  partitionKey: string;
  rowKey: string;
  registryId: string;
  registryKey: string;
  registryName: string;
  state: Plan['state'];
  createdAt: string;
  expiresAt: string;
  requester: string;
  approver?: string;
  contentHash: string;
  docBlob: string;
  revision: number;
  updatedAt: string;
}

const statusOf = storageStatusOf;

/**
 * Storage failures → StoreUnavailableError (503 + Retry-After). Errors that carry their own
 * status (the store's named errors, the plan engine's PlanError such as self-approval 403 or
 * a content-hash 409, HttpError) pass through unchanged: see toStoreError.
 */
function unavailable(e: unknown, what: string): unknown {
  return toStoreError(e, what, 'plan store');
}

/** Runs storage I/O, mapping its failures with `unavailable`. */
async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw unavailable(e, what);
  }
}

function rowOf(plan: Plan, docBlob: string, revision: number): PlanRow {
  const row: PlanRow = {
    partitionKey: PK,
    rowKey: plan.id,
    registryId: plan.registryId,
    registryKey: registryKey(plan.registryId),
    registryName: plan.registryName,
    state: plan.state,
    createdAt: plan.createdAt,
    expiresAt: plan.expiresAt,
    requester: plan.requester,
    contentHash: plan.contentHash,
    docBlob,
    revision,
    updatedAt: new Date().toISOString(),
  };
  if (plan.approver !== undefined) row.approver = plan.approver;
  return row;
}

function lockBlobName(registryId: string): string {
  return `${registryKey(registryId).replace(/^\/+/, '')}.lock`;
}

export class AzureStoragePlanStore extends PlanStoreBase {
  private ready: Promise<AzureStorageClients> | undefined;

  constructor(private readonly opts: AzureStoragePlanStoreOptions) {
    super();
    if (!opts.clients && !opts.connection) throw new StoreUnavailableError('AzureStoragePlanStore needs a connection or clients');
  }

  /** Creates clients (lazily importing the SDKs) and the table/containers, once. */
  clients(): Promise<AzureStorageClients> {
    if (!this.ready) {
      this.ready = this.init().catch((e: unknown) => {
        this.ready = undefined; // retry on next call
        throw unavailable(e, 'initialising');
      });
    }
    return this.ready;
  }

  private async init(): Promise<AzureStorageClients> {
    const c = this.opts.clients ?? (await this.createClients());
    await ensureTable(c.table);
    await c.plans.createIfNotExists();
    await c.locks.createIfNotExists();
    return c;
  }

  private async createClients(): Promise<AzureStorageClients> {
    const { TableClient } = loadTables();
    const { BlobServiceClient } = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
    const conn = this.opts.connection!;
    const tableName = this.opts.tableName ?? 'plans';
    const retryOptions = { maxRetries: this.opts.maxRetries ?? 3 };
    let table: TableClient;
    let blobs: InstanceType<typeof BlobServiceClient>;
    if (conn.kind === 'connectionString') {
      table = TableClient.fromConnectionString(conn.connectionString, tableName, { allowInsecureConnection: conn.insecure, retryOptions });
      blobs = BlobServiceClient.fromConnectionString(conn.connectionString, { retryOptions: { maxTries: retryOptions.maxRetries + 1 } });
    } else {
      let credential = this.opts.credential;
      if (!credential) {
        const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
        credential = conn.clientId ? new DefaultAzureCredential({ managedIdentityClientId: conn.clientId }) : new DefaultAzureCredential();
      }
      table = new TableClient(conn.tableServiceUri, tableName, credential, { retryOptions });
      blobs = new BlobServiceClient(conn.blobServiceUri, credential, { retryOptions: { maxTries: retryOptions.maxRetries + 1 } });
    }
    return {
      table,
      plans: blobs.getContainerClient(this.opts.containerName ?? 'plans'),
      locks: blobs.getContainerClient(this.opts.lockContainerName ?? 'locks'),
    };
  }

  private async writeDoc(c: AzureStorageClients, plan: Plan, revision: number): Promise<string> {
    const name = `${plan.id}/${String(revision).padStart(8, '0')}-${randomUUID()}.json`;
    const body = JSON.stringify(plan);
    await c.plans.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      conditions: { ifNoneMatch: '*' },
    });
    return name;
  }

  private async readDoc(c: AzureStorageClients, name: string): Promise<Plan> {
    const buf = await c.plans.getBlobClient(name).downloadToBuffer();
    return JSON.parse(buf.toString('utf8')) as Plan;
  }

  private async dropDoc(c: AzureStorageClients, name: string): Promise<void> {
    await c.plans.getBlobClient(name).deleteIfExists().catch(() => undefined);
  }

  private async getRow(c: AzureStorageClients, id: string): Promise<PlanRow & { etag: string }> {
    try {
      const row = await c.table.getEntity<PlanRow>(PK, id);
      return row as PlanRow & { etag: string };
    } catch (e) {
      if (statusOf(e) === 404) throw new PlanNotFoundError(id);
      throw e;
    }
  }

  async create(plan: Plan): Promise<StoredPlan> {
    assertPlanId(plan.id);
    const c = await this.clients();
    try {
      const doc = await this.writeDoc(c, plan, 1);
      try {
        const res = await c.table.createEntity(rowOf(plan, doc, 1));
        return { plan, etag: res.etag ?? (await this.getRow(c, plan.id)).etag };
      } catch (e) {
        await this.dropDoc(c, doc);
        if (statusOf(e) === 409) throw new PlanAlreadyExistsError(plan.id);
        throw e;
      }
    } catch (e) {
      throw unavailable(e, 'create');
    }
  }

  async get(id: string): Promise<StoredPlan> {
    if (!isValidPlanId(id)) throw new PlanNotFoundError(id);
    const c = await this.clients();
    try {
      const row = await this.getRow(c, id);
      let plan: Plan;
      try {
        plan = await this.readDoc(c, row.docBlob);
      } catch (e) {
        if (statusOf(e) === 404) throw new StoreUnavailableError(`plan ${id}: document ${row.docBlob} is missing`, { cause: e });
        throw e;
      }
      return { plan, etag: row.etag };
    } catch (e) {
      throw unavailable(e, 'get');
    }
  }

  async list(filter: ListFilter = {}): Promise<PlanSummary[]> {
    const c = await this.clients();
    const { odata } = loadTables();
    const f =
      filter.registryId === undefined
        ? odata`PartitionKey eq ${PK}`
        : odata`PartitionKey eq ${PK} and registryKey eq ${registryKey(filter.registryId)}`;
    const out: PlanSummary[] = [];
    try {
      for await (const row of c.table.listEntities<PlanRow>({ queryOptions: { filter: f } })) {
        const s: PlanSummary = {
          id: row.rowKey,
          registryId: row.registryId,
          registryName: row.registryName,
          state: row.state,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
          requester: row.requester,
          contentHash: row.contentHash,
          etag: row.etag,
        };
        if (row.approver) s.approver = row.approver;
        out.push(s);
      }
    } catch (e) {
      throw unavailable(e, 'list');
    }
    return out.sort(newestFirst);
  }

  async update(id: string, expectedEtag: string, mutate: PlanMutation): Promise<StoredPlan> {
    if (!isValidPlanId(id)) throw new PlanNotFoundError(id);
    const c = await this.clients();
    const { row, current } = await io('update', async () => {
      const r = await this.getRow(c, id);
      if (r.etag !== expectedEtag) throw new ConcurrencyError(id);
      return { row: r, current: await this.readDoc(c, r.docBlob) };
    });
    // The caller's mutation runs outside the storage error mapping: what it throws (the plan
    // engine's refusals: self-approval 403, wrong content hash 409, ...) reaches the caller as is.
    const next = await mutate(current);
    checkMutation(current, next);
    return io('update', async () => {
      const revision = (row.revision ?? 1) + 1;
      const doc = await this.writeDoc(c, next, revision);
      try {
        const res = await c.table.updateEntity(rowOf(next, doc, revision), 'Replace', { etag: expectedEtag });
        return { plan: next, etag: res.etag ?? (await this.getRow(c, id)).etag };
      } catch (e) {
        await this.dropDoc(c, doc);
        if (statusOf(e) === 412) throw new ConcurrencyError(id, { cause: e });
        if (statusOf(e) === 404) throw new PlanNotFoundError(id);
        throw e;
      }
    });
  }

  async acquireRegistryLock(registryId: string, holder: string, ttlSeconds: number): Promise<RegistryLock> {
    assertTtl(ttlSeconds);
    const c = await this.clients();
    const blob = c.locks.getBlockBlobClient(lockBlobName(registryId));
    try {
      try {
        await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
      } catch (e) {
        const s = statusOf(e);
        if (s !== 409 && s !== 412) throw e; // exists (maybe leased): fine
      }
      const lease = blob.getBlobLeaseClient(randomUUID());
      try {
        await lease.acquireLease(ttlSeconds);
      } catch (e) {
        if (statusOf(e) === 409) {
          // The winner writes its name right after acquiring: give it a moment.
          let current: string | undefined;
          for (let i = 0; i < 5 && current === undefined; i++) {
            try {
              const props = await blob.getProperties();
              const h = props.metadata?.['holder'];
              current = h ? decodeURIComponent(h) : undefined;
            } catch {
              break; // holder unknown
            }
            if (current === undefined) await new Promise((r) => setTimeout(r, 40));
          }
          throw new LockBusyError(registryId, current, { cause: e });
        }
        throw e;
      }
      await blob
        .setMetadata(
          { holder: encodeURIComponent(holder), acquiredat: new Date().toISOString(), registryid: encodeURIComponent(registryId) },
          { conditions: { leaseId: lease.leaseId } },
        )
        .catch(() => undefined);
      return {
        registryId,
        holder,
        leaseId: lease.leaseId,
        async renew() {
          try {
            await lease.renewLease();
          } catch (e) {
            const s = statusOf(e);
            if (s === 409 || s === 412 || s === 404) throw new LockLostError(registryId, { cause: e });
            throw unavailable(e, 'renew lock');
          }
        },
        async release() {
          try {
            // Clear the holder name first so a later loser does not report a stale holder.
            await blob.setMetadata({}, { conditions: { leaseId: lease.leaseId } }).catch(() => undefined);
            await lease.releaseLease();
          } catch (e) {
            const s = statusOf(e);
            if (s === 409 || s === 412 || s === 404) return; // already lost or gone
            throw unavailable(e, 'release lock');
          }
        },
      };
    } catch (e) {
      throw unavailable(e, 'acquire lock');
    }
  }
}
