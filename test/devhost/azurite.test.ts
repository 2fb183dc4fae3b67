import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzuriteStartError, devConnectionString, ensureAzurite, freePort, isListening } from '../../devhost/azurite';

describe('ensureAzurite', () => {
  it('starts Azurite on free ports, reuses a running one, and stops only what it started', async () => {
    const a = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
    try {
      expect(a.started).toBe(true);
      expect(new Set([a.blobPort, a.queuePort, a.tablePort]).size).toBe(3);
      for (const p of [a.blobPort, a.queuePort, a.tablePort]) expect(await isListening(p)).toBe(true);
      const svc = BlobServiceClient.fromConnectionString(a.connectionString);
      await svc.getContainerClient('probe').create();
      const names: string[] = [];
      for await (const c of svc.listContainers()) names.push(c.name);
      expect(names).toEqual(['probe']);

      const b = await ensureAzurite({ inMemory: true, blobPort: a.blobPort, queuePort: a.queuePort, tablePort: a.tablePort });
      expect(b.started).toBe(false);
      expect(b.connectionString).toBe(a.connectionString);
      await b.stop();
      expect(await isListening(a.blobPort)).toBe(true);
    } finally {
      await a.stop();
      await a.stop(); // idempotent
    }
    for (const p of [a.blobPort, a.queuePort, a.tablePort]) expect(await isListening(p)).toBe(false);
  });

  it('fails with a clear error when Azurite cannot listen', async () => {
    const tablePort = await freePort();
    const squatter = createServer().listen(tablePort, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      const got = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort, startTimeoutMs: 10_000 }).catch((e: unknown) => e);
      if (!(got instanceof Error)) await (got as { stop(): Promise<void> }).stop(); // never leak a process
      expect(got).toBeInstanceOf(AzuriteStartError);
      expect((got as Error).message).toMatch(new RegExp(`port ${tablePort} .*in use`));
    } finally {
      squatter.close();
    }
  });

  it('devConnectionString is the well-known development account', () => {
    expect(devConnectionString()).toBe(
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
        'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
        'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;' +
        'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
    );
  });
});
