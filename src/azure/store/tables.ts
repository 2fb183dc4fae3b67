/**
 * Opening an Azure Table for an adapter: the SDK required lazily, a TableClient for a StorageConnection
 * (connection string, or the table service URI with a managed identity), the table created when missing.
 * Each adapter keeps its own "no connection" error and its own error mapping around these.
 */
import type { TokenCredential } from '@azure/identity';
import type { TableClient } from '@azure/data-tables';
import type { StorageConnection } from './config';
import { storageStatusOf } from './errors';

/**
 * The Tables SDK, required on first use (each SDK costs ~100 ms at cold start). `require`, not `import()`:
 * in this CommonJS build a dynamic import would load the package's ESM flavour, whose classes are distinct
 * from the CommonJS ones the types (and injected clients) use.
 */
export function loadTables(): typeof import('@azure/data-tables') {
  return require('@azure/data-tables') as typeof import('@azure/data-tables');
}

/** A client for table `name`: from the connection string, or the service URI with `credential` (default: DefaultAzureCredential, the connection's user-assigned identity when it names one). */
export function tableClientFor(conn: StorageConnection, name: string, credential?: TokenCredential): TableClient {
  const { TableClient: Client } = loadTables();
  if (conn.kind === 'connectionString') return Client.fromConnectionString(conn.connectionString, name, { allowInsecureConnection: conn.insecure });
  let cred = credential;
  if (!cred) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    cred = conn.clientId ? new DefaultAzureCredential({ managedIdentityClientId: conn.clientId }) : new DefaultAzureCredential();
  }
  return new Client(conn.tableServiceUri, name, cred);
}

/** Creates the client's table unless it exists (409). */
export async function ensureTable(client: TableClient): Promise<void> {
  try {
    await client.createTable();
  } catch (e) {
    if (storageStatusOf(e) !== 409) throw e;
  }
}
