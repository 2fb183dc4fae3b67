/**
 * UFL benchmark: our exact solver vs HiGHS (WASM, strong MILP formulation) on the instances of
 * shared/bench/ufl (optima.json). Same per-instance time limit for both (UFL_TIME_LIMIT_S, default 180: GapC needs about 2.5 minutes).
 * Writes bench/results/ufl.json and prints a table.
 *
 *   npm run bench:ufl                 # all instances
 *   UFL_ONLY=cap71,capa npm run bench:ufl
 *   UFL_SKIP_HIGHS=1 npm run bench:ufl
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import highsLoader from 'highs';
import { parseOrlibCap, parseUflLib } from '../src/model/ufl/parse.js';
import { solveUfl } from '../src/model/ufl/solve.js';
import type { UflInstance } from '../src/model/ufl/types.js';

interface OptimaEntry { optimum: number; format: 'orlib-cap' | 'ufllib'; file: string }

interface Row {
  name: string;
  facilities: number;
  clients: number;
  optimum: number;
  objective: number;
  lowerBound: number;
  gap: number;
  proven: boolean;
  solved: boolean;
  nodes: number;
  ms: number;
  highsObjective: number | null;
  highsBound: number | null;
  highsProven: boolean;
  highsSolved: boolean;
  highsMs: number;
  highsStatus: string;
}

// dist-dev/bench/ufl.js -> repo root is two levels up; the data sits beside the repo: ../shared/bench/ufl
const repoRoot = path.resolve(__dirname, '..', '..');
const benchDir = process.env.UFL_BENCH_DIR ?? path.resolve(repoRoot, '..', 'shared', 'bench', 'ufl');
const limitS = Number(process.env.UFL_TIME_LIMIT_S ?? 180);
const only = (process.env.UFL_ONLY ?? '').split(',').filter((s) => s.length > 0);
const skipHighs = process.env.UFL_SKIP_HIGHS === '1';

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

type HighsApi = Awaited<ReturnType<typeof highsLoader>>;

/** min sum f_i y_i + sum c_ij x_ij ; sum_i x_ij = 1 ; x_ij <= y_i ; y binary, 0 <= x <= 1. */
function solveWithHighs(highs: HighsApi, inst: UflInstance, timeLimitS: number): { objective: number | null; bound: number | null; proven: boolean; status: string } {
  const { nFacilities: n, nClients: m, cost } = inst;
  const numCols = n + n * m;
  const numRows = m + n * m;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(1);
  const integrality = new Int32Array(numCols);
  for (let i = 0; i < n; i++) { colCost[i] = inst.openCost[i] as number; integrality[i] = 1; }
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) colCost[n + i * m + j] = cost[i * m + j] as number;
  const nnz = n * m + 2 * n * m;
  const starts = new Int32Array(numRows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  let q = 0;
  for (let j = 0; j < m; j++) {
    starts[j] = q;
    for (let i = 0; i < n; i++) { indices[q] = n + i * m + j; values[q++] = 1; }
    rowLower[j] = 1; rowUpper[j] = 1;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const r = m + i * m + j;
      starts[r] = q;
      indices[q] = i; values[q++] = -1;
      indices[q] = n + i * m + j; values[q++] = 1;
      rowLower[r] = -Infinity; rowUpper[r] = 0;
    }
  }
  starts[numRows] = q;
  const model = highs.createModel({
    numCols, numRows, colCost, colLower, colUpper, rowLower, rowUpper, integrality,
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
  });
  try {
    model.options.set({ time_limit: timeLimitS, mip_rel_gap: 0, mip_abs_gap: 0, output_flag: false });
    model.run();
    const code = model.getModelStatus();
    const names: Record<number, string> = { 7: 'optimal', 8: 'infeasible', 13: 'time limit', 4: 'solve error' };
    const status = names[code] ?? `status ${code}`;
    const objective = model.getObjectiveValue();
    let bound: number | null = null;
    try { bound = Number(model.info.get('mip_dual_bound')); } catch { bound = null; }
    return { objective: Number.isFinite(objective) ? objective : null, bound, proven: code === 7, status };
  } finally {
    model.dispose();
  }
}

