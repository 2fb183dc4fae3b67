/**
 * The drift queue adapters (port: src/app/ports/drift.ts): Azure Storage (@azure/storage-queue) and in memory.
 * Messages are JSON, base64-encoded: the Functions host's default
 * (`extensions.queues.messageEncoding: base64`) for queue triggers.
 */
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { TokenCredential } from '@azure/identity';
import type { DriftQueue, SendOptions } from '../../app/ports/drift';

export function encodeMessage(message: unknown): string {
  return Buffer.from(typeof message === 'string' ? message : JSON.stringify(message), 'utf8').toString('base64');
}

/** Decodes a queue message the way the Functions host does: base64 if it is base64, then JSON if it parses. */
export function decodeMessage(text: string): unknown {
  let s = text;
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && text.length > 0) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (Buffer.from(decoded, 'utf8').toString('base64') === text) s = decoded;
  }
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function loadQueues(): typeof import('@azure/storage-queue') {
  return require('@azure/storage-queue') as typeof import('@azure/storage-queue');
}

/**
 * A QueueServiceClient from a connection string, or from the identity-based
 * settings of a connection (`<name>__queueServiceUri` or `<name>__accountName`).
 */
export function queueServiceClient(connection: string | { serviceUri: string; credential?: TokenCredential; clientId?: string }): QueueServiceClient {
  const { QueueServiceClient } = loadQueues();
  if (typeof connection === 'string') return QueueServiceClient.fromConnectionString(connection);
  let credential = connection.credential;
  if (!credential) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    credential = connection.clientId ? new DefaultAzureCredential({ managedIdentityClientId: connection.clientId }) : new DefaultAzureCredential();
  }
  return new QueueServiceClient(connection.serviceUri, credential);
}

export class StorageQueueDriftQueue implements DriftQueue {
  private readonly created = new Map<string, Promise<QueueClient>>();
  private service: QueueServiceClient | undefined;

  constructor(private readonly connection: string | { serviceUri: string; credential?: TokenCredential; clientId?: string }) {}

  private queue(name: string): Promise<QueueClient> {
    let p = this.created.get(name);
    if (!p) {
      p = (async () => {
        this.service ??= queueServiceClient(this.connection);
        const q = this.service.getQueueClient(name);
        await q.createIfNotExists();
        return q;
      })();
      p.catch(() => this.created.delete(name));
      this.created.set(name, p);
    }
    return p;
  }

  async send(queueName: string, message: unknown, options: SendOptions = {}): Promise<void> {
    const q = await this.queue(queueName);
    await q.sendMessage(encodeMessage(message), {
      ...(options.visibilityTimeoutSeconds ? { visibilityTimeout: Math.min(7 * 24 * 3600, Math.ceil(options.visibilityTimeoutSeconds)) } : {}),
    });
  }
}

/** In-memory queue (unit tests): messages kept per queue, in order, as sent (not encoded). */
export class InMemoryDriftQueue implements DriftQueue {
  readonly messages = new Map<string, Array<{ message: unknown; visibilityTimeoutSeconds?: number }>>();

  async send(queueName: string, message: unknown, options: SendOptions = {}): Promise<void> {
    let list = this.messages.get(queueName);
    if (!list) this.messages.set(queueName, (list = []));
    list.push({ message: structuredClone(message), ...(options.visibilityTimeoutSeconds ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds } : {}) });
  }

  /** Removes and returns every message of a queue. */
  take(queueName: string): unknown[] {
    const list = this.messages.get(queueName) ?? [];
    this.messages.set(queueName, []);
    return list.map((m) => m.message);
  }
}
