/**
 * POST /api/recommendations with constraints.resilience and constraints.minReplicas (#14): the answer
 * survives any single location's outage (checked here by routing every workload to its next-closest
 * remaining location, as Traffic Manager would), is the cheapest such plan (brute force over every
 * replica subset through the cost model), the frontier respects both constraints, and contradictions
 * are fast 422s naming the culprit field.
 */
import { describe, expect, it } from 'vitest';
import { recommendations } from '../../src/functions/recommendations';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { monthlyCost, rankLocations } from '../../src/model/cost';
import type { Topology, Workload } from '../../src/model/types';
import { validateAgainst } from '../../src/http/validate';
import { recommendationsResponseSchema } from '../../src/schemas/responses';
import { invoke } from '../helpers/invoke';
import { contoso, contosoWorkloads } from '../helpers/contoso';

const catalog = shippedCatalog();
const prices = shippedPrices();

/** Contoso at a tenth of its volume: no replica pays for itself, the cost optimum is home only. */
const smallContoso = { ...contoso, workloads: contosoWorkloads.map((w) => ({ ...w, pullGBPerMonth: w.pullGBPerMonth / 10 })) };
const anyOne = { survive: 'any-one-location' };

interface Failover { failed: string; workload: string; to: string | null; ms: number | null }

/** For every location of the plan that fails, each workload's next-closest remaining location (Traffic Manager's rule) and its latency. */
function failovers(homeRegion: string, replicas: readonly string[], workloads: readonly { region: string }[]): Failover[] {
  const locations = [homeRegion, ...replicas];
  const out: Failover[] = [];
  for (const failed of locations) {
    const remaining = locations.filter((l) => l !== failed);
    for (const w of workloads) {
      const next = rankLocations({ kind: 'azure', region: w.region }, remaining, catalog, prices)[0];
      out.push({ failed, workload: w.region, to: next?.region ?? null, ms: next?.latency.ms ?? null });
    }
  }
  return out;
}

function survives(homeRegion: string, replicas: readonly string[], workloads: readonly { region: string }[], maxMs?: number): boolean {
  return failovers(homeRegion, replicas, workloads).every((f) => f.to !== null && (maxMs === undefined || (f.ms !== null && f.ms <= maxMs)));
}

/** Cheapest monthly total over every replica subset of `candidates` that survives any single failure. */
function bruteResilient(body: typeof contoso, candidates: readonly string[], maxMs?: number): { total: number; replicas: string[] } {
  const workloads: Workload[] = body.workloads.map((w) => ({ site: { kind: 'azure', region: w.region }, pullGBPerMonth: w.pullGBPerMonth, volumeSource: 't' }));
  let best = { total: Infinity, replicas: [] as string[] };
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const replicas = candidates.filter((_, i) => mask & (1 << i));
    if (!survives(body.registry.homeRegion, replicas, body.workloads, maxMs)) continue;
    const t: Topology = { homeRegion: body.registry.homeRegion, sku: 'Premium', replicas: replicas.map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })) };
    const total = monthlyCost({ topology: t, storageGiB: body.registry.storageGiB, workloads }, catalog, prices).total ?? Infinity;
    if (total < best.total) best = { total, replicas };
  }
  return best;
}

const replicasOf = (r: { recommended: { topology: { replicas: { region: string }[] } } }): string[] => r.recommended.topology.replicas.map((x) => x.region);

