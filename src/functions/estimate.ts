import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { buildEstimate } from '../model/estimate';
import { IssueCollector, applyPriceOverrides, precheckPlanningBody, resolveTopology, resolveWorkloads } from '../model/inputs';
import { estimateRequestSchema, type EstimateRequest } from '../schemas/estimate';
import { estimateResponseSchema } from '../schemas/responses';
import { problemSchema } from '../schemas/common';
import { resolveLiveContext } from './live-context';

/** POST /api/estimate — the monthly cost of a topology, line by line. */
export const estimate = httpEndpoint({
  name: 'estimate',
  route: 'estimate',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Monthly cost of a topology for given workloads',
        description:
          'Registry units (one per location per day), storage overage per location, and the data transfer of every workload served by its network-closest enabled location. Every amount carries the currency, the price date and the assumptions behind it; unknown amounts are null, never 0.',
        tags: ['planning'],
        requestSchema: estimateRequestSchema,
        responses: {
          '200': { description: 'The estimate', schema: estimateResponseSchema },
          '400': { description: 'Invalid request: every problem with its JSON pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '413': { description: 'Body too large', schema: problemSchema, contentType: 'application/problem+json' },
          '415': { description: 'Body is not JSON', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const { catalog } = rc.services;
        const out = new IssueCollector();
        const req = await readJsonBody<EstimateRequest>(rc, estimateRequestSchema, (raw) => precheckPlanningBody(raw, catalog));
        const live = await resolveLiveContext(rc, req.registry, out, req.workloads);
        const resolved = live
          ? live.resolved(req.replicas, out)
          : resolveTopology(req.registry, req.replicas, catalog, out);
        const workloads = resolveWorkloads(req.workloads, { avgPullSizeMB: req.avgPullSizeMB, ...live?.workloadDefaults }, catalog, out);
        out.throwIfAny();
        if (!resolved) throw new Error('topology could not be resolved although no issue was recorded');
        const prices = applyPriceOverrides(rc.services.prices(), req.prices);
        return json(
          buildEstimate({ ...resolved, workloads }, catalog, prices, {
            warnings: out.warnings,
            extraAssumptions: live?.assumptions,
            registryId: live?.registryId,
          }),
        );
      },
    },
  },
});
