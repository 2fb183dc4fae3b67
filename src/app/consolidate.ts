/**
 * Use case (#17): consolidate several live registries into one geo-replicated registry.
 *
 *   read every registry (ARM topology + StorageUsed), its data plane (repositories, tags, sizes)
 *   -> today's cost, each registry priced as it is
 *   -> storage after (measured overlap where the data planes were read, else assumed)
 *   -> for each candidate home (each source registry's home region; that registry keeps its name and
 *      becomes the target): the exact optimum with that home fixed (Solver port), the best one kept
 *   -> what must move (imports per source repository, per-tag idempotent), the references to change,
 *      what can be deleted once switched
 *   -> optionally a consolidation plan (pending approval), approved and applied like every plan.
 */
import type { Catalog } from '../model/catalog';
import { AppError, InvalidInputError, type InputIssue } from '../model/errors';
import { IssueCollector, resolveWorkloads } from '../model/inputs';
import { topologyFromLive, storageGiBFromMetrics } from '../model/live';
import { createPlan as newPlan } from '../model/plan/state';
import type { LiveWebhook, Plan } from '../model/plan/types';
import { contentHash } from '../model/plan/fingerprint';
import { DEFAULT_DEADLINE_MS, type RecommendConstraints, type Recommendation } from '../model/recommend';
import { parseRegistryId, registryIdProblemMessage } from '../model/registry-id';
import type { Topology, Workload } from '../model/types';
import {
  bestHome,
  deletableSources,
  homeCandidates,
  planImports,
  referenceRewrites,
  sourceWebhookCopies,
  storageAfter,
  type SourceWebhook,
  type ConsolidationPlanContent,
  type ConsolidationSource,
  type HomeResult,
  type ImportPlan,
} from '../model/consolidation';
import { currentCosts } from '../model/consolidation-cost';
import type { PlanActor } from './approve-plan';
import { notifyPlanChange, planLinks, type PlanDeps } from './plan-notify';
import type { ArmAdapters } from './ports/arm';
import type { PriceSource } from './ports/prices';
import type { RegistryDataPort } from './ports/registry-data';
import type { Solver } from './ports/solver';
import { resolveConstraints } from './recommend';

export const MAX_CONSOLIDATION_REGISTRIES = 20;

export interface ConsolidateDeps extends PlanDeps {
  catalog: Catalog;
  prices: PriceSource;
  arm(): ArmAdapters;
  registryData(): RegistryDataPort;
  solver(): Solver;
  planTtlHours: number;
}

export interface ConsolidationRequest {
  registryIds: string[];
  workloads?: unknown[];
  avgPullSizeMB?: number;
  constraints?: unknown;
  solver?: { timeLimitMs?: number };
  /** Also store a consolidation plan (needs a requester). */
  createPlan?: boolean;
  expiresInHours?: number;
  notificationUrl?: string;
}

export interface ConsolidateInput {
  request: ConsolidationRequest;
  /** Required with createPlan. */
  requester?: PlanActor;
}

/** A consolidation plan cannot be made from what was read (a data plane unreadable, conflicts). */
export class ConsolidationNotPlannableError extends AppError {
  readonly status = 409;
  readonly code = 'ConsolidationNotPlannable';
  readonly title = 'The consolidation cannot be planned from what was read';
}

const WEBHOOKS_NOT_READ = 'Not included: this host reads no registry webhooks, so the sources\' regional webhooks are not replicated; recreate them on the target (az acr webhook create --location <region>) before switching.';

function round2(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}

