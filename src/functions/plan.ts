import { httpEndpoint, json } from '../http/endpoint';
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
        tags: ['plans'],
        responses: { '200': { description: 'The plan', schema: planResponseSchema }, '404': { description: 'No such plan' } },
      },
      run: async (rc) => {
        const { plan: p, etag } = await rc.services.planStore().get(rc.params.id ?? '');
        return json(presentPlan(p, rc.services.now()), 200, { ETag: etag });
      },
    },
  },
});
