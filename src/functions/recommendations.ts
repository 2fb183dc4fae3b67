import { httpEndpoint, jsonText, readJsonBody } from '../http/endpoint';
import { recommend } from '../app/recommend';
import { problemSchema } from '../schemas/common';
import { recommendationsRequestSchema, type RecommendationsRequest } from '../schemas/recommendations';
import { recommendationsResponseSchema } from '../schemas/responses';

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
      run: async (rc) =>
        // The use case reserves a solver place before the body is read: saturated → 503 + Retry-After before parsing anything.
        // Its answer is JSON text already (serialised in the solver's worker thread): sent as it is.
        jsonText(await recommend(rc.services, { readRequest: (check) => readJsonBody<RecommendationsRequest>(rc, recommendationsRequestSchema, check) })),
    },
  },
});
