import { describe, expect, it } from 'vitest';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureStoragePlanStore } from '../../../src/azure/store/azure-storage';
import { freePort } from '../../../devhost/azurite';
import { useAzurite } from '../../helpers/azurite';
import { LockBusyError, PlanNotFoundError, StoreUnavailableError } from '../../../src/azure/store/errors';
import { TableDriftReportStore } from '../../../src/azure/drift/table-store';
import { approve, PlanIntegrityError, PlanStateError, SelfApprovalError } from '../../../src/model/plan';
import { ForbiddenError, problemResponse } from '../../../src/http/problem';
import { createPlanStore } from '../../../src/azure/store/index';
import { readPlanStoreSettings } from '../../../src/settings';
import { REG_A, planStoreContract, samplePlan } from './contract';

let n = 0;

const azurite = useAzurite();

/** A store on fresh table/containers, so tests do not see each other's data. */
function freshStore(): { store: AzureStoragePlanStore; table: string; container: string; locks: string } {
  n += 1;
  const suffix = `${process.pid}x${n}`;
  const names = { table: `plans${suffix}`, container: `plans-${suffix}`, locks: `locks-${suffix}` };
  const store = new AzureStoragePlanStore({
    connection: { kind: 'connectionString', connectionString: azurite().connectionString, insecure: true },
    tableName: names.table,
    containerName: names.container,
    lockContainerName: names.locks,
  });
  return { store, ...names };
}

planStoreContract('Azure Storage (Azurite)', () => freshStore().store);

