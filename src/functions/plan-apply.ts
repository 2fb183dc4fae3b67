import { httpEndpoint, json } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { HttpError } from '../http/problem';
import { applyPlan } from '../app/apply-plan';
import { problemSchema } from '../schemas/common';
import { planDeps, presentPlan } from './plan-common';

/** POST /api/plans/{id}/apply[?dryRun=true] — idempotent, resumable, under a per-registry lock. */
export const planApply = httpEndpoint({
  name: 'planApply',
  route: 'plans/{id}/apply',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Apply an approved plan (or show the calls it would make)',
        description:
          'Only approved, unexpired plans. Re-reads the live topology and refuses a stale plan (409 listing what changed) before any call that changes anything; takes the registry\'s lease (409 if another apply holds it); waits on each long-running operation and records every step. Re-running a partially applied plan resumes; re-running an applied one changes nothing. Needs the app role Planner.Apply.',
        tags: ['plans'],
        parameters: [{ name: 'dryRun', in: 'query', description: 'true: list the calls, make none', schema: { type: 'boolean' } }],
        responses: {
          '200': { description: 'Applied, already applied (no-op), or the dry run', schema: { type: 'object', required: ['outcome', 'plan'], properties: { outcome: { type: 'string', enum: ['applied', 'noop', 'dryRun'] }, plan: { type: 'object', description: 'The plan as GET /api/plans/{id} shows it' } } } },
          '409': { description: 'Not approved, expired, stale (what changed is listed) or another apply holds the lock', schema: problemSchema, contentType: 'application/problem+json' },
          '502': { description: 'An Azure call failed: the plan is partiallyApplied; apply again to resume', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const principal = requirePrincipal(rc.request, ROLES.apply, rc.services.settings.identity);
        const dryRun = rc.query.get('dryRun') === 'true';
        const { plan, result, now } = await applyPlan(planDeps(rc), { planId: rc.params.id ?? '', actor: principal.name, dryRun });
        if (result.outcome === 'partiallyApplied') {
          throw new HttpError(502, 'ApplyIncomplete', 'The plan was partially applied', `Step ${result.failedActionId ?? '?'} failed: ${result.error ?? 'unknown error'}. Nothing else was changed after it; apply again to resume.`, {
            planState: plan.state,
            failedActionId: result.failedActionId,
            steps: result.steps,
            plan: presentPlan(plan, now),
          });
        }
        return json({
          outcome: result.outcome,
          ...(dryRun ? { calls: result.steps.map((s) => ({ actionId: s.actionId, kind: s.kind, region: s.region, status: s.status, message: s.message })) } : {}),
          performed: result.performed,
          alreadyDone: result.alreadyDone,
          plan: presentPlan(plan, now),
        });
      },
    },
  },
});
