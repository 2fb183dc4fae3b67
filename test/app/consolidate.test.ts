/**
 * Use cases consolidate + applyConsolidationPlan (#17) against the ARM sandbox with the real
 * adapters: ARM (@azure/arm-containerregistry, arm-monitor), the data plane (@azure/container-registry,
 * HTTPS + ACR token exchange) and ARM importImage. Contoso's two registries (contoso, West US,
 * Standard; contosowesteu, West Europe, Premium + North Europe) become one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consolidate, ConsolidationNotPlannableError, type ConsolidateDeps } from '../../src/app/consolidate';
import { applyConsolidationPlan, type ApplyConsolidationDeps } from '../../src/app/consolidate-apply';
import { approvePlan } from '../../src/app/approve-plan';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { createArmAdapters } from '../../src/azure/arm';
import { ArmClientFactory } from '../../src/azure/arm/clients';
import { ArmImageImporter } from '../../src/azure/arm/import-image';
import { armPlanExecutor } from '../../src/azure/arm/plan-executor';
import { RegistryDataAdapter, staticCredential } from '../../src/azure/registry-data';
import { InMemoryPlanStore } from '../../src/azure/store/memory';
import { buildEstimate } from '../../src/model/estimate';
import { azImportScript, sedMapping } from '../../src/model/consolidation';
import { inProcessSolver } from '../../src/solver/port';
import { registryResourceId } from '../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../devhost/sandbox/server';
import { expectContractCleanWithFixtures } from '../helpers/contract-fixtures';
import { createSubsetValidator, specFixture } from '../helpers/swagger-subset';
import type { RecordedExchange } from '../../devhost/sandbox/types';
import { recordingWebhook, silentLog } from './fakes';

const catalog = shippedCatalog();
const CONTOSO = registryResourceId('contoso');
const WESTEU = registryResourceId('contosowesteu');
const WORKLOADS = [
  { region: 'westus', pullGBPerMonth: 2000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 2500 },
];
const alice = { name: 'alice@contoso.com', objectId: 'oid-alice', provider: 'aad' };
const bob = { name: 'bob@contoso.com', objectId: 'oid-bob', provider: 'aad' };

let sb: ArmSandbox;
let deps: ConsolidateDeps & ApplyConsolidationDeps;
let data: RegistryDataAdapter;
const armSeen: RecordedExchange[] = [];
const dataSeen: RecordedExchange[] = [];

beforeAll(async () => {
  sb = await startArmSandbox({ lroInProgressPolls: 0 });
  const armSettings = { armEndpoint: sb.url, staticToken: 'sandbox', lroPollIntervalMs: 1, retry: { maxRetries: 2, retryDelayMs: 1, maxRetryDelayMs: 2 } };
  const arm = createArmAdapters(armSettings);
  data = new RegistryDataAdapter({ credential: staticCredential('aad-token'), endpointFor: (ls) => sb.dataPlane.endpointFor(ls.split('.')[0] ?? ls), ca: sb.dataPlane.ca });
  const importer = new ArmImageImporter(new ArmClientFactory(armSettings));
  const store = new InMemoryPlanStore();
  const solver = inProcessSolver();
  deps = {
    catalog,
    prices: () => shippedPrices(),
    arm: () => arm,
    registryData: () => data,
    imageImport: () => importer,
    solver: () => solver,
    planStore: () => store,
    planExecutor: (id) => armPlanExecutor(arm.topology, id, arm.webhooks ? { webhooks: arm.webhooks } : {}),
    planTtlHours: 24,
    now: () => new Date(),
    webhook: recordingWebhook().send,
    log: silentLog,
  };
});
beforeEach(() => {
  armSeen.push(...sb.requests);
  dataSeen.push(...sb.dataPlane.requests);
  sb.reset();
});
afterAll(async () => {
  armSeen.push(...sb.requests);
  dataSeen.push(...sb.dataPlane.requests);
  await sb.close();
});

/** A webhook on a sandbox registry, through ARM (Webhooks_Create). */
async function addWebhook(registry: string, name: string, location: string): Promise<void> {
  const res = await fetch(`${sb.url}${registryResourceId(registry)}/webhooks/${name}?api-version=2025-11-01`, {
    method: 'PUT',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify({ location, properties: { serviceUri: 'https://hooks.contoso.com/acr', actions: ['push'], status: 'enabled', scope: '' } }),
  });
  expect(res.status).toBeLessThan(300);
}

