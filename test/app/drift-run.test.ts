/**
 * The drift run's inventory under Azure's limits: Resource Graph throttles (quota exhausted), the
 * scan waits for each reset and still reports every registry exactly once; ARM reads only where
 * Resource Graph is refused, charged to the per-subscription budget; every queue message fits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startArmSandbox, syntheticRegistries, type ArmSandbox } from '../../devhost/sandbox';
import { createServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { InMemoryDriftQueue, InMemoryDriftReportStore, DRIFT_CHECK_QUEUE, encodeMessage } from '../../src/azure/drift';
import { InMemoryArmReadBudget } from '../../src/azure/drift/arm-budget';
import { runPayload } from '../../src/app/drift-finalize';
import { InMemoryPlanStore } from '../../src/azure/store';
import { handleDriftCheck } from '../../src/functions/drift-check';
import { startDriftRun } from '../../src/functions/topology-drift';
import { testContext } from '../azure/drift/fleet';
import { closeCheckingFleetContract } from '../helpers/fleet-contract';

const SUB_A = '00000000-0000-0000-0000-0000000000a1';
const SUB_B = '00000000-0000-0000-0000-0000000000b2';
let sb: ArmSandbox | undefined;
afterEach(async () => {
  // Every Resource Graph and metrics-batch exchange of the test against the official Swagger (#16).
  const closing = sb;
  sb = undefined;
  await closeCheckingFleetContract(closing);
});

async function scan(sandbox: ArmSandbox, budget = new InMemoryArmReadBudget({ burst: 250, refillPerSecond: 25 })) {
  const reports = new InMemoryDriftReportStore();
  const queue = new InMemoryDriftQueue();
  const plans = new InMemoryPlanStore();
  // No DRIFT_AVG_PULL_SIZE_MB: economics are unknown, so the test spends no solver time.
  const settings = readSettings({ ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 't', DRIFT_SUBSCRIPTIONS: `${SUB_A},${SUB_B}`, DRIFT_STORE: 'memory', DRIFT_FINALIZE_DELAY_SECONDS: '0' });
  const rt = createServices(settings, { planStore: () => plans, drift: { reports, queue, planStore: () => ({ store: plans }), armBudget: budget } });
  const logs: string[] = [];
  // Another client of the same principal has just used the Resource Graph quota: the scan's first query is throttled.
  const other = await fetch(`${sandbox.url}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`, {
    method: 'POST',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify({ query: "resources | where type =~ 'microsoft.containerregistry/registries'", options: { $top: 1 } }),
  });
  expect(other.status).toBe(200);
  const t0 = Date.now();
  const { run, registryIds } = await startDriftRun(testContext('topologyDrift', logs), 'test', rt);
  const inventoryMs = Date.now() - t0;
  const messages = queue.take(DRIFT_CHECK_QUEUE);
  for (const m of messages) await handleDriftCheck(m, testContext('driftCheck', logs), rt);
  return { run, registryIds, reports, messages, inventoryMs, logs };
}

describe('drift run inventory', () => {
  it('waits for each Resource Graph quota reset and still reports every registry exactly once', async () => {
    const seeds = [...syntheticRegistries(700, { subscriptionId: SUB_A, namePrefix: 'alpha' }), ...syntheticRegistries(700, { subscriptionId: SUB_B, namePrefix: 'bravo', seed: 9 })];
    sb = await startArmSandbox({ seed: { registries: seeds }, resourceGraph: { quota: 1, windowSeconds: 1 } });
    const { run, registryIds, reports, messages, inventoryMs } = await scan(sb);
    expect(registryIds).toHaveLength(1400);
    expect(sb.resourceGraph.throttled).toBeGreaterThan(0); // the quota was exhausted…
    expect(run.inventory?.resourceGraphQueries).toBe(sb.resourceGraph.queries - 1); // the other client's query aside
    expect(run.inventory?.resourceGraphThrottled).toBe(sb.resourceGraph.throttled);
    // …and each page waited for its reset (the throttled first query included)
    expect(inventoryMs).toBeGreaterThanOrEqual((sb.resourceGraph.queries - 1) * 900);
    expect(sb.resourceGraph.queries).toBeGreaterThanOrEqual(3 + 1);
    expect(run.listErrors).toEqual([]);
    // every registry reported once
    expect(reports.count()).toBe(1400);
    const latest = await reports.latest();
    expect(new Set(latest.map((r) => r.registryId.toLowerCase())).size).toBe(1400);
    expect(latest.filter((r) => r.status === 'error')).toEqual([]);
    // no ARM read at all: topology from Resource Graph, metrics from the batch API
    expect(sb.readLimit?.totalAdmitted()).toBe(0);
    expect(sb.metricsBatch.calls).toBe(2 * messages.length);
    // every message fits a queue message (64 KiB once base64-encoded) and holds ≤ 50 registries of one subscription and region
    for (const m of messages) {
      expect(encodeMessage(m).length).toBeLessThanOrEqual(64 * 1024);
      const g = m as { registries: Array<{ subscriptionId: string; location: string }>; subscriptionId: string; region: string };
      expect(g.registries.length).toBeLessThanOrEqual(50);
      expect(g.registries.every((r) => r.subscriptionId === g.subscriptionId && r.location === g.region)).toBe(true);
    }
  }, 120_000);

  it('reads ARM only where Resource Graph is refused, charged to that subscription', async () => {
    const seeds = [...syntheticRegistries(40, { subscriptionId: SUB_A, namePrefix: 'alpha' }), ...syntheticRegistries(40, { subscriptionId: SUB_B, namePrefix: 'bravo', seed: 9 })];
    sb = await startArmSandbox({ seed: { registries: seeds }, resourceGraph: { deniedSubscriptions: [SUB_B] } });
    const budget = new InMemoryArmReadBudget({ burst: 250, refillPerSecond: 25 });
    const { run, reports } = await scan(sb, budget);
    expect(run.inventory?.armFallbackSubscriptions).toEqual([SUB_B]);
    expect(run.inventory?.armFallback?.map((f) => f.subscriptionId)).toEqual([SUB_B]);
    expect(run.inventory?.armFallback?.[0]?.reason).toMatch(/403 AuthorizationFailed/);
    // the run's report (the webhook body) says which subscriptions fell back and why
    expect(runPayload(run, [], '2026-11-29T07:00:00.000Z').armFallback).toEqual(run.inventory?.armFallback);
    expect(reports.count()).toBe(80);
    expect(sb.readLimit?.admitted.get(SUB_A)).toBeUndefined();
    expect(budget.taken.get(SUB_B)).toBe(sb.readLimit?.admitted.get(SUB_B));
    expect(run.inventory?.armReads).toBe(sb.readLimit?.admitted.get(SUB_B));
  }, 60_000);
});
