/**
 * Approval-driven apply end to end: the plan functions against the ARM sandbox
 * (real SDK clients) with the in-memory plan store.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../../devhost/sandbox';
import { createServices, setServices, type Services } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { plans } from '../../src/functions/plans';
import { plan as planFn } from '../../src/functions/plan';
import { planApprove } from '../../src/functions/plan-approve';
import { planReject } from '../../src/functions/plan-reject';
import { planApply } from '../../src/functions/plan-apply';
import { planExport } from '../../src/functions/plan-export';
import { planWorkloads } from '../../src/app/drift-check';
import { invoke } from '../helpers/invoke';
import { ensureAzurite, freePort, type AzuriteHandle } from '../../devhost/azurite';
import { AzureStoragePlanStore } from '../../src/azure/store/azure-storage';
import { expectContractCleanWithFixtures } from '../helpers/contract-fixtures';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { findRepoRoot } from '../../devhost/sandbox/contract';
import type { RecordedExchange } from '../../devhost/sandbox/types';

/** Every ARM exchange of this file, for the contract check at the end. */
const seen: RecordedExchange[] = [];

const contosoId = registryResourceId('contoso');
const alice = { 'x-geoplanner-principal': 'alice@contoso.com; roles=Planner.Request,Planner.Approve,Planner.Apply' };
const bob = { 'x-geoplanner-principal': 'bob@contoso.com; roles=Planner.Approve,Planner.Apply' };
const reader = { 'x-geoplanner-principal': 'rita@contoso.com; roles=Planner.Read' };
const contosoTarget = { replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }] };

let sandbox: ArmSandbox;
let services: Services;
let clock: Date | undefined;

function freshServices(overrides: Record<string, string> = {}): Services {
  const env: Record<string, string> = {
    ARM_ENDPOINT: sandbox.url,
    ARM_STATIC_TOKEN: 'test',
    ARM_LRO_POLL_INTERVAL_MS: '20',
    ARM_MAX_RETRIES: '0',
    PLAN_STORE: 'memory',
    LOCAL_PRINCIPAL_HEADER: 'true',
    ...overrides,
  };
  const s = createServices(readSettings(env));
  return { ...s, now: () => clock ?? new Date() };
}

async function createPlan(body: Record<string, unknown> = {}, headers: Record<string, string> = alice) {
  const res = await invoke(plans, { method: 'POST', body: { registryId: contosoId, target: contosoTarget, ...body }, headers });
  expect(res.status, res.text).toBe(201);
  return res.json;
}
const call = (fn: typeof planApprove, id: string, opts: Parameters<typeof invoke>[1] = {}) =>
  invoke(fn, { method: 'POST', params: { id }, path: `plans/${id}`, ...opts });

beforeAll(async () => {
  sandbox = await startArmSandbox({ port: 0 });
});
beforeEach(() => {
  sandbox.reset();
  clock = undefined;
  services = freshServices();
  setServices(services);
});
afterEach(() => {
  seen.push(...sandbox.requests);
  setServices();
});
afterAll(async () => sandbox.close());

const mutating = () => sandbox.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.request.method));