const request = (extra: Record<string, unknown> = {}) => ({ registryIds: [CONTOSO, WESTEU], workloads: WORKLOADS, ...extra });

/** Every tag the sources hold, as the target must hold it after the apply (read through the data plane). */
async function tagsOf(loginServer: string): Promise<Record<string, string>> {
  const inv = await data.inventory(loginServer);
  return Object.fromEntries(inv.repositories.flatMap((r) => r.tags.map((t) => [`${r.name}:${t.name}`, t.digest])));
}

describe('consolidate (analysis)', () => {
  it('contoso + contosowesteu → one Premium registry in West US with a West Europe replica; before/after from the cost model', async () => {
    const a = await consolidate(deps, { request: request() });
    expect(a.recommended.registry.name).toBe('contoso');
    expect(a.recommended.topology.homeRegion).toBe('westus');
    expect(a.recommended.topology.sku).toBe('Premium');
    expect(a.recommended.topology.replicas.map((r) => r.region)).toEqual(['westeurope']);
    expect(a.recommended.optimality.status).toBe('proved');
    // Both homes were solved exactly; with the same locations they cost the same, West US serves more volume.
    expect(a.recommended.homes.map((h) => [h.region, h.optimality])).toEqual([['westeurope', 'proved'], ['westus', 'proved']]);

    // Today, from the cost model: each registry as it is, each workload at its nearest registry location.
    const prices = shippedPrices();
    const contosoToday = buildEstimate({ topology: { homeRegion: 'westus', sku: 'Standard', homeZoneRedundancy: false, replicas: [] }, storageGiB: 180, workloads: [] }, catalog, prices);
    const byName = Object.fromEntries(a.current.registries.map((r) => [r.name, r]));
    expect(byName['contoso']?.servesWorkloads.sort()).toEqual(['canadacentral', 'eastus', 'westus']);
    expect(byName['contosowesteu']?.servesWorkloads).toEqual(['westeurope']);
    expect(byName['contoso']?.monthlyCost?.registryUnits).toBe(contosoToday.monthlyCost.registryUnits);
    const sum = Math.round(((byName['contoso']?.monthlyCost?.total ?? NaN) + (byName['contosowesteu']?.monthlyCost?.total ?? NaN)) * 100) / 100;
    expect(a.current.monthlyCost.total).toBe(sum);
    // After: the recommended topology priced by the same model with the storage after the imports.
    const after = buildEstimate(
      { topology: { homeRegion: 'westus', sku: 'Premium', homeZoneRedundancy: false, replicas: [{ region: 'westeurope', regionEndpointEnabled: true, zoneRedundancy: false }] }, storageGiB: a.storage.storageGiB, workloads: [] },
      catalog,
      prices,
    );
    expect(a.recommended.monthlyCost.registryUnits).toBe(after.monthlyCost.registryUnits);
    expect(a.savings.monthly).toBe(Math.round(((a.current.monthlyCost.total ?? NaN) - (a.recommended.monthlyCost.total ?? NaN)) * 100) / 100);
    expect(a.savings.monthly).toBeGreaterThan(0);
    // Storage after: measured overlap (app:1, app:2, web:1.0 pushed to both), less than 180 + 320 GiB.
    expect(a.storage.method).toBe('measured');
    expect(a.storage.storageGiB).toBeGreaterThan(180);
    expect(a.storage.storageGiB).toBeLessThan(500);
    // What moves: contosowesteu's tags not already in contoso (api:3.1 only: the rest is the same digest).
    expect(a.imports?.items.map((i) => `${i.sourceRegistry}/${i.repository}:${i.tags.map((t) => t.tag).join(',')}`)).toEqual(['contosowesteu/api:3.1']);
    expect(a.imports?.alreadyPresent.map((p) => `${p.repository}:${p.tag}`)).toEqual(['app:1', 'app:2', 'web:1.0']);
    expect(a.rewrites).toContainEqual({ from: 'contosowesteu.azurecr.io/app:1', to: 'contoso.azurecr.io/app:1' });
    expect(a.deletable.map((d) => d.registry)).toEqual(['contosowesteu']);
    expect(a.deletable[0]?.command).toContain('az acr delete --name contosowesteu');
    expect(a.plan).toBeNull();
    expect(a.webhooks).toMatch(/^0 webhook/);
  });

  it('regional webhooks of the sources: recreated on the target where it has that location, else left to the team', async () => {
    await addWebhook('contosowesteu', 'euhook', 'westeurope');
    await addWebhook('contosowesteu', 'nehook', 'northeurope');
    const a = await consolidate(deps, { request: request() });
    expect(a.webhookCopies.actions.map((x) => [x.region, x.webhook.name, x.copyOf])).toEqual([['westeurope', 'euhookwesteurope', 'contosowesteu/euhook']]);
    expect(a.webhookCopies.skipped.map((x) => [x.region, x.id])).toEqual([['northeurope', 'create-webhook:northeurope:contosowesteu/nehook']]);
  });

  it('refuses one registry, a bad id and more than 20 (400 with pointers)', async () => {
    await expect(consolidate(deps, { request: { registryIds: [CONTOSO] } })).rejects.toMatchObject({ status: 400 });
    await expect(consolidate(deps, { request: { registryIds: [CONTOSO, '/subscriptions/x'] } })).rejects.toMatchObject({ issues: [expect.objectContaining({ pointer: '/registryIds/1' })] });
    await expect(consolidate(deps, { request: { registryIds: Array.from({ length: 21 }, (_, i) => registryResourceId(`reg${String(i).padStart(3, '0')}xx`)) } })).rejects.toMatchObject({ status: 400 });
  });

  it('a tag with different digests in two registries is a conflict: listed, not imported, and no plan', async () => {
    sb.content.registry('contosowesteu').get('web')?.set('1.0', { digest: 'sha256:' + 'e'.repeat(64), sizeBytes: 1000, createdTime: '2024-01-01T00:00:00Z' });
    const a = await consolidate(deps, { request: request() });
    expect(a.imports?.conflicts.map((c) => `${c.repository}:${c.tag}`)).toEqual(['web:1.0']);
    expect(a.rewrites.some((r) => r.from.endsWith('/web:1.0'))).toBe(false);
    await expect(consolidate(deps, { request: request({ createPlan: true }), requester: alice })).rejects.toBeInstanceOf(ConsolidationNotPlannableError);
  });
});

