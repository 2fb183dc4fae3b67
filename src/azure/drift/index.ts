/** Drift scan adapters: report store (memory, Table storage), queue, webhook, queue names (built by src/composition.ts). */
export * from './settings';
export { InMemoryDriftReportStore } from './memory';
export { TableDriftReportStore, type TableDriftReportStoreOptions } from './table-store';
export { InMemoryDriftQueue, StorageQueueDriftQueue, decodeMessage, encodeMessage, queueServiceClient } from './queue';
export { registryRowKey } from './row-key';
export { postWebhook, type WebhookOptions } from './webhook';
export { entryOf } from './entries';
