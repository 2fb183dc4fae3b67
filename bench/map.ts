/**
 * Map benchmark: renders the replication map of a registry replicated to
 * every region (≈60 locations) with a workload in every region, N times, and
 * reports the server-side render time (the issue requires < 100 ms per
 * render). Writes bench/results/map.json and prints it.
 *
 *   npm run build:dev && node dist-dev/bench/map.js [runs]   (npm run bench:map)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shippedCatalog, shippedPrices } from '../src/catalog';
import { mapInputFromEstimateRequest, renderReplicationMap } from '../src/model/map';
import type { Topology, Workload } from '../src/model/types';

const repoRoot = path.resolve(__dirname, '..', '..');
const LIMIT_MS = 100;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.argv[2] ?? 200) || 200);
  const catalog = shippedCatalog();
  const prices = shippedPrices();
  const regions = catalog.regions.map((r) => r.name);
  const home = 'westus';
  const topology: Topology = {
    homeRegion: home,
    sku: 'Premium',
    replicas: regions.filter((r) => r !== home).map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })),
  };
  const workloads: Workload[] = regions.map((region, i) => ({
    site: { kind: 'azure', region },
    pullGBPerMonth: 100 + ((i * 397) % 5000),
    volumeSource: 'benchmark',
  }));
  // A recommended topology that drops every third replica and keeps the rest, so additions/removals are drawn too.
  const recommended: Topology = { ...topology, replicas: topology.replicas.filter((_, i) => i % 3 !== 0) };
  const base = mapInputFromEstimateRequest({ topology, storageGiB: 120, workloads }, catalog, prices);
  const input = { ...base, recommended, costAfter: 1234.56 };

  const coldStart = process.hrtime.bigint();
  const first = await renderReplicationMap(input, catalog); // loads d3-geo and the world once
  const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;

  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const svg = await renderReplicationMap(input, catalog);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bytes = Buffer.byteLength(svg);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const result = {
    runs,
    locations: topology.replicas.length + 1,
    hexagons: (first.match(/<g class="region /g) ?? []).length,
    workloads: workloads.length,
    medianMs: round(quantile(sorted, 0.5)),
    p95Ms: round(quantile(sorted, 0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
    firstRenderMs: round(coldMs),
    bytes,
    limitMs: LIMIT_MS,
    withinLimit: quantile(sorted, 0.95) < LIMIT_MS,
    node: process.version,
    date: new Date().toISOString(),
  };
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'map.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  if (!result.withinLimit) {
    console.error(`map render p95 ${result.p95Ms} ms is over the ${LIMIT_MS} ms limit`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
