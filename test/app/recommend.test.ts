/** Use case recommend: solver place first, constraints resolved once (while the body is checked), solved by the Solver port, answered as JSON text. */
import { describe, expect, it } from 'vitest';
import { recommend, resolveConstraints } from '../../src/app/recommend';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { InvalidInputError, type InputIssue } from '../../src/model/errors';
import { IssueCollector } from '../../src/model/inputs';
import { parseJsonText } from '../../src/model/json-text';
import type { RecommendationsRequest } from '../../src/schemas/recommendations';
import { noArm, spySolver } from './fakes';

const catalog = shippedCatalog();

const body: RecommendationsRequest = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }],
  workloads: [
    { region: 'westus', pullGBPerMonth: 1000 },
    { region: 'eastus', pullGBPerMonth: 4000 },
    { region: 'westeurope', pullGBPerMonth: 3000 },
  ],
  constraints: { maxReplicas: 2, mustInclude: ['West Europe', 'westeurope'], exclude: ['East US'] },
};

/** A reader like readJsonBody: runs the check on the raw body; its issues make the 400. */
function reader(raw: unknown, events: string[], checks: { n: number }) {
  return async (check: (raw: unknown) => InputIssue[]): Promise<RecommendationsRequest> => {
    events.push('read');
    checks.n += 1;
    const issues = check(raw);
    if (issues.length) throw new InvalidInputError(issues);
    return raw as RecommendationsRequest;
  };
}

describe('recommend', () => {
  it('reserves a solver place before reading, checks the body once, solves with the resolved constraints, releases', async () => {
    const solver = spySolver();
    const checks = { n: 0 };
    const r = parseJsonText(await recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: reader(body, solver.events, checks) }));
    expect(solver.events).toEqual(['reserve', 'read', 'recommend', 'release']);
    expect(checks.n).toBe(1);
    const regions = [r.recommended.topology.homeRegion, ...r.recommended.topology.replicas.map((x) => x.region)];
    // mustInclude (display name and canonical name: one region) is in, exclude is out, maxReplicas holds.
    expect(regions).toContain('westeurope');
    expect(regions).not.toContain('eastus');
    expect(r.recommended.topology.replicas.length).toBeLessThanOrEqual(2);
    expect(r.optimality.status).toBe('proved');
  });

  it('a saturated solver refuses before the body is read', async () => {
    const busy = Object.assign(new Error('busy'), { code: 'SolverBusy', retryAfterSeconds: 2, transient: true });
    const solver = spySolver(busy);
    const checks = { n: 0 };
    await expect(recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: reader(body, solver.events, checks) })).rejects.toBe(busy);
    expect(checks.n).toBe(0);
    expect(solver.events).toEqual(['reserve']);
  });

  it('unknown constraint regions are 400 issues of the body check; the place is released', async () => {
    const solver = spySolver();
    const bad = { ...body, constraints: { mustInclude: ['westeuropa'], allowedGeographies: ['Atlantis'] } };
    const err = await recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: reader(bad, solver.events, { n: 0 }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const issues = (err as InvalidInputError).issues;
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/constraints/allowedGeographies/0', 'unknownGeography'],
      ['/constraints/mustInclude/0', 'unknownRegion'],
    ]);
    expect(issues[1]?.didYouMean).toContain('westeurope');
    expect(solver.events).toEqual(['reserve', 'read', 'release']);
  });

  it('a reader that skips the check still gets its constraints resolved (once, with the planning input)', async () => {
    const solver = spySolver();
    const r = parseJsonText(await recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: async () => body }));
    const regions = [r.recommended.topology.homeRegion, ...r.recommended.topology.replicas.map((x) => x.region)];
    expect(regions).toContain('westeurope');
    expect(regions).not.toContain('eastus');
  });
});

describe('resolveConstraints', () => {
  it('canonical, de-duplicated region lists; flags default to false', () => {
    const out = new IssueCollector();
    const c = resolveConstraints({ mustInclude: ['West Europe', 'westeurope'], exclude: ['eastus'], candidates: ['northeurope'], maxReplicas: 3 }, catalog, out);
    expect(out.issues).toEqual([]);
    expect(c).toEqual({ mustInclude: ['westeurope'], exclude: ['eastus'], candidates: ['northeurope'], maxReplicas: 3, zoneRedundancyRequired: false, includeRestricted: false });
  });

  it('passes resilience and minReplicas through (#14)', () => {
    const out = new IssueCollector();
    const c = resolveConstraints({ minReplicas: 1, resilience: { survive: 'any-one-location', maxMs: 40 } }, catalog, out);
    expect(c.minReplicas).toBe(1);
    expect(c.resilience).toEqual({ survive: 'any-one-location', maxMs: 40 });
    expect(resolveConstraints({ resilience: { survive: 'any-one-location' } }, catalog, out).resilience).toEqual({ survive: 'any-one-location' });
    expect(resolveConstraints({}, catalog, out)).not.toHaveProperty('resilience');
  });

  it('a resilient recommendation through the use case keeps a replica besides home (#14)', async () => {
    const solver = spySolver();
    const small = { ...body, replicas: [], workloads: [{ region: 'westus', pullGBPerMonth: 10 }], constraints: { resilience: { survive: 'any-one-location' as const } } };
    const r = parseJsonText(await recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: async () => small }));
    expect(r.recommended.topology.replicas.length).toBe(1);
    const free = parseJsonText(await recommend({ catalog, prices: shippedPrices, arm: noArm, solver: () => solver }, { readRequest: async () => ({ ...small, constraints: {} }) }));
    expect(free.recommended.topology.replicas).toEqual([]);
  });
});
