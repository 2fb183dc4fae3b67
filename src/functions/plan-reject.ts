import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { reject } from '../model/plan';
import { problemSchema } from '../schemas/common';
import { planResponseSchema, rejectPlanRequestSchema } from '../schemas/plans';
import { notifyPlanChange, presentPlan } from './plan-common';

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
        const principal = requirePrincipal(rc.request, ROLES.approve, rc.services.settings);
        const body = await readJsonBody<{ reason: string }>(rc, rejectPlanRequestSchema);
        const store = rc.services.planStore();
        const now = rc.services.now();
        const { plan } = await store.modify(rc.params.id ?? '', (p) => reject(p, { actor: principal.name, now, reason: body.reason }));
        await notifyPlanChange(store, plan, 'rejected', rc.context, now);
        return json(presentPlan(plan, now));
      },
    },
  },
});
