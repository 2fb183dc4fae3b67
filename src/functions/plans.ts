import { httpEndpoint, json, readJsonBody, type ParameterDoc } from '../http/endpoint';
import { checkQuery } from '../http/validate';
import { requirePrincipal, ROLES } from '../http/identity';
import { webhookUrlProblem } from '../model/webhook-url';
import { createPlan } from '../app/create-plan';
import { LIMITS, problemSchema } from '../schemas/common';
import { createPlanRequestSchema, planResponseSchema, type CreatePlanRequest } from '../schemas/plans';
import type { InputIssue } from '../model/errors';
import { planDeps, presentPlan } from './plan-common';

function precheck(raw: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  if (typeof raw !== 'object' || raw === null) return issues;
  const body = raw as Record<string, unknown>;
  const has = (k: string): boolean => body[k] !== undefined;
  if (has('target') === has('recommendation')) {
    issues.push({ pointer: '/target', message: 'give exactly one of target or recommendation', code: 'oneOf' });
  }
  if (typeof body.notificationUrl === 'string') {
    const why = webhookUrlProblem(body.notificationUrl);
    if (why) issues.push({ pointer: '/notificationUrl', message: why, code: 'url' });
  }
  return issues;
}

const listParameters: ParameterDoc[] = [
  { name: 'registry', in: 'query', description: 'Only plans of this registry (resource id)', schema: { type: 'string', minLength: 1, maxLength: LIMITS.registryIdLength } },
];

/** POST /api/plans (create) and GET /api/plans?registry= (list). */
export const plans = httpEndpoint({
  name: 'plans',
  route: 'plans',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Create a plan against a live registry',
        description:
          'Reads the live topology, stores the target, the ordered actions (SKU upgrade first; create/update/delete replica), the cost before/after with its price date, a fingerprint of the live topology and a content hash. Needs a signed-in principal with the app role Planner.Request. The plan waits for approval by another principal.',
        tags: ['plans'],
        requestSchema: createPlanRequestSchema,
        responses: {
          '201': { description: 'The stored plan (Location header points at it)', schema: planResponseSchema },
          '400': { description: 'Invalid request', schema: problemSchema, contentType: 'application/problem+json' },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing app role', schema: problemSchema, contentType: 'application/problem+json' },
          '422': { description: 'The target cannot be reached from the live topology', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const principal = requirePrincipal(rc.request, ROLES.request, rc.services.settings.identity);
        const req = await readJsonBody<CreatePlanRequest>(rc, createPlanRequestSchema, precheck);
        const { plan, now } = await createPlan(planDeps(rc), {
          request: req,
          requester: { name: principal.name, ...(principal.objectId !== undefined ? { objectId: principal.objectId } : {}), provider: principal.provider },
        });
        return json(presentPlan(plan, now), 201, { Location: `/api/plans/${encodeURIComponent(plan.id)}` });
      },
    },
    GET: {
      doc: {
        summary: 'List plans, newest first',
        description: 'Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).',
        tags: ['plans'],
        parameters: listParameters,
        responses: {
          '200': { description: 'Plan summaries', schema: { type: 'object', required: ['plans'], properties: { count: { type: 'integer', minimum: 0 }, plans: { type: 'array', items: { type: 'object' } } } } },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing the app role Planner.Read (or a role that includes it)', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        checkQuery(rc.query, listParameters);
        const registryId = rc.query.get('registry') ?? undefined;
        const list = await rc.services.planStore().list(registryId ? { registryId } : {});
        return json({ count: list.length, plans: list });
      },
    },
  },
});