describe('plans', () => {
  it('plan → approve by a second principal → apply → live equals target; a second apply changes nothing', async () => {
    const p = await createPlan({ workloads: [{ region: 'westus', pullGBPerMonth: 100 }, { region: 'eastus', pullGBPerMonth: 5000 }] });
    expect(p.state).toBe('pending');
    expect(p.actions.map((a: { id: string }) => a.id)).toEqual(['upgrade-sku', 'create-replica:canadacentral', 'create-replica:eastus', 'create-replica:westeurope']);
    expect(p.costBefore.monthlyCost.registryUnits).toBeCloseTo(0.6666 * (730 / 24), 2);
    expect(p.costAfter.monthlyCost.registryUnits).toBeCloseTo(4 * 1.6666 * (730 / 24), 2);
    expect(p.priceAsOf).toBe('2026-11');
    // the workloads it was priced for are kept, for the drift job to re-price the registry later
    expect(p.costAfter.workloads).toEqual([
      { region: 'westus', pullGBPerMonth: 100, volumeSource: 'given: pullGBPerMonth' },
      { region: 'eastus', pullGBPerMonth: 5000, volumeSource: 'given: pullGBPerMonth' },
    ]);
    expect(planWorkloads(p)).toEqual([
      { region: 'westus', share: 100 / 5100 },
      { region: 'eastus', share: 5000 / 5100 },
    ]);
    expect(p.liveFingerprint).toMatch(/^sha256:/);

    const approved = await call(planApprove, p.id, { headers: bob, body: { contentHash: p.contentHash } });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.state).toBe('approved');

    const applied = await call(planApply, p.id, { headers: bob });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.outcome).toBe('applied');
    expect(applied.json.plan.state).toBe('applied');

    const live = await services.arm().topology.getRegistry(contosoId);
    expect(live.sku).toBe('Premium');
    expect(live.replicas.map((r) => r.location).sort()).toEqual(['canadacentral', 'eastus', 'westeurope']);

    sandbox.resetRequests();
    const again = await call(planApply, p.id, { headers: bob });
    expect(again.status).toBe(200);
    expect(again.json.outcome).toBe('noop');
    expect(mutating()).toEqual([]);

    const got = await invoke(planFn, { params: { id: p.id }, path: `plans/${p.id}`, headers: reader });
    expect(got.json.steps.filter((s: { status: string }) => s.status === 'succeeded').length).toBe(4);
    expect(got.json.audit.map((a: { event: string }) => a.event)).toEqual(expect.arrayContaining(['created', 'approved']));
  });

  it('refuses a stale plan with 409 saying what changed, making no mutating call', async () => {
    const p = await createPlan();
    await call(planApprove, p.id, { headers: bob });
    // someone upgrades the registry by hand after planning
    await services.arm().topology.updateSku(contosoId, 'Premium');
    sandbox.resetRequests();
    const res = await call(planApply, p.id, { headers: bob });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(res.json.changes)).toMatch(/sku|Standard|Premium/i);
    // #15: the title is a sentence, not the class name
    expect(res.json.title).toBe('The registry changed since the plan was made');
    expect(res.json.type).toBe('urn:acr-geoplanner:problem:plan-stale');
    expect(mutating()).toEqual([]);
  });

  it('a failed long-running operation on the second create leaves the plan partiallyApplied; apply again completes with nothing duplicated or lost', async () => {
    const p = await createPlan();
    await call(planApprove, p.id, { headers: bob });
    sandbox.faults.set({ registry: 'contoso', failLro: { nth: 2 } });
    const first = await call(planApply, p.id, { headers: bob });
    expect(first.status).toBe(502);
    expect(first.json.planState).toBe('partiallyApplied');
    expect(first.json.failedActionId).toBe('create-replica:eastus');
    expect(first.json.steps.map((s: { actionId: string; status: string }) => `${s.actionId}:${s.status}`)).toContain('create-replica:eastus:failed');

    sandbox.faults.set([]);
    const second = await call(planApply, p.id, { headers: bob });
    expect(second.status, second.text).toBe(200);
    expect(second.json.outcome).toBe('applied');
    expect(second.json.alreadyDone).toEqual(expect.arrayContaining(['upgrade-sku', 'create-replica:canadacentral']));
    const live = await services.arm().topology.getRegistry(contosoId);
    expect(live.replicas.map((r) => r.location).sort()).toEqual(['canadacentral', 'eastus', 'westeurope']);
    expect(live.replicas.every((r) => r.provisioningState === 'Succeeded')).toBe(true);
    const creates = sandbox.requests.filter((r) => r.request.method === 'PUT' && r.request.url.includes('/replications/'));
    expect(creates.filter((r) => r.request.url.includes('/replications/canadacentral')).length).toBe(1);
  });

  it('#15: a create that failed (failLro) leaves canadacentral Failed; a new plan for the same target deletes and re-creates it and applies (not stale)', async () => {
    const a = await createPlan();
    await call(planApprove, a.id, { headers: bob });
    sandbox.faults.set({ registry: 'contoso', failLro: { nth: 1 } });
    const first = await call(planApply, a.id, { headers: bob });
    expect(first.status).toBe(502);
    expect(first.json.failedActionId).toBe('create-replica:canadacentral');
    const failed = await services.arm().topology.getRegistry(contosoId);
    expect(failed.replicas.find((r) => r.location === 'canadacentral')?.provisioningState).toBe('Failed');
    sandbox.faults.set([]);

    // plan B for the same target: the Failed replica is broken, not present
    const b = await createPlan();
    expect(b.current.broken).toMatchObject([{ region: 'canadacentral', provisioningState: 'Failed', reason: 'failed' }]);
    expect(b.actions.map((x: { id: string }) => x.id)).toEqual(['delete-replica:canadacentral', 'create-replica:canadacentral', 'create-replica:eastus', 'create-replica:westeurope']);
    await call(planApprove, b.id, { headers: bob });
    sandbox.resetRequests();
    const applied = await call(planApply, b.id, { headers: bob });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.outcome).toBe('applied');
    const calls = mutating().map((r) => `${r.request.method} ${r.request.url.replace(/\?.*$/, '').split('/').pop()}`);
    expect(calls).toEqual(['DELETE canadacentral', 'PUT canadacentral', 'PUT eastus', 'PUT westeurope']);
    const live = await services.arm().topology.getRegistry(contosoId);
    expect(live.replicas.map((r) => `${r.location}:${r.provisioningState}`).sort()).toEqual(['canadacentral:Succeeded', 'eastus:Succeeded', 'westeurope:Succeeded']);
    // and a further plan for that target has nothing to do
    expect((await createPlan()).actions).toEqual([]);
  });

  it('#15: a replica stuck in Creating beyond the limit is deleted and re-created; re-apply converges to a no-op', async () => {
    sandbox.state.addRegistry({
      name: 'stuckacr',
      location: 'westus',
      sku: 'Premium',
      replicas: [{ location: 'eastus', provisioningState: 'Creating', statusTimestamp: new Date(Date.now() - 3 * 3600_000).toISOString() }, { location: 'westeurope' }],
    });
    const stuckId = registryResourceId('stuckacr');
    const p = await createPlan({ registryId: stuckId, target: { replicas: [{ region: 'eastus' }, { region: 'westeurope' }] } });
    expect(p.current.broken).toMatchObject([{ region: 'eastus', provisioningState: 'Creating', reason: 'stuck' }]);
    expect(p.actions.map((x: { id: string }) => x.id)).toEqual(['delete-replica:eastus', 'create-replica:eastus']);
    await call(planApprove, p.id, { headers: bob });
    const applied = await call(planApply, p.id, { headers: bob });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.outcome).toBe('applied');
    const live = await services.arm().topology.getRegistry(stuckId);
    expect(live.replicas.map((r) => `${r.location}:${r.provisioningState}`)).toEqual(['eastus:Succeeded', 'westeurope:Succeeded']);
    sandbox.resetRequests();
    expect((await call(planApply, p.id, { headers: bob })).json.outcome).toBe('noop');
    expect(mutating()).toEqual([]);
  });

  it('#15 webhooks: a registry with two webhooks → the plan proposes both for the new replica, apply creates them; one with custom headers is left to the approver; exports carry them', async () => {
    const id = registryResourceId('contosowesteu');
    const hooks = services.arm().webhooks!;
    await hooks.createWebhook(id, { name: 'buildhook', location: 'westeurope', serviceUri: 'https://ci.contoso.com/acr', actions: ['push'], scope: 'app:*', status: 'enabled' });
    await hooks.createWebhook(id, { name: 'audithook', location: 'westeurope', serviceUri: 'https://audit.contoso.com/in', actions: ['push', 'delete'], scope: '', status: 'enabled' });
    await hooks.createWebhook(id, { name: 'nehook', location: 'northeurope', serviceUri: 'https://ne.contoso.com/in', actions: ['push'], scope: '', status: 'enabled' });
    const withHeaders = await fetch(`${sandbox.url}${id}/webhooks/secrethook?api-version=2025-11-01`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'westeurope', properties: { serviceUri: 'https://sec.contoso.com/x', actions: ['push'], customHeaders: { Authorization: 'Bearer s3cret' } } }),
    });
    expect(withHeaders.status).toBe(200);

    const p = await createPlan({ registryId: id, target: { replicas: [{ region: 'northeurope' }, { region: 'eastus' }] } });
    expect(p.actions.map((a: { id: string }) => a.id)).toEqual(['create-replica:eastus', 'create-webhook:eastus:audithook', 'create-webhook:eastus:buildhook', 'create-webhook:eastus:nehook']);
    expect(p.actions[2]).toMatchObject({ kind: 'createWebhook', copyOf: 'buildhook', webhook: { name: 'buildhookeastus', location: 'eastus', serviceUri: 'https://ci.contoso.com/acr', actions: ['push'], scope: 'app:*' } });
    const manual = p.skipped.find((x: { kind: string }) => x.kind === 'webhookNeedsHeaders');
    expect(manual).toMatchObject({ region: 'eastus', proposal: { customHeaderNames: ['Authorization'] } });
    expect(JSON.stringify(p)).not.toContain('s3cret');

    const az = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'az' }, headers: reader });
    expect((az.text.match(/^az acr webhook create .*--location eastus/gm) ?? []).length).toBe(3);
    expect(az.text).toMatch(/^#\s+az acr webhook create .*-n secrethookeastus .*--headers 'Authorization=<value>'/m);
    const bicep = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'bicep' }, headers: reader });
    expect((bicep.text.match(/'Microsoft\.ContainerRegistry\/registries\/webhooks@2025-11-01'/g) ?? []).length).toBe(3);
    expect(bicep.text).toContain('dependsOn: [replica_eastus]');
    const tf = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'terraform' }, headers: reader });
    expect((tf.text.match(/resource "azurerm_container_registry_webhook"/g) ?? []).length).toBe(3);

    await call(planApprove, p.id, { headers: bob });
    const applied = await call(planApply, p.id, { headers: bob });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.outcome).toBe('applied');
    const after = await hooks.listWebhooks(id, { withCallbackConfig: true });
    expect(after.filter((w) => w.location === 'eastus').map((w) => `${w.name}:${w.serviceUri}:${w.actions.join('+')}`)).toEqual([
      'audithookeastus:https://audit.contoso.com/in:push+delete',
      'buildhookeastus:https://ci.contoso.com/acr:push',
      'nehookeastus:https://ne.contoso.com/in:push',
    ]);

    // removing a replica lists the webhooks that go with it
    const del = await createPlan({ registryId: id, target: { replicas: [{ region: 'eastus' }] }, allowDeletes: true });
    expect(del.actions).toMatchObject([{ id: 'delete-replica:northeurope', webhooks: ['nehook'] }]);
    expect(del.actions[0].description).toMatch(/webhook\(s\) nehook go with it/);
  });

  it('#15 wait-for-Ready: apply waits until each new replica reports displayStatus Ready and reports each one; a limit too short reports Syncing, the plan stays applied', async () => {
    sandbox.state.syncDelayMs = 600;
    try {
      const p = await createPlan();
      await call(planApprove, p.id, { headers: bob });
      const res = await call(planApply, p.id, { headers: bob, query: { waitForReady: 'true', readyTimeoutSeconds: '20' } });
      expect(res.status, res.text).toBe(200);
      expect(res.json.readiness.map((r: { region: string; ready: boolean; displayStatus: string }) => `${r.region}:${r.ready}:${r.displayStatus}`)).toEqual([
        'canadacentral:true:Ready',
        'eastus:true:Ready',
        'westeurope:true:Ready',
      ]);
      // the last replica was provisioned just before the wait began: it needed part of the 600 ms sync
      expect(Math.max(...res.json.readiness.map((r: { waitedMs: number }) => r.waitedMs))).toBeGreaterThan(0);
      const steps = res.json.plan.steps.filter((x: { actionId: string }) => x.actionId.startsWith('wait-ready:'));
      expect(steps.map((x: { actionId: string; status: string }) => `${x.actionId}:${x.status}`)).toEqual(['wait-ready:canadacentral:succeeded', 'wait-ready:eastus:succeeded', 'wait-ready:westeurope:succeeded']);
      expect(steps[0].message).toMatch(/^Ready after \d+ ms$/);

      sandbox.reset();
      sandbox.state.syncDelayMs = 60_000;
      const q = await createPlan({ target: { replicas: [{ region: 'eastus' }] } });
      await call(planApprove, q.id, { headers: bob });
      const short = await call(planApply, q.id, { headers: bob, query: { readyTimeoutSeconds: '1' } });
      expect(short.status, short.text).toBe(200);
      expect(short.json.plan.state).toBe('applied');
      expect(short.json.readiness).toMatchObject([{ region: 'eastus', ready: false, displayStatus: 'Syncing' }]);
      expect(short.json.readiness[0].waitedMs).toBeGreaterThanOrEqual(1000);
      expect(short.json.plan.steps.find((x: { actionId: string }) => x.actionId === 'wait-ready:eastus')).toMatchObject({ status: 'failed', message: expect.stringMatching(/Syncing after \d+ ms \(limit 1000 ms\)/) });
      const bad = await call(planApply, q.id, { headers: bob, query: { readyTimeoutSeconds: '99999' } });
      expect(bad.status).toBe(400);
    } finally {
      sandbox.state.syncDelayMs = 0;
    }
  });

  it('#15 preflight: a private-endpoint registry whose identity lacks privateLinkServiceProxies/write → plan blocked naming the permission; approval refused', async () => {
    const id = registryResourceId('contosowesteu');
    sandbox.network.set('contosowesteu', { privateEndpoints: ['pe-build'], deniedActions: ['Microsoft.Network/privateLinkServiceProxies/*'] });
    const p = await createPlan({ registryId: id, target: { replicas: [{ region: 'northeurope' }, { region: 'eastus' }] } });
    expect(p.state).toBe('blocked');
    expect(p.blockedReason).toMatch(/lacks Microsoft\.Network\/privateLinkServiceProxies\/write .*replica eastus/);
    expect(p.preflight.replicas).toMatchObject([{ region: 'eastus', permissions: [{ action: 'Microsoft.ContainerRegistry/registries/replications/write', granted: true }, { action: 'Microsoft.Network/privateLinkServiceProxies/write', granted: false }] }]);
    const approve = await call(planApprove, p.id, { headers: bob });
    expect(approve.status).toBe(409);
    expect(approve.json.detail).toMatch(/blocked: .*privateLinkServiceProxies\/write.*create a new plan/);
    const az = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'az' }, headers: reader });
    expect(az.text).toMatch(/^# BLOCKED: .*privateLinkServiceProxies\/write/m);
  });

  it('#15 preflight: with the permission → the new data endpoint hosts and private DNS records are listed, what cannot be checked is stated, exports show them', async () => {
    const id = registryResourceId('contosowesteu');
    sandbox.network.set('contosowesteu', { privateEndpoints: ['pe-build'], dataEndpointEnabled: true, defaultAction: 'Deny', ipRules: ['203.0.113.0/24'] });
    const live = await services.arm().topology.getRegistry(id);
    expect(live.network).toMatchObject({ dataEndpointEnabled: true, dataEndpointHostNames: ['contosowesteu.westeurope.data.azurecr.io', 'contosowesteu.northeurope.data.azurecr.io'], networkRuleDefaultAction: 'Deny', privateEndpoints: [{ name: 'pe-build', status: 'Approved' }] });
    const p = await createPlan({ registryId: id, target: { replicas: [{ region: 'northeurope' }, { region: 'eastus' }, { region: 'japaneast' }] } });
    expect(p.state).toBe('pending');
    expect(p.preflight.blockers).toEqual([]);
    expect(p.preflight.replicas.map((r: { region: string; dataEndpointHosts: string[]; privateDnsRecords: Array<{ name: string; zone: string }> }) => [r.region, r.dataEndpointHosts, r.privateDnsRecords.map((d) => `${d.name}.${d.zone}`)])).toEqual([
      ['eastus', ['contosowesteu.eastus.data.azurecr.io'], ['contosowesteu.eastus.data.privatelink.azurecr.io']],
      ['japaneast', ['contosowesteu.japaneast.data.azurecr.io'], ['contosowesteu.japaneast.data.privatelink.azurecr.io']],
    ]);
    expect(p.preflight.replicas[0].permissions.every((x: { granted: boolean }) => x.granted === true)).toBe(true);
    expect(p.preflight.unchecked.join('\n')).toMatch(/free IP addresses in each private endpoint's subnet/);
    expect(p.preflight.unchecked.join('\n')).toMatch(/client-side firewalls/);
    expect(p.preflight.notes.join('\n')).toMatch(/default action Deny, 1 IP rule\(s\)\) apply to every replica/);
    const az = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'terraform' }, headers: reader });
    expect(az.text).toContain('#     firewalls must allow: contosowesteu.eastus.data.azurecr.io');
    expect(az.text).toContain('#     private DNS: A contosowesteu.japaneast.data.privatelink.azurecr.io (private endpoint pe-build)');

    // the service may not read its permissions: not blocked, and said so
    sandbox.network.set('contosowesteu', { privateEndpoints: ['pe-build'], permissionsStatus: 403 });
    const q = await createPlan({ registryId: id, target: { replicas: [{ region: 'northeurope' }, { region: 'eastus' }] } });
    expect(q.state).toBe('pending');
    expect(q.preflight.replicas[0].permissions.map((x: { granted: unknown }) => x.granted)).toEqual([null, null]);
    expect(q.preflight.unchecked[0]).toMatch(/^permissions were not checked: ARM answered 403/);
  });

  it('two concurrent applies for one registry: exactly one proceeds', async () => {
    const a = await createPlan();
    const b = await createPlan({ target: { replicas: [{ region: 'northeurope' }] } });
    await call(planApprove, a.id, { headers: bob });
    await call(planApprove, b.id, { headers: bob });
    sandbox.faults.set({ registry: 'contoso', latencyMs: 150 });
    const [ra, rb] = await Promise.all([call(planApply, a.id, { headers: bob }), call(planApply, b.id, { headers: bob })]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses[1]).toBe(409);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.json.type).toMatch(/registry-locked|plan-stale/);
    expect(statuses[0] === 200 || statuses[0] === 502).toBe(true);
  });

  it('requester approving their own plan → 403; expired → 409; unapproved apply → 409; no identity → 401', async () => {
    const p = await createPlan();
    const self = await call(planApprove, p.id, { headers: alice });
    expect(self.status).toBe(403);
    const unapproved = await call(planApply, p.id, { headers: bob });
    expect(unapproved.status).toBe(409);
    const anonymous = await call(planApprove, p.id);
    expect(anonymous.status).toBe(401);
    const noRole = await call(planApprove, p.id, { headers: { 'x-geoplanner-principal': 'carol@contoso.com; roles=Planner.Request' } });
    expect(noRole.status).toBe(403);

    clock = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    const expired = await call(planApprove, p.id, { headers: bob });
    expect(expired.status).toBe(409);
    const shown = await invoke(planFn, { params: { id: p.id }, path: `plans/${p.id}`, headers: reader });
    expect(shown.json.state).toBe('expired');
  });

  it('rejects with a reason, and a rejected plan cannot be applied', async () => {
    const p = await createPlan();
    const noReason = await call(planReject, p.id, { headers: bob, body: {} });
    expect(noReason.status).toBe(400);
    const rejected = await call(planReject, p.id, { headers: bob, body: { reason: 'not this quarter' } });
    expect(rejected.status).toBe(200);
    expect(rejected.json.state).toBe('rejected');
    expect(rejected.json.rejectReason).toBe('not this quarter');
    expect((await call(planApply, p.id, { headers: bob })).status).toBe(409);
  });

  it('dry run lists the calls and makes none', async () => {
    const p = await createPlan();
    await call(planApprove, p.id, { headers: bob });
    sandbox.resetRequests();
    const res = await call(planApply, p.id, { headers: bob, query: { dryRun: 'true' } });
    expect(res.status).toBe(200);
    expect(res.json.outcome).toBe('dryRun');
    expect(res.json.calls.length).toBe(4);
    expect(mutating()).toEqual([]);
  });

  it('exports the plan as az, Bicep and Terraform with the same replicas', async () => {
    const p = await createPlan();
    const az = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'az' }, headers: reader });
    expect(az.status).toBe(200);
    expect(az.text).toMatch(/az acr update .*--sku Premium/);
    for (const region of ['eastus', 'canadacentral', 'westeurope']) expect(az.text).toMatch(new RegExp(`az acr replication create .*-l ${region}`));
    const bicep = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'bicep' }, headers: reader });
    expect((bicep.text.match(/Microsoft\.ContainerRegistry\/registries\/replications@/g) ?? []).length).toBeGreaterThanOrEqual(1);
    const tf = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'terraform' }, headers: reader });
    expect((tf.text.match(/georeplications\s*\{/g) ?? []).length).toBe(3);
    const bad = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'pulumi' }, headers: reader });
    expect(bad.status).toBe(400);
  });

  it('validates the create request: unknown region with did-you-mean, target xor recommendation, webhook URL', async () => {
    const res = await invoke(plans, { method: 'POST', headers: alice, body: { registryId: contosoId, target: { replicas: [{ region: 'eastu' }] }, notificationUrl: 'http://example.com/hook' } });
    expect(res.status).toBe(400);
    const pointers = res.json.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/notificationUrl']);
    const res2 = await invoke(plans, { method: 'POST', headers: alice, body: { registryId: contosoId, target: { replicas: [{ region: 'eastu' }] } } });
    expect(res2.status).toBe(400);
    expect(res2.json.errors[0]).toMatchObject({ pointer: '/target/replicas/0/region', didYouMean: ['eastus', 'eastus2'] });
    const both = await invoke(plans, { method: 'POST', headers: alice, body: { registryId: contosoId } });
    expect(both.status).toBe(400);
  });

  it('bounds the create request: 1e308 storage or pull size → 400 with the pointer; a 1 MB registryId → a small 400, fast, never echoed, no ARM call', async () => {
    for (const [extra, pointer] of [
      [{ storageGiB: 1e308 }, '/storageGiB'],
      [{ avgPullSizeMB: 1e308, workloads: [{ region: 'eastus', pullsPerMonth: 10 }] }, '/avgPullSizeMB'],
      [{ workloads: [{ region: 'eastus', pullsPerMonth: 10, avgPullSizeMB: 1e308 }] }, '/workloads/0/avgPullSizeMB'],
      [{ notificationUrl: `https://example.com/${'p'.repeat(3000)}` }, '/notificationUrl'],
    ] as const) {
      const res = await invoke(plans, { method: 'POST', headers: alice, body: { registryId: contosoId, target: contosoTarget, ...extra } });
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(res.json.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    const id = `/subscriptions/${'a'.repeat(999_000)}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contoso`;
    const calls = sandbox.requests.length;
    const t0 = performance.now();
    const res = await invoke(plans, { method: 'POST', headers: alice, body: { registryId: id, target: contosoTarget } });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(4096);
    expect(res.text).not.toContain('a'.repeat(100));
    expect(res.json.errors).toEqual([expect.objectContaining({ pointer: '/registryId', code: 'maxLength' })]);
    expect(sandbox.requests.length).toBe(calls);
    const list = await invoke(plans, { method: 'GET', headers: alice, query: { registry: 'r'.repeat(5000) } });
    expect(list.status).toBe(400);
    expect(list.json.errors).toEqual([expect.objectContaining({ pointer: '/query/registry', code: 'maxLength' })]);
    expect((await invoke(plans, { method: 'GET', headers: alice, query: { registry: contosoId } })).status).toBe(200);
  });

  it('accepts a recommendation output as the target', async () => {
    const rec = { recommended: { topology: { homeRegion: 'westus', sku: 'Premium', replicas: [{ region: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false }] } } };
    const p = await createPlan({ target: undefined, recommendation: rec });
    expect(p.target.replicas.map((r: { region: string }) => r.region)).toEqual(['eastus']);
  });
});

