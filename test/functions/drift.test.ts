/**
 * The drift scan end to end against the ARM sandbox (real ARM SDK clients),
 * with in-memory report store, queue and plan store: timer → checks → reports → run finalizer → webhook.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServices, type Services } from '../../src/composition';
import { DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE } from '../../src/azure/drift';
import { handleRunFinalize, startDriftRun } from '../../src/functions/topology-drift';
import { handleDriftCheck } from '../../src/functions/drift-check';
import { drift, driftHistory, driftRuns } from '../../src/functions/drift';
import { invoke } from '../helpers/invoke';
import { CONFIG, ECONOMIC, HEALTH, drain, fleetSeed, id, runtimeFor, startFleet, testContext, type Fleet } from '../azure/drift/fleet';

let fleet: Fleet;
/** The drift reads need Planner.Read: the local stand-in header, enabled for this file. */
const reader = { 'x-geoplanner-principal': 'rita@contoso.com; roles=Planner.Read' };
const withReader = (s: Services): Services => ({ ...s, settings: { ...s.settings, identity: { ...s.settings.identity, localPrincipalHeader: true } } });

beforeAll(async () => {
  fleet = await startFleet();
  setServices(withReader(fleet.services));
});
afterAll(async () => {
  setServices();
  await fleet?.close();
});

