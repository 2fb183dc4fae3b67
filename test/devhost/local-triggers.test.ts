/**
 * Local host parity for non-HTTP functions: the admin endpoint (run on demand) and the
 * queue pollers against a real Azurite (in memory, free ports).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueServiceClient } from '@azure/storage-queue';
import type { InvocationContext } from '@azure/functions';
import { useAzurite } from '../helpers/azurite';
import { StorageQueueDriftQueue } from '../../src/azure/drift';
import { adminFunctionsHandler, nextOccurrence, resolveSchedule, startQueuePollers } from '../../devhost/local-triggers';
import { startLocalHost, type LocalHost } from '../../devhost/local-host';
import type { QueueFunction, TimerFunction } from '../../src/functions/triggers';

const logs: string[] = [];
const log = (l: string) => logs.push(l);

const azurite = useAzurite();

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('queue pollers (Azurite)', () => {
  it('round trip: base64 JSON and plain text messages reach the handler with trigger metadata, then are deleted', async () => {
    const got: Array<{ message: unknown; meta: Record<string, unknown> | undefined }> = [];
    const echo: QueueFunction = {
      kind: 'queue',
      name: 'echo',
      queueName: 'lt-echo',
      connection: 'AzureWebJobsStorage',
      handler: async (message, context: InvocationContext) => {
        got.push({ message, meta: context.triggerMetadata as Record<string, unknown> | undefined });
      },
    };
    const stop = startQueuePollers([echo], azurite().connectionString, log, { maxPollingIntervalMs: 200 });
    try {
      await new StorageQueueDriftQueue(azurite().connectionString).send('lt-echo', { runId: 'r1', registryId: '/x' });
      const raw = QueueServiceClient.fromConnectionString(azurite().connectionString).getQueueClient('lt-echo');
      await raw.sendMessage('plain text, not base64!');
      await until(() => got.length === 2);
      const messages = got.map((g) => g.message);
      expect(messages).toContainEqual({ runId: 'r1', registryId: '/x' });
      expect(messages).toContainEqual('plain text, not base64!');
      expect(got[0]?.meta).toMatchObject({ dequeueCount: 1, id: expect.any(String), popReceipt: expect.any(String), insertionTime: expect.any(String) });
      await until(async () => (await raw.getProperties()).approximateMessagesCount === 0);
    } finally {
      await stop();
    }
  });

  it('a message that keeps failing is retried with increasing dequeueCount and moved to <queue>-poison after 5 attempts', async () => {
    const counts: number[] = [];
    const failing: QueueFunction = {
      kind: 'queue',
      name: 'alwaysFails',
      queueName: 'lt-fail',
      connection: 'AzureWebJobsStorage',
      handler: async (_m, context) => {
        counts.push(Number(context.triggerMetadata?.['dequeueCount']));
        throw new Error('boom');
      },
    };
    const stop = startQueuePollers([failing], azurite().connectionString, log, { maxPollingIntervalMs: 100 });
    const svc = QueueServiceClient.fromConnectionString(azurite().connectionString);
    try {
      await new StorageQueueDriftQueue(azurite().connectionString).send('lt-fail', { n: 1 });
      const poison = svc.getQueueClient('lt-fail-poison');
      await until(async () => (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length === 1);
      expect(counts).toEqual([1, 2, 3, 4, 5]);
      const [item] = (await poison.peekMessages()).peekedMessageItems;
      expect(JSON.parse(Buffer.from(item!.messageText, 'base64').toString('utf8'))).toEqual({ n: 1 });
      expect(logs.join('\n')).toMatch(/moved to lt-fail-poison \(failed 5 times\)/);
    } finally {
      await stop();
    }
  });

  it('bounds concurrency to batchSize + newBatchThreshold', async () => {
    let active = 0;
    let peak = 0;
    let done = 0;
    const slow: QueueFunction = {
      kind: 'queue',
      name: 'slow',
      queueName: 'lt-slow',
      connection: 'AzureWebJobsStorage',
      handler: async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 30));
        active -= 1;
        done += 1;
      },
    };
    const q = new StorageQueueDriftQueue(azurite().connectionString);
    await Promise.all(Array.from({ length: 40 }, (_, i) => q.send('lt-slow', { i })));
    const stop = startQueuePollers([slow], azurite().connectionString, log, { batchSize: 4, maxPollingIntervalMs: 100 });
    try {
      await until(() => done === 40, 20_000);
      expect(peak).toBeLessThanOrEqual(6);
      expect(peak).toBeGreaterThan(1);
    } finally {
      await stop();
    }
  });
});

describe('admin endpoint (Core Tools parity)', () => {
  let host: LocalHost;
  let runs = 0;
  const timer: TimerFunction = {
    kind: 'timer',
    name: 'tick',
    schedule: '%LT_TICK_SCHEDULE%',
    defaultSchedule: '0 0 6 * * *',
    handler: async (t) => {
      expect(t.isPastDue).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      runs += 1;
    },
  };
  const admin = adminFunctionsHandler([timer], log);
  beforeAll(async () => {
    host = await startLocalHost({ endpoints: [], port: 0, maxBodyBytes: 1024, log: () => {}, extraHandlers: [admin] });
  });
  afterAll(async () => {
    await host?.close();
  });

  it('POST /admin/functions/{name} {"input":""} → 202 at once, the function runs in the background', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/admin/functions/tick`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":""}' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    await admin.settled();
    expect(runs).toBe(1);
    expect(logs.join('\n')).toMatch(/admin: tick succeeded/);
  });

  it('404 for an unknown function, 405 for GET, 400 for a non-JSON body: all problem+json', async () => {
    const expectProblem = async (res: Response, status: number): Promise<{ type: string; status: number; detail: string; instance?: string }> => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const body = (await res.json()) as { type: string; status: number; detail: string; instance?: string };
      expect(body.status).toBe(status);
      return body;
    };
    const missing = await expectProblem(await fetch(`http://127.0.0.1:${host.port}/admin/functions/nope`, { method: 'POST', body: '{}' }), 404);
    expect(missing.detail).toMatch(/No non-HTTP function named 'nope'\. Known: tick/);
    expect(missing.instance).toBe('/admin/functions/nope');
    const get = await fetch(`http://127.0.0.1:${host.port}/admin/functions/tick`);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await expectProblem(get, 405)).type).toBe('urn:acr-geoplanner:problem:method-not-allowed');
    await expectProblem(await fetch(`http://127.0.0.1:${host.port}/admin/functions/tick`, { method: 'POST', body: 'not json' }), 400);
    await expectProblem(await fetch(`http://127.0.0.1:${host.port}/admin/functions/%E0%A4%A`, { method: 'POST', body: '{}' }), 400);
    // a long unknown name is not echoed in full
    const long = await expectProblem(await fetch(`http://127.0.0.1:${host.port}/admin/functions/${'x'.repeat(5000)}`, { method: 'POST', body: '{}' }), 404);
    expect(long.detail.length).toBeLessThan(400);
  });

  it('TRACE on an admin path (raw socket) → 405 problem+json with Allow: POST, and the host still answers', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1');
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write('TRACE /admin/functions/tick HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(answer).toMatch(/\r\nallow: POST\r\n/i);
    expect((await fetch(`http://127.0.0.1:${host.port}/admin/functions/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('resolves %SETTING% schedules like the host, with the default', () => {
    expect(resolveSchedule(timer, {})).toBe('0 0 6 * * *');
    expect(resolveSchedule(timer, { LT_TICK_SCHEDULE: '0 */5 * * * *' })).toBe('0 */5 * * * *');
  });
});

describe('NCRONTAB schedules (local timers)', () => {
  it('computes the next occurrence in UTC like the host', () => {
    const at = new Date('2026-01-10T05:59:59Z');
    expect(nextOccurrence('0 0 6 * * *', at).toISOString()).toBe('2026-01-10T06:00:00.000Z');
    expect(nextOccurrence('0 0 6 * * *', new Date('2026-01-10T06:00:00Z')).toISOString()).toBe('2026-01-11T06:00:00.000Z');
    expect(nextOccurrence('0 */5 * * * *', at).toISOString()).toBe('2026-01-10T06:00:00.000Z');
    expect(nextOccurrence('30 15 9 * * Mon-Fri', new Date('2026-01-10T00:00:00Z')).toISOString()).toBe('2026-01-12T09:15:30.000Z'); // Jan 10 2026 is a Saturday
    expect(nextOccurrence('0 0 0 1 Feb *', at).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(() => nextOccurrence('0 6 * * *', at)).toThrow(/6 fields/);
  });
});
