/**
 * Drift scan benchmark, end to end, under Azure's limits: the ARM sandbox seeded with N
 * registries (DRIFT_BENCH_REGISTRIES, default 1,000) spread over S subscriptions
 * (DRIFT_BENCH_SUBSCRIPTIONS, default 1), enforcing ARM's read bucket per subscription
 * (250 burst, 25 reads/s) and Resource Graph's per-user quota (15 queries / 5 s), with 10% of
 * the ARM requests that do get through answered 429 + Retry-After 1 s (DRIFT_BENCH_THROTTLE);
 * an in-memory Azurite; then timer → Resource Graph inventory → `drift-checks` group
 * messages → driftCheck (queue pollers, as the local host runs them; metrics by getBatch) →
 * reports in Table storage → driftRunFinalize. Verifies every registry has exactly one report
 * for the run. Writes bench/results/drift.json (registries, subscriptions, reports, duplicates,
 * missing, registriesPerSecond, armReads, armReadsPerRegistry, resourceGraphQueries,
 * metricsBatchCalls, …) and prints registries/s.
 *
 *   npm run bench:drift
 *   DRIFT_BENCH_REGISTRIES=10000 DRIFT_BENCH_SUBSCRIPTIONS=10 npm run bench:drift
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { TableClient } from '@azure/data-tables';
import { startArmSandbox, syntheticRegistries, SANDBOX_SUBSCRIPTION_ID } from '../devhost/sandbox/index.js';
import { ensureAzurite } from '../devhost/azurite.js';
import { AzureStoragePlanStore } from '../src/azure/store/azure-storage.js';
import { createServices, setServices } from '../src/composition.js';
import { readSettings } from '../src/settings.js';
import { StorageQueueDriftQueue } from '../src/azure/drift/queue.js';
import { TableDriftReportStore } from '../src/azure/drift/table-store.js';
import { TableArmReadBudget } from '../src/azure/drift/arm-budget.js';
import { TableFleetSnapshotStore } from '../src/azure/drift/fleet-snapshot.js';
import { getFleet } from '../src/app/fleet.js';
import { registryRowKey } from '../src/azure/drift/row-key.js';
import { triggerFunctions } from '../src/functions/registry.js';
import { topologyDrift } from '../src/functions/topology-drift.js';
import { manualTimer, startQueuePollers } from '../devhost/local-triggers.js';

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const n = Number(process.env.DRIFT_BENCH_REGISTRIES ?? 1000);
  if (!Number.isInteger(n) || n < 1) throw new Error('DRIFT_BENCH_REGISTRIES must be a positive integer');
  const subscriptionCount = Number(process.env.DRIFT_BENCH_SUBSCRIPTIONS ?? 1);
  if (!Number.isInteger(subscriptionCount) || subscriptionCount < 1) throw new Error('DRIFT_BENCH_SUBSCRIPTIONS must be a positive integer');
  const armConcurrency = process.env.DRIFT_ARM_CONCURRENCY ?? '24';
  const throttleProbability = Number(process.env.DRIFT_BENCH_THROTTLE ?? 0.1);
  // The finalizer reads the run's entries at each check: every 1 s for a small fleet, less often for a large one.
  const finalizeDelaySeconds = Math.max(1, Math.min(10, Math.round(n / 2000)));
  const subscriptions = Array.from({ length: subscriptionCount }, (_, i) => (i === 0 ? SANDBOX_SUBSCRIPTION_ID : `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`));
  const seeds = subscriptions.flatMap((subscriptionId, i) => {
    const count = Math.floor(n / subscriptionCount) + (i < n % subscriptionCount ? 1 : 0);
    return syntheticRegistries(count, { subscriptionId, namePrefix: `s${i}synth`, seed: 42 + i });
  });

  const sandbox = await startArmSandbox({ port: 0, seed: { registries: seeds }, maxRecorded: 200 });
  const azurite = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
  const log: string[] = [];
  let stopPollers: (() => Promise<void>) | undefined;
  try {
    sandbox.faults.set({ name: 'throttle-10pct', throttle: { probability: throttleProbability, retryAfterSeconds: 1 } });
    const connection = { kind: 'connectionString' as const, connectionString: azurite.connectionString, insecure: true };
    const reports = new TableDriftReportStore({ connection, tableName: 'driftreports' });
    const planStore = new AzureStoragePlanStore({ connection, tableName: 'plans', containerName: 'plans', lockContainerName: 'locks' });
    const settings = readSettings({
      ARM_ENDPOINT: sandbox.url,
      ARM_STATIC_TOKEN: 'bench-token',
      DRIFT_SUBSCRIPTIONS: subscriptions.join(','),
      DRIFT_AVG_PULL_SIZE_MB: '200',
      DRIFT_FINALIZE_DELAY_SECONDS: String(finalizeDelaySeconds),
      DRIFT_ARM_CONCURRENCY: armConcurrency,
    });
    const fleetSnapshots = new TableFleetSnapshotStore({ connection, tableName: 'driftreports' });
    setServices(createServices(settings, { planStore: () => planStore, drift: { reports, fleetSnapshots, queue: new StorageQueueDriftQueue(azurite.connectionString), armBudget: new TableArmReadBudget({ burst: settings.drift.armReadsBurst, refillPerSecond: settings.drift.armReadsPerSecond, connection }) } }));
    stopPollers = startQueuePollers(triggerFunctions(), azurite.connectionString, (l) => log.push(l), { maxPollingIntervalMs: 200 });

    const started = process.hrtime.bigint();
    const ctx = new InvocationContext({ invocationId: 'bench', functionName: topologyDrift.name, logHandler: (_l, ...a) => log.push(a.map(String).join(' ')) });
    await topologyDrift.handler(manualTimer(), ctx);
    const enqueuedAt = Number(process.hrtime.bigint() - started) / 1e9;
    const runs = await reports.listRuns(1);
    const run = runs[0];
    if (!run) throw new Error('the timer recorded no run');
    const deadline = Date.now() + 30 * 60_000;
    let checked = 0;
    let reportsDoneAt = 0;
    // Progress: the run's done markers (one row per check message, not one per registry), every 2 s.
    const countRunRows = () => reports.runProgress(run.runId);
    for (;;) {
      checked = await countRunRows();
      if (checked >= run.expected && !reportsDoneAt) reportsDoneAt = Number(process.hrtime.bigint() - started) / 1e9;
      const r = await reports.getRun(run.runId);
      if (r?.finalizedAt) break;
      if (Date.now() > deadline) throw new Error(`timed out: ${checked}/${run.expected} reports`);
      await new Promise((res) => setTimeout(res, 2000));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const finished = await reports.getRun(run.runId);

    // Verify: every registry has a report of this run, none twice — every report row of the run, in its run's
    // partitions and in the older per-registry partitions (none expected there), counted by registry.
    const t = TableClient.fromConnectionString(azurite.connectionString, 'driftreports', { allowInsecureConnection: true });
    const rowsOfRun: string[] = [];
    for await (const e of t.listEntities<{ registryId: string }>({ queryOptions: { filter: `PartitionKey ge 'run|${run.runId}' and PartitionKey lt 'run|${run.runId}|~' and RowKey lt '~'`, select: ['registryId'] } })) {
      rowsOfRun.push(registryRowKey(e.registryId));
    }
    for await (const e of t.listEntities<{ registryId: string }>({ queryOptions: { filter: `RowKey eq '${run.runId}'`, select: ['PartitionKey', 'registryId'] } })) {
      if (String(e.partitionKey).startsWith('r|')) rowsOfRun.push(registryRowKey(e.registryId));
    }
    const unique = new Set(rowsOfRun);
    const expectedKeys = new Set(seeds.map((s) => registryRowKey(`/subscriptions/${s.subscriptionId ?? SANDBOX_SUBSCRIPTION_ID}/resourceGroups/synthetic-rg/providers/Microsoft.ContainerRegistry/registries/${s.name}`)));
    const missing = [...expectedKeys].filter((k) => !unique.has(k));
    const duplicates = rowsOfRun.length - unique.size;
    const latest = await reports.latest();
    const statuses = { ok: 0, drifted: 0, error: 0 };
    for (const r of latest) statuses[r.status] += 1;
    const throttled = sandbox.faults.list().find((f) => f.name === 'throttle-10pct')?.hits ?? 0;
    const queueRetries = log.filter((l) => /\[error\] \w+: message \S+ attempt \d+\/\d+ failed/.test(l)).length;

    // GET /api/fleet's use case + JSON body over the stored fleet (the snapshot the finalizer wrote): median of 3, ms.
    const fleetReads: number[] = [];
    let fleetFromSnapshot = false;
    for (let k = 0; k < 3; k++) {
      const f0 = performance.now();
      const view = await getFleet({ reports, snapshots: fleetSnapshots, now: () => new Date() }, {});
      JSON.stringify(view);
      fleetReads.push(Math.round(performance.now() - f0));
      fleetFromSnapshot = view.snapshot !== null && view.total === n;
    }
    const armReads = (sandbox.readLimit?.totalAdmitted() ?? 0) + [...(sandbox.readLimit?.throttled.values() ?? [])].reduce((a, b) => a + b, 0);
    const armReadsAdmitted = sandbox.readLimit?.totalAdmitted() ?? 0;
    const runRecord = finished ?? run;
    const result = {
      registries: n,
      subscriptions: subscriptionCount,
      armReads,
      armReadsPerRegistry: Math.round((armReads / n) * 10000) / 10000,
      armReadsAdmitted,
      armReadsThrottledBySubscriptionBucket: armReads - armReadsAdmitted,
      resourceGraphQueries: sandbox.resourceGraph.queries,
      resourceGraphThrottled: sandbox.resourceGraph.throttled,
      metricsBatchCalls: sandbox.metricsBatch.calls,
      checkMessages: (runRecord.inventory?.groupMessages ?? 0) + (runRecord.inventory?.singleMessages ?? 0) || run.expected,
      inventory: runRecord.inventory,
      secondsUntilEnqueued: Math.round(enqueuedAt * 100) / 100,
      scanned: run.expected,
      reports: rowsOfRun.length,
      uniqueReports: unique.size,
      duplicates,
      missing: missing.length,
      seconds: Math.round(seconds * 100) / 100,
      secondsUntilAllReports: Math.round(reportsDoneAt * 100) / 100,
      registriesPerSecond: Math.round((n / seconds) * 10) / 10,
      fleetReadMs: [...fleetReads].sort((a, b) => a - b)[1],
      fleetRead: { fromSnapshot: fleetFromSnapshot, ms: fleetReads },
      retries: throttled,
      retriesDetail: { armThrottled429: throttled, queueRedeliveries: queueRetries },
      statuses,
      run: { runId: run.runId, outcome: finished?.outcome },
      settings: {
        throttleProbability,
        retryAfterSeconds: 1,
        armConcurrency: Number(armConcurrency),
        queueBatchSize: 16,
        finalizeDelaySeconds,
        avgPullSizeMB: 200,
        armReadBucket: { burst: sandbox.readLimit?.burst ?? null, refillPerSecond: sandbox.readLimit?.refillPerSecond ?? null, per: 'subscription' },
        resourceGraphQuota: { queries: sandbox.resourceGraph.quota, windowSeconds: sandbox.resourceGraph.windowMs / 1000 },
      },
      cpus: availableParallelism(),
      node: process.version,
      at: new Date().toISOString(),
    };
    const out = path.join(repoRoot, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'drift.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(`drift scan: ${n} registries, ${rowsOfRun.length} reports (${unique.size} unique, ${duplicates} duplicate, ${missing.length} missing) in ${result.seconds} s → ${result.registriesPerSecond} registries/s`);
    console.log(`  ${subscriptionCount} subscription(s); ARM reads ${armReads} (${result.armReadsPerRegistry} per registry); Resource Graph queries ${result.resourceGraphQueries} (${result.resourceGraphThrottled} throttled); metrics batch calls ${result.metricsBatchCalls}; enqueued after ${result.secondsUntilEnqueued} s`);
    console.log(`  ARM 429s retried: ${throttled}; queue redeliveries: ${queueRetries}; statuses ok ${statuses.ok} / drifted ${statuses.drifted} / error ${statuses.error}`);
    console.log(`  written bench/results/drift.json`);
    if (duplicates > 0 || missing.length > 0 || run.expected !== n) {
      console.error('VERIFY FAILED: every registry must have exactly one report');
      process.exitCode = 1;
    }
  } finally {
    await stopPollers?.();
    await azurite.stop();
    await sandbox.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
