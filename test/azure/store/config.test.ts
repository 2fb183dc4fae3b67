import { describe, expect, it } from 'vitest';
import { readPlanStoreSettings, resolveStorageConnection, SettingsError } from '../../../src/settings';
import { StoreUnavailableError } from '../../../src/azure/store/errors';
import { InMemoryPlanStore, createPlanStore } from '../../../src/azure/store/index';

describe('plan store settings (src/settings.ts, section storage)', () => {
  it('UseDevelopmentStorage=true expands to Azurite, with configured ports', () => {
    const c = resolveStorageConnection({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', AZURITE_TABLE_PORT: '20002' });
    expect(c).toMatchObject({ kind: 'connectionString', insecure: true });
    expect(c?.kind === 'connectionString' && c.connectionString).toContain('TableEndpoint=http://127.0.0.1:20002/devstoreaccount1');
    expect(c?.kind === 'connectionString' && c.connectionString).toContain('BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1');
    expect(() => resolveStorageConnection({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', AZURITE_BLOB_PORT: 'x' })).toThrow(SettingsError);
  });

  it('a real connection string is used as is (https = secure)', () => {
    const cs = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';
    expect(resolveStorageConnection({ AzureWebJobsStorage: cs })).toEqual({ kind: 'connectionString', connectionString: cs, insecure: false });
  });

  it('identity-based connections follow the Functions conventions', () => {
    expect(resolveStorageConnection({ AzureWebJobsStorage__accountName: 'acct', AzureWebJobsStorage__clientId: 'cid' })).toEqual({
      kind: 'identity',
      blobServiceUri: 'https://acct.blob.core.windows.net',
      tableServiceUri: 'https://acct.table.core.windows.net',
      clientId: 'cid',
    });
    expect(
      resolveStorageConnection({ Plans__blobServiceUri: 'https://b.example', Plans__tableServiceUri: 'https://t.example' }, 'Plans'),
    ).toEqual({ kind: 'identity', blobServiceUri: 'https://b.example', tableServiceUri: 'https://t.example' });
    expect(resolveStorageConnection({})).toBeNull();
  });

  it('names and backend', () => {
    expect(readPlanStoreSettings({ PLAN_STORE_CONNECTION: 'Plans', Plans: 'UseDevelopmentStorage=true' })).toMatchObject({
      backend: 'azure',
      connectionName: 'Plans',
      tableName: 'plans',
      containerName: 'plans',
      lockContainerName: 'locks',
    });
    expect(() => readPlanStoreSettings({ PLAN_STORE: 'cosmos' })).toThrow(/PLAN_STORE/);
    expect(createPlanStore(readPlanStoreSettings({ PLAN_STORE: 'memory' }))).toBeInstanceOf(InMemoryPlanStore);
    expect(() => createPlanStore(readPlanStoreSettings({}))).toThrow(StoreUnavailableError);
  });
});