describe('consolidation plan: approve, apply, re-apply, resume', () => {
  async function approvedPlan(): Promise<string> {
    const a = await consolidate(deps, { request: request({ createPlan: true }), requester: alice });
    const id = a.plan?.id ?? '';
    const { plan } = await deps.planStore().get(id);
    expect(plan.state).toBe('pending');
    expect(plan.consolidation?.imports.length).toBeGreaterThan(0);
    expect(plan.actions.map((x) => x.id).slice(0, 2)).toEqual(['upgrade-sku', 'create-replica:westeurope']);
    await expect(approvePlan(deps, { planId: id, approver: alice })).rejects.toMatchObject({ code: 'SelfApproval' });
    await approvePlan(deps, { planId: id, approver: bob, contentHash: plan.contentHash });
    return id;
  }
  const importCalls = () => sb.requests.filter((r) => r.operationId === 'Registries_ImportImage');

  it('imports every seeded repository and tag into the target (read back from its catalog); re-running imports nothing', async () => {
    // A target without the overlapping images, so every repository of the source moves.
    for (const repo of ['app', 'web']) sb.content.registry('contoso').delete(repo);
    await addWebhook('contosowesteu', 'euhook', 'westeurope');
    const source = await tagsOf('contosowesteu.azurecr.io');
    const before = await tagsOf('contoso.azurecr.io');
    const id = await approvedPlan();
    const r1 = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: false });
    expect(r1.plan.state).toBe('applied');
    const target = await tagsOf('contoso.azurecr.io');
    expect(target).toEqual({ ...before, ...source }); // every source repository:tag with its digest, the target's own kept
    expect(r1.result.importedTags.sort()).toEqual(Object.keys(source).sort());
    expect(importCalls().filter((x) => x.response.statusCode === 202)).toHaveLength(Object.keys(source).length);
    const live = sb.state.findRegistry('00000000-0000-0000-0000-000000000000', 'contoso-rg', 'contoso');
    expect(live?.sku).toBe('Premium');
    expect([...(live?.replicas.keys() ?? [])]).toEqual(['westeurope']);
    expect(sb.content.listing('contosowesteu')).toEqual(source); // the source is never deleted or changed
    const contoso = sb.state.findRegistry('00000000-0000-0000-0000-000000000000', 'contoso-rg', 'contoso');
    expect(contoso ? sb.webhooks.list(contoso).map((w) => [w.name, w.location]) : []).toEqual([['euhookwesteurope', 'westeurope']]);

    const n = importCalls().length;
    const r2 = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: false });
    expect(r2.result.outcome).toBe('noop');
    expect(importCalls().length).toBe(n);
  });

  it('a 500 in the middle of the imports leaves the plan partiallyApplied; the next apply resumes without loss or duplicates', async () => {
    for (const repo of ['app', 'web']) sb.content.registry('contoso').delete(repo);
    const source = await tagsOf('contosowesteu.azurecr.io');
    const id = await approvedPlan();
    sb.content.importFaults = [{ afterImports: 2, count: 10, statusCode: 500 }]; // more than the pipeline's retries
    const r1 = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: false });
    expect(r1.plan.state).toBe('partiallyApplied');
    expect(r1.result.importedTags).toHaveLength(2);
    expect(r1.plan.steps.some((s) => s.kind === 'importRepository' && s.status === 'failed')).toBe(true);
    sb.content.importFaults = [];
    const r2 = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: false });
    expect(r2.plan.state).toBe('applied');
    expect(r2.result.presentTags).toEqual(expect.arrayContaining(r1.result.importedTags));
    expect([...r1.result.importedTags, ...r2.result.importedTags].sort()).toEqual(Object.keys(source).sort());
    const target = await tagsOf('contoso.azurecr.io');
    for (const [ref, digest] of Object.entries(source)) expect(target[ref]).toBe(digest);
    // Each tag was accepted exactly once (202), the faulted requests were 500s.
    const accepted = importCalls().filter((x) => x.response.statusCode === 202).map((x) => (x.request.body as { targetTags: string[] }).targetTags[0]);
    expect(accepted.sort()).toEqual(Object.keys(source).sort());
    expect(importCalls().some((x) => x.response.statusCode === 500)).toBe(true);
  });

  it('a dry run lists the imports and performs nothing', async () => {
    const id = await approvedPlan();
    const r = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: true });
    expect(r.result.outcome).toBe('dryRun');
    expect(r.result.importedTags).toEqual(['api:3.1']);
    expect(r.plan.state).toBe('approved');
    expect(importCalls()).toHaveLength(0);
    expect(sb.requests.filter((x) => ['PUT', 'PATCH', 'POST'].includes(x.request.method))).toHaveLength(0);
  });

  it('a 429 mid-way is retried (Retry-After) within the run', async () => {
    const id = await approvedPlan();
    sb.content.importFaults = [{ afterImports: 0, count: 1, statusCode: 429, retryAfterSeconds: 0 }];
    const r = await applyConsolidationPlan(deps, { planId: id, actor: 'carol@contoso.com', dryRun: false });
    expect(r.plan.state).toBe('applied');
    expect(importCalls().map((x) => x.response.statusCode)).toEqual([429, 202]);
  });

  it('exports: az acr import per tag without --force, and a sed mapping that rewrites exact references', async () => {
    const a = await consolidate(deps, { request: request() });
    const az = azImportScript('contoso', a.imports?.items ?? []);
    expect(az).toContain('az acr import --name contoso --source contosowesteu.azurecr.io/api:3.1 --image api:3.1');
    expect(az).not.toContain('--force');
    const sed = sedMapping(a.rewrites);
    expect(sed).toContain('s#contosowesteu\\.azurecr\\.io\\/app:1([^A-Za-z0-9._-]|$)#contoso\\.azurecr\\.io\\/app:1\\1#g');
  });
});

describe('contract', () => {
  it('every ARM exchange validates against the official Swagger (oav, and the importImage subset); every data-plane exchange against the data-plane subset', async () => {
    const importSpec = createSubsetValidator(specFixture('containerregistry-2025-11-01.importImage.subset.json'));
    const dataSpec = createSubsetValidator(specFixture('containerregistry-data-plane-2021-07-01.subset.json'));
    const imports = armSeen.filter((x) => x.operationId === 'Registries_ImportImage');
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.map((x) => importSpec.validate(x)).filter((r) => !r.ok)).toEqual([]);
    await expectContractCleanWithFixtures(armSeen.filter((x) => x.operationId !== 'Registries_ImportImage'), 10);
    const dp = dataSeen.map((x) => dataSpec.validate(x, { stripPrefix: /^\/[a-z0-9]+/ }));
    expect(dp.length).toBeGreaterThan(20);
    expect(dp.filter((r) => !r.ok)).toEqual([]);
  }, 60_000);
});