describe('plan notifications', () => {
  it('POSTs every state change to the notification URL; a receiver that is down never fails the change', async () => {
    const { createServer } = await import('node:http');
    const got: { event: string; state: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push(JSON.parse(body) as { event: string; state: string });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const p = await createPlan({ notificationUrl: `http://127.0.0.1:${port}/hook` });
      await call(planApprove, p.id, { headers: bob });
      expect(got.map((g) => `${g.event}:${g.state}`)).toEqual(['created:pending', 'approved:approved']);
    } finally {
      server.close();
    }
    // nobody listens on that port any more: the plan is still created, and the failure is in its audit trail
    const down = await createPlan({ notificationUrl: `http://127.0.0.1:${port}/hook` });
    const shown = await invoke(planFn, { params: { id: down.id }, path: `plans/${down.id}`, headers: reader });
    const failed = shown.json.audit.find((a: { event: string }) => a.event === 'notificationFailed');
    expect(failed.detail).toMatch(/after 3 attempt/);
  });
});

/** A base64 x-ms-client-principal the way App Service builds it (Entra ID: auth_typ 'aad'). */
function clientPrincipal(name: string, roles: string[], oid?: string, extra: Record<string, unknown> = {}): string {
  const claims = [
    { typ: 'preferred_username', val: name },
    ...(oid ? [{ typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: oid }] : []),
    ...roles.map((r) => ({ typ: 'roles', val: r })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'preferred_username', role_typ: 'roles', claims, ...extra })).toString('base64');
}
const eveForged = { 'x-ms-client-principal': Buffer.from(JSON.stringify({ claims: [{ typ: 'name', val: 'eve' }, { typ: 'roles', val: 'Planner.Request' }] })).toString('base64') };

