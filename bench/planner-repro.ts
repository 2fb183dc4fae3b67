/**
 * Times recommend() on the issue #13 requests (49 Azure regions + 50 outside sites with no constraint,
 * maxMs 120, maxMs 120 p90; a 40-workload Azure-only request): whole answer vs main solve.
 *   node dist-dev/bench/planner-repro.js
 */
import { shippedCatalog, shippedPrices } from '../src/catalog';
import { recommend } from '../src/model/recommend';
import { plannerInput, specName, type PlannerInstanceSpec } from '../test/helpers/planner-instances';

const catalog = shippedCatalog();
const specs: PlannerInstanceSpec[] = [
  { azure: 49, outside: 50, constraint: 'none', seed: 1 },
  { azure: 49, outside: 50, constraint: 'maxMs', seed: 1 },
  { azure: 49, outside: 50, constraint: 'maxMsPercentile', seed: 1 },
  { azure: 40, outside: 0, constraint: 'none', seed: 1 },
];
for (const s of specs) {
  const input = plannerInput(s, catalog);
  const t0 = performance.now();
  const r = recommend(input, { catalog, prices: shippedPrices(), warnings: [] });
  const ms = performance.now() - t0;
  const fr = r.frontier.map((f) => `${f.replicas}:${f.status}`).join(' ');
  console.log(`${specName(s).padEnd(32)} answer ${ms.toFixed(1)} ms; main ${r.optimality.status} ${r.optimality.ms} ms gap ${(r.optimality.relativeGap * 100).toFixed(2)} % obj ${r.optimality.objective} nodes ${r.optimality.nodes}; frontier ${fr}`);
}
