/**
 * Use case: create a plan against a live registry — read the live topology
 * (and the metrics the workloads need), resolve the target (explicit, or the
 * recommended topology of a posted recommendation), price before and after,
 * store the plan (pending approval) and notify its webhook.
 */
import type { Catalog } from '../model/catalog';
import { InvalidInputError } from '../model/errors';
import { buildEstimate } from '../model/estimate';
import { IssueCollector, resolveTopology, resolveWorkloads } from '../model/inputs';
import { liveTopology } from '../model/live';
import { createPlan as newPlan } from '../model/plan';
import { preflight } from '../model/plan/preflight';
import type { Plan } from '../model/plan/types';
import type { CreatePlanRequest } from '../schemas/plans';
import type { PlanActor } from './approve-plan';
import { resolveLiveContext } from './planning-input';
import { notifyPlanChange, type PlanDeps } from './plan-notify';
import type { ArmAdapters } from './ports/arm';
import type { PriceSource } from './ports/prices';

export interface CreatePlanDeps extends PlanDeps {
  catalog: Catalog;
  prices: PriceSource;
  arm(): ArmAdapters;
  /** Default lifetime of a plan in hours (PLAN_TTL_HOURS). */
  planTtlHours: number;
}

export interface CreatePlanInput {
  request: CreatePlanRequest;
  requester: PlanActor;
}

export async function createPlan(deps: CreatePlanDeps, input: CreatePlanInput): Promise<{ plan: Plan; now: Date }> {
  const { request: req, requester } = input;
  const { catalog } = deps;
  const out = new IssueCollector();
  const live = await resolveLiveContext(deps, { registry: { id: req.registryId, ...(req.storageGiB !== undefined ? { storageGiB: req.storageGiB } : {}) }, workloads: req.workloads }, out);
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
  if (!target || !current) throw new InvalidInputError([], 'The target topology could not be built.');
  // Webhooks are regional: read them (with service URIs) only when the plan adds replicas.
  const adds = target.topology.replicas.some((r) => !live.live.replicas.some((x) => x.location === r.region && x.provisioningState === 'Succeeded'));
  const removes = live.live.replicas.some((x) => !target.topology.replicas.some((r) => r.region === x.location));
  const hooks = deps.arm().webhooks;
  const webhooks = hooks && (adds || removes) ? await hooks.listWebhooks(live.live.id, { withCallbackConfig: adds }) : undefined;
  // Network preflight of the replicas the plan creates (re-creates of broken ones included).
  const now0 = deps.now();
  const liveView = liveTopology(live.live, { now: now0 });
  const working = new Set(liveView.replicas.map((r) => r.region));
  const newRegions = target.topology.replicas.map((r) => r.region).filter((r) => !working.has(r)).sort();
  let checks: ReturnType<typeof preflight> | undefined;
  if (newRegions.length > 0) {
    const perms = deps.arm().permissions ? await deps.arm().permissions!.listPermissions(live.live.id) : { unreadable: 'this host has no permissions adapter' };
    checks = preflight({
      registryName: live.live.name,
      newRegions,
      network: live.live.network ?? null,
      permissions: 'permissions' in perms ? perms.permissions : null,
      ...('unreadable' in perms ? { permissionsUnreadable: perms.unreadable } : {}),
      checkedAt: now0.toISOString(),
    });
  }
  const prices = deps.prices();
  const opts = { extraAssumptions: [...live.assumptions, ...(workloads.length === 0 ? ['No workloads given: data transfer is not included in the costs.'] : [])] };
  const costBefore = buildEstimate({ topology: current.topology, storageGiB: current.storageGiB, workloads }, catalog, prices, opts);
  const costAfter = buildEstimate({ topology: target.topology, storageGiB: current.storageGiB, workloads }, catalog, prices, opts);
  const now = deps.now();
  const plan = newPlan({
    registryId: live.live.id,
    registryName: live.live.name,
    requester: requester.name,
    ...(requester.objectId !== undefined ? { requesterObjectId: requester.objectId } : {}),
    requesterProvider: requester.provider,
    // The one view apply reads too (broken replicas apart); the costs above use the planning view.
    current: liveView,
    ...(checks ? { preflight: checks } : {}),
    target: target.topology,
    ...(webhooks ? { webhooks } : {}),
    allowDeletes: req.allowDeletes === true,
    now,
    ttlHours: req.expiresInHours ?? deps.planTtlHours,
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
  const store = deps.planStore();
  await store.create(plan);
  await notifyPlanChange(deps, store, plan, 'created', now);
  return { plan, now };
}
