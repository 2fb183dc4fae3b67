/**
 * Planner benchmark (issue #13): seeded instances of the planner's own problem (registry homed in
 * West US, 800 GiB, every catalog region a candidate) — families Azure-only (20 and all catalog
 * regions as clients) and mixed (49 Azure regions + 50 / 200 / 1,000 outside sites), each with no
 * constraint, latency maxMs 120, maxMs 120 + percentile 90 and maxReplicas 4 — solved by our exact
 * solver and, exported as a MILP (test/helpers/planner-milp.ts), by HiGHS with the same time limit.
 * Writes bench/results/planner.json and prints a table.
 *
 *   npm run bench:planner
 *   BENCH_PLANNER_TIME_LIMIT_S=5 PLANNER_ONLY=az49+out50 npm run bench:planner   # PLANNER_ONLY: substrings of instance names, comma-separated
 *   PLANNER_SKIP_HIGHS=1 npm run bench:planner
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import highsLoader from 'highs';
import { shippedCatalog, shippedPrices } from '../src/catalog';
import { UnsatisfiableError } from '../src/model/errors';
import { buildInstance, candidateRegions } from '../src/model/recommend';
import { solveUfl } from '../src/model/ufl/solve';
import { CONSTRAINT_KINDS, plannerInput, specName, type PlannerInstanceSpec } from '../test/helpers/planner-instances';
import { solveUflWithHighs, type HighsApi } from '../test/helpers/planner-milp';

interface SolverRow {
  proved: boolean;
  /** 'optimal' | 'gap' | 'infeasible' | HiGHS status words | 'skipped' | 'error: …' */
  status: string;
  /** The catalog's currency per month (USD in the shipped catalog), null when no solution was found. */
  objective: number | null;
  ms: number;
  /** Relative gap at the end, null when unknown. */
  gap: number | null;
}

interface Row {
  name: string;
  family: string;
  azure: number;
  sites: number;
  constraint: string;
  facilities: number;
  clients: number;
  ours: SolverRow;
  highs: SolverRow;
  objectivesAgree: boolean | null;
}

const repoRoot = path.resolve(__dirname, '..', '..');
const limitS = Number(process.env.BENCH_PLANNER_TIME_LIMIT_S ?? 10);
const only = (process.env.PLANNER_ONLY ?? '').split(',').filter((s) => s.length > 0);
const skipHighs = process.env.PLANNER_SKIP_HIGHS === '1';

const FAMILIES: readonly { family: string; azure: number; outside: number }[] = [
  { family: 'azure-only', azure: 20, outside: 0 },
  { family: 'azure-only', azure: 59, outside: 0 },
  { family: 'mixed', azure: 49, outside: 50 },
  { family: 'mixed', azure: 49, outside: 200 },
  { family: 'mixed', azure: 49, outside: 1000 },
];

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