describe('POST /api/recommendations with resilience', () => {
  it('Contoso with resilience keeps at least one replica and every workload is served after any single failure', async () => {
    for (const body of [contoso, smallContoso]) {
      const res = await invoke(recommendations, { body: { ...body, constraints: { resilience: anyOne } } });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
      const r = res.json;
      expect(r.optimality.status).toBe('proved');
      const replicas = replicasOf(r);
      expect(replicas.length).toBeGreaterThanOrEqual(1);
      const moves = failovers('westus', replicas, body.workloads);
      expect(moves.filter((f) => f.to === null)).toEqual([]);
      // the home region's outage included: its workloads move to a replica
      expect(moves.filter((f) => f.failed === 'westus').every((f) => f.to !== 'westus' && replicas.includes(f.to ?? ''))).toBe(true);
      expect(r.search.constraints.resilience).toEqual(anyOne);
      expect(r.search.model).toMatch(/resilience \(survive any one location\)/);
    }
  });

  it('costs what it must: without resilience the small Contoso drops every replica; with it, one replica kept to survive an outage', async () => {
    const free = await invoke(recommendations, { body: { ...smallContoso, constraints: {} } });
    expect(free.status).toBe(200);
    expect(replicasOf(free.json)).toEqual([]);
    const res = await invoke(recommendations, { body: { ...smallContoso, constraints: { resilience: anyOne } } });
    expect(res.status).toBe(200);
    const r = res.json;
    expect(replicasOf(r)).toHaveLength(1);
    expect(r.recommended.monthlyCost.total).toBeGreaterThan(free.json.recommended.monthlyCost.total);
    const rep = r.recommended.replicas[0];
    expect(rep.marginalMonthlyValue).toBeLessThan(0);
    expect(rep.explanation).toMatch(/kept to survive a single-location outage/);
  });

  it('is the cheapest plan that survives every single failure (brute force over every replica subset)', async () => {
    const candidates = ['eastus', 'eastus2', 'centralus', 'canadacentral', 'westeurope', 'francecentral', 'northeurope', 'westus2'];
    for (const [body, maxMs] of [[smallContoso, undefined], [contoso, undefined], [contoso, 40], [smallContoso, 30]] as const) {
      const resilience = maxMs === undefined ? anyOne : { ...anyOne, maxMs };
      const res = await invoke(recommendations, { body: { ...body, constraints: { candidates, resilience } } });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      const want = bruteResilient(body, candidates, maxMs);
      expect(want.total).toBeLessThan(Infinity);
      expect(res.json.recommended.monthlyCost.total, `maxMs ${maxMs}: brute force keeps ${want.replicas.join(', ')}`).toBeCloseTo(want.total, 2);
      expect(survives('westus', replicasOf(res.json), body.workloads, maxMs)).toBe(true);
      // without the constraint the optimum does not survive (else this test could not fail)
      if (maxMs !== undefined) {
        const plain = await invoke(recommendations, { body: { ...body, constraints: { candidates } } });
        expect(survives('westus', replicasOf(plain.json), body.workloads, maxMs)).toBe(false);
      }
    }
  });

  it('with maxMs: every workload has its failover location within maxMs, whichever location fails', async () => {
    const res = await invoke(recommendations, { body: { ...contoso, constraints: { resilience: { ...anyOne, maxMs: 40 } } } });
    expect(res.status).toBe(200);
    const moves = failovers('westus', replicasOf(res.json), contosoWorkloads);
    const worst = Math.max(...moves.map((f) => f.ms ?? Infinity));
    expect(worst).toBeLessThanOrEqual(40);
    expect(res.json.search.model).toMatch(/within 40 ms/);
  });

  it('the frontier shows the counts resilience rules out as infeasible, with the reason', async () => {
    const res = await invoke(recommendations, { body: { ...smallContoso, constraints: { resilience: anyOne, maxReplicas: 3 } } });
    expect(res.status).toBe(200);
    const f = res.json.frontier;
    expect(f.map((x: { replicas: number }) => x.replicas)).toEqual([0, 1, 2, 3]);
    expect(f[0]).toMatchObject({ replicas: 0, status: 'infeasible' });
    expect(f[0].reason).toMatch(/^resilience: /);
    for (const x of f.slice(1)) {
      expect(x.status).toBe('proved');
      expect(x.regions).toHaveLength(x.replicas);
      expect(survives('westus', x.regions, smallContoso.workloads)).toBe(true);
    }
    // the optimum is the cheapest feasible point of the frontier
    const cheapest = Math.min(...f.slice(1).map((x: { monthlyCost: { total: number } }) => x.monthlyCost.total));
    expect(res.json.recommended.monthlyCost.total).toBeCloseTo(cheapest, 2);
  });
});