describe('identity: x-ms-client-principal is trusted only behind App Service authentication', () => {
  it('a hand-made x-ms-client-principal without WEBSITE_AUTH_ENABLED → 401 on create and approve, saying how to enable authentication', async () => {
    services = freshServices({ LOCAL_PRINCIPAL_HEADER: 'false' });
    setServices(services);
    const create = await invoke(plans, { method: 'POST', body: { registryId: contosoId, target: contosoTarget }, headers: eveForged });
    expect(create.status, create.text).toBe(401);
    expect(create.headers.get('content-type')).toBe('application/problem+json');
    expect(create.json.detail).toMatch(/App Service authentication/);
    expect(create.json.detail).toMatch(/WEBSITE_AUTH_ENABLED=True/);
    expect(create.json.detail).toMatch(/x-ms-client-principal header sent was ignored/);
    expect(create.json.detail).toMatch(/LOCAL_PRINCIPAL_HEADER=true .*x-geoplanner-principal/);
    expect(await services.planStore().list()).toEqual([]);

    // a plan made by alice (through the stand-in header, allowed in a second configuration) …
    services = freshServices();
    setServices(services);
    const p = await createPlan();
    const store = services.planStore();
    // … cannot be approved by a forged principal once the stand-in is off
    setServices({ ...freshServices({ LOCAL_PRINCIPAL_HEADER: 'false' }), planStore: () => store });
    const forgedApprover = { 'x-ms-client-principal': clientPrincipal('mallory@contoso.com', ['Planner.Approve']) };
    const approve = await call(planApprove, p.id, { headers: forgedApprover });
    expect(approve.status, approve.text).toBe(401);
    expect((await store.get(p.id)).plan.state).toBe('pending');
    // with the stand-in enabled, a forged x-ms-client-principal is still not an identity
    setServices({ ...freshServices(), planStore: () => store });
    expect((await call(planApprove, p.id, { headers: forgedApprover })).status).toBe(401);
  });

  it('with WEBSITE_AUTH_ENABLED=True the platform principal is accepted and its object id is stored; the local header is then ignored', async () => {
    services = freshServices({ WEBSITE_AUTH_ENABLED: 'True' });
    setServices(services);
    const alicePlatform = { 'x-ms-client-principal': clientPrincipal('alice@contoso.com', ['Planner.Request'], '11111111-1111-1111-1111-111111111111') };
    const p = await createPlan({}, alicePlatform);
    expect(p.requester).toBe('alice@contoso.com');
    expect(p.requesterObjectId).toBe('11111111-1111-1111-1111-111111111111');
    expect(p.requesterProvider).toBe('aad');
    const local = await invoke(plans, { method: 'POST', body: { registryId: contosoId, target: contosoTarget }, headers: alice });
    expect(local.status).toBe(401);
    expect(local.json.detail).toMatch(/x-geoplanner-principal is ignored while App Service authentication is on/);
  });

  it('self-approval is decided by object id: the same oid under another name → 403; another oid → approved', async () => {
    services = freshServices({ WEBSITE_AUTH_ENABLED: 'true' });
    setServices(services);
    const oid = '22222222-2222-2222-2222-222222222222';
    const p = await createPlan({}, { 'x-ms-client-principal': clientPrincipal('alice@contoso.com', ['Planner.Request', 'Planner.Approve'], oid) });
    const renamed = await call(planApprove, p.id, { headers: { 'x-ms-client-principal': clientPrincipal('Alice Renamed', ['Planner.Approve'], oid) } });
    expect(renamed.status, renamed.text).toBe(403);
    expect(renamed.json.type).toMatch(/self-approval/);
    // a different principal that happens to share the display name is not the requester
    const namesake = await call(planApprove, p.id, { headers: { 'x-ms-client-principal': clientPrincipal('alice@contoso.com', ['Planner.Approve'], '33333333-3333-3333-3333-333333333333') } });
    expect(namesake.status, namesake.text).toBe(200);
    expect(namesake.json.approverObjectId).toBe('33333333-3333-3333-3333-333333333333');
  });

  it('without ids, names are compared normalised: a soft hyphen or zero-width space in the name → 403', async () => {
    const p = await createPlan();
    // header values are Latin-1 on the wire: the soft hyphen (U+00AD) fits
    for (const name of ['ali\u00ADce@contoso.com', 'ALICE@contoso.com\u00AD']) {
      const res = await call(planApprove, p.id, { headers: { 'x-geoplanner-principal': `${name}; roles=Planner.Approve` } });
      expect(res.status, `${JSON.stringify(name)}: ${res.text}`).toBe(403);
      expect(res.json.type).toMatch(/self-approval/);
    }
    expect((await call(planApprove, p.id, { headers: bob })).status).toBe(200);

    // platform principals without an object id (and any Unicode in the base64 JSON): zero-width space, full-width letters
    services = freshServices({ WEBSITE_AUTH_ENABLED: 'true' });
    setServices(services);
    const q = await createPlan({}, { 'x-ms-client-principal': clientPrincipal('alice@contoso.com', ['Planner.Request']) });
    expect(q.requesterObjectId).toBeUndefined();
    for (const name of ['alice\u200B@contoso.com', '\uFEFFalice@contoso.com', 'ａｌｉｃｅ@contoso.com']) {
      const res = await call(planApprove, q.id, { headers: { 'x-ms-client-principal': clientPrincipal(name, ['Planner.Approve']) } });
      expect(res.status, `${JSON.stringify(name)}: ${res.text}`).toBe(403);
    }
    expect((await call(planApprove, q.id, { headers: { 'x-ms-client-principal': clientPrincipal('bob@contoso.com', ['Planner.Approve']) } })).status).toBe(200);
  });

  it('an identity header that is JSON null, an array, oversize or has an oversize name → 401, never 500', async () => {
    services = freshServices({ WEBSITE_AUTH_ENABLED: 'true' });
    setServices(services);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
    const cases: [string, string, RegExp][] = [
      ['null', b64(null), /null, not a JSON object/],
      ['array', b64([{ typ: 'name', val: 'x' }]), /an array/],
      ['oversize header', clientPrincipal('alice@contoso.com', ['Planner.Request'], undefined, { pad: 'x'.repeat(20_000) }), /longer than 16384 characters/],
      ['oversize name', clientPrincipal('a'.repeat(300), ['Planner.Request']), /name is longer than 256/],
      ['not base64', '%%%not-base64%%%', /not base64/],
    ];
    for (const [label, header, why] of cases) {
      const res = await invoke(plans, { method: 'POST', body: { registryId: contosoId, target: contosoTarget }, headers: { 'x-ms-client-principal': header } });
      expect(res.status, `${label}: ${res.text}`).toBe(401);
      expect(res.json.detail, label).toMatch(why);
    }
    const localOversize = await invoke(plans, { method: 'GET', headers: { 'x-geoplanner-principal': `${'b'.repeat(300)}; roles=Planner.Read` } });
    expect(localOversize.status).toBe(401); // App Service auth on: the stand-in is ignored
    services = freshServices();
    setServices(services);
    const localLong = await invoke(plans, { method: 'GET', headers: { 'x-geoplanner-principal': `${'b'.repeat(300)}; roles=Planner.Read` } });
    expect(localLong.status).toBe(401);
    expect(localLong.json.detail).toMatch(/name is longer than 256/);
  });

  it('reads need Planner.Read or a role that includes it: none → 401, Planner.Read → 200, only Planner.Request → 200, no planner role → 403', async () => {
    const p = await createPlan();
    const reads = [
      () => ({ fn: plans, opts: { method: 'GET' } }),
      () => ({ fn: planFn, opts: { params: { id: p.id }, path: `plans/${p.id}` } }),
      () => ({ fn: planExport, opts: { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'az' } } }),
    ];
    const requester = { 'x-geoplanner-principal': 'quinn@contoso.com; roles=Planner.Request' };
    const outsider = { 'x-geoplanner-principal': 'oscar@contoso.com; roles=Something.Else' };
    for (const r of reads) {
      const { fn, opts } = r();
      const anonymous = await invoke(fn, opts);
      expect(anonymous.status, `${fn.name}: ${anonymous.text}`).toBe(401);
      expect(anonymous.json.detail).toMatch(/Planner\.Read/);
      expect(anonymous.text).not.toContain('alice@contoso.com');
      expect((await invoke(fn, { ...opts, headers: reader })).status, fn.name).toBe(200);
      expect((await invoke(fn, { ...opts, headers: requester })).status, fn.name).toBe(200);
      const forbidden = await invoke(fn, { ...opts, headers: outsider });
      expect(forbidden.status, fn.name).toBe(403);
      expect(forbidden.text).not.toContain('alice@contoso.com');
    }
    const list = await invoke(plans, { method: 'GET', headers: reader });
    expect(list.json.plans.map((x: { requester: string }) => x.requester)).toEqual(['alice@contoso.com']);
  });
});

