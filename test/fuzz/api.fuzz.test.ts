/**
 * Fuzz the HTTP API of the real local host (the built `npm start`): a seeded,
 * modest run of property-based requests over every route and method (bodies
 * derived from the request schemas, plus the bad-request classes: malformed
 * escapes, huge numbers, forged identities, odd Host headers, …). Every answer
 * must be < 500 (or a deliberate 503 overload with Retry-After), every error
 * problem+json and small, none slower than the bound, /api/health responsive
 * throughout, and the host alive afterwards. `npm run fuzz` runs ≥ 10,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFailures, health, runFuzz, startHostHandle, type HostHandle } from './harness';

const CASES = Number(process.env.FUZZ_TEST_CASES ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);

describe('API fuzz (local host child process)', () => {
  let host: HostHandle | undefined;

  beforeAll(async () => {
    // Its own Azurite (free ports): test/devhost/main.test.ts may hold and stop the one on 10000.
    host = await startHostHandle({ ownAzurite: true });
  }, 90_000);

  afterAll(async () => {
    await host?.stopAll();
  }, 60_000);

  it(`${CASES} seeded cases: only 2xx/4xx problem+json answers, within the bound, host alive`, async () => {
    if (!host) throw new Error('host not started');
    const { stats, failures, seededPlans } = await runFuzz(host, { cases: CASES, seed: SEED, concurrency: 3 });
    expect(stats.cases).toBe(CASES);
    // Valid POST /api/plans (Azure plan store on Azurite) succeeded, so plan routes see existing plans.
    expect(seededPlans).toBeGreaterThan(0);
    // The run reached the stores and the model, not only the validator.
    expect(Object.keys(stats.byStatus).some((s) => s.startsWith('2')), JSON.stringify(stats.byStatus)).toBe(true);
    expect(Object.keys(stats.byStatus).filter((s) => s.startsWith('4')).length, JSON.stringify(stats.byStatus)).toBeGreaterThan(3);
    expect(failures, `seed ${SEED}: ${failures.length} failure classes\n${formatFailures(failures)}`).toEqual([]);
    expect(stats.serverErrors).toBe(0);
    expect(stats.nonProblemErrors).toBe(0);
    expect(stats.alive).toBe(true);
    expect(host.current.alive()).toBe(true);
    const h = await health(host.current.port, 5_000);
    expect(h.ok && h.status).toBe(200);
  }, 240_000);
});
