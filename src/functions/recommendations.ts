import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import type { Catalog } from '../model/catalog';
import { IssueCollector, applyPriceOverrides, precheckPlanningBody, resolveRegionAt, resolveTopology, resolveWorkloads } from '../model/inputs';
import { recommend, type RecommendConstraints } from '../model/recommend';
import { problemSchema } from '../schemas/common';
import { recommendationsRequestSchema, type ConstraintsInput, type RecommendationsRequest } from '../schemas/recommendations';
import { recommendationsResponseSchema } from '../schemas/responses';
import { resolveLiveContext } from './live-context';

/** Canonical region lists of the constraints; unknown names become issues with did-you-mean. */
export function resolveConstraints(raw: unknown, catalog: Catalog, out: IssueCollector): RecommendConstraints {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as ConstraintsInput;
  const list = (key: 'mustInclude' | 'exclude' | 'candidates'): string[] =>
    (Array.isArray(c[key]) ? (c[key] as unknown[]) : [])
      .map((v, i) => resolveRegionAt(v, `/constraints/${key}/${i}`, catalog, out))
      .filter((r): r is string => r !== undefined);
  const knownGeos = new Set(catalog.regions.flatMap((r) => [r.geography.toLowerCase(), r.continent]));
  (Array.isArray(c.allowedGeographies) ? c.allowedGeographies : []).forEach((g, i) => {
    if (typeof g === 'string' && !knownGeos.has(g.toLowerCase())) {
      out.add(`/constraints/allowedGeographies/${i}`, `unknown geography '${g}'; known: ${[...knownGeos].sort().join(', ')}`, 'unknownGeography');
    }
  });
  return {
    mustInclude: [...new Set(list('mustInclude'))],
    exclude: [...new Set(list('exclude'))],
    ...(Array.isArray(c.candidates) ? { candidates: [...new Set(list('candidates'))] } : {}),
    ...(Array.isArray(c.allowedGeographies) ? { allowedGeographies: c.allowedGeographies } : {}),
    ...(typeof c.maxReplicas === 'number' ? { maxReplicas: c.maxReplicas } : {}),
    ...(c.latency && typeof c.latency.maxMs === 'number' ? { latency: c.latency } : {}),
    zoneRedundancyRequired: c.zoneRedundancyRequired === true,
    includeRestricted: c.includeRestricted === true,
  };
}

/** POST /api/recommendations — the exact optimal replica set under the user's constraints. */
export const recommendations = httpEndpoint({
  name: 'recommendations',
  route: 'recommendations',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Optimal replica set for given workloads and constraints',
        description:
          'Solves the replica choice exactly (facility location with Traffic Manager\'s lowest-latency routing as client preferences) and returns the optimum with its optimality proof, the best plan for every replica count (the cost/latency frontier), each replica\'s marginal value, break-even volume and a one-line explanation, and the savings against the current topology.',
        tags: ['planning'],
        requestSchema: recommendationsRequestSchema,
        responses: {
          '200': { description: 'The recommendation', schema: recommendationsResponseSchema },
          '400': { description: 'Invalid request: every problem with its JSON pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '422': { description: 'The constraints cannot be satisfied (names the constraint)', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const { catalog } = rc.services;
        const req = await readJsonBody<RecommendationsRequest>(rc, recommendationsRequestSchema, (raw) => {
          const out = new IssueCollector();
          resolveConstraints((raw as { constraints?: unknown } | null)?.constraints, catalog, out);
          return [...precheckPlanningBody(raw, catalog), ...out.issues];
        });
        const out = new IssueCollector();
        const live = await resolveLiveContext(rc, req.registry, out, req.workloads);
        const resolved = live ? live.resolved(req.replicas, out) : resolveTopology(req.registry, req.replicas, catalog, out);
        const workloads = resolveWorkloads(req.workloads, { avgPullSizeMB: req.avgPullSizeMB, ...live?.workloadDefaults }, catalog, out);
        const constraints = resolveConstraints(req.constraints, catalog, out);
        out.throwIfAny();
        if (!resolved) throw new Error('topology could not be resolved although no issue was recorded');
        const prices = applyPriceOverrides(rc.services.prices(), req.prices);
        const result = recommend(
          {
            current: resolved.topology,
            storageGiB: resolved.storageGiB,
            workloads,
            constraints,
            solver: { timeLimitMs: req.solver?.timeLimitMs ?? 10_000, nodeLimit: req.solver?.nodeLimit, frontierMax: req.solver?.frontierMax },
          },
          { catalog, prices, warnings: out.warnings, extraAssumptions: live?.assumptions, registryId: live?.registryId },
        );
        return json(result);
      },
    },
  },
});
