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
 * - `startTimers(triggers, log)`: fires timers on their NCRONTAB schedule (UTC,
 *   6 fields, `%SETTING%` resolved like the host, else `defaultSchedule`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { InvocationContext, type Timer } from '@azure/functions';
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { QueueFunction, TimerFunction, TriggerFunction } from '../src/functions/triggers';
import { decodeMessage, queueServiceClient } from '../src/azure/drift/queue';
import { resolveQueueConnection } from '../src/settings';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../src/http/problem';
import { clip, sendProblem } from './local-host';

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

/** `POST /admin/functions/{name}` → 202, the function runs in the background (Core Tools' admin API). Errors are problem+json. */
export function adminFunctionsHandler(triggers: readonly TriggerFunction[], log: Log = console.log): AdminHandler {
  const byName = new Map(triggers.map((t) => [t.name.toLowerCase(), t]));
  const running = new Set<Promise<void>>();
  const handler = (async (req, res, body) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const m = /^\/admin\/functions\/([^/]+)\/?$/i.exec(path);
    if (!m) return false;
    const raw = m[1] ?? '';
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      sendProblem(res, new BadRequestError(`The function name '${clip(raw, 100)}' has a malformed percent-escape.`, [{ pointer: '/name', message: 'has a malformed percent-escape', code: 'malformedEscape' }]), path);
      return true;
    }
    const fn = byName.get(name.toLowerCase());
    if (!fn) {
      sendProblem(res, new NotFoundError(`No non-HTTP function named '${clip(name, 100)}'. Known: ${triggers.map((t) => t.name).join(', ') || 'none'}.`), path);
      return true;
    }
    if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
      sendProblem(res, new MethodNotAllowedError(clip((req.method ?? 'GET').toUpperCase(), 20), ['POST']), path);
      return true;
    }
    let input: unknown = '';
    if (body.length > 0) {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { input?: unknown } | null;
        input = parsed?.input ?? '';
      } catch {
        sendProblem(res, new BadRequestError('The body must be JSON: {"input": "..."}.', [{ pointer: '', message: 'is not valid JSON', code: 'json' }]), path);
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
    const conn = fn.connection === 'AzureWebJobsStorage' || !fn.connection ? connectionString : (resolveQueueConnection(env, fn.connection) ?? connectionString);
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

const NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

function field(text: string, min: number, max: number, what: string): Set<number> {
  const out = new Set<number>();
  const num = (s: string): number => {
    const v = NAMES[s.toLowerCase()] ?? Number(s);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`NCRONTAB ${what}: '${s}' is not in ${min}-${max}`);
    return v;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`NCRONTAB ${what}: bad step in '${part}'`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [num(a), num(b)];
    } else {
      lo = num(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(what === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

/** The next UTC time after `after` matching a 6-field NCRONTAB (`sec min hour day month day-of-week`), as the Functions host reads it. */
export function nextOccurrence(expr: string, after: Date): Date {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`NCRONTAB needs 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), got '${expr}'`);
  const [sec, min, hour, dom, mon, dow] = [
    field(parts[0] ?? '', 0, 59, 'second'),
    field(parts[1] ?? '', 0, 59, 'minute'),
    field(parts[2] ?? '', 0, 23, 'hour'),
    field(parts[3] ?? '', 1, 31, 'day'),
    field(parts[4] ?? '', 1, 12, 'month'),
    field(parts[5] ?? '', 0, 7, 'day of week'),
  ];
  const domAny = parts[3] === '*';
  const dowAny = parts[5] === '*';
  const start = after.getTime();
  const day0 = Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate());
  for (let d = 0; d <= 366 * 5; d++) {
    const day = new Date(day0 + d * 86_400_000);
    if (!mon.has(day.getUTCMonth() + 1)) continue;
    const domOk = dom.has(day.getUTCDate());
    const dowOk = dow.has(day.getUTCDay());
    // cron rule: when both day fields are restricted, either may match
    if (!(domAny && dowAny) && !(domAny ? dowOk : dowAny ? domOk : domOk || dowOk)) continue;
    for (const h of [...hour].sort((a, b) => a - b)) {
      for (const m of [...min].sort((a, b) => a - b)) {
        for (const s of [...sec].sort((a, b) => a - b)) {
          const t = day.getTime() + ((h * 60 + m) * 60 + s) * 1000;
          if (t > start) return new Date(t);
        }
      }
    }
  }
  throw new Error(`NCRONTAB '${expr}' never fires`);
}

/** Fires every timer function on its schedule (UTC), like the host; returns a stop function. */
export function startTimers(triggers: readonly TriggerFunction[], log: Log = console.log, env: Record<string, string | undefined> = process.env): () => void {
  const handles: NodeJS.Timeout[] = [];
  let stopped = false;
  for (const fn of triggers) {
    if (fn.kind !== 'timer') continue;
    const schedule = resolveSchedule(fn, env);
    const arm = (last: Date): void => {
      if (stopped) return;
      const next = nextOccurrence(schedule, new Date());
      const h = setTimeout(() => {
        log(`timer ${fn.name}: firing (schedule ${schedule})`);
        const now = new Date().toISOString();
        const t: Timer = { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { last: last.toISOString(), next: now, lastUpdated: now } };
        fn.handler(t, contextFor(fn, log)).catch((e: unknown) => log(`timer ${fn.name} failed: ${e instanceof Error ? e.message : String(e)}`)).finally(() => arm(new Date()));
      }, Math.min(2 ** 31 - 1, next.getTime() - Date.now()));
      h.unref();
      handles.push(h);
    };
    arm(new Date());
    log(`timer ${fn.name}: schedule ${schedule} (UTC), next ${nextOccurrence(schedule, new Date()).toISOString()}`);
  }
  return () => {
    stopped = true;
    for (const h of handles) clearTimeout(h);
  };
}
