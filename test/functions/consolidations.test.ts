/**
 * POST /api/consolidations and the plan routes for a consolidation plan, end to end through the
 * bindings, the composition root (ACR_DATA_ENDPOINT_TEMPLATE / ACR_DATA_CA_FILE, as `npm start`
 * sets them) and the ARM sandbox with its data plane (#17).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../../devhost/sandbox';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { consolidationExport, consolidations } from '../../src/functions/consolidations';
import { planApprove } from '../../src/functions/plan-approve';
import { planApply } from '../../src/functions/plan-apply';
import { invoke } from '../helpers/invoke';

const alice = { 'x-geoplanner-principal': 'alice@contoso.com; roles=Planner.Request' };
const bob = { 'x-geoplanner-principal': 'bob@contoso.com; roles=Planner.Approve,Planner.Apply' };
const body = {
  registryIds: [registryResourceId('contoso'), registryResourceId('contosowesteu')],
  workloads: [
    { region: 'westus', pullGBPerMonth: 2000 },
    { region: 'eastus', pullGBPerMonth: 800 },
    { region: 'canadacentral', pullGBPerMonth: 300 },
    { region: 'westeurope', pullGBPerMonth: 2500 },
  ],
};

let sandbox: ArmSandbox;
let caFile: string;

beforeAll(async () => {
  sandbox = await startArmSandbox({ port: 0, lroInProgressPolls: 0 });
  caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consolidations-')), 'ca.pem');
  fs.writeFileSync(caFile, sandbox.dataPlane.ca);
});
beforeEach(() => {
  sandbox.reset();
  setServices(
    createServices(
      readSettings({
        ARM_ENDPOINT: sandbox.url,
        ARM_STATIC_TOKEN: 'test',
        ARM_LRO_POLL_INTERVAL_MS: '1',
        PLAN_STORE: 'memory',
        LOCAL_PRINCIPAL_HEADER: 'true',
        ACR_DATA_ENDPOINT_TEMPLATE: `${sandbox.dataPlane.url}/{registry}`,
        ACR_DATA_CA_FILE: caFile,
      }),
    ),
  );
});
afterEach(() => setServices());
afterAll(async () => sandbox.close());

describe('/api/consolidations', () => {
  it('answers the before/after comparison in the recommendations field names', async () => {
    const res = await invoke(consolidations, { method: 'POST', body });
    expect(res.status, res.text).toBe(200);
    const a = res.json;
    expect(a.recommended.topology).toMatchObject({ homeRegion: 'westus', sku: 'Premium', replicas: [{ region: 'westeurope' }] });
    expect(typeof a.current.monthlyCost.total).toBe('number');
    expect(typeof a.recommended.monthlyCost.total).toBe('number');
    expect(a.savings.monthly).toBeCloseTo(a.current.monthlyCost.total - a.recommended.monthlyCost.total, 1);
    expect(a.current.registries.map((r: { name: string }) => r.name)).toEqual(['contoso', 'contosowesteu']);
    expect(a.plan).toBeNull();
  });

  it('400 for one registry or a bad id; createPlan without a principal is 401', async () => {
    expect((await invoke(consolidations, { method: 'POST', body: { registryIds: [registryResourceId('contoso')] } })).status).toBe(400);
    expect((await invoke(consolidations, { method: 'POST', body: { registryIds: ['x', 'y'] } })).status).toBe(400);
    expect((await invoke(consolidations, { method: 'POST', body: { ...body, createPlan: true } })).status).toBe(401);
  });

  it('createPlan → approve (another principal) → apply through /api/plans: the target holds every source tag; exports', async () => {
    sandbox.content.registry('contoso').delete('app');
    const res = await invoke(consolidations, { method: 'POST', body: { ...body, createPlan: true }, headers: alice });
    expect(res.status, res.text).toBe(200);
    const id: string = res.json.plan.id;
    expect((await invoke(planApprove, { method: 'POST', params: { id }, path: `plans/${id}/approve`, headers: alice })).status).toBe(403);
    const ok = await invoke(planApprove, { method: 'POST', params: { id }, path: `plans/${id}/approve`, headers: bob, body: { contentHash: res.json.plan.contentHash } });
    expect(ok.status, ok.text).toBe(200);
    const applied = await invoke(planApply, { method: 'POST', params: { id }, path: `plans/${id}/apply`, headers: bob });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json.state ?? applied.json.plan?.state).toBe('applied');
    const target = sandbox.content.listing('contoso');
    for (const [ref, digest] of Object.entries(sandbox.content.listing('contosowesteu'))) expect(target[ref]).toBe(digest);

    const sed = await invoke(consolidationExport, { method: 'GET', params: { id }, path: `consolidations/${id}/export`, query: { format: 'sed' }, headers: bob });
    expect(sed.status).toBe(200);
    expect(sed.text).toContain('contosowesteu\\.azurecr\\.io\\/api:3\\.1');
    const az = await invoke(consolidationExport, { method: 'GET', params: { id }, path: `consolidations/${id}/export`, query: { format: 'az' }, headers: bob });
    expect(az.text).toContain('az acr import --name contoso --source contosowesteu.azurecr.io/app:1 --image app:1');
    expect(az.text).not.toMatch(/az acr import[^\n]*--force/);
    expect(az.text).toContain('# az acr delete --name contosowesteu');
    const bicep = await invoke(consolidationExport, { method: 'GET', params: { id }, path: `consolidations/${id}/export`, query: { format: 'bicep' }, headers: bob });
    expect(bicep.text).toContain("'westeurope'");
  });
});
