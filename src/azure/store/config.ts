/**
 * Plan store settings (app settings / local.settings.json Values):
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
import { devConnectionString } from './dev-storage';

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

type Env = Record<string, string | undefined>;

function port(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new RangeError(`${name} must be a TCP port, got ${JSON.stringify(v)}`);
  return n;
}

export function isDevelopmentStorage(cs: string): boolean {
  return /(^|;)\s*UseDevelopmentStorage\s*=\s*true\s*(;|$)/i.test(cs);
}

/** Resolves a connection setting (connection string or identity-based) by name. */
export function resolveStorageConnection(env: Env, name = 'AzureWebJobsStorage'): StorageConnection | null {
  const cs = env[name]?.trim();
  if (cs) {
    if (isDevelopmentStorage(cs)) {
      const p: { blobPort?: number; queuePort?: number; tablePort?: number } = {};
      const b = port(env, 'AZURITE_BLOB_PORT');
      const q = port(env, 'AZURITE_QUEUE_PORT');
      const t = port(env, 'AZURITE_TABLE_PORT');
      if (b !== undefined) p.blobPort = b;
      if (q !== undefined) p.queuePort = q;
      if (t !== undefined) p.tablePort = t;
      return { kind: 'connectionString', connectionString: devConnectionString(p), insecure: true };
    }
    const insecure = /DefaultEndpointsProtocol\s*=\s*http(;|$)/i.test(cs) || /Endpoint\s*=\s*http:\/\//i.test(cs);
    return { kind: 'connectionString', connectionString: cs, insecure };
  }
  const clientId = env[`${name}__clientId`]?.trim() || undefined;
  const blob = env[`${name}__blobServiceUri`]?.trim();
  const table = env[`${name}__tableServiceUri`]?.trim();
  const account = env[`${name}__accountName`]?.trim();
  let conn: StorageConnection | null = null;
  if (blob && table) conn = { kind: 'identity', blobServiceUri: blob, tableServiceUri: table };
  else if (account) {
    conn = {
      kind: 'identity',
      blobServiceUri: `https://${account}.blob.core.windows.net`,
      tableServiceUri: `https://${account}.table.core.windows.net`,
    };
  }
  if (conn && clientId) conn.clientId = clientId;
  return conn;
}

export function readPlanStoreSettings(env: Env = process.env): PlanStoreSettings {
  const backendRaw = (env['PLAN_STORE'] ?? 'azure').trim().toLowerCase();
  if (backendRaw !== 'azure' && backendRaw !== 'memory') {
    throw new RangeError(`PLAN_STORE must be 'azure' or 'memory', got ${JSON.stringify(env['PLAN_STORE'])}`);
  }
  const connectionName = env['PLAN_STORE_CONNECTION']?.trim() || 'AzureWebJobsStorage';
  return {
    backend: backendRaw,
    connection: backendRaw === 'azure' ? resolveStorageConnection(env, connectionName) : null,
    connectionName,
    tableName: env['PLAN_STORE_TABLE']?.trim() || 'plans',
    containerName: env['PLAN_STORE_CONTAINER']?.trim() || 'plans',
    lockContainerName: env['PLAN_LOCK_CONTAINER']?.trim() || 'locks',
  };
}
