/** Drift scan adapters: report store (memory, Table storage), queue, webhook, settings, runtime. */
export * from './types';
export * from './settings';
export { InMemoryDriftReportStore } from './memory';
export { TableDriftReportStore, type TableDriftReportStoreOptions } from './table-store';
export { InMemoryDriftQueue, StorageQueueDriftQueue, decodeMessage, encodeMessage, queueConnectionFromEnv, queueServiceClient, type DriftQueue, type SendOptions } from './queue';
export { postWebhook, type WebhookOptions } from './webhook';
export { Limiter, mapLimit } from './limit';
export { entryOf } from './entries';
export { createDriftRuntime, getDriftRuntime, setDriftRuntime, type DriftRuntime } from './runtime';
