/**
 * The Azurite development storage account (`UseDevelopmentStorage=true`): its
 * well-known name, key and default ports, and the explicit connection string
 * the setting stands for. Pure string building, no I/O; the launcher that
 * starts an Azurite lives in devhost/azurite.ts (never shipped).
 */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
/** Azurite's well-known development account key (public; documented by Microsoft). */
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
export const DEFAULT_PORTS = { blob: 10000, queue: 10001, table: 10002 } as const;

export interface DevPorts {
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  host?: string;
}

/** The explicit connection string `UseDevelopmentStorage=true` stands for (with optional ports). */
export function devConnectionString(p: DevPorts = {}): string {
  const host = p.host ?? '127.0.0.1';
  const blob = p.blobPort ?? DEFAULT_PORTS.blob;
  const queue = p.queuePort ?? DEFAULT_PORTS.queue;
  const table = p.tablePort ?? DEFAULT_PORTS.table;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT_NAME}`,
    `AccountKey=${DEV_ACCOUNT_KEY}`,
    `BlobEndpoint=http://${host}:${blob}/${DEV_ACCOUNT_NAME}`,
    `QueueEndpoint=http://${host}:${queue}/${DEV_ACCOUNT_NAME}`,
    `TableEndpoint=http://${host}:${table}/${DEV_ACCOUNT_NAME}`,
  ].join(';') + ';';
}
