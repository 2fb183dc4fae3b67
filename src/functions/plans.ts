import { httpEndpoint, json, readJsonBody, type ParameterDoc } from '../http/endpoint';
import { checkQuery } from '../http/validate';
import { requirePrincipal, ROLES } from '../http/identity';
import { BadRequestError } from '../http/problem';
import { buildEstimate } from '../model/estimate';
import { IssueCollector, resolveTopology, resolveWorkloads } from '../model/inputs';
import { createPlan } from '../model/plan';
import { webhookUrlProblem } from '../azure/webhook';
import { LIMITS, problemSchema } from '../schemas/common';
import { createPlanRequestSchema, planResponseSchema, type CreatePlanRequest } from '../schemas/plans';
import type { InputIssue } from '../model/errors';
import { resolveLiveContext } from './live-context';
import { notifyPlanChange, presentPlan } from './plan-common';

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
        const principal = requirePrincipal(rc.request, ROLES.request, rc.services.settings);
        const { catalog } = rc.services;
        const req = await readJsonBody<CreatePlanRequest>(rc, createPlanRequestSchema, precheck);
        const out = new IssueCollector();
        const live = await resolveLiveContext(rc, { id: req.registryId, ...(req.storageGiB !== undefined ? { storageGiB: req.storageGiB } : {}) }, out, req.workloads);
        if (!live) throw new Error('registry id expected');
        const wanted = req.target ?? req.recommendation?.recommended.topology;
        if (req.recommendation && req.recommendation.recommended.topology.homeRegion !== live.live.location) {
          out.add('/recommendation/recommended/topology/homeRegion', `the recommendation is for home region '${req.recommendation.recommended.topology.homeRegion}', but the registry's home is '${live.live.location}'`, 'homeMismatch');
        }
        const targetSku = wanted?.sku ?? ((wanted?.replicas.length ?? 0) > 0 ? 'Premium' : live.live.sku);
        const base = req.target ? '/target' : '/recommendation/recommended/topology';
        const scratch = new IssueCollector();
        const target = resolveTopology({ homeRegion: live.live.location, sku: targetSku, storageGiB: 0, zoneRedundancy: live.live.zoneRedundancy }, wanted?.replicas ?? [], catalog, scratch);
        for (const i of scratch.issues) out.add(i.pointer.replace(/^\/replicas/, `${base}/replicas`), i.message, i.code, i.didYouMean);
        const current = live.resolved(undefined, out);
        const workloads = resolveWorkloads(req.workloads ?? [], { avgPullSizeMB: req.avgPullSizeMB, ...live.workloadDefaults }, catalog, out);
        out.throwIfAny();
        if (!target || !current) throw new BadRequestError('The target topology could not be built.');
        const prices = rc.services.prices();
        const opts = { extraAssumptions: [...live.assumptions, ...(workloads.length === 0 ? ['No workloads given: data transfer is not included in the costs.'] : [])] };
        const costBefore = buildEstimate({ topology: current.topology, storageGiB: current.storageGiB, workloads }, catalog, prices, opts);
        const costAfter = buildEstimate({ topology: target.topology, storageGiB: current.storageGiB, workloads }, catalog, prices, opts);
        const now = rc.services.now();
        const plan = createPlan({
          registryId: live.live.id,
          registryName: live.live.name,
          requester: principal.name,
          ...(principal.objectId !== undefined ? { requesterObjectId: principal.objectId } : {}),
          requesterProvider: principal.provider,
          current: current.topology,
          target: target.topology,
          allowDeletes: req.allowDeletes === true,
          now,
          ttlHours: req.expiresInHours ?? rc.services.settings.planTtlHours,
          costBefore: { currency: costBefore.currency, monthlyCost: costBefore.monthlyCost, assumptions: costBefore.assumptions },
          costAfter: {
            currency: costAfter.currency,
            monthlyCost: costAfter.monthlyCost,
            assumptions: costAfter.assumptions,
            // The workloads the plan was priced for: the drift job re-prices the registry with their shares.
            workloads: costAfter.workloads.map((w) => ({
              ...(w.region !== undefined ? { region: w.region } : {}),
              ...(w.name !== undefined ? { name: w.name, latitude: w.latitude, longitude: w.longitude } : {}),
              pullGBPerMonth: w.pullGBPerMonth,
              volumeSource: w.volumeSource,
            })),
          },
          priceAsOf: prices.asOf,
          ...(req.notificationUrl ? { notificationUrl: req.notificationUrl } : {}),
        });
        const store = rc.services.planStore();
        await store.create(plan);
        await notifyPlanChange(store, plan, 'created', rc.context, now);
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
        requirePrincipal(rc.request, ROLES.read, rc.services.settings);
        checkQuery(rc.query, listParameters);
        const registryId = rc.query.get('registry') ?? undefined;
        const list = await rc.services.planStore().list(registryId ? { registryId } : {});
        return json({ count: list.length, plans: list });
      },
    },
  },
});
