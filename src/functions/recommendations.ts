import { httpEndpoint, json, readJsonBody, type RequestContext } from '../http/endpoint';
import type { Catalog } from '../model/catalog';
import { IssueCollector, precheckPlanningBody, resolveRegionAt } from '../model/inputs';
import type { RecommendConstraints, Recommendation } from '../model/recommend';
import type { Solver, SolverTicket } from '../solver/port';
import { problemSchema } from '../schemas/common';
import { recommendationsRequestSchema, type ConstraintsInput, type RecommendationsRequest } from '../schemas/recommendations';
import { recommendationsResponseSchema } from '../schemas/responses';
import { resolvePlanningInput } from './live-context';

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
          '503': { description: 'Every solver worker is busy and the queue is full, or the request waited too long for one: retry after `Retry-After` seconds', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        // A place in the solver pool first: when it is saturated, 503 + Retry-After before parsing anything.
        const solver = rc.services.solver();
        const ticket = solver.reserve();
        try {
          return json(await solveRequest(rc, solver, ticket));
        } finally {
          solver.release(ticket);
        }
      },
    },
  },
});

/** Parses and checks the request, then solves it in the solver pool (off the event loop). */
async function solveRequest(rc: RequestContext, solver: Solver, ticket: SolverTicket): Promise<Recommendation> {
  const { catalog } = rc.services;
  const req = await readJsonBody<RecommendationsRequest>(rc, recommendationsRequestSchema, (raw) => {
    const out = new IssueCollector();
    resolveConstraints((raw as { constraints?: unknown } | null)?.constraints, catalog, out);
    return [...precheckPlanningBody(raw, catalog), ...out.issues];
  });
  let constraints: RecommendConstraints | undefined;
  const input = await resolvePlanningInput(rc, req, (out) => {
    constraints = resolveConstraints(req.constraints, catalog, out);
  });
  return solver.recommend(
    {
      current: input.costInput.topology,
      storageGiB: input.costInput.storageGiB,
      workloads: input.costInput.workloads,
      constraints: constraints as RecommendConstraints,
      solver: { timeLimitMs: req.solver?.timeLimitMs ?? 10_000, nodeLimit: req.solver?.nodeLimit, frontierMax: req.solver?.frontierMax },
    },
    { catalog, prices: input.prices, warnings: input.estimateOptions.warnings ?? [], extraAssumptions: input.live?.assumptions, registryId: input.live?.registryId },
    ticket,
  );
}
