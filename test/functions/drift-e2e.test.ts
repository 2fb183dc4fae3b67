/**
 * The drift scan as the local host runs it: POST /admin/functions/topologyDrift → 202, the timer
 * enqueues on a real Azurite queue, the queue pollers run driftCheck / driftRunFinalize, reports
 * land in Azurite Table storage, GET /api/drift serves them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAzurite, type AzuriteHandle } from '../../devhost/azurite';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { StorageQueueDriftQueue, TableDriftReportStore } from '../../src/azure/drift';
import { triggerFunctions } from '../../src/functions/registry';
import { drift, driftHistory, driftRuns } from '../../src/functions/drift';
import { adminFunctionsHandler, startQueuePollers } from '../../devhost/local-triggers';
import { startLocalHost, type LocalHost } from '../../devhost/local-host';
import { SANDBOX_SUBSCRIPTION_ID } from '../../devhost/sandbox';
import { CONFIG, ECONOMIC, HEALTH, id, startFleet, type Fleet } from '../azure/drift/fleet';

let azurite: AzuriteHandle;
let fleet: Fleet;
let host: LocalHost;
let stopPollers: (() => Promise<void>) | undefined;
const logs: string[] = [];
const reader = { 'x-geoplanner-principal': 'rita@contoso.com; roles=Planner.Read' };

beforeAll(async () => {
  [azurite, fleet] = await Promise.all([ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 }), startFleet()]);
  // The composition root builds the drift report table and queue from AzureWebJobsStorage (Azurite here);
  // the drift reads need Planner.Read: the local stand-in header, enabled for this file.
  const services = createServices(
    readSettings({
      ...fleet.env,
      AzureWebJobsStorage: azurite.connectionString,
      LOCAL_PRINCIPAL_HEADER: 'true',
      DRIFT_SUBSCRIPTIONS: SANDBOX_SUBSCRIPTION_ID,
      DRIFT_AVG_PULL_SIZE_MB: '200',
      DRIFT_FINALIZE_DELAY_SECONDS: '1',
    }),
    { arm: () => fleet.services.arm(), solver: () => fleet.services.solver(), planStore: () => fleet.plans },
  );
  expect(services.drift.reports).toBeInstanceOf(TableDriftReportStore);
  expect(services.drift.queue).toBeInstanceOf(StorageQueueDriftQueue);
  setServices(services);
  stopPollers = startQueuePollers(triggerFunctions(), azurite.connectionString, (l) => logs.push(l), { maxPollingIntervalMs: 200 });
  host = await startLocalHost({ endpoints: [drift, driftHistory, driftRuns], port: 0, maxBodyBytes: 1 << 20, log: () => {}, extraHandlers: [adminFunctionsHandler(triggerFunctions(), (l) => logs.push(l))] });
});

afterAll(async () => {
  await stopPollers?.();
  await host?.close();
  setServices();
  await Promise.all([azurite?.stop(), fleet?.close()]);
});

describe('drift scan through the local host, Azurite queues and tables', () => {
  it('admin endpoint → 202; the run happens: every registry reported once, 3 drifted, run closed', async () => {
    const base = `http://127.0.0.1:${host.port}`;
    const res = await fetch(`${base}/admin/functions/topologyDrift`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":""}' });
    expect(res.status).toBe(202);
    let runs: any;
    const end = Date.now() + 25_000;
    for (;;) {
      runs = await (await fetch(`${base}/api/drift/runs`, { headers: reader })).json();
      if (runs.runs[0]?.finalizedAt) break;
      if (Date.now() > end) throw new Error(`run not finalized; logs:\n${logs.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs.runs[0]).toMatchObject({ expected: 20, outcome: { checked: 20, drifted: 3, errors: 0, missing: 0 }, webhook: { status: 'skipped' } });
    const anonymous = await fetch(`${base}/api/drift`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/problem\+json/);
    const latest: any = await (await fetch(`${base}/api/drift`, { headers: reader })).json();
    expect(latest.count).toBe(20);
    expect(new Set(latest.reports.map((r: { registryId: string }) => r.registryId.toLowerCase())).size).toBe(20);
    expect(latest.reports.filter((r: { status: string }) => r.status === 'drifted').map((r: { registryName: string }) => r.registryName).sort()).toEqual([CONFIG, ECONOMIC, HEALTH].sort());
    const hist = await fetch(`${base}/api/drift/history?registry=${encodeURIComponent(id(CONFIG))}`, { headers: reader });
    expect(hist.status).toBe(200);
    const h: any = await hist.json();
    expect(h.count).toBe(1);
    expect(h.reports[0].findings[0]).toMatchObject({ kind: 'configuration', code: 'REPLICA_MISSING', region: 'northeurope', severity: 'critical' });
  }, 40_000);
});