describe('POST /api/recommendations: what each replica is required for, and a frontier without holes', () => {
  /** Whether every workload's lowest-latency location among `locations` is within maxMs. */
  const meetsLatency = (locations: readonly string[], workloads: readonly { region: string }[], maxMs: number): boolean =>
    workloads.every((w) => { const ms = rankLocations({ kind: 'azure', region: w.region }, locations, catalog, prices)[0]?.latency.ms; return ms !== undefined && ms !== null && ms <= maxMs; });

  it('requiredFor names exactly the constraints that removing that replica alone would break (checked by failover routing and latency)', async () => {
    const cases: [typeof contoso, Record<string, unknown>][] = [
      [contoso, { resilience: anyOne }],
      [contoso, { resilience: { ...anyOne, maxMs: 40 } }],
    ];
    for (const constraints of [
      { resilience: anyOne },
      { resilience: { ...anyOne, maxMs: 40 } },
      { resilience: anyOne, latency: { maxMs: 40 } },
      { latency: { maxMs: 40 } },
      { minReplicas: 2, maxReplicas: 4 },
      { mustInclude: ['eastus', 'westeurope'], resilience: anyOne },
    ]) cases.push([smallContoso, constraints]);
    const seen = new Set<string>();
    let paysAndRequired = 0;
    for (const [body, constraints] of cases) {
      const res = await invoke(recommendations, { body: { ...body, constraints } });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
      const replicas = replicasOf(res.json);
      const c = constraints as { resilience?: { maxMs?: number }; latency?: { maxMs: number }; minReplicas?: number; mustInclude?: string[] };
      for (const rep of res.json.recommended.replicas as { region: string; requiredFor: string[]; marginalMonthlyValue: number; explanation: string }[]) {
        const left = replicas.filter((r) => r !== rep.region);
        const want: string[] = [];
        if (c.mustInclude?.includes(rep.region)) want.push('mustInclude');
        if (left.length < (c.minReplicas ?? 0)) want.push('minReplicas');
        if (c.resilience && !survives('westus', left, body.workloads, c.resilience.maxMs)) want.push('resilience');
        if (c.latency && !meetsLatency(['westus', ...left], body.workloads, c.latency.maxMs)) want.push('latency');
        expect(rep.requiredFor, `${JSON.stringify(constraints)}: ${rep.region}`).toEqual(want);
        expect(/kept to survive a single-location outage/.test(rep.explanation)).toBe(want.includes('resilience') && rep.marginalMonthlyValue < 0);
        if (rep.marginalMonthlyValue >= 0 && want.includes('resilience')) {
          expect(rep.explanation).toMatch(/removing it would also break .*resilience/);
          paysAndRequired++;
        }
        for (const x of want) seen.add(x);
        if (want.length === 0) seen.add('none');
      }
    }
    // every kind occurs, and a replica that does not pay and is not needed for resilience is told apart
    expect([...seen].sort()).toEqual(['latency', 'minReplicas', 'mustInclude', 'none', 'resilience']);
    expect(paysAndRequired).toBeGreaterThan(0);
    const both = await invoke(recommendations, { body: { ...smallContoso, constraints: { resilience: anyOne, latency: { maxMs: 40 } } } });
    const reps = both.json.recommended.replicas as { requiredFor: string[]; marginalMonthlyValue: number; breakEvenGBPerMonth: number | null }[];
    expect(reps.length).toBeGreaterThanOrEqual(2);
    expect(reps.every((r) => r.marginalMonthlyValue < 0 && !r.requiredFor.includes('resilience') && r.requiredFor.includes('latency'))).toBe(true);
  });

  it('a replica that serves nothing but is needed to survive an outage within maxMs says so', async () => {
    const res = await invoke(recommendations, { body: { ...smallContoso, constraints: { resilience: { ...anyOne, maxMs: 40 } } } });
    const idle = (res.json.recommended.replicas as { servesWorkloads: string[]; requiredFor: string[]; breakEvenGBPerMonth: number | null }[]).filter((r) => r.servesWorkloads.length === 0);
    expect(idle.length).toBeGreaterThanOrEqual(1);
    for (const r of idle) {
      expect(r.breakEvenGBPerMonth).toBeNull();
      expect(r.requiredFor).toEqual(['resilience']);
    }
  });

  it('lists every replica count 0..k: counts that latency, resilience with latency, or mustInclude rule out are infeasible with the reason', async () => {
    const counts = (f: { replicas: number }[]) => f.map((x) => x.replicas);
    const both = await invoke(recommendations, { body: { ...smallContoso, constraints: { resilience: anyOne, latency: { maxMs: 40 }, maxReplicas: 5 } } });
    expect(both.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, both.json)).toEqual([]);
    const f = both.json.frontier;
    expect(counts(f)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(f[0]).toMatchObject({ status: 'infeasible' });
    expect(f[1]).toMatchObject({ status: 'infeasible' });
    // 40 ms needs East US and West Europe: one replica cannot meet it whatever resilience says (this count was a silent hole)
    expect(f[1].reason).toBe('latency: no plan with 1 replica meets the 40 ms latency objective');
    expect(f[2].status).toBe('proved');
    const lat = await invoke(recommendations, { body: { ...smallContoso, constraints: { latency: { maxMs: 40 }, maxReplicas: 5 } } });
    expect(counts(lat.json.frontier)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lat.json.frontier[0]).toMatchObject({ status: 'infeasible' });
    expect(lat.json.frontier[0].reason).toMatch(/^latency: no plan with 0 replicas meets the 40 ms latency objective/);
    const must = await invoke(recommendations, { body: { ...smallContoso, constraints: { mustInclude: ['eastus', 'westeurope'], maxReplicas: 3 } } });
    expect(counts(must.json.frontier)).toEqual([0, 1, 2, 3]);
    expect(must.json.frontier[1]).toMatchObject({ status: 'infeasible', reason: 'mustInclude: 2 replicas are required' });
  });
});

