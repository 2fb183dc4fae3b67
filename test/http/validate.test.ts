/**
 * Input bounds: every request input is bounded before expensive work (the
 * schemas' maxLength/maxItems/maximum, a size pre-pass before ajv, a capped
 * 400), so hostile bodies answer 400 fast and small.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { estimate } from '../../src/functions/estimate';
import { regions } from '../../src/functions/regions';
import { prices } from '../../src/functions/prices';
import { mapSvg } from '../../src/functions/map-svg';
import { drift, driftHistory } from '../../src/functions/drift';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { shippedCatalog } from '../../src/catalog';
import { boundedLevenshtein, levenshtein } from '../../src/model/catalog';
import { IssueCollector, resolveRegionAt } from '../../src/model/inputs';
import { checkQuery, invalidRequestError, jsonShapeIssue, requestIssues, sizeIssues, truncateForEcho } from '../../src/http/validate';
import { LIMITS, problemSchema } from '../../src/schemas/common';
import { estimateRequestSchema } from '../../src/schemas/estimate';
import { validateAgainst } from '../../src/http/validate';
import type { InputIssue } from '../../src/model/errors';
import { invoke, type Invoked } from '../helpers/invoke';

afterEach(() => setServices());

/**
 * "Fast" for a refused request, ms. Measured here: 60–140 ms on a quiet machine, up to ~240 ms on the
 * shared 2-core box with other jobs; before the bounds these requests took 4–8 s (did-you-mean on a
 * 1 MB name, 10,000 workloads) — the bound is set between the two so a busy CI run does not flake.
 */
const FAST_MS = 1000;

const base = { registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 100 }, workloads: [{ region: 'eastus', pullGBPerMonth: 100 }] };

async function timed(fn: () => Promise<Invoked>): Promise<{ res: Invoked; ms: number }> {
  const t0 = performance.now();
  const res = await fn();
  return { res, ms: performance.now() - t0 };
}

function expectSmallProblem(res: Invoked, maxBytes = 64 * 1024): void {
  expect(res.status, res.text.slice(0, 500)).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(maxBytes);
  expect(validateAgainst(problemSchema, res.json)).toEqual([]);
}

const pointers = (res: Invoked): string[] => (res.json.errors as InputIssue[]).map((e) => e.pointer);

