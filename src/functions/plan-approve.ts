import { httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { approve } from '../model/plan';
import { problemSchema } from '../schemas/common';
import { approvePlanRequestSchema, planResponseSchema } from '../schemas/plans';
import { notifyPlanChange, presentPlan } from './plan-common';

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
        const principal = requirePrincipal(rc.request, ROLES.approve, rc.services.settings);
        const hasBody = (rc.request.headers.get('content-length') ?? '0') !== '0' || rc.request.headers.get('content-type') !== null;
        const body = hasBody ? await readJsonBody<{ contentHash?: string; comment?: string }>(rc, approvePlanRequestSchema) : {};
        const store = rc.services.planStore();
        const now = rc.services.now();
        const { plan } = await store.modify(rc.params.id ?? '', (p) => {
          const approved = approve(p, { actor: principal.name, ...(principal.objectId !== undefined ? { actorObjectId: principal.objectId } : {}), actorProvider: principal.provider, now, ...(body.contentHash ? { expectedContentHash: body.contentHash } : {}) });
          return body.comment ? { ...approved, audit: [...approved.audit, { at: now.toISOString(), actor: principal.name, event: 'comment', detail: body.comment }] } : approved;
        });
        await notifyPlanChange(store, plan, 'approved', rc.context, now);
        return json(presentPlan(plan, now));
      },
    },
  },
});
