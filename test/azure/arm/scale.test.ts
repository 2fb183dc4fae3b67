/** 1,000 synthetic registries (the drift benchmark's scale): list with paging and replica lists, and a metrics read. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createArmAdapters } from '../../../src/azure/arm';
import { registryResourceId, seedWithSynthetic, syntheticRegistries } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';

let sb: ArmSandbox;
beforeAll(async () => {
  // ~610 ARM reads in a few seconds: above ARM's 250-read burst. This test times the listing itself, so the
  // sandbox's read bucket is off here (test/azure/arm/fleet-inventory.test.ts covers the bucket).
  sb = await startArmSandbox({ seed: seedWithSynthetic(1000), armReadLimit: false });
});
afterAll(async () => {
  await sb.close();
});

it('lists 1,000 registries with their replicas through paging', async () => {
  const arm = createArmAdapters({ armEndpoint: sb.url, staticToken: 'scale' });
  const t = Date.now();
  const regs = await arm.topology.listRegistries({ subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'synthetic-rg' });
  const ms = Date.now() - t;
  expect(regs).toHaveLength(1000);
  const expected = syntheticRegistries(1000);
  const byName = new Map(regs.map((r) => [r.name, r]));
  for (const e of expected) {
    const live = byName.get(e.name);
    expect(live?.sku).toBe(e.sku);
    expect(live?.replicas.map((r) => r.location).sort()).toEqual((e.replicas ?? []).map((r) => r.location).sort());
  }
  expect(sb.requests.filter((r) => r.operationId === 'Registries_ListByResourceGroup')).toHaveLength(10);
  expect(ms).toBeLessThan(10_000);
  const s = await arm.metrics.getPullSummary(registryResourceId('synth00001', 'synthetic-rg'), { days: 30 });
  expect(s.daysWithData).toBe(30);
});
