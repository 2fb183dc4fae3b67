import { httpEndpoint, json } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { BadRequestError, HttpError } from '../http/problem';
import { applyPlan, MAX_READY_WAIT_SECONDS } from '../app/apply-plan';
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
        parameters: [
          { name: 'dryRun', in: 'query', description: 'true: list the calls, make none', schema: { type: 'boolean' } },
          { name: 'waitForReady', in: 'query', description: 'true: after applying, wait until each created replica reports displayStatus Ready (synced), reported per replica in `readiness` and as wait-ready steps', schema: { type: 'boolean' } },
          { name: 'readyTimeoutSeconds', in: 'query', description: `Limit of that wait in seconds (1-${MAX_READY_WAIT_SECONDS}, default 300); a replica not Ready by then is reported, the plan stays applied`, schema: { type: 'integer', minimum: 1, maximum: MAX_READY_WAIT_SECONDS } },
        ],
        responses: {
          '200': { description: 'Applied, already applied (no-op), or the dry run', schema: { type: 'object', required: ['outcome', 'plan'], properties: { outcome: { type: 'string', enum: ['applied', 'noop', 'dryRun'] }, plan: { type: 'object', description: 'The plan as GET /api/plans/{id} shows it' } } } },
          '409': { description: 'Not approved, expired, stale (what changed is listed) or another apply holds the lock', schema: problemSchema, contentType: 'application/problem+json' },
          '502': { description: 'An Azure call failed: the plan is partiallyApplied; apply again to resume', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const principal = requirePrincipal(rc.request, ROLES.apply, rc.services.settings.identity);
        const dryRun = rc.query.get('dryRun') === 'true';
        const rawLimit = rc.query.get('readyTimeoutSeconds');
        const limit = rawLimit === null ? 300 : Number(rawLimit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READY_WAIT_SECONDS) {
          throw new BadRequestError(`readyTimeoutSeconds must be an integer from 1 to ${MAX_READY_WAIT_SECONDS} (seconds).`, [{ pointer: '/query/readyTimeoutSeconds', message: `an integer from 1 to ${MAX_READY_WAIT_SECONDS} seconds`, code: 'range' }]);
        }
        const wait = rc.query.get('waitForReady') === 'true' || rawLimit !== null;
        const { plan, result, now } = await applyPlan(planDeps(rc), { planId: rc.params.id ?? '', actor: principal.name, dryRun, ...(wait && !dryRun ? { waitForReadySeconds: limit } : {}) });
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
          ...(result.readiness ? { readiness: result.readiness } : {}),
          plan: presentPlan(plan, now),
        });
      },
    },
  },
});
