/**
 * API fuzz run, large: ≥ 10,000 seeded fast-check cases (test/fuzz) against the
 * built local host (`npm start`'s dist-dev/devhost/main.js as a child
 * process, Azurite in memory, ARM sandbox, PLAN_STORE as configured: azure).
 * Writes bench/results/fuzz.json:
 *
 *   {"cases": N, "byStatus": {"400": N, …}, "serverErrors": N, "overload503": N,
 *    "nonProblemErrors": N, "slowestMs": N, "alive": true}
 *
 * (`serverErrors`: answers ≥ 500 other than overload 503s with Retry-After,
 * plus requests that got no answer). Prints every failure class with its
 * shortest reproducer; exits 1 when any oracle rule failed or the host died.
 *
 *   npm run fuzz
 *   FUZZ_CASES=2000 FUZZ_SEED=7 FUZZ_CONCURRENCY=4 FUZZ_BOUND_MS=5000 npm run fuzz
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS, formatFailures, runFuzz, startHostHandle } from '../test/fuzz/harness';

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const cases = Number(process.env.FUZZ_CASES ?? 10_000);
  const seed = Number(process.env.FUZZ_SEED ?? 20240611);
  const concurrency = Number(process.env.FUZZ_CONCURRENCY ?? 4);
  const boundMs = Number(process.env.FUZZ_BOUND_MS ?? DEFAULT_LIMITS.boundMs);
  if (!Number.isInteger(cases) || cases < 1) throw new Error('FUZZ_CASES must be a positive integer');
  if (!Number.isInteger(seed)) throw new Error('FUZZ_SEED must be an integer');
  // Default: exactly npm start (the child starts Azurite on 10000-10002 unless something listens there). FUZZ_OWN_AZURITE=true: a private in-memory Azurite on free ports.
  const host = await startHostHandle({ ownAzurite: process.env.FUZZ_OWN_AZURITE === 'true' });
  const log = (line: string): void => console.log(line);
  try {
    log(`fuzz: ${cases} cases, seed ${seed}, concurrency ${concurrency}, bound ${boundMs} ms, host pid ${host.current.child.pid} on port ${host.current.port}`);
    const result = await runFuzz(host, { cases, seed, concurrency, limits: { ...DEFAULT_LIMITS, boundMs }, log });
    const { stats, failures } = result;
    const out = path.join(repoRoot, 'bench', 'results', 'fuzz.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(stats, null, 2)}\n`);
    log(`wrote ${path.relative(repoRoot, out)}: ${JSON.stringify(stats)}`);
    log(`wall time ${(result.wallMs / 1000).toFixed(1)} s; /api/health probes: ${result.healthProbe.probes}, slowest ${result.healthProbe.slowestMs} ms; host restarts after a crash: ${result.restarts}; plans seeded before the run: ${result.seededPlans}`);
    const ops = Object.entries(result.byRoute).filter(([k]) => !/^(PUT|PATCH|DELETE|TRACE|OPTIONS|HEAD) /.test(k)).sort(([a], [b]) => a.localeCompare(b));
    log(`statuses per operation (well-formed cases):\n${ops.map(([k, v]) => `  ${k.padEnd(44)} ${JSON.stringify(v)}`).join('\n')}`);
    if (failures.length > 0) {
      log(`${failures.length} failure classes (seed ${seed}):\n${formatFailures(failures, 500)}`);
      process.exitCode = 1;
    } else log('no failures');
    if (stats.serverErrors > 0 || stats.nonProblemErrors > 0 || !stats.alive) process.exitCode = 1;
  } finally {
    await host.stopAll();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(2);
});