describe('plans with the Azure Storage plan store (Azurite): refusals keep their status', () => {
  let azurite: AzuriteHandle;
  let n = 0;
  beforeAll(async () => {
    azurite = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });
  function azureServices(): Services {
    n += 1;
    const suffix = `${process.pid}x${n}`;
    const store = new AzureStoragePlanStore({
      connection: { kind: 'connectionString', connectionString: azurite.connectionString, insecure: true },
      tableName: `httpplans${suffix}`,
      containerName: `httpplans-${suffix}`,
      lockContainerName: `httplocks-${suffix}`,
    });
    return { ...freshServices(), planStore: () => store };
  }

  it('self-approval → 403, wrong contentHash → 409, apply unapproved → 409, approve twice → 409 (not 503)', async () => {
    services = azureServices();
    setServices(services);
    const p = await createPlan();
    const self = await call(planApprove, p.id, { headers: alice });
    expect(self.status, self.text).toBe(403);
    expect(self.json.type).toMatch(/self-approval/);
    expect(self.headers.get('retry-after')).toBeNull();
    const wrongHash = await call(planApprove, p.id, { headers: bob, body: { contentHash: 'sha256:0000' } });
    expect(wrongHash.status, wrongHash.text).toBe(409);
    expect(wrongHash.json.type).toMatch(/plan-content-changed/);
    const unapproved = await call(planApply, p.id, { headers: bob });
    expect(unapproved.status, unapproved.text).toBe(409);
    expect(unapproved.json.type).toMatch(/plan-state/);
    const first = await call(planApprove, p.id, { headers: bob, body: { contentHash: p.contentHash } });
    expect(first.status, first.text).toBe(200);
    const twice = await call(planApprove, p.id, { headers: bob });
    expect(twice.status, twice.text).toBe(409);
    expect(twice.json.type).toMatch(/plan-state/);
    const stored = await invoke(planFn, { params: { id: p.id }, path: `plans/${p.id}`, headers: reader });
    expect(stored.json.state).toBe('approved');
    expect(stored.json.approver).toBe('bob@contoso.com');
  }, 30_000);

  it('a real storage outage (nothing listens) → 503 StoreUnavailable with Retry-After: 5', async () => {
    const port = await freePort();
    const cs = azurite.connectionString.replace(`:${azurite.tablePort}/`, `:${port}/`).replace(`:${azurite.blobPort}/`, `:${port}/`);
    const down = new AzureStoragePlanStore({ connection: { kind: 'connectionString', connectionString: cs, insecure: true }, maxRetries: 0, tableName: 'unreachable' });
    setServices({ ...freshServices(), planStore: () => down });
    for (const res of [
      await invoke(planFn, { params: { id: 'some-plan' }, path: 'plans/some-plan', headers: reader }),
      await call(planApprove, 'some-plan', { headers: bob }),
      await invoke(plans, { method: 'GET', headers: reader }),
    ]) {
      expect(res.status, res.text).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.json.type).toMatch(/store-unavailable/);
    }
  }, 30_000);
});