describe('AzureStoragePlanStore specifics', () => {
  it('keeps the table row small (index + state) and the document in a blob revision', async () => {
    const { store, table, container } = freshStore();
    const plan = samplePlan();
    const { etag } = await store.create(plan);
    await store.update(plan.id, etag, (p) => ({ ...p, notificationUrl: 'https://hooks.example/x' }));
    const tc = TableClient.fromConnectionString(azurite().connectionString, table, { allowInsecureConnection: true });
    const row = await tc.getEntity<Record<string, unknown>>('plan', plan.id);
    expect(row).toMatchObject({ registryId: plan.registryId, state: 'pending', revision: 2, contentHash: plan.contentHash });
    expect(row['docBlob']).toMatch(new RegExp(`^${plan.id}/00000002-[0-9a-f-]{36}\\.json$`));
    expect(JSON.stringify(row).length).toBeLessThan(2048);
    const blobs = BlobServiceClient.fromConnectionString(azurite().connectionString).getContainerClient(container);
    const names: string[] = [];
    for await (const b of blobs.listBlobsFlat({ prefix: `${plan.id}/` })) names.push(b.name);
    expect(names).toHaveLength(2); // both revisions kept as history, no orphan
  });

  it('a lost concurrent update leaves no orphan document', async () => {
    const { store, container } = freshStore();
    const plan = samplePlan();
    const { etag } = await store.create(plan);
    await Promise.allSettled([1, 2, 3].map((i) => store.update(plan.id, etag, (p) => ({ ...p, rejectReason: String(i) }))));
    const blobs = BlobServiceClient.fromConnectionString(azurite().connectionString).getContainerClient(container);
    const names: string[] = [];
    for await (const b of blobs.listBlobsFlat({ prefix: `${plan.id}/` })) names.push(b.name);
    expect(names).toHaveLength(2);
  });

  it('the lock is a blob lease in the locks container, naming its holder', async () => {
    const { store, locks } = freshStore();
    const lock = await store.acquireRegistryLock(REG_A, 'func-instance-7', 15);
    const blob = BlobServiceClient.fromConnectionString(azurite().connectionString)
      .getContainerClient(locks)
      .getBlobClient(`${REG_A.toLowerCase().slice(1)}.lock`);
    const props = await blob.getProperties();
    expect(props.leaseState).toBe('leased');
    expect(decodeURIComponent(props.metadata?.['holder'] ?? '')).toBe('func-instance-7');
    const busy = await store.acquireRegistryLock(REG_A, 'other', 15).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LockBusyError);
    expect((busy as LockBusyError).holder).toBe('func-instance-7');
    await lock.release();
    expect((await blob.getProperties()).leaseState).toBe('available');
  });

  it("the caller's refusals inside update keep their type and status; nothing is written", async () => {
    const { store, table } = freshStore();
    const plan = samplePlan();
    const { etag } = await store.create(plan);
    const now = new Date(Date.parse(plan.createdAt) + 1000);
    const self = await store.modify(plan.id, (p) => approve(p, { actor: p.requester, now })).catch((e: unknown) => e);
    expect(self).toBeInstanceOf(SelfApprovalError);
    expect((self as SelfApprovalError).status).toBe(403);
    const hash = await store.modify(plan.id, (p) => approve(p, { actor: 'bob', now, expectedContentHash: 'sha256:00' })).catch((e: unknown) => e);
    expect(hash).toBeInstanceOf(PlanIntegrityError);
    const http = await store.update(plan.id, etag, () => {
      throw new ForbiddenError('no');
    }).catch((e: unknown) => e);
    expect(http).toBeInstanceOf(ForbiddenError);
    const bug = await store.update(plan.id, etag, () => {
      throw new TypeError('a bug in the mutation');
    }).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError); // a bug is a 500, not "storage unavailable"
    await store.modify(plan.id, (p) => approve(p, { actor: 'bob', now }));
    const twice = await store.modify(plan.id, (p) => approve(p, { actor: 'carol', now })).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(PlanStateError);
    expect(problemResponse(twice).status).toBe(409);
    const tc = TableClient.fromConnectionString(azurite().connectionString, table, { allowInsecureConnection: true });
    expect((await tc.getEntity<Record<string, unknown>>('plan', plan.id))['revision']).toBe(2); // only the one approval was written
  });

  it('an unreachable account is StoreUnavailableError (503)', async () => {
    const port = await freePort();
    const cs = azurite().connectionString.replace(`:${azurite().tablePort}/`, `:${port}/`).replace(`:${azurite().blobPort}/`, `:${port}/`);
    const store = new AzureStoragePlanStore({
      connection: { kind: 'connectionString', connectionString: cs, insecure: true },
      maxRetries: 0,
      tableName: 'unreachable',
    });
    const err = await store.get('some-plan').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).status).toBe(503);
    const res = problemResponse(err, '/api/plans/some-plan');
    expect(res.status).toBe(503);
    expect((res.headers as Record<string, string>)['Retry-After']).toBe('5');
    const updating = await store.update('some-plan', '*', (p) => p).catch((e: unknown) => e);
    expect(updating).toBeInstanceOf(StoreUnavailableError);

    // the drift report table behind the same outage: 503 + Retry-After too (it answered 500 before)
    const drift = new TableDriftReportStore({ client: TableClient.fromConnectionString(cs, 'driftreports', { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } }) });
    const latest = await drift.latest().catch((e: unknown) => e);
    expect(latest).toBeInstanceOf(StoreUnavailableError);
    expect((problemResponse(latest).headers as Record<string, string>)['Retry-After']).toBe('5');
  });

  it('createPlanStore reads AzureWebJobsStorage and PLAN_STORE_* settings', async () => {
    n += 1;
    const store = createPlanStore(readPlanStoreSettings({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      AZURITE_BLOB_PORT: String(azurite().blobPort),
      AZURITE_TABLE_PORT: String(azurite().tablePort),
      PLAN_STORE_TABLE: `envplans${n}`,
      PLAN_STORE_CONTAINER: `envplans-${n}`,
      PLAN_LOCK_CONTAINER: `envlocks-${n}`,
    }));
    expect(store).toBeInstanceOf(AzureStoragePlanStore);
    await expect(store.get('nope')).rejects.toBeInstanceOf(PlanNotFoundError);
    const plan = samplePlan();
    await store.create(plan);
    expect((await store.list()).map((s) => s.id)).toEqual([plan.id]);
  });
});