function pad(s: string | number, w: number): string {
  return String(s).padStart(w);
}

async function main(): Promise<void> {
  const optima = JSON.parse(readFileSync(path.join(benchDir, 'optima.json'), 'utf8')) as Record<string, OptimaEntry>;
  let highs: HighsApi | null = skipHighs ? null : await highsLoader();
  const rows: Row[] = [];
  console.log(`UFL benchmark: ${benchDir}, time limit ${limitS} s per instance per solver`);
  console.log(`${'instance'.padEnd(12)} ${pad('n', 4)} ${pad('m', 5)} ${pad('optimum', 14)} | ${pad('ours', 14)} ${pad('proved', 6)} ${pad('nodes', 9)} ${pad('ms', 8)} | ${pad('HiGHS', 14)} ${pad('proved', 6)} ${pad('ms', 8)}`);
  for (const [name, e] of Object.entries(optima)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const text = readFileSync(path.join(benchDir, e.file), 'utf8');
    const inst = e.format === 'orlib-cap' ? parseOrlibCap(text, name).instance : parseUflLib(text).instance;
    const r = solveUfl(inst, { timeLimitMs: limitS * 1000 });
    const solved = r.status === 'optimal' && relDiff(r.objective, e.optimum) <= 1e-9;
    const row: Row = {
      name, facilities: inst.nFacilities, clients: inst.nClients, optimum: e.optimum,
      objective: r.objective, lowerBound: r.lowerBound, gap: r.gap, proven: r.status === 'optimal', solved, nodes: r.nodes, ms: r.ms,
      highsObjective: null, highsBound: null, highsProven: false, highsSolved: false, highsMs: 0, highsStatus: 'skipped',
    };
    if (highs !== null) {
      const t0 = Date.now();
      try {
        const h = solveWithHighs(highs, inst, limitS);
        row.highsObjective = h.objective;
        row.highsBound = h.bound;
        row.highsProven = h.proven;
        row.highsSolved = h.proven && h.objective !== null && relDiff(h.objective, e.optimum) <= 1e-9;
        row.highsStatus = h.status;
      } catch (err) {
        row.highsStatus = `error: ${err instanceof Error ? err.message : String(err)}`;
        highs = await highsLoader(); // a WASM abort can leave the module unusable
      }
      row.highsMs = Date.now() - t0;
    }
    rows.push(row);
    console.log(
      `${name.padEnd(12)} ${pad(row.facilities, 4)} ${pad(row.clients, 5)} ${pad(e.optimum, 14)} | ${pad(r.objective.toFixed(3), 14)} ${pad(solved ? 'yes' : r.status === 'optimal' ? 'WRONG' : 'no', 6)} ${pad(r.nodes, 9)} ${pad(r.ms, 8)} | ${pad(row.highsObjective === null ? '-' : row.highsObjective.toFixed(3), 14)} ${pad(row.highsSolved ? 'yes' : row.highsProven ? 'WRONG' : 'no', 6)} ${pad(row.highsMs, 8)}${row.highsStatus.startsWith('error') ? ' ' + row.highsStatus : ''}`,
    );
  }
  const ms = rows.reduce((a, r) => a + r.ms, 0);
  const highsMs = rows.reduce((a, r) => a + r.highsMs, 0);
  const ratio = highsMs > 0 ? ms / highsMs : null;
  const totals = {
    ms, highsMs, ratio,
    solved: rows.filter((r) => r.solved).length,
    highsSolved: rows.filter((r) => r.highsSolved).length,
    instances: rows.length,
    timeLimitS: limitS,
  };
  console.log(`total: ours ${ms} ms (${totals.solved}/${rows.length} proved optimal), HiGHS ${highsMs} ms (${totals.highsSolved}/${rows.length}); ratio ours/HiGHS = ${ratio === null ? '-' : ratio.toFixed(4)}`);
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const clean = (x: number): number | null => (Number.isFinite(x) ? x : null);
  writeFileSync(
    path.join(outDir, 'ufl.json'),
    JSON.stringify({ instances: rows.map((r) => ({ ...r, objective: clean(r.objective), lowerBound: clean(r.lowerBound), gap: clean(r.gap) })), totals }, null, 2) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
