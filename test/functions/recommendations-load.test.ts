/**
 * 200 concurrent 40-workload recommendations through the real handler (the
 * local host with every registered endpoint and the real solver pool) while
 * /api/health is polled on the host's thread. The load generator runs in its
 * own thread (bench/load.ts burst()), as remote clients would. Needs the
 * compiled worker (`npm run build`; npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, startHost } from '../../bench/load';
import type { LocalHost } from '../../devhost/local-host';
import { closeServices, getServices, setServices } from '../../src/composition';

/**
 * /api/health p99 bound, ms. The target is 100 ms, measured by `npm run
 * bench:load` (bench/results/load.json) and enforced here with
 * LOAD_HEALTH_P99_MS=100 on a machine of its own. This test's default guards
 * the behaviour that broke (before the pool, health answered after 12–30 s)
 * with room for a busy CI box: on the shared 2-core machine it was written on
 * (load average 7–14 from other jobs) the p99 measured 52–257 ms.
 */
const HEALTH_P99_MS = Number(process.env.LOAD_HEALTH_P99_MS ?? 1000);

let host: LocalHost;
beforeAll(async () => {
  host = await startHost();
});
afterAll(async () => {
  await host.close();
  await closeServices();
  setServices();
});

describe('POST /api/recommendations under load', () => {
  it('answers all 200 concurrent requests (200, or 503 + Retry-After at once) and keeps /api/health fast', async () => {
    const report = await runLoad(host.url, { requests: 200, workloads: 40 });
    const { recommendations, healthDuringLoad, bestPeer } = report;
    console.log(JSON.stringify({ recommendations: { ...recommendations, violations: recommendations.violations.length }, healthDuringLoad, bestPeer, ratio: report.ratio, solver: getServices().solver().stats() }));

    // None lost, every answer within the contract.
    expect(recommendations.lost).toBe(0);
    expect(recommendations.violations).toEqual([]);
    expect(Object.keys(recommendations.byStatus).sort()).toEqual(expect.arrayContaining(['200']));
    for (const status of Object.keys(recommendations.byStatus)) expect(['200', '503']).toContain(status);
    expect((recommendations.byStatus['200'] ?? 0) + (recommendations.byStatus['503'] ?? 0)).toBe(200);

    // The pool was really used and really bounded.
    const stats = getServices().solver().stats();
    expect(stats.kind).toBe('pool');
    expect(stats.completed).toBe((recommendations.byStatus['200'] ?? 0) + (report.warmUp ? 1 : 0));
    expect(stats.rejectedQueueFull + stats.rejectedQueueTimeout).toBe(recommendations.byStatus['503'] ?? 0);

    // Health stayed responsive while the solver worked.
    expect(healthDuringLoad.byStatus).toEqual({ '200': healthDuringLoad.latency.count });
    expect(healthDuringLoad.latency.count).toBeGreaterThan(20);
    expect(healthDuringLoad.latency.p99Ms).not.toBeNull();
    expect(healthDuringLoad.latency.p99Ms as number).toBeLessThan(HEALTH_P99_MS);
    expect(bestPeer.byStatus).toEqual({ '200': 200 });
  }, 180_000);
});