describe('request bounds', () => {
  it('warm-up (first compile of the schemas is not what the timings measure)', async () => {
    expect((await invoke(estimate, { body: base })).status).toBe(200);
    expect((await invoke(estimate, { body: { ...base, workloads: [{}] } })).status).toBe(400);
  });

  it('1e308 in a price override, storageGiB or avgPullSizeMB is a 400 naming the field, not a 200 with null or a 500', async () => {
    const cases: [unknown, string][] = [
      [{ ...base, prices: { registryUnitPerDay: { Premium: 1e308 } } }, '/prices/registryUnitPerDay/Premium'],
      [{ ...base, prices: { storageOveragePerGiBMonth: 1e308 } }, '/prices/storageOveragePerGiBMonth'],
      [{ ...base, prices: { internetEgressPerGB: { europe: 1e308 } } }, '/prices/internetEgressPerGB/europe'],
      [{ ...base, registry: { ...base.registry, storageGiB: 1e308 } }, '/registry/storageGiB'],
      [{ ...base, avgPullSizeMB: 1e308, workloads: [{ region: 'eastus', pullsPerMonth: 10 }] }, '/avgPullSizeMB'],
      [{ ...base, workloads: [{ region: 'eastus', pullsPerMonth: 1e308, avgPullSizeMB: 1e308 }] }, '/workloads/0/pullsPerMonth'],
      [{ ...base, workloads: [{ region: 'eastus', pullsPerMonth: 10, avgPullSizeMB: 1e308 }] }, '/workloads/0/avgPullSizeMB'],
      [{ ...base, workloads: [{ region: 'eastus', pullGBPerMonth: 1e308 }] }, '/workloads/0/pullGBPerMonth'],
    ];
    for (const [body, pointer] of cases) {
      const res = await invoke(estimate, { body });
      expectSmallProblem(res);
      expect(pointers(res), JSON.stringify(body).slice(0, 200)).toContain(pointer);
      expect(res.json.errors.find((e: InputIssue) => e.pointer === pointer).code).toBe('maximum');
    }
    // 1e400 is Infinity after JSON.parse: still a 400 at its pointer.
    const inf = await invoke(estimate, { rawBody: JSON.stringify(base).replace('"storageGiB":100', '"storageGiB":1e400'), headers: { 'content-type': 'application/json' } });
    expectSmallProblem(inf);
    expect(pointers(inf)).toContain('/registry/storageGiB');
  });

  it('the largest bounded inputs give finite figures: the total is known, nothing is null', async () => {
    const res = await invoke(estimate, {
      body: {
        registry: { homeRegion: 'westus', storageGiB: LIMITS.storageGiB },
        replicas: [{ region: 'westeurope' }],
        workloads: [
          { region: 'eastasia', pullsPerMonth: LIMITS.pullsPerMonth, avgPullSizeMB: LIMITS.avgPullSizeMB },
          { region: 'brazilsouth', pullGBPerMonth: LIMITS.pullGBPerMonth },
        ],
        prices: {
          registryUnitPerDay: { Premium: LIMITS.price },
          storageOveragePerGiBMonth: LIMITS.price,
          interRegionToOtherContinentPerGB: Object.fromEntries(['north-america', 'europe'].map((c) => [c, LIMITS.price])),
        },
      },
    });
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    const m = res.json.monthlyCost;
    expect(m.unknown).toEqual([]);
    for (const k of ['total', 'totalKnown', 'registryUnits', 'storage', 'dataTransfer']) {
      expect(typeof m[k], k).toBe('number');
      expect(Number.isFinite(m[k]), k).toBe(true);
    }
    expect(m.dataTransfer).toBeGreaterThan(1e20);
  });

  it('a 1 MB region name is a fast 400 without suggestions and without echoing the name', async () => {
    const name = 'westus'.repeat(166_000); // just under the 1 MB body limit
    const raw = JSON.stringify({ ...base, registry: { homeRegion: name } });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    const issue = res.json.errors.find((e: InputIssue) => e.pointer === '/registry/homeRegion');
    expect(issue.code).toBe('maxLength');
    expect(issue.didYouMean).toBeUndefined();
    expect(res.text).not.toContain('westuswestuswestus');
  });

  it('10,000 workloads with 60-character names: a fast 400 naming /workloads, before any did-you-mean', async () => {
    const workloads = Array.from({ length: 10_000 }, (_, i) => ({ region: `r${String(i).padStart(59, 'x')}`, pullGBPerMonth: 1 }));
    const raw = JSON.stringify({ ...base, workloads });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads', code: 'maxMembers' })]);
    // 2,000 (under the shape bound, over the schema's maxItems): the schema's issue, still fast.
    const t0 = performance.now();
    const two = await invoke(estimate, { rawBody: JSON.stringify({ ...base, workloads: workloads.slice(0, 2000) }), headers: { 'content-type': 'application/json' } });
    expect(performance.now() - t0).toBeLessThan(FAST_MS);
    expect(two.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads', code: 'maxItems' })]);
  });

  it('1,000 workloads (the limit) with unknown 60-character names: a fast 400 listing 50, the rest counted', async () => {
    const workloads = Array.from({ length: LIMITS.workloads }, (_, i) => ({ region: `west${String(i).padStart(56, 'q')}`, pullGBPerMonth: 1 }));
    const raw = JSON.stringify({ ...base, workloads });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res);
    expect(ms).toBeLessThan(500);
    expect(res.json.errors).toHaveLength(50);
    expect(res.json.errorsOmitted).toBe(950);
    expect(res.json.detail).toMatch(/1000 problems.*950 more omitted/);
  });

  it('30,000 empty workloads: one small 400 naming /workloads, not 8 MB of issues', async () => {
    const raw = JSON.stringify({ ...base, workloads: Array.from({ length: 30_000 }, () => ({})) });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    expect(res.json.errors.length).toBeLessThanOrEqual(50);
    expect(pointers(res)).toEqual(['/workloads']);
    // 2,000 (under the shape bound, over maxItems): the schema's maxItems, still one issue.
    const fiveK = await invoke(estimate, { body: { ...base, workloads: Array.from({ length: 2_000 }, () => ({})) } });
    expectSmallProblem(fiveK, 4096);
    expect(fiveK.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads', code: 'maxItems' })]);
  });

  it('1,000 empty workloads (within maxItems): 50 issues listed + errorsOmitted, the body stays small', async () => {
    const res = await invoke(estimate, { body: { ...base, workloads: Array.from({ length: 1000 }, () => ({})) } });
    expectSmallProblem(res);
    expect(res.json.errors).toHaveLength(50);
    expect(res.json.errorsOmitted).toBe(950);
    expect(res.json.errors[0]).toMatchObject({ pointer: '/workloads/0', code: 'required' });
  });

  it('a 1 MB body of empty workloads answers 400 in < 200 ms (rejected on its shape, before JSON.parse)', async () => {
    const items = Math.floor((1_000_000 - 100) / 3);
    const raw = `{"registry":{"homeRegion":"westus"},"workloads":[${Array.from({ length: items }, () => '{}').join(',')}]}`;
    expect(raw.length).toBeLessThanOrEqual(1_000_000);
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads', code: 'maxMembers' })]);
  });

  it('a 1 MB body of numbers, or 100,000 levels of nesting, is rejected on its shape too', async () => {
    const numbers = `{"registry":{"homeRegion":"westus"},"workloads":[],"x":[${Array.from({ length: 400_000 }, () => '1').join(',')}]}`;
    const deep = `{"registry":${'['.repeat(100_000)}${']'.repeat(100_000)},"workloads":[]}`;
    for (const [raw, code, pointer] of [[numbers, 'maxMembers', '/x'], [deep, 'maxDepth', `/registry${'/0'.repeat(63)}`]] as const) {
      const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
      expectSmallProblem(res, 4096);
      expect(ms).toBeLessThan(FAST_MS);
      expect(res.json.errors[0]).toMatchObject({ code, pointer });
    }
    // Brackets inside strings do not count.
    const inString = { ...base, prices: { asOf: '[[[[{{{{'.repeat(5) } };
    expect((await invoke(estimate, { body: inString })).status).toBe(200);
  });

  it('a workload with 50,000 unknown properties: one small 400 before JSON.parse, quickly', async () => {
    const w: Record<string, number> = { pullGBPerMonth: 1 };
    for (let i = 0; i < 50_000; i++) w[`k${i}`] = 1;
    const raw = JSON.stringify({ ...base, workloads: [w] });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads/0', code: 'maxMembers' })]);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('2,000 unknown properties in a closed object: one issue (maxProperties); a few unknown ones are each named', async () => {
    const w: Record<string, number> = { pullGBPerMonth: 1 };
    for (let i = 0; i < 2_000; i++) w[`k${i}`] = 1;
    const raw = JSON.stringify({ ...base, workloads: [w] });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/workloads/0', code: 'maxProperties' })]);
    expect(ms).toBeLessThan(FAST_MS);
    const few = await invoke(estimate, { body: { ...base, workloads: [{ region: 'eastus', pullGBPerMonth: 1, colour: 'red', size: 3 }] } });
    expectSmallProblem(few);
    expect(pointers(few)).toEqual(['/workloads/0/colour', '/workloads/0/size']);
  });

  it('a 1 MB unknown property name is not echoed in full', async () => {
    const key = 'k'.repeat(1_000_000 - 200);
    const raw = JSON.stringify({ ...base, registry: { ...base.registry, [key]: 1 } });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    expect(res.json.errors[0].pointer.length).toBeLessThan(400);
  });

  it('a 1 MB registry.id is a small 400 (maxLength), never echoed', async () => {
    const id = `/subscriptions/${'a'.repeat(1_000_000)}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso`;
    const raw = JSON.stringify({ ...base, registry: { id } });
    const { res, ms } = await timed(() => invoke(estimate, { rawBody: raw, headers: { 'content-type': 'application/json' } }));
    expectSmallProblem(res, 4096);
    expect(ms).toBeLessThan(FAST_MS);
    expect(pointers(res)).toContain('/registry/id');
    expect(res.text).not.toContain('a'.repeat(100));
  });

  it('map.svg: a posted recommendation with a 1 MB region name, or a 1e308 total, is a small 400', async () => {
    const rec = (homeRegion: string, total: number) => ({
      currency: 'USD',
      prices: { asOf: '2026-11' },
      current: { topology: { homeRegion, replicas: [] }, monthlyCost: { total } },
      recommended: { topology: { homeRegion: 'westus', replicas: [] } },
    });
    const long = await invoke(mapSvg, { method: 'POST', body: rec('x'.repeat(999_000), 10) });
    expectSmallProblem(long, 4096);
    expect(pointers(long)).toEqual(['/current/topology/homeRegion']);
    const huge = await invoke(mapSvg, { method: 'POST', body: rec('westus', 1e308) });
    expectSmallProblem(huge, 4096);
    expect(pointers(huge)).toEqual(['/current/monthlyCost/total']);
  });
});

describe('query parameters are bounded by their documented schemas', () => {
  it('GET /api/regions?q= longer than 64 characters is a 400; a normal q still filters', async () => {
    const bad = await invoke(regions, { query: { q: 'west'.repeat(10_000) } });
    expectSmallProblem(bad, 4096);
    expect(pointers(bad)).toEqual(['/query/q']);
    const ok = await invoke(regions, { query: { q: 'westus' } });
    expect(ok.status).toBe(200);
    expect(ok.json.regions.map((r: { name: string }) => r.name)).toContain('westus2');
  });

  it('GET /api/drift?kind= / drift/history?registry= / ?limit=: long or repeated values are small 400s, never echoed', async () => {
    setServices(createServices(readSettings({ LOCAL_PRINCIPAL_HEADER: 'true' })));
    const reader = { 'x-geoplanner-principal': 'rita@contoso.com; roles=Planner.Read' };
    const long = await invoke(drift, { query: { kind: 'economic,'.repeat(5000) }, headers: reader });
    expectSmallProblem(long, 4096);
    expect(long.json.errors).toEqual([expect.objectContaining({ pointer: '/query/kind', code: 'maxLength' })]);
    expect(long.text).not.toContain('economic,economic');
    const unknown = await invoke(drift, { query: { severity: `x${'y'.repeat(150)}` }, headers: reader });
    expectSmallProblem(unknown, 4096);
    expect(unknown.json.errors[0].message).toContain(`'x${'y'.repeat(63)}…'`);
    const id = `/subscriptions/${'s'.repeat(2000)}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso`;
    const hist = await invoke(driftHistory, { path: 'drift/history', query: { registry: id, limit: '1e400' }, headers: reader });
    expectSmallProblem(hist, 4096);
    expect(pointers(hist).sort()).toEqual(['/query/limit', '/query/registry']);
    expect(hist.text).not.toContain('s'.repeat(100));
  });

  it('GET /api/prices?refresh=maybe is a 400 (boolean)', async () => {
    const bad = await invoke(prices, { query: { refresh: 'maybe' } });
    expectSmallProblem(bad, 4096);
    expect(pointers(bad)).toEqual(['/query/refresh']);
  });

  it('checkQuery: repeats and lengths are bounded; integers are coerced', () => {
    const params = [
      { name: 'q', in: 'query' as const, schema: { type: 'string', maxLength: 8 } },
      { name: 'limit', in: 'query' as const, schema: { type: 'integer', minimum: 1, maximum: 10 } },
    ];
    expect(() => checkQuery(new URLSearchParams('q=abc&limit=5'), params)).not.toThrow();
    expect(() => checkQuery(new URLSearchParams('limit=11'), params)).toThrow(/limit/);
    expect(() => checkQuery(new URLSearchParams('limit=abc'), params)).toThrow(/limit/);
    expect(() => checkQuery(new URLSearchParams(`q=${'z'.repeat(100)}`), params)).toThrow(/more than 8 characters/);
    expect(() => checkQuery(new URLSearchParams('q=a&'.repeat(21)), params)).toThrow(/21 times/);
  });
});

describe('validate helpers', () => {
  it('jsonShapeIssue bounds depth, containers, values and members, ignoring brackets and commas in strings', () => {
    const shape = (text: string) => jsonShapeIssue(Buffer.from(text));
    expect(shape(JSON.stringify({ a: '[[[{,,,', b: [1, 2, { c: 'x\\"[' }] }))).toBeUndefined();
    expect(shape(`[${Array.from({ length: 30 }, () => `[${Array.from({ length: 2_000 }, () => '[]').join(',')}]`).join(',')}]`)).toMatchObject({ code: 'maxContainers', pointer: '' });
    const wide = `{${Array.from({ length: 120 }, (_, i) => `"k${i}":[${Array.from({ length: 2_400 }, () => '0').join(',')}]`).join(',')}}`;
    expect(shape(wide)).toMatchObject({ code: 'maxValues' });
    expect(shape(`{"a":{"b\\/c":[${'1,'.repeat(2_500)}1]}}`)).toMatchObject({ code: 'maxMembers', pointer: '/a/b\\~1c' });
    expect(shape(`{"a":{"b":[${'1,'.repeat(2_498)}1]}}`)).toBeUndefined();
    expect(shape(`{"a":[[],[${'['.repeat(64)}${']'.repeat(64)}]]}`)).toMatchObject({ code: 'maxDepth', pointer: `/a/1${'/0'.repeat(62)}` });
  });

  it('sizeIssues follows properties, items and if/then/else and stops at an over-long array', () => {
    expect(sizeIssues(estimateRequestSchema, base)).toEqual([]);
    const issues = sizeIssues(estimateRequestSchema, { registry: { homeRegion: 'x'.repeat(65) }, workloads: [{ name: 'n'.repeat(81) }] });
    expect(issues.map((i) => `${i.pointer} ${i.code}`)).toEqual(['/registry/homeRegion maxLength', '/workloads/0/name maxLength']);
    const tooMany = sizeIssues(estimateRequestSchema, { registry: {}, workloads: Array.from({ length: 1001 }, () => ({ region: 'x'.repeat(100) })) });
    expect(tooMany).toEqual([expect.objectContaining({ pointer: '/workloads', code: 'maxItems' })]);
  });

  it('requestIssues skips the semantic checks when a size bound is broken', () => {
    let called = 0;
    const semantic = () => {
      called += 1;
      return [];
    };
    requestIssues(estimateRequestSchema, { registry: { homeRegion: 'x'.repeat(100) }, workloads: [] }, semantic);
    expect(called).toBe(0);
    requestIssues(estimateRequestSchema, { registry: { homeRegion: 'nowhere' }, workloads: [] }, semantic);
    expect(called).toBe(1);
  });

  it('invalidRequestError lists 50, counts the rest, and bounds each text', () => {
    const many: InputIssue[] = Array.from({ length: 120 }, (_, i) => ({ pointer: `/x/${i}`, message: 'm'.repeat(10_000), code: 'c' }));
    const err = invalidRequestError(many);
    const listed = err.extensions.errors as InputIssue[];
    expect(listed).toHaveLength(50);
    expect(err.extensions.errorsOmitted).toBe(70);
    expect(listed.every((i) => i.message.length <= 301)).toBe(true);
    expect(err.message.length).toBeLessThan(5000);
    expect(err.message).toMatch(/120 problems \(errors lists the first 50; 70 more omitted\)/);
    expect(invalidRequestError(many.slice(0, 3)).extensions.errorsOmitted).toBeUndefined();
  });

  it('truncateForEcho cuts with an ellipsis', () => {
    expect(truncateForEcho('abc')).toBe('abc');
    expect(truncateForEcho('a'.repeat(100))).toBe(`${'a'.repeat(64)}…`);
  });
});

describe('did-you-mean is bounded', () => {
  it('resolveRegionAt (the model, even without the schema in front): a 1 MB name is unknown at once, echoed cut to 64 characters, no suggestion', () => {
    const out = new IssueCollector();
    const catalog = shippedCatalog();
    const name = 'westus'.repeat(170_000);
    const t0 = performance.now();
    expect(resolveRegionAt(name, '/x', catalog, out)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(50);
    expect(out.issues[0]?.message.length).toBeLessThan(200);
    expect(out.issues[0]?.message).toContain(`'${'westus'.repeat(10)}west…'`);
    expect(out.issues[0]?.didYouMean).toBeUndefined();
  });

  it('a collector computes at most 50 did-you-means (1,000 misspellings cost 50 lookups)', () => {
    const out = new IssueCollector();
    const catalog = shippedCatalog();
    for (let i = 0; i < 1000; i++) resolveRegionAt(`westeurop${'e'.repeat(i % 7)}x${i}`, `/w/${i}`, catalog, out);
    expect(out.issues).toHaveLength(1000);
    expect(out.issues.filter((i) => i.didYouMean !== undefined).length).toBeLessThanOrEqual(50);
    expect(() => out.throwIfAny()).toThrow(/1000 problems \(the first 50 are listed, 950 omitted\)/);
  });

  it('still suggests for short misspellings', () => {
    expect(shippedCatalog().suggest('westeurop')[0]).toBe('westeurope');
    expect(shippedCatalog().suggest('West Uss')[0]).toBe('westus');
  });

  it('gives no suggestion for inputs over 64 characters, and answers fast', () => {
    const catalog = shippedCatalog();
    const t0 = performance.now();
    expect(catalog.suggest('westus'.repeat(200_000))).toEqual([]);
    expect(catalog.suggest('w'.repeat(65))).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('boundedLevenshtein equals levenshtein below the cap, and is capped above it', () => {
    const words = ['westus', 'westus2', 'eastus', 'westeurope', 'francecentral', 'x', '', 'southeastasia', 'wetsus'];
    for (const a of words) {
      for (const b of words) {
        const d = levenshtein(a, b);
        for (const cap of [1, 2, 3, 5, 20]) expect(boundedLevenshtein(a, b, cap), `${a}/${b}/${cap}`).toBe(Math.min(d, cap));
      }
    }
  });
});