describe('POST /api/recommendations with minReplicas', () => {
  it('keeps at least minReplicas replicas; the frontier shows smaller counts as infeasible', async () => {
    const res = await invoke(recommendations, { body: { ...smallContoso, constraints: { minReplicas: 2, maxReplicas: 4 } } });
    expect(res.status).toBe(200);
    expect(validateAgainst(recommendationsResponseSchema, res.json)).toEqual([]);
    expect(replicasOf(res.json)).toHaveLength(2);
    expect(res.json.recommended.replicas.every((x: { explanation: string }) => /kept to meet minReplicas 2/.test(x.explanation))).toBe(true);
    const f = res.json.frontier;
    expect(f.map((x: { replicas: number; status: string }) => [x.replicas, x.status])).toEqual([[0, 'infeasible'], [1, 'infeasible'], [2, 'proved'], [3, 'proved'], [4, 'proved']]);
    expect(f[0].reason).toMatch(/minReplicas/);
    expect(f[1].reason).toMatch(/minReplicas/);
    expect(res.json.recommended.monthlyCost.total).toBeCloseTo(f[2].monthlyCost.total, 2);
  });

  it('minReplicas with resilience: both hold', async () => {
    const res = await invoke(recommendations, { body: { ...smallContoso, constraints: { minReplicas: 2, resilience: { ...anyOne, maxMs: 30 } } } });
    expect(res.status).toBe(200);
    const replicas = replicasOf(res.json);
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    expect(survives('westus', replicas, smallContoso.workloads, 30)).toBe(true);
  });
});

