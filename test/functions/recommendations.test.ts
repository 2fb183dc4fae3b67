import { describe, expect, it } from 'vitest';
import { recommendations } from '../../src/functions/recommendations';
import { estimate } from '../../src/functions/estimate';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { monthlyCost } from '../../src/model/cost';
import type { Topology, Workload } from '../../src/model/types';
import { validateAgainst } from '../../src/http/validate';
import { recommendationsResponseSchema } from '../../src/schemas/responses';
import { invoke } from '../helpers/invoke';
import { contoso, contosoWorkloads } from '../helpers/contoso';


describe('POST /api/recommendations', () => {
  it('returns a proved optimum, the frontier and break-evens that agree with /api/estimate', async () => {
    const res = await invoke(recommendations, { body: { ...contoso, constraints: { maxReplicas: 4 } } });
    expect(res.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
    const r = res.json;
    expect(r.optimality.status).toBe('proved');
    expect(r.optimality.relativeGap).toBe(0);
    expect(r.optimality.objective).toBeCloseTo(r.recommended.monthlyCost.total, 2);
    expect(r.frontier.map((f: { replicas: number }) => f.replicas)).toEqual([0, 1, 2, 3, 4]);
    // the optimum is the cheapest point of the frontier
    const cheapest = Math.min(...r.frontier.map((f: { monthlyCost: { total: number } }) => f.monthlyCost.total));
    expect(r.recommended.monthlyCost.total).toBeCloseTo(cheapest, 2);

    // the same topology through /api/estimate: same total, same marginal values and break-evens
    const est = await invoke(estimate, { body: { registry: contoso.registry, replicas: r.recommended.topology.replicas, workloads: contosoWorkloads } });
    expect(est.status).toBe(200);
    expect(est.json.monthlyCost.total).toBe(r.recommended.monthlyCost.total);
    for (const rep of r.recommended.replicas) {
      const loc = est.json.locations.find((l: { region: string }) => l.region === rep.region);
      expect(loc.breakEvenGBPerMonth).toBe(rep.breakEvenGBPerMonth);
      expect(loc.marginalMonthlyValue).toBe(rep.marginalMonthlyValue);
      expect(rep.explanation).toMatch(new RegExp(loc.displayName));
    }
    // and every frontier point's cost is what /api/estimate says of it
    for (const f of r.frontier) {
      const e = await invoke(estimate, { body: { registry: contoso.registry, replicas: f.regions.map((region: string) => ({ region })), workloads: contosoWorkloads } });
      expect(e.json.monthlyCost.total, `frontier ${f.replicas}`).toBe(f.monthlyCost.total);
    }
    // savings against the current topology
    const cur = await invoke(estimate, { body: contoso });
    expect(r.savings.monthly).toBeCloseTo(cur.json.monthlyCost.total - r.recommended.monthlyCost.total, 2);
  });

  it('is exactly optimal: equals the cheapest of every replica subset of the candidates (brute force via the cost model)', async () => {
    const candidates = ['eastus', 'canadacentral', 'westeurope', 'francecentral', 'northeurope', 'eastus2', 'uksouth'];
    const res = await invoke(recommendations, { body: { ...contoso, constraints: { candidates } } });
    expect(res.status).toBe(200);
    const catalog = shippedCatalog();
    const prices = shippedPrices();
    const workloads: Workload[] = contosoWorkloads.map((w) => ({ site: { kind: 'azure', region: w.region }, pullGBPerMonth: w.pullGBPerMonth, volumeSource: 't' }));
    let best = Infinity;
    for (let mask = 0; mask < 1 << candidates.length; mask++) {
      const t: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: candidates.filter((_, i) => mask & (1 << i)).map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })) };
      best = Math.min(best, monthlyCost({ topology: t, storageGiB: 120, workloads }, catalog, prices).total ?? Infinity);
    }
    expect(res.json.recommended.monthlyCost.total).toBeCloseTo(best, 2);
  });

  it('meets a latency objective by adding replicas that do not pay for themselves, and says why', async () => {
    const body = {
      registry: { homeRegion: 'westus', storageGiB: 10 },
      workloads: [
        { region: 'westus', pullGBPerMonth: 5000 },
        { region: 'japaneast', pullGBPerMonth: 10 },
      ],
      constraints: { latency: { maxMs: 50 } },
    };
    const res = await invoke(recommendations, { body });
    expect(res.status).toBe(200);
    const regions = res.json.recommended.topology.replicas.map((r: { region: string }) => r.region);
    expect(regions.length).toBe(1);
    expect(res.json.recommended.maxLatencyMs).toBeLessThanOrEqual(50);
    const rep = res.json.recommended.replicas[0];
    expect(rep.marginalMonthlyValue).toBeLessThan(0);
    expect(rep.explanation).toMatch(/latency objective/);
    // without the objective, no replica pays for 10 GB/month
    const free = await invoke(recommendations, { body: { ...body, constraints: {} } });
    expect(free.json.recommended.topology.replicas).toEqual([]);
  });

  it('respects exclude, mustInclude, allowedGeographies and zone redundancy', async () => {
    const res = await invoke(recommendations, {
      body: { ...contoso, constraints: { exclude: ['westeurope'], mustInclude: ['northeurope'], allowedGeographies: ['Europe', 'United States'], zoneRedundancyRequired: true } },
    });
    expect(res.status).toBe(200);
    const reps = res.json.recommended.topology.replicas;
    const names = reps.map((r: { region: string }) => r.region);
    expect(names).toContain('northeurope');
    expect(names).not.toContain('westeurope');
    expect(names).not.toContain('canadacentral'); // Canada is not an allowed geography
    expect(reps.every((r: { zoneRedundancy: boolean }) => r.zoneRedundancy)).toBe(true);
    const catalog = shippedCatalog();
    expect(names.every((n: string) => catalog.get(n)?.availabilityZones)).toBe(true);
  });

  it('answers 422 naming the constraint when constraints contradict', async () => {
    const both = await invoke(recommendations, { body: { ...contoso, constraints: { mustInclude: ['eastus'], exclude: ['eastus'] } } });
    expect(both.status).toBe(422);
    expect(both.json.constraint).toBe('mustInclude');

    const tooMany = await invoke(recommendations, { body: { ...contoso, constraints: { mustInclude: ['eastus', 'westeurope'], maxReplicas: 1 } } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.constraint).toBe('maxReplicas');

    const latency = await invoke(recommendations, { body: { ...contoso, constraints: { latency: { maxMs: 20 }, allowedGeographies: ['United States'] } } });
    expect(latency.status).toBe(422);
    expect(latency.json.constraint).toBe('latency');
    expect(latency.json.detail).toMatch(/westeurope/);

    const budget = await invoke(recommendations, { body: { ...contoso, constraints: { latency: { maxMs: 20 }, maxReplicas: 1 } } });
    expect(budget.status).toBe(422);
    expect(budget.headers.get('content-type')).toBe('application/problem+json');
  });

  it('lists unknown constraint regions with did-you-mean in one 400', async () => {
    const res = await invoke(recommendations, { body: { ...contoso, constraints: { mustInclude: ['eastu'], exclude: ['westeurop'], allowedGeographies: ['Atlantis'] } } });
    expect(res.status).toBe(400);
    const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/constraints/allowedGeographies/0', '/constraints/exclude/0', '/constraints/mustInclude/0']);
    expect(res.json.errors.find((e: { pointer: string }) => e.pointer === '/constraints/mustInclude/0').didYouMean[0]).toBe('eastus');
  });

  it('keeps a cheaper non-Premium SKU when no replica pays for itself', async () => {
    const res = await invoke(recommendations, { body: { registry: { homeRegion: 'westus', sku: 'Standard', storageGiB: 10 }, workloads: [{ region: 'eastus', pullGBPerMonth: 10 }] } });
    expect(res.status).toBe(200);
    expect(res.json.recommended.topology).toMatchObject({ sku: 'Standard', replicas: [] });
    expect(res.json.recommended.monthlyCost.registryUnits).toBeCloseTo(0.6666 * (730 / 24), 2);
    expect(res.json.warnings.join(' ')).toMatch(/the registry stays Standard without replicas/);
  });

  it('bounds its inputs: latency maxMs, list sizes and name lengths are 400s naming the field, fast', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ latency: { maxMs: 1e308 } }, '/constraints/latency/maxMs', 'maximum'],
      [{ candidates: Array.from({ length: 101 }, () => 'eastus') }, '/constraints/candidates', 'maxItems'],
      [{ mustInclude: ['e'.repeat(999_000)] }, '/constraints/mustInclude/0', 'maxLength'],
      [{ allowedGeographies: ['g'.repeat(65)] }, '/constraints/allowedGeographies/0', 'maxLength'],
    ];
    for (const [constraints, pointer, code] of cases) {
      const t0 = performance.now();
      const res = await invoke(recommendations, { body: { ...contoso, constraints } });
      expect(performance.now() - t0).toBeLessThan(500);
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(res.text.length).toBeLessThan(4096);
      expect(res.json.errors).toContainEqual(expect.objectContaining({ pointer, code }));
    }
    const solver = await invoke(recommendations, { body: { ...contoso, solver: { timeLimitMs: 1e308 } } });
    expect(solver.status).toBe(400);
    expect(solver.json.errors).toContainEqual(expect.objectContaining({ pointer: '/solver/timeLimitMs', code: 'maximum' }));
    const pulls = await invoke(recommendations, { body: { ...contoso, workloads: [{ region: 'eastus', pullsPerMonth: 1e308, avgPullSizeMB: 100 }] } });
    expect(pulls.status).toBe(400);
    expect(pulls.json.errors).toContainEqual(expect.objectContaining({ pointer: '/workloads/0/pullsPerMonth', code: 'maximum' }));
  });
});
