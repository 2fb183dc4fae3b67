/**
 * Local host parity for the non-HTTP functions (Core Tools can't be installed here):
 *
 * - `adminFunctionsHandler(triggers, log)`: an `extraHandlers` entry serving
 *   `POST /admin/functions/{name}` with body `{"input": "..."}` exactly like
 *   Core Tools / the Functions host: 202 Accepted at once, the function runs in
 *   the background. A timer gets a Timer object (isPastDue false); a queue
 *   function gets `input` as its message (JSON-parsed when it is JSON).
 *   (In Azure this endpoint needs the master key; the local host checks none.)
 * - `startQueuePollers(triggers, connectionString, log)`: runs every queue
 *   trigger from its Azure Storage queue (Azurite locally) like the host's
 *   queue listener with its default settings: batches of 16, a new batch when
 *   8 or fewer are in flight (so at most 24 at once per queue), polling backoff
 *   up to 2 s (host: 1 min) when the queue is empty, messages invisible while
 *   processed, base64 or plain text decoded, JSON parsed, a failed message
 *   visible again after `visibilityTimeoutSeconds` (host default 0), and after
 *   `maxDequeueCount` (5) failed attempts moved to `<queue>-poison`.
 *   `context.triggerMetadata` carries id, dequeueCount, insertionTime,
 *   expirationTime, nextVisibleTime, popReceipt as the host sets them.
 *   Returns a stop function that waits for the messages in flight.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { InvocationContext, type Timer } from '@azure/functions';
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { QueueFunction, TimerFunction, TriggerFunction } from '../functions/triggers';
import { decodeMessage, queueConnectionFromEnv, queueServiceClient } from '../azure/drift/queue';

export type Log = (line: string) => void;

export interface AdminHandler {
  (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
  /** Resolves when every invocation started so far has finished (tests). */
  settled(): Promise<void>;
}

function contextFor(fn: TriggerFunction, log: Log, triggerMetadata?: Record<string, unknown>): InvocationContext {
  const invocationId = randomUUID();
  return new InvocationContext({
    invocationId,
    functionName: fn.name,
    ...(triggerMetadata ? { triggerMetadata } : {}),
    logHandler: (level, ...args) => {
      const text = args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      log(`  [${level}] ${fn.name} ${invocationId}: ${text}`);
    },
  });
}

/** The schedule a timer runs on: `%SETTING%` resolved from the environment (else its defaultSchedule), like the host. */
export function resolveSchedule(fn: TimerFunction, env: Record<string, string | undefined> = process.env): string {
  const m = /^%([^%]+)%$/.exec(fn.schedule.trim());
  if (!m) return fn.schedule;
  const v = env[m[1] ?? '']?.trim();
  if (v) return v;
  if (fn.defaultSchedule) return fn.defaultSchedule;
  throw new Error(`${fn.name}: app setting ${m[1]} (its schedule) is not set`);
}

export function manualTimer(): Timer {
  const now = new Date().toISOString();
  return { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: now, next: now, lastUpdated: now } };
}