describe('POST /api/recommendations: resilience and minReplicas contradictions are fast 422s naming the culprit', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
    ['resilience with maxReplicas 0', contoso, { resilience: anyOne, maxReplicas: 0 }, 'resilience', /maxReplicas is 0/],
    ['minReplicas above maxReplicas', contoso, { minReplicas: 3, maxReplicas: 2 }, 'minReplicas', /minReplicas is 3 but maxReplicas is 2/],
    ['minReplicas above the candidates', contoso, { minReplicas: 2, candidates: ['eastus'] }, 'minReplicas', /only 1 candidate/],
    ['a workload with fewer than two locations within maxMs', contoso, { resilience: { ...anyOne, maxMs: 3 } }, 'resilience', /westeurope \(best two allowed: 0 ms westeurope, \d+ ms \w+\)/],
    ['allowedGeographies removed them', contoso, { resilience: { ...anyOne, maxMs: 20 }, allowedGeographies: ['United States'] }, 'allowedGeographies', /westeurope/],
    ['candidates removed them', contoso, { resilience: { ...anyOne, maxMs: 20 }, candidates: ['eastus'] }, 'candidates', /westeurope/],
    ['exclude removed them', { ...contoso, registry: { ...contoso.registry, homeRegion: 'eastus' }, replicas: [], workloads: [{ region: 'westus3', pullGBPerMonth: 100 }] }, { resilience: { ...anyOne, maxMs: 20 }, exclude: ['westus'] }, 'exclude', /westus3/],
    [
      'zoneRedundancyRequired removed them',
      { ...contoso, replicas: [], workloads: [{ region: 'australiasoutheast', pullGBPerMonth: 100 }] },
      { resilience: { ...anyOne, maxMs: 15 }, zoneRedundancyRequired: true },
      'zoneRedundancyRequired',
      /australiasoutheast/,
    ],
    ['resilience within maxMs needs more replicas than maxReplicas allows (found by the solve)', contoso, { resilience: { ...anyOne, maxMs: 40 }, maxReplicas: 2 }, 'resilience', /within maxReplicas 2 keeps every workload served within 40 ms/],
    ['no candidate left at all', { ...contoso, replicas: [] }, { resilience: anyOne, candidates: [] }, 'candidates', /two allowed locations/],
  ];
  for (const [name, body, constraints, culprit, detail] of cases) {
    it(name, async () => {
      const t0 = performance.now();
      const res = await invoke(recommendations, { body: { ...body, constraints } });
      const ms = performance.now() - t0;
      expect(res.status, res.text.slice(0, 400)).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.constraint).toBe(culprit);
      expect(res.json.detail).toMatch(detail);
      expect(ms).toBeLessThan(1500);
    });
  }

  it('the same filters without resilience are fine (the 422 comes from resilience)', async () => {
    const res = await invoke(recommendations, { body: { ...contoso, replicas: [], workloads: [{ region: 'australiasoutheast', pullGBPerMonth: 100 }], constraints: { zoneRedundancyRequired: true } } });
    expect(res.status).toBe(200);
  });

  it('bounds the new fields: 400 naming the field', async () => {
    for (const [constraints, pointer] of [
      [{ resilience: { survive: 'any-two-locations' } }, '/constraints/resilience/survive'],
      [{ resilience: { survive: 'any-one-location', maxMs: 1e308 } }, '/constraints/resilience/maxMs'],
      [{ resilience: { survive: 'any-one-location', maxMs: 0 } }, '/constraints/resilience/maxMs'],
      [{ resilience: { survive: 'any-one-location', maxMs: -5 } }, '/constraints/resilience/maxMs'],
      [{ resilience: {} }, '/constraints/resilience/survive'],
      [{ resilience: { survive: 'any-one-location', within: 10 } }, '/constraints/resilience/within'],
      [{ minReplicas: -1 }, '/constraints/minReplicas'],
      [{ minReplicas: 1.5 }, '/constraints/minReplicas'],
    ] as const) {
      const res = await invoke(recommendations, { body: { ...contoso, constraints } });
      expect(res.status, JSON.stringify(constraints)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.detail).toContain(pointer);
      expect(res.json.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
  });
});
