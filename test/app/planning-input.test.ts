/** Use case planning-input: explicit or live topology, volumes derived from the live pull metrics, one 400 with every problem. */
import { describe, expect, it } from 'vitest';
import { planningInput } from '../../src/app/planning-input';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { DAYS_PER_MONTH } from '../../src/model/cost';
import { InvalidInputError } from '../../src/model/errors';
import { registryKey } from '../../src/model/registry-id';
import { fakeArm, liveRegistry, noArm, pullSummary, registryId } from './fakes';

const catalog = shippedCatalog();
const GIB = 1024 ** 3;

const contoso = liveRegistry('contoso', {
  replicas: [
    { name: 'westeurope', location: 'westeurope', regionEndpointEnabled: true, zoneRedundancy: false, provisioningState: 'Succeeded', displayStatus: 'Ready' },
    // Still being created: it counts in the planning view (it costs), not in the apply view.
    { name: 'eastus', location: 'eastus', regionEndpointEnabled: false, zoneRedundancy: false, provisioningState: 'Creating', displayStatus: null },
  ],
});

describe('planningInput', () => {
  it('an explicit topology never touches ARM', async () => {
    const p = await planningInput(
      { catalog, prices: shippedPrices, arm: noArm },
      { request: { registry: { homeRegion: 'West Europe', sku: 'Premium', storageGiB: 10 }, replicas: [{ region: 'eastus' }], workloads: [{ region: 'eastus', pullGBPerMonth: 100 }] } },
    );
    expect(p.live).toBeUndefined();
    expect(p.costInput.topology.homeRegion).toBe('westeurope');
    expect(p.costInput.topology.replicas.map((r) => r.region)).toEqual(['eastus']);
    expect(p.costInput.storageGiB).toBe(10);
    expect(p.estimateOptions.registryId).toBeUndefined();
  });

  it('reads the live registry: planning view, pulls from TotalPullCount, equal shares, stored size from StorageUsed', async () => {
    const arm = fakeArm([contoso], { [registryKey(contoso.id)]: pullSummary(1000, { westus: 50 * GIB, westeurope: 80 * GIB }) });
    const p = await planningInput(
      { catalog, prices: shippedPrices, arm: () => arm },
      { request: { registry: { id: contoso.id }, workloads: [{ region: 'westus' }, { region: 'westeurope' }], avgPullSizeMB: 200 } },
    );
    expect(arm.calls).toEqual([`getRegistry ${contoso.id}`, `getPullSummary ${contoso.id} 30`]);
    // Both replicas (the one still being created too) are priced; sorted by region.
    expect(p.costInput.topology).toEqual({
      homeRegion: 'westus',
      sku: 'Premium',
      homeZoneRedundancy: false,
      replicas: [
        { region: 'eastus', regionEndpointEnabled: false, zoneRedundancy: false },
        { region: 'westeurope', regionEndpointEnabled: true, zoneRedundancy: false },
      ],
    });
    // The home geolocation's StorageUsed, not the largest.
    expect(p.costInput.storageGiB).toBe(50);
    const pulls = 1000 * DAYS_PER_MONTH;
    const [a, b] = p.costInput.workloads;
    expect(a?.pullGBPerMonth).toBeCloseTo((pulls * 0.5 * 200) / 1000, 6);
    expect(b?.pullGBPerMonth).toBeCloseTo((pulls * 0.5 * 200) / 1000, 6);
    expect(p.estimateOptions.registryId).toBe(contoso.id);
    expect(p.live?.assumptions.join('\n')).toMatch(/2 workload\(s\) gave no volume or share: they split the remaining 100\.0%/);
    expect(p.live?.assumptions.join('\n')).toMatch(/Stored size 50\.00 GiB from Azure Monitor StorageUsed/);
  });

  it('does not read metrics it does not need (storage given, no shares)', async () => {
    const arm = fakeArm([contoso]);
    const p = await planningInput(
      { catalog, prices: shippedPrices, arm: () => arm },
      { request: { registry: { id: contoso.id, storageGiB: 7 }, workloads: [{ region: 'westus', pullGBPerMonth: 10 }] } },
    );
    expect(arm.calls).toEqual([`getRegistry ${contoso.id}`]);
    expect(p.costInput.storageGiB).toBe(7);
    expect(p.live?.metrics).toBeNull();
  });

  it('no pull data: share volumes are unknown (null), never 0', async () => {
    const arm = fakeArm([contoso], { [registryKey(contoso.id)]: pullSummary(null) });
    const p = await planningInput({ catalog, prices: shippedPrices, arm: () => arm }, { request: { registry: { id: contoso.id }, workloads: [{ region: 'westus', share: 1 }], avgPullSizeMB: 100 } });
    expect(p.costInput.workloads[0]?.pullGBPerMonth).toBeNull();
    expect(p.costInput.storageGiB).toBeNull();
  });

  it('a malformed registry id is a 400 naming /registry/id, before any ARM call', async () => {
    const bad = registryId('contoso').replace('rg-acr', 'rg%ZZ');
    const err = await planningInput({ catalog, prices: shippedPrices, arm: noArm }, { request: { registry: { id: bad }, workloads: [] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => [i.pointer, i.code])).toEqual([['/registry/id', 'invalidResourceId']]);
    expect((err as InvalidInputError).message).toMatch(/^\/registry\/id Invalid container registry resource id .*malformed percent-escape/);
  });

  it('a different registry.sku is a warning; replicas with registry.id price the live home with those replicas', async () => {
    const arm = fakeArm([contoso]);
    const p = await planningInput(
      { catalog, prices: shippedPrices, arm: () => arm },
      { request: { registry: { id: contoso.id, sku: 'Basic', storageGiB: 1 }, replicas: [{ region: 'North Europe' }], workloads: [] } },
    );
    expect(p.costInput.topology.homeRegion).toBe('westus');
    expect(p.costInput.topology.replicas.map((r) => r.region)).toEqual(['northeurope']);
    expect(p.estimateOptions.warnings).toEqual([
      "registry.sku 'Basic' ignored: the live registry is Premium.",
      'replicas given with registry.id: priced as the live registry with these replicas instead of its live ones.',
    ]);
  });

  it('collects every problem (and extraChecks ones) into one 400', async () => {
    const err = await planningInput(
      { catalog, prices: shippedPrices, arm: noArm },
      {
        request: { registry: { homeRegion: 'westeuropa', sku: 'Premium' }, workloads: [{ region: 'nowhere', pullGBPerMonth: 1 }] },
        extraChecks: (out) => out.add('/constraints/maxReplicas', 'extra', 'extra'),
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const pointers = (err as InvalidInputError).issues.map((i) => i.pointer);
    expect(pointers).toContain('/registry/homeRegion');
    expect(pointers).toContain('/workloads/0/region');
    expect(pointers.at(-1)).toBe('/constraints/maxReplicas');
  });
});
