/**
 * Approval-driven apply end to end: the plan functions against the ARM sandbox
 * (real SDK clients) with the in-memory plan store.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../sandbox';
import { createServices, setServices, type Services } from '../../src/services';
import { readSettings } from '../../src/config';
import { plans } from '../../src/functions/plans';
import { plan as planFn } from '../../src/functions/plan';
import { planApprove } from '../../src/functions/plan-approve';
import { planReject } from '../../src/functions/plan-reject';
import { planApply } from '../../src/functions/plan-apply';
import { planExport } from '../../src/functions/plan-export';
import { planWorkloads } from '../../src/functions/drift-check';
import { invoke } from '../helpers/invoke';
import { expectContractClean } from '../helpers/contract';
import type { RecordedExchange } from '../sandbox/types';

/** Every ARM exchange of this file, for the contract check at the end. */
const seen: RecordedExchange[] = [];

const contosoId = registryResourceId('contoso');
const alice = { 'x-geoplanner-principal': 'alice@contoso.com; roles=Planner.Request,Planner.Approve,Planner.Apply' };
const bob = { 'x-geoplanner-principal': 'bob@contoso.com; roles=Planner.Approve,Planner.Apply' };
const contosoTarget = { replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }] };

let sandbox: ArmSandbox;
let services: Services;
let clock: Date | undefined;

function freshServices(): Services {
  const env = {
    ARM_ENDPOINT: sandbox.url,
    ARM_STATIC_TOKEN: 'test',
    ARM_LRO_POLL_INTERVAL_MS: '20',
    ARM_MAX_RETRIES: '0',
    PLAN_STORE: 'memory',
    LOCAL_PRINCIPAL_HEADER: 'true',
  };
  const s = createServices(readSettings(env), env);
  return { ...s, now: () => clock ?? new Date() };
}

async function createPlan(body: Record<string, unknown> = {}, headers = alice) {
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

    const got = await invoke(planFn, { params: { id: p.id }, path: `plans/${p.id}` });
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
    const shown = await invoke(planFn, { params: { id: p.id }, path: `plans/${p.id}` });
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
    const az = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'az' } });
    expect(az.status).toBe(200);
    expect(az.text).toMatch(/az acr update .*--sku Premium/);
    for (const region of ['eastus', 'canadacentral', 'westeurope']) expect(az.text).toMatch(new RegExp(`az acr replication create .*-l ${region}`));
    const bicep = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'bicep' } });
    expect((bicep.text.match(/Microsoft\.ContainerRegistry\/registries\/replications@/g) ?? []).length).toBeGreaterThanOrEqual(1);
    const tf = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'terraform' } });
    expect((tf.text.match(/georeplications\s*\{/g) ?? []).length).toBe(3);
    const bad = await invoke(planExport, { params: { id: p.id }, path: `plans/${p.id}/export`, query: { format: 'pulumi' } });
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
    const shown = await invoke(planFn, { params: { id: down.id }, path: `plans/${down.id}` });
    const failed = shown.json.audit.find((a: { event: string }) => a.event === 'notificationFailed');
    expect(failed.detail).toMatch(/after 3 attempt/);
  });
});

describe('contract', () => {
  it('every ARM exchange of this file validates against the official Swagger (zero violations)', async () => {
    await expectContractClean(seen);
  }, 60_000);
});
