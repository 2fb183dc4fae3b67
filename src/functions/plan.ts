import { httpEndpoint, json } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { problemSchema } from '../schemas/common';
import { planResponseSchema } from '../schemas/plans';
import { presentPlan } from './plan-common';

/** GET /api/plans/{id} — a stored plan with its state, steps and audit trail. */
export const plan = httpEndpoint({
  name: 'plan',
  route: 'plans/{id}',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'A plan: target, actions, costs, state, steps and audit trail',
        description: 'Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).',
        tags: ['plans'],
        responses: {
          '200': { description: 'The plan', schema: planResponseSchema },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing the app role Planner.Read (or a role that includes it)', schema: problemSchema, contentType: 'application/problem+json' },
          '404': { description: 'No such plan' },
        },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const { plan: p, etag } = await rc.services.planStore().get(rc.params.id ?? '');
        return json(presentPlan(p, rc.services.now()), 200, { ETag: etag });
      },
    },
  },
});