describe('drift scan of a 20-registry fleet (3 drifted)', () => {
  it('flags exactly the configuration, economic and health cases, each with its reason', async () => {
    const rt = runtimeFor(fleet);
    setServices(rt);
    const logs: string[] = [];
    const { run, registryIds } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
    expect(registryIds).toHaveLength(20);
    // Resource Graph inventory: one message per subscription + home region (≤ 50 registries), carrying the live topology.
    const msgs = (rt.drift.queue.messages.get(DRIFT_CHECK_QUEUE) ?? []).map((m) => m.message as { runId: string; region: string; registries: Array<{ id: string; location: string }> });
    expect(msgs.length).toBe(new Set(fleetSeed().map((r) => r.location)).size);
    expect(msgs.every((m) => m.runId === run.runId && m.registries.every((r) => r.location === m.region))).toBe(true);
    expect(msgs.flatMap((m) => m.registries.map((r) => r.id)).sort()).toEqual([...registryIds].sort());
    expect(run.inventory).toMatchObject({ source: 'resource-graph', armReads: 0, armFallbackSubscriptions: [] });
    fleet.sandbox.resetRequests();
    await drain(rt, logs);
    // The checks read no ARM: topology from the message, metrics from the batch data plane.
    expect(fleet.sandbox.requests.filter((x) => x.request.method === 'GET')).toEqual([]);
    expect(fleet.sandbox.requests.filter((x) => x.operationId === 'MetricsBatch_Batch')).toHaveLength(2 * msgs.length);

    const latest = await rt.drift.reports.latest();
    expect(latest).toHaveLength(20);
    const drifted = latest.filter((r) => r.status === 'drifted');
    expect(drifted.map((r) => r.registryName).sort()).toEqual([CONFIG, ECONOMIC, HEALTH].sort());
    expect(latest.filter((r) => r.status === 'error')).toEqual([]);

    const byName = new Map(latest.map((r) => [r.registryName, r]));
    const cfg = byName.get(CONFIG)!;
    expect(cfg.approvedPlanId).toBe('plan-config-1');
    expect(cfg.findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}:${f.code}:${f.region}`)).toEqual(['configuration:REPLICA_MISSING:northeurope']);
    const eco = byName.get(ECONOMIC)!;
    expect(eco.findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}:${f.code}`)).toEqual(['economic:SAVING_AVAILABLE', 'economic:REPLICA_BELOW_BREAK_EVEN']);
    expect(eco.economics?.changes?.remove).toEqual(['westeurope']);
    expect(eco.economics?.assumptions.join(' ')).toMatch(/equal share/);
    const health = byName.get(HEALTH)!;
    expect(health.findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind}:${f.code}:${f.region}`)).toEqual(['health:REPLICA_NOT_READY:northeurope']);
    expect(health.summary).toMatch(/Syncing/);
    // the others have notes only: nothing to compare with
    const ok = latest.find((r) => r.status === 'ok')!;
    expect(ok.findings.map((f) => f.code)).toContain('NO_APPLIED_PLAN');

    const finished = await rt.drift.reports.getRun(run.runId);
    expect(finished?.outcome).toEqual({ checked: 20, drifted: 3, errors: 0, missing: 0 });
    expect(finished?.webhook?.status).toBe('skipped');

    // HTTP: filters by kind and severity
    const all = await invoke(drift, { headers: reader });
    expect(all.status).toBe(200);
    expect(all.json.count).toBe(20);
    expect(all.json.reports.slice(0, 3).map((r: { status: string }) => r.status)).toEqual(['drifted', 'drifted', 'drifted']);
    const eco2 = await invoke(drift, { query: { kind: 'economic', severity: 'warning' }, headers: reader });
    expect(eco2.json.reports.map((r: { registryName: string }) => r.registryName)).toEqual([ECONOMIC]);
    const crit = await invoke(drift, { query: { severity: 'critical' }, headers: reader });
    expect(crit.json.reports.map((r: { registryName: string }) => r.registryName)).toEqual([CONFIG]);
    const bad = await invoke(drift, { query: { kind: 'cost' }, headers: reader });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].pointer).toBe('/query/kind');
    const hist = await invoke(driftHistory, { path: 'drift/history', query: { registry: id(HEALTH).toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') }, headers: reader });
    expect(hist.status).toBe(200);
    expect(hist.json.reports).toHaveLength(1);
    const none = await invoke(driftHistory, { path: 'drift/history', query: { registry: id('nosuchone') }, headers: reader });
    expect(none.status).toBe(404);
    const runs = await invoke(driftRuns, { path: 'drift/runs', headers: reader });
    expect(runs.json.runs[0].runId).toBe(run.runId);

    // every drift read needs an identity with Planner.Read (or a role that includes it)
    const requester = { 'x-geoplanner-principal': 'quinn@contoso.com; roles=Planner.Request' };
    const outsider = { 'x-geoplanner-principal': 'oscar@contoso.com; roles=Something.Else' };
    const routes = [
      { fn: drift, opts: {} },
      { fn: driftHistory, opts: { path: 'drift/history', query: { registry: id(HEALTH) } } },
      { fn: driftRuns, opts: { path: 'drift/runs' } },
    ];
    for (const { fn, opts } of routes) {
      const anonymous = await invoke(fn, opts);
      expect(anonymous.status, `${fn.name}: ${anonymous.text}`).toBe(401);
      expect(anonymous.json.detail).toMatch(/Planner\.Read/);
      expect((await invoke(fn, { ...opts, headers: reader })).status, fn.name).toBe(200);
      expect((await invoke(fn, { ...opts, headers: requester })).status, fn.name).toBe(200);
      expect((await invoke(fn, { ...opts, headers: outsider })).status, fn.name).toBe(403);
    }
  });

  it('re-processing a message overwrites its report: no duplicate', async () => {
    const rt = runtimeFor(fleet, { DRIFT_SUBSCRIPTIONS: '', DRIFT_REGISTRY_IDS: id(HEALTH) });
    const logs: string[] = [];
    const { run } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
    const [msg] = rt.drift.queue.take(DRIFT_CHECK_QUEUE);
    await handleDriftCheck(msg, testContext('driftCheck', logs), rt);
    await handleDriftCheck(msg, testContext('driftCheck', logs, 2), rt);
    await handleDriftCheck(structuredClone(msg), testContext('driftCheck', logs, 3), rt);
    expect(rt.drift.reports.puts).toBe(3);
    expect(rt.drift.reports.count()).toBe(1);
    expect(await rt.drift.reports.history(id(HEALTH))).toHaveLength(1);
    expect(await rt.drift.reports.runEntries(run.runId)).toHaveLength(1);
  });

  it('a registry that keeps failing is retried via the queue, then reported as error; a missing one at once', async () => {
    const rt = runtimeFor(fleet, { DRIFT_SUBSCRIPTIONS: '', DRIFT_REGISTRY_IDS: `${id(HEALTH)},${id('gonegone1')}` });
    const logs: string[] = [];
    await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
    const msgs = rt.drift.queue.take(DRIFT_CHECK_QUEUE);
    const failing = msgs.find((m) => (m as { registryId: string }).registryId === id(HEALTH));
    const gone = msgs.find((m) => (m as { registryId: string }).registryId === id('gonegone1'));
    fleet.sandbox.faults.set({ registry: HEALTH, serverError: { persistent: true, statusCode: 503 } });
    try {
      await expect(handleDriftCheck(failing, testContext('driftCheck', logs, 1), rt)).rejects.toThrow();
      expect(rt.drift.reports.count()).toBe(0);
      const [last] = (await handleDriftCheck(failing, testContext('driftCheck', logs, 5), rt)) ?? [];
      expect(last?.status).toBe('error');
      expect(last?.error?.attempts).toBe(5);
      expect(last?.summary).toMatch(/check failed/);
    } finally {
      fleet.sandbox.faults.set([]);
    }
    const [missing] = (await handleDriftCheck(gone, testContext('driftCheck', logs, 1), rt)) ?? [];
    expect(missing?.status).toBe('error');
    expect(missing?.error?.status).toBe(404);
    expect(logs.join('\n')).toMatch(/attempt 1\/5 failed .*the queue will retry/);
  }, 30_000);
});

describe('webhook per run', () => {
  it('a receiver that is down: retries logged, reports stored, run completes', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const rt = runtimeFor(fleet, { DRIFT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, DRIFT_WEBHOOK_ATTEMPTS: '3', DRIFT_WEBHOOK_BACKOFF_MS: '20' });
    const logs: string[] = [];
    const { run } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
    await drain(rt, logs);
    expect((await rt.drift.reports.latest()).length).toBe(20);
    const done = await rt.drift.reports.getRun(run.runId);
    expect(done?.finalizedAt).toBeDefined();
    expect(done?.outcome?.checked).toBe(20);
    expect(done?.webhook).toMatchObject({ status: 'failed', attempts: 3 });
    const retryLines = logs.filter((l) => /drift webhook: attempt \d\/3 failed/.test(l));
    expect(retryLines).toHaveLength(3);
    expect(retryLines[0]).toMatch(/retrying in 20 ms/);
    expect(retryLines[1]).toMatch(/retrying in 40 ms/);
    expect(retryLines[2]).toMatch(/giving up\. The reports are stored/);
  });

  it('a receiver that fails once then accepts gets the summary and the drifted registries', async () => {
    const bodies: any[] = [];
    let calls = 0;
    const server: Server = createServer((req, res) => {
      calls += 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (calls === 1) {
          res.writeHead(503, { 'retry-after': '0' }).end();
          return;
        }
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const rt = runtimeFor(fleet, { DRIFT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, DRIFT_WEBHOOK_BACKOFF_MS: '10' });
      const logs: string[] = [];
      const { run } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
      await drain(rt, logs);
      expect(calls).toBe(2);
      expect(bodies).toHaveLength(1);
      const body = bodies[0];
      expect(body.runId).toBe(run.runId);
      expect(body.summary).toBe(`Drift run ${run.runId}: 3 of 20 registries drifted (1 critical).`);
      expect(body.drifted.map((d: { registryName: string }) => d.registryName).sort()).toEqual([CONFIG, ECONOMIC, HEALTH].sort());
      expect((await rt.drift.reports.getRun(run.runId))?.webhook).toMatchObject({ status: 'sent', attempts: 2, httpStatus: 204 });
      expect(logs.join('\n')).toMatch(/attempt 1\/4 failed \(HTTP 503\); retrying in 0 ms/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('the finalizer waits for missing reports, then closes the run at the deadline', async () => {
    const rt = runtimeFor(fleet, { DRIFT_SUBSCRIPTIONS: '', DRIFT_REGISTRY_IDS: `${id(HEALTH)},${id(CONFIG)}`, DRIFT_FINALIZE_DELAY_SECONDS: '5' });
    const logs: string[] = [];
    const { run } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
    const [first] = rt.drift.queue.take(DRIFT_CHECK_QUEUE);
    await handleDriftCheck(first, testContext('driftCheck', logs), rt);
    const [fin] = rt.drift.queue.take(DRIFT_RUN_QUEUE);
    expect(await handleRunFinalize(fin, testContext('driftRunFinalize', logs), rt)).toBe('waiting');
    const again = rt.drift.queue.messages.get(DRIFT_RUN_QUEUE)?.[0];
    expect(again).toEqual({ message: { runId: run.runId, attempt: 2, progress: 1 }, visibilityTimeoutSeconds: 5 });
    // progress that does not move: the entries decide (still one of two), and it waits again
    rt.drift.queue.take(DRIFT_RUN_QUEUE);
    expect(await handleRunFinalize(again?.message, testContext('driftRunFinalize', logs), rt)).toBe('waiting');
    expect(logs.at(-1)).toMatch(/1\/2 reports so far/);
    expect(rt.drift.queue.take(DRIFT_RUN_QUEUE)).toEqual([{ runId: run.runId, attempt: 3, progress: 1 }]);
    // past the deadline: closed with what it has
    const late = { ...rt, now: () => new Date(Date.now() + 2 * 3600_000) };
    expect(await handleRunFinalize(again?.message, testContext('driftRunFinalize', logs), late)).toBe('finalized');
    expect((await rt.drift.reports.getRun(run.runId))?.outcome).toEqual({ checked: 1, drifted: 1, errors: 0, missing: 1 });
    expect(await handleRunFinalize(again?.message, testContext('driftRunFinalize', logs), late)).toBe('skipped');
  });
});