function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** `POST /admin/functions/{name}` → 202, the function runs in the background (Core Tools' admin API). */
export function adminFunctionsHandler(triggers: readonly TriggerFunction[], log: Log = console.log): AdminHandler {
  const byName = new Map(triggers.map((t) => [t.name.toLowerCase(), t]));
  const running = new Set<Promise<void>>();
  const handler = (async (req, res, body) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const m = /^\/admin\/functions\/([^/]+)\/?$/i.exec(path);
    if (!m) return false;
    const fn = byName.get(decodeURIComponent(m[1] ?? '').toLowerCase());
    if (!fn) {
      sendJson(res, 404, { error: `No non-HTTP function named '${m[1]}'. Known: ${triggers.map((t) => t.name).join(', ') || 'none'}` });
      return true;
    }
    if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { error: 'POST only' });
      return true;
    }
    let input: unknown = '';
    if (body.length > 0) {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { input?: unknown };
        input = parsed?.input ?? '';
      } catch {
        sendJson(res, 400, { error: 'The body must be JSON: {"input": "..."}' });
        return true;
      }
    }
    const run = async (): Promise<void> => {
      const started = Date.now();
      log(`admin: running ${fn.name} (${fn.kind}) on demand`);
      try {
        if (fn.kind === 'timer') await fn.handler(manualTimer(), contextFor(fn, log));
        else await fn.handler(typeof input === 'string' ? decodeMessage(input) : input, contextFor(fn, log, { dequeueCount: 1, id: randomUUID() }));
        log(`admin: ${fn.name} succeeded in ${Date.now() - started} ms`);
      } catch (e) {
        log(`admin: ${fn.name} failed after ${Date.now() - started} ms: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    };
    const p = run().finally(() => running.delete(p));
    running.add(p);
    res.writeHead(202, { 'content-length': '0' });
    res.end();
    return true;
  }) as AdminHandler;
  handler.settled = async () => {
    while (running.size) await Promise.allSettled([...running]);
  };
  return handler;
}

export interface QueuePollerOptions {
  /** Messages fetched per receive (1–32; host default 16). */
  batchSize?: number;
  /** Fetch the next batch when this many or fewer are in flight (host default batchSize / 2). */
  newBatchThreshold?: number;
  /** Attempts before a message goes to `<queue>-poison` (host default 5). */
  maxDequeueCount?: number;
  /** A failed message becomes visible again after this long (host default 0). */
  visibilityTimeoutSeconds?: number;
  /** Invisibility while a message is being processed (default 300 s). */
  messageLeaseSeconds?: number;
  /** Longest wait between polls of an empty queue (default 2000 ms; the host's default is 1 min). */
  maxPollingIntervalMs?: number;
  /** Environment for connections other than the one given (default process.env). */
  env?: Record<string, string | undefined>;
}

interface Received {
  messageId: string;
  popReceipt: string;
  messageText: string;
  dequeueCount: number;
  insertedOn?: Date;
  expiresOn?: Date;
  nextVisibleOn?: Date;
}

class QueuePoller {
  private stopped = false;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private poison: QueueClient | undefined;

  constructor(
    private readonly fn: QueueFunction,
    private readonly queue: QueueClient,
    private readonly service: QueueServiceClient,
    private readonly log: Log,
    private readonly o: Required<Omit<QueuePollerOptions, 'env'>>,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    const min = 100;
    let idle = min;
    let failing = false;
    try {
      await this.queue.createIfNotExists();
    } catch (e) {
      this.log(`queue ${this.fn.queueName}: cannot create/reach it: ${(e as Error).message}`);
    }
    while (!this.stopped) {
      if (this.inFlight > this.o.newBatchThreshold) {
        await this.sleep(50);
        continue;
      }
      let batch: Received[];
      try {
        const res = await this.queue.receiveMessages({ numberOfMessages: this.o.batchSize, visibilityTimeout: this.o.messageLeaseSeconds });
        batch = res.receivedMessageItems as Received[];
        if (failing) this.log(`queue ${this.fn.queueName}: reachable again`);
        failing = false;
      } catch (e) {
        if (!failing) this.log(`queue ${this.fn.queueName}: receive failed (${(e as Error).message}); retrying`);
        failing = true;
        batch = [];
      }
      if (batch.length === 0) {
        await this.sleep(idle);
        idle = Math.min(this.o.maxPollingIntervalMs, idle * 2);
        continue;
      }
      idle = min;
      for (const m of batch) {
        this.inFlight += 1;
        const p = this.process(m).finally(() => {
          this.inFlight -= 1;
          this.running.delete(p);
          this.wake?.();
        });
        this.running.add(p);
      }
    }
  }

  private async toPoison(m: Received, why: string): Promise<void> {
    const name = `${this.fn.queueName}-poison`;
    if (!this.poison) {
      this.poison = this.service.getQueueClient(name);
      await this.poison.createIfNotExists();
    }
    await this.poison.sendMessage(m.messageText);
    await this.queue.deleteMessage(m.messageId, m.popReceipt);
    this.log(`queue ${this.fn.queueName}: message ${m.messageId} moved to ${name} (${why})`);
  }

  private async process(m: Received): Promise<void> {
    try {
      if (m.dequeueCount > this.o.maxDequeueCount) {
        await this.toPoison(m, `dequeueCount ${m.dequeueCount} > ${this.o.maxDequeueCount}`);
        return;
      }
      const message = decodeMessage(m.messageText);
      const context = contextFor(this.fn, this.log, {
        id: m.messageId,
        dequeueCount: m.dequeueCount,
        popReceipt: m.popReceipt,
        ...(m.insertedOn ? { insertionTime: m.insertedOn.toISOString() } : {}),
        ...(m.expiresOn ? { expirationTime: m.expiresOn.toISOString() } : {}),
        ...(m.nextVisibleOn ? { nextVisibleTime: m.nextVisibleOn.toISOString() } : {}),
        queueTrigger: typeof message === 'string' ? message : JSON.stringify(message),
      });
      try {
        await this.fn.handler(message, context);
      } catch (e) {
        this.log(`  [error] ${this.fn.name}: message ${m.messageId} attempt ${m.dequeueCount}/${this.o.maxDequeueCount} failed: ${(e as Error).message}`);
        if (m.dequeueCount >= this.o.maxDequeueCount) await this.toPoison(m, `failed ${m.dequeueCount} times`);
        else await this.queue.updateMessage(m.messageId, m.popReceipt, undefined, this.o.visibilityTimeoutSeconds);
        return;
      }
      await this.queue.deleteMessage(m.messageId, m.popReceipt);
    } catch (e) {
      // Storage trouble while deleting/releasing: the message reappears after its lease, as with the host.
      this.log(`queue ${this.fn.queueName}: message ${m.messageId}: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** Starts one poller per queue function; the returned function stops them (waiting for messages in flight). */
export function startQueuePollers(triggers: readonly TriggerFunction[], connectionString: string, log: Log = console.log, options: QueuePollerOptions = {}): () => Promise<void> {
  const batchSize = Math.max(1, Math.min(32, options.batchSize ?? 16));
  const o = {
    batchSize,
    newBatchThreshold: options.newBatchThreshold ?? Math.floor(batchSize / 2),
    maxDequeueCount: options.maxDequeueCount ?? 5,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 0,
    messageLeaseSeconds: options.messageLeaseSeconds ?? 300,
    maxPollingIntervalMs: options.maxPollingIntervalMs ?? 2000,
  };
  const env = options.env ?? process.env;
  const services = new Map<string, QueueServiceClient>();
  const pollers: QueuePoller[] = [];
  for (const fn of triggers) {
    if (fn.kind !== 'queue') continue;
    const conn = fn.connection === 'AzureWebJobsStorage' || !fn.connection ? connectionString : (queueConnectionFromEnv(env, fn.connection) ?? connectionString);
    const key = typeof conn === 'string' ? conn : conn.serviceUri;
    let service = services.get(key);
    if (!service) services.set(key, (service = queueServiceClient(conn)));
    const poller = new QueuePoller(fn, service.getQueueClient(fn.queueName), service, log, o);
    poller.start();
    pollers.push(poller);
    log(`queue trigger ${fn.name}: polling ${fn.queueName} (batch ${o.batchSize}, poison after ${o.maxDequeueCount} attempts)`);
  }
  return async () => {
    await Promise.all(pollers.map((p) => p.stop()));
  };
}
