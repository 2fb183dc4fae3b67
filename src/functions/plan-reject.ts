import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { rejectPlan } from '../app/reject-plan';
import { problemSchema } from '../schemas/common';
import { planResponseSchema, rejectPlanRequestSchema } from '../schemas/plans';
import { planDeps, presentPlan } from './plan-common';

/** POST /api/plans/{id}/reject — with a reason. */
export const planReject = httpEndpoint({
  name: 'planReject',
  route: 'plans/{id}/reject',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Reject a pending or approved plan, with a reason',
        tags: ['plans'],
        requestSchema: rejectPlanRequestSchema,
        responses: {
          '200': { description: 'The rejected plan', schema: planResponseSchema },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '409': { description: 'The plan can no longer be rejected', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const principal = requirePrincipal(rc.request, ROLES.approve, rc.services.settings.identity);
        const body = await readJsonBody<{ reason: string }>(rc, rejectPlanRequestSchema);
        const { plan, now } = await rejectPlan(planDeps(rc), { planId: rc.params.id ?? '', actor: principal.name, reason: body.reason });
        return json(presentPlan(plan, now));
      },
    },
  },
});
