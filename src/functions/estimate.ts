import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { precheckPlanningBody } from '../model/inputs';
import { estimateRequestSchema, type EstimateRequest } from '../schemas/estimate';
import { estimateResponseSchema } from '../schemas/responses';
import { problemSchema } from '../schemas/common';
import { estimate as estimateCost } from '../app/estimate';

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
          'Registry units (one per location per day), storage overage per location, and the data transfer of every workload served by its network-closest enabled location. Every amount carries the currency, the price date and the assumptions behind it; unknown amounts are null, never 0. Also: `outage` (for each location that fails: where its workloads move, their latency, the unserved workloads and the failover state\'s monthly cost), `push` (with `pushRegions`: push transfer billed by the push site\'s continent, push-region replica economics, split-push warning) and `zoneRedundancy` advice.',
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
        const req = await readJsonBody<EstimateRequest>(rc, estimateRequestSchema, (raw) => precheckPlanningBody(raw, catalog));
        return json(await estimateCost(rc.services, { request: req }));
      },
    },
  },
});
