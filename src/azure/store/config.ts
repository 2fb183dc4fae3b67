/**
 * What the storage adapters are given (read from the environment by src/settings.ts,
 * section `storage`). Plan store settings (app settings / local.settings.json Values):
 *
 * - `PLAN_STORE`                 `azure` (default) or `memory` (process-local, lost on restart).
 * - `PLAN_STORE_CONNECTION`      name of the storage connection setting (default `AzureWebJobsStorage`).
 * - `<conn>`                     a connection string, or `UseDevelopmentStorage=true` (Azurite on
 *                                127.0.0.1, ports `AZURITE_BLOB_PORT` / `AZURITE_QUEUE_PORT` /
 *                                `AZURITE_TABLE_PORT`, default 10000 / 10001 / 10002).
 * - identity-based (Functions conventions), used when `<conn>` is not set:
 *   `<conn>__blobServiceUri` + `<conn>__tableServiceUri`, or `<conn>__accountName`;
 *   `<conn>__clientId` selects a user-assigned managed identity (DefaultAzureCredential).
 * - `PLAN_STORE_TABLE` (default `plans`), `PLAN_STORE_CONTAINER` (default `plans`),
 *   `PLAN_LOCK_CONTAINER` (default `locks`).
 */
export type StorageConnection =
  | { kind: 'connectionString'; connectionString: string; insecure: boolean }
  | { kind: 'identity'; blobServiceUri: string; tableServiceUri: string; clientId?: string };

export interface PlanStoreSettings {
  backend: 'azure' | 'memory';
  connection: StorageConnection | null;
  /** The connection setting name, for error messages. */
  connectionName: string;
  tableName: string;
  containerName: string;
  lockContainerName: string;
}

export function isDevelopmentStorage(cs: string): boolean {
  return /(^|;)\s*UseDevelopmentStorage\s*=\s*true\s*(;|$)/i.test(cs);
}