describe('contract', () => {
  it('every ARM exchange of this file validates against the official Swagger, webhooks included (zero violations)', async () => {
    const results = await expectContractCleanWithFixtures(seen, 5);
    // Permissions_ListForResource: oav cannot route it (see NON_SWAGGER_OPERATIONS); its 200 bodies are checked
    // against the copied Swagger definition PermissionGetResult instead.
    const spec = JSON.parse(fs.readFileSync(path.join(findRepoRoot(), 'test/fixtures/specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/permissions.subset.json'), 'utf8')) as { definitions: Record<string, unknown> };
    const ajv = new Ajv({ strict: false });
    const check = ajv.compile({ $ref: '#/definitions/PermissionGetResult', definitions: spec.definitions });
    const perms = seen.filter((x) => x.operationId === 'Permissions_ListForResource' && x.response.statusCode === 200);
    expect(perms.length).toBeGreaterThan(0);
    for (const x of perms) expect(check(x.response.body), JSON.stringify(check.errors)).toBe(true);
    expect(seen.filter((x) => x.operationId === 'Permissions_ListForResource').every((x) => new URL(x.request.url, 'http://h').searchParams.get('api-version') === '2022-04-01')).toBe(true);
    const ops = new Set(results.map((r) => r.operationId));
    for (const op of ['Webhooks_List', 'Webhooks_GetCallbackConfig', 'Webhooks_Create']) expect(ops).toContain(op);
  }, 60_000);
});