function pad(s: string | number, w: number): string {
  return String(s).padStart(w);
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

async function main(): Promise<void> {
  const catalog = shippedCatalog();
  const prices = shippedPrices();
  let highs: HighsApi | null = skipHighs ? null : await highsLoader();
  const rows: Row[] = [];
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const startedAt = new Date().toISOString();
  /** Instances the recommender refuses (422) before any solve: not counted in the totals. */
  const refused: { name: string; family: string; azure: number; sites: number; constraint: string; reason: string }[] = [];
  console.log(`Planner benchmark: time limit ${limitS} s per instance per solver; ${cpus().length} cores`);
  console.log(`${'instance'.padEnd(34)} ${pad('n', 3)} ${pad('m', 5)} | ${pad('ours', 12)} ${pad('st', 8)} ${pad('ms', 7)} | ${pad('HiGHS', 12)} ${pad('st', 10)} ${pad('ms', 7)}`);
  for (const f of FAMILIES) {
    for (const constraint of CONSTRAINT_KINDS) {
      const spec: PlannerInstanceSpec = { azure: f.azure, outside: f.outside, constraint, seed: 1, timeLimitMs: limitS * 1000 };
      const name = specName(spec);
      if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
      const input = plannerInput(spec, catalog);
      const warnings: string[] = [];
      const candidates = candidateRegions(input.current.homeRegion, input.constraints, catalog, warnings);
      let built: ReturnType<typeof buildInstance>;
      try {
        built = buildInstance(input, candidates, { catalog, prices, warnings });
      } catch (err) {
        if (!(err instanceof UnsatisfiableError)) throw err;
        // The recommender refuses it before any solve (no candidate serves some workload in time).
        console.log(`${name.padEnd(34)} refused before solving: ${err.message}`);
        refused.push({ name, family: f.family, azure: f.azure, sites: f.outside, constraint, reason: err.message });
        continue;
      }
      const inst = built.instance;
      const r = solveUfl(inst, { timeLimitMs: limitS * 1000 });
      const ours: SolverRow = {
        proved: r.status === 'optimal',
        status: r.status,
        objective: Number.isFinite(r.objective) ? r.objective : null,
        ms: Math.round(r.ms * 10) / 10,
        gap: Number.isFinite(r.gap) ? r.gap : null,
      };
      let h: SolverRow = { proved: false, status: 'skipped', objective: null, ms: 0, gap: null };
      if (highs !== null) {
        const t0 = performance.now();
        try {
          const o = solveUflWithHighs(highs, inst, limitS);
          h = { proved: o.proved, status: o.status, objective: o.objective, ms: Math.round(o.ms * 10) / 10, gap: o.proved ? 0 : o.gap };
        } catch (err) {
          h = { proved: false, status: `error: ${err instanceof Error ? err.message : String(err)}`, objective: null, ms: Math.round(performance.now() - t0), gap: null };
          highs = await highsLoader(); // a WASM abort can leave the module unusable
        }
      }
      const objectivesAgree = ours.proved && h.proved && ours.objective !== null && h.objective !== null ? relDiff(ours.objective, h.objective) <= 1e-6 : null;
      const row: Row = { name, family: f.family, azure: f.azure, sites: f.outside, constraint, facilities: inst.nFacilities, clients: inst.nClients, ours, highs: h, objectivesAgree };
      rows.push(row);
      console.log(
        `${name.padEnd(34)} ${pad(inst.nFacilities, 3)} ${pad(inst.nClients, 5)} | ${pad(fmt(ours.objective), 12)} ${pad(ours.proved ? 'proved' : `${((ours.gap ?? NaN) * 100).toFixed(2)}%`, 8)} ${pad(ours.ms.toFixed(0), 7)} | ${pad(fmt(h.objective), 12)} ${pad(h.proved ? 'proved' : h.status, 10)} ${pad(h.ms.toFixed(0), 7)}${objectivesAgree === false ? '  OBJECTIVES DIFFER' : ''}`,
      );
    }
  }
  const both = rows.filter((r) => r.ours.proved && r.highs.proved);
  const sum = (xs: readonly number[]): number => Math.round(xs.reduce((a, x) => a + x, 0) * 10) / 10;
  const totals = {
    instances: rows.length,
    timeLimitS: limitS,
    cores: cpus().length,
    ours: { proved: rows.filter((r) => r.ours.proved).length, ms: sum(rows.map((r) => r.ours.ms)) },
    highs: { proved: rows.filter((r) => r.highs.proved).length, ms: sum(rows.map((r) => r.highs.ms)) },
    bothProved: {
      instances: both.length,
      oursMs: sum(both.map((r) => r.ours.ms)),
      highsMs: sum(both.map((r) => r.highs.ms)),
      ratio: both.length > 0 && sum(both.map((r) => r.highs.ms)) > 0 ? sum(both.map((r) => r.ours.ms)) / sum(both.map((r) => r.highs.ms)) : null,
      objectivesDiffer: both.filter((r) => r.objectivesAgree === false).map((r) => r.name),
    },
    upTo200SitesAllProvedWithin5s: rows.filter((r) => r.sites <= 200).every((r) => r.ours.proved && r.ours.ms <= 5000),
    sites1000: rows.filter((r) => r.sites === 1000).map((r) => ({ name: r.name, proved: r.ours.proved, gap: r.ours.gap })),
  };
  console.log(
    `total: ours ${totals.ours.ms} ms (${totals.ours.proved}/${rows.length} proved), HiGHS ${totals.highs.ms} ms (${totals.highs.proved}/${rows.length}); both proved ${both.length}: ours ${totals.bothProved.oursMs} ms vs HiGHS ${totals.bothProved.highsMs} ms, ratio ${totals.bothProved.ratio === null ? '-' : totals.bothProved.ratio.toFixed(4)}; objectives differ on ${totals.bothProved.objectivesDiffer.length}`,
  );
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'planner.json'), JSON.stringify({ unit: { objective: `${prices.currency}/month`, ms: 'ms' }, run: { startedAt, node: process.version, cores: cpus().length, loadAverage1m5m15m: { start: loadAtStart, end: loadavg().map((x) => Math.round(x * 100) / 100) } }, instances: rows, refused, totals }, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
