/**
 * Use case: the exact optimal replica set under the caller's constraints,
 * solved by the Solver port (a worker-thread pool, off the event loop).
 *
 * The solver place is reserved before the request is read, so a saturated
 * solver answers 503 at once, before any parsing; the constraints are
 * resolved once, while the body is checked, and reused for the solve.
 * The answer is the recommendation as JSON text, serialised by the solver
 * (in its worker thread): the caller sends it on as it is.
 */
import type { Catalog } from '../model/catalog';
import type { InputIssue } from '../model/errors';
import { IssueCollector, precheckPlanningBody, resolveRegionAt } from '../model/inputs';
import type { RecommendConstraints } from '../model/recommend';
import type { ConstraintsInput, RecommendationsRequest } from '../schemas/recommendations';
import { planningInput, type PlanningInputDeps } from './planning-input';
import type { RecommendationJson, Solver } from './ports/solver';

export interface RecommendDeps extends PlanningInputDeps {
  solver(): Solver;
}

export interface RecommendInput {
  /**
   * Reads and validates the request body, running `check` on the parsed JSON
   * among its semantic checks (its issues make the 400). Called once, after the
   * solver place is reserved.
   */
  readRequest(check: (raw: unknown) => InputIssue[]): Promise<RecommendationsRequest>;
}

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
    ...(typeof c.minReplicas === 'number' ? { minReplicas: c.minReplicas } : {}),
    ...(c.resilience && c.resilience.survive === 'any-one-location' ? { resilience: { survive: 'any-one-location' as const, ...(typeof c.resilience.maxMs === 'number' ? { maxMs: c.resilience.maxMs } : {}) } } : {}),
    ...(c.latency && typeof c.latency.maxMs === 'number' ? { latency: c.latency } : {}),
    zoneRedundancyRequired: c.zoneRedundancyRequired === true,
    includeRestricted: c.includeRestricted === true,
  };
}

export async function recommend(deps: RecommendDeps, input: RecommendInput): Promise<RecommendationJson> {
  const { catalog } = deps;
  // A place in the solver first: when it is saturated, 503 + Retry-After before reading anything.
  const solver = deps.solver();
  const ticket = solver.reserve();
  try {
    let constraints: RecommendConstraints | undefined;
    const req = await input.readRequest((raw) => {
      const out = new IssueCollector();
      constraints = resolveConstraints((raw as { constraints?: unknown } | null)?.constraints, catalog, out);
      return [...precheckPlanningBody(raw, catalog), ...out.issues];
    });
    const p = await planningInput(deps, {
      request: req,
      // Only when the reader did not run the check (it always does over HTTP).
      extraChecks: constraints ? undefined : (out) => void (constraints = resolveConstraints(req.constraints, catalog, out)),
    });
    return await solver.recommendJson(
      {
        current: p.costInput.topology,
        storageGiB: p.costInput.storageGiB,
        workloads: p.costInput.workloads,
        ...(p.costInput.pushes ? { pushes: p.costInput.pushes } : {}),
        constraints: constraints as RecommendConstraints,
        solver: { ...(req.solver?.timeLimitMs !== undefined ? { timeLimitMs: req.solver.timeLimitMs } : {}), nodeLimit: req.solver?.nodeLimit, frontierMax: req.solver?.frontierMax },
      },
      { catalog, prices: p.prices, warnings: p.estimateOptions.warnings ?? [], extraAssumptions: p.live?.assumptions, registryId: p.live?.registryId },
      ticket,
    );
  } finally {
    solver.release(ticket);
  }
}