export async function consolidate(deps: ConsolidateDeps, input: ConsolidateInput) {
  const { request: req } = input;
  const { catalog } = deps;
  const out = new IssueCollector();
  const ids = req.registryIds ?? [];
  if (ids.length < 2) out.add('/registryIds', 'give at least two registry ids to consolidate', 'minItems');
  if (ids.length > MAX_CONSOLIDATION_REGISTRIES) out.add('/registryIds', `at most ${MAX_CONSOLIDATION_REGISTRIES} registries`, 'maxItems');
  const parsed = ids.map((raw, i) => {
    const r = parseRegistryId(raw);
    if (!r.ok) out.add(`/registryIds/${i}`, registryIdProblemMessage(r.problem), 'registryId');
    return r.ok ? r.id : undefined;
  });
  const seen = new Set<string>();
  parsed.forEach((p, i) => {
    if (!p) return;
    const k = p.id.toLowerCase();
    if (seen.has(k)) out.add(`/registryIds/${i}`, 'listed twice', 'duplicate');
    seen.add(k);
  });
  const constraints: RecommendConstraints = resolveConstraints(req.constraints, catalog, out);
  const workloads: Workload[] = resolveWorkloads(req.workloads ?? [], { ...(req.avgPullSizeMB !== undefined ? { avgPullSizeMB: req.avgPullSizeMB } : {}) }, catalog, out);
  if (req.createPlan && !input.requester) out.add('/createPlan', 'a plan needs a signed-in requester', 'requester');
  out.throwIfAny();

  // 1. Read every registry: ARM, StorageUsed, data plane (in parallel per registry).
  const arm = deps.arm();
  const data = deps.registryData();
  const sources: ConsolidationSource[] = await Promise.all(
    parsed.map(async (p) => {
      const id = (p as NonNullable<typeof p>).id;
      const live = await arm.topology.getRegistry(id);
      const summary = await arm.metrics.getPullSummary(live.id, { days: 30 }).catch(() => null);
      const loginServer = (live.loginServer ?? `${live.name.toLowerCase()}.azurecr.io`).toLowerCase();
      let inventory: ConsolidationSource['inventory'] = null;
      let inventoryError: string | undefined;
      try {
        inventory = await data.inventory(loginServer);
      } catch (e) {
        inventoryError = e instanceof Error ? e.message : String(e);
      }
      return {
        id: live.id,
        name: live.name,
        loginServer,
        topology: topologyFromLive(live, { view: 'planning' }),
        storageGiB: storageGiBFromMetrics(summary, live.location),
        inventory,
        ...(inventoryError !== undefined ? { inventoryError } : {}),
      };
    }),
  );
  const hooks = arm.webhooks;
  const webhooksOf = new Map<string, LiveWebhook[]>();
  const warnings: string[] = [...out.warnings];
  if (hooks) {
    await Promise.all(
      sources.map(async (s) => {
        try {
          webhooksOf.set(s.id, await hooks.listWebhooks(s.id, { withCallbackConfig: true }));
        } catch (e) {
          warnings.push(`The webhooks of ${s.name} could not be read: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
  }
  const prices = deps.prices();
  for (const s of sources) if (s.inventoryError) warnings.push(`The data plane of ${s.loginServer} could not be read: ${s.inventoryError}`);

  // 2. Today.
  const current = currentCosts(sources, workloads, catalog, prices);
  // 3. Storage after.
  const storage = storageAfter(sources);
  // 4. Home as a choice: one exact solve per candidate home.
  const solver = deps.solver();
  const timeLimitMs = req.solver?.timeLimitMs ?? DEFAULT_DEADLINE_MS;
  const homes: Array<HomeResult<Recommendation> & { tieBreak: number }> = [];
  for (const c of homeCandidates(sources)) {
    const home: Topology = { homeRegion: c.region, sku: 'Premium', homeZoneRedundancy: c.registry.topology.homeZoneRedundancy ?? false, replicas: [] };
    const rec = await solver.recommend(
      { current: home, storageGiB: storage.storageGiB, workloads, constraints, solver: { timeLimitMs } },
      { catalog, prices, warnings: [], registryId: c.registry.id },
    );
    const homeLoc = rec.recommended.estimate.locations.find((l) => l.role === 'home');
    homes.push({ region: c.region, registry: c.registry.name, monthlyTotal: rec.recommended.monthlyCost.total, result: rec, tieBreak: homeLoc?.servedGBPerMonth ?? 0 });
  }
  // Equal totals (the same locations, another home): the home serving the most pulled volume, then the name.
  const cents = (x: number | null): number | null => (x === null ? null : Math.round(x * 100));
  const best = bestHome(homes.map((h) => ({ ...h, monthlyTotal: cents(h.monthlyTotal) === null ? null : (cents(h.monthlyTotal) as number) - h.tieBreak / 1e9 })));
  if (!best) throw new InvalidInputError([], 'No home region could be evaluated.');
  const chosen = homes.find((h) => h.region === best.region) as (typeof homes)[number];
  const rec = chosen.result;
  const target = sources.find((s) => s.name === chosen.registry) as ConsolidationSource;
  const after = rec.recommended.monthlyCost;
  const savings = current.monthlyCost.total !== null && after.total !== null ? round2(current.monthlyCost.total - after.total) : null;

  // 5. What must move.
  const readable = sources.every((s) => s.inventory !== null);
  const imports: ImportPlan | null = readable
    ? planImports(
        { name: target.name, inventory: target.inventory as NonNullable<ConsolidationSource['inventory']> },
        sources.map((s) => ({ name: s.name, id: s.id, inventory: s.inventory as NonNullable<ConsolidationSource['inventory']> })),
      )
    : null;
  const rewrites = referenceRewrites(target.loginServer, sources, imports?.conflicts ?? []);
  const deletable = deletableSources(target.name, sources);
  const targetTopology: Topology = {
    homeRegion: rec.recommended.topology.homeRegion,
    sku: 'Premium',
    homeZoneRedundancy: rec.recommended.topology.homeZoneRedundancy,
    replicas: rec.recommended.topology.replicas.map((r) => ({ region: r.region, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy })),
  };
  const targetWebhooks = webhooksOf.get(target.id) ?? [];
  const sourceHooks: SourceWebhook[] = sources.filter((s) => s.id !== target.id).flatMap((s) => (webhooksOf.get(s.id) ?? []).map((webhook) => ({ registry: s.name, webhook })));
  const webhookCopies = hooks
    ? sourceWebhookCopies([targetTopology.homeRegion, ...targetTopology.replicas.map((r) => r.region)], targetWebhooks, sourceHooks)
    : { actions: [], skipped: [] };
  const webhooksNote = hooks
    ? `${webhookCopies.actions.length} webhook(s) of the sources recreated on the target in their own location${webhookCopies.skipped.length ? `, ${webhookCopies.skipped.length} left to you (see webhookCopies.skipped)` : ''}; the target's own webhooks are copied to its new replica locations.`
    : WEBHOOKS_NOT_READ;
  const assumptions = [
    ...new Set([
      storage.assumption,
      'Today: each registry priced as it is (its SKU, replicas and StorageUsed); each workload pulls from the nearest location of all the registries (per-region deployment configurations).',
      'The consolidated registry is one of the given registries (it keeps its name and login server), in its home region, upgraded to Premium (geo-replication requires it); the home is chosen by solving the replica set exactly once per candidate home.',
      ...rec.assumptions,
    ]),
  ];

  const answer = {
    currency: prices.currency,
    prices: rec.prices,
    current: {
      registries: sources.map((s) => {
        const c = current.registries.find((r) => r.id === s.id);
        return {
          id: s.id,
          name: s.name,
          loginServer: s.loginServer,
          topology: c?.estimate.topology,
          storageGiB: round2(s.storageGiB),
          monthlyCost: c?.estimate.monthlyCost,
          servesWorkloads: c?.workloads ?? [],
          inventory: s.inventory
            ? {
                repositories: s.inventory.repositories.length,
                tags: s.inventory.repositories.reduce((n, r) => n + r.tags.length, 0),
                truncated: s.inventory.truncated,
              }
            : { error: s.inventoryError ?? 'not read' },
        };
      }),
      monthlyCost: current.monthlyCost,
    },
    recommended: {
      registry: { id: target.id, name: target.name, loginServer: target.loginServer },
      topology: rec.recommended.topology,
      monthlyCost: after,
      storageGiB: round2(storage.storageGiB),
      optimality: rec.optimality,
      homes: homes.map((h) => ({ region: h.region, registry: h.registry, monthlyTotal: round2(h.monthlyTotal), optimality: h.result.optimality.status, replicas: h.result.recommended.topology.replicas.map((r) => r.region) })),
      replicas: rec.recommended.replicas,
    },
    savings: { monthly: savings },
    storage: { ...storage, storageGiB: round2(storage.storageGiB), distinctContentGiB: round2(storage.distinctContentGiB), overlapRatio: storage.overlapRatio === null ? null : Math.round(storage.overlapRatio * 10000) / 10000 },
    imports: imports
      ? { repositories: imports.imports.length, tags: imports.tagCount, bytesToCopy: imports.bytesToCopy, items: imports.imports, alreadyPresent: imports.alreadyPresent, conflicts: imports.conflicts }
      : null,
    rewrites,
    deletable,
    webhooks: webhooksNote,
    webhookCopies,
    assumptions,
    warnings: [...new Set([...warnings, ...rec.warnings])],
    units: { money: `${prices.currency} per month`, storage: 'GiB', bytes: 'bytes' },
  };

  if (!req.createPlan) return { ...answer, plan: null as null | { id: string; state: string; contentHash: string; links: Record<string, string> } };

  // 6. The plan.
  const problems: InputIssue[] = [];
  if (!imports) problems.push({ pointer: '/registryIds', message: 'every data plane must be readable to plan the imports', code: 'inventory' });
  if (imports && imports.conflicts.length > 0) problems.push({ pointer: '/registryIds', message: `${imports.conflicts.length} repository:tag name(s) differ between registries; resolve them first`, code: 'conflicts' });
  if (problems.length > 0 || !imports) {
    throw new ConsolidationNotPlannableError(problems.map((p) => p.message).join('; '));
  }
  const requester = input.requester as PlanActor;
  const content: ConsolidationPlanContent = {
    sources: sources.map((s) => ({ id: s.id, name: s.name, loginServer: s.loginServer, homeRegion: s.topology.homeRegion, sku: s.topology.sku })),
    targetLoginServer: target.loginServer,
    imports: imports.imports,
    alreadyPresent: imports.alreadyPresent,
    conflicts: imports.conflicts,
    rewrites,
    deletable,
    webhooks: webhooksNote,
  };
  const now = deps.now();
  const planned: Plan = newPlan({
    registryId: target.id,
    registryName: target.name,
    requester: requester.name,
    ...(requester.objectId !== undefined ? { requesterObjectId: requester.objectId } : {}),
    requesterProvider: requester.provider,
    current: target.topology,
    target: targetTopology,
    allowDeletes: false,
    now,
    ttlHours: req.expiresInHours ?? deps.planTtlHours,
    costBefore: { currency: prices.currency, monthlyCost: current.monthlyCost, registries: answer.current.registries.map((r) => ({ id: r.id, monthlyCost: r.monthlyCost })), assumptions },
    costAfter: { currency: prices.currency, monthlyCost: after, assumptions },
    priceAsOf: prices.asOf,
    ...(req.notificationUrl ? { notificationUrl: req.notificationUrl } : {}),
    consolidation: content,
    ...(hooks ? { webhooks: targetWebhooks } : {}),
  });
  // The sources' regional webhooks, after the target's own actions (the replicas they need exist by then).
  const alreadyCopied = planned.actions.flatMap((a) => (a.kind === 'createWebhook' ? [{ ...a.webhook, customHeaderNames: [] as string[] }] : []));
  const copies = hooks ? sourceWebhookCopies([targetTopology.homeRegion, ...targetTopology.replicas.map((r) => r.region)], [...targetWebhooks, ...alreadyCopied], sourceHooks) : { actions: [], skipped: [] };
  const withCopies = { ...planned, actions: [...planned.actions, ...copies.actions], skipped: [...planned.skipped, ...copies.skipped] };
  const plan: Plan = { ...withCopies, contentHash: contentHash(withCopies) };
  const store = deps.planStore();
  await store.create(plan);
  await notifyPlanChange(deps, store, plan, 'created', now);
  return { ...answer, plan: { id: plan.id, state: plan.state, contentHash: plan.contentHash, links: planLinks(plan.id) } };
}

export type ConsolidationAnswer = Awaited<ReturnType<typeof consolidate>>;
