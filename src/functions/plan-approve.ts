import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { approvePlan } from '../app/approve-plan';
import { problemSchema } from '../schemas/common';
import { approvePlanRequestSchema, planResponseSchema } from '../schemas/plans';
import { planDeps, presentPlan } from './plan-common';

/** POST /api/plans/{id}/approve — a second principal approves exactly this content. */
export const planApprove = httpEndpoint({
  name: 'planApprove',
  route: 'plans/{id}/approve',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Approve a pending plan',
        description: 'Needs the app role Planner.Approve and a principal other than the requester. The approval is bound to the plan\'s content hash (give `contentHash` to be sure you approve what you reviewed).',
        tags: ['plans'],
        requestSchema: approvePlanRequestSchema,
        responses: {
          '200': { description: 'The approved plan', schema: planResponseSchema },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing role, or the requester approving their own plan', schema: problemSchema, contentType: 'application/problem+json' },
          '409': { description: 'Not pending, expired, or the content hash differs', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const principal = requirePrincipal(rc.request, ROLES.approve, rc.services.settings.identity);
        const hasBody = (rc.request.headers.get('content-length') ?? '0') !== '0' || rc.request.headers.get('content-type') !== null;
        const body = hasBody ? await readJsonBody<{ contentHash?: string; comment?: string }>(rc, approvePlanRequestSchema) : {};
        const { plan, now } = await approvePlan(planDeps(rc), {
          planId: rc.params.id ?? '',
          approver: { name: principal.name, ...(principal.objectId !== undefined ? { objectId: principal.objectId } : {}), provider: principal.provider },
          ...(body.contentHash ? { contentHash: body.contentHash } : {}),
          ...(body.comment ? { comment: body.comment } : {}),
        });
        return json(presentPlan(plan, now));
      },
    },
  },
});
