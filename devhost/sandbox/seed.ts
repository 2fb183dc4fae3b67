/** Seed data: the Contoso registries from the docs, a few other shapes, and N synthetic registries. */
import { mulberry32 } from './prng';
import type { SandboxSeed, SandboxSku, SeedRegistry, SeedReplica } from './types';

export const SANDBOX_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const SANDBOX_RESOURCE_GROUP = 'contoso-rg';

/** Resource id of a seeded registry. */
export function registryResourceId(name: string, resourceGroup = SANDBOX_RESOURCE_GROUP, subscriptionId = SANDBOX_SUBSCRIPTION_ID): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`;
}

/**
 * The default seed:
 * - `contoso` (westus, Standard, no replicas: Contoso before geo-replication);
 * - `contosowesteu` (westeurope, Premium, replica northeurope);
 * - `fabrikamacr` (eastus, Premium, 3 replicas, westus2 with regionEndpointEnabled=false; resource group fabrikam-rg);
 * - `tailspinbasic` (centralus, Basic; resource group tailspin-rg);
 * - `woodgrovezr` (eastus2, Premium, zone-redundant home and replica).
 */
export function defaultSeed(): SandboxSeed {
  return {
    registries: [
      {
        name: 'contoso',
        location: 'westus',
        sku: 'Standard',
        tags: { team: 'platform' },
        metrics: { dailyPulls: 12000, storageGiB: 180 },
      },
      {
        name: 'contosowesteu',
        location: 'westeurope',
        sku: 'Premium',
        replicas: [{ location: 'northeurope' }],
        metrics: { dailyPulls: 8000, storageGiB: 320 },
      },
      {
        name: 'fabrikamacr',
        resourceGroup: 'fabrikam-rg',
        location: 'eastus',
        sku: 'Premium',
        replicas: [
          { location: 'westeurope' },
          { location: 'southeastasia' },
          { location: 'westus2', regionEndpointEnabled: false },
        ],
        metrics: { dailyPulls: 40000, storageGiB: 900 },
      },
      {
        name: 'tailspinbasic',
        resourceGroup: 'tailspin-rg',
        location: 'centralus',
        sku: 'Basic',
        metrics: { dailyPulls: 300, storageGiB: 4 },
      },
      {
        name: 'woodgrovezr',
        location: 'eastus2',
        sku: 'Premium',
        zoneRedundancy: 'Enabled',
        replicas: [{ location: 'northeurope', zoneRedundancy: 'Enabled' }],
        metrics: { dailyPulls: 5000, storageGiB: 120 },
      },
    ],
  };
}

const SYNTH_HOMES = ['eastus', 'westus2', 'westeurope', 'northeurope', 'southeastasia', 'japaneast', 'australiaeast', 'uksouth', 'canadacentral', 'centralindia'];
const SYNTH_REPLICAS = ['eastus2', 'westus3', 'francecentral', 'swedencentral', 'eastasia', 'koreacentral', 'brazilsouth', 'southafricanorth', 'germanywestcentral', 'centralus'];

export interface SyntheticOptions {
  subscriptionId?: string;
  resourceGroup?: string;
  namePrefix?: string;
  /** PRNG seed (default 42). */
  seed?: number;
}

/**
 * N synthetic registries with a deterministic mix of SKUs, homes and replicas
 * (names `<prefix>00001`...; ~60% Premium with 0-4 replicas, ~30% Standard, ~10% Basic).
 */
export function syntheticRegistries(count: number, options: SyntheticOptions = {}): SeedRegistry[] {
  const rnd = mulberry32(options.seed ?? 42);
  const prefix = options.namePrefix ?? 'synth';
  const out: SeedRegistry[] = [];
  for (let i = 1; i <= count; i++) {
    const pick = rnd();
    const sku: SandboxSku = pick < 0.6 ? 'Premium' : pick < 0.9 ? 'Standard' : 'Basic';
    const home = SYNTH_HOMES[Math.floor(rnd() * SYNTH_HOMES.length)] ?? 'eastus';
    const replicas: SeedReplica[] = [];
    if (sku === 'Premium') {
      const n = Math.floor(rnd() * 5);
      const offset = Math.floor(rnd() * SYNTH_REPLICAS.length);
      for (let k = 0; k < n; k++) {
        const location = SYNTH_REPLICAS[(offset + k) % SYNTH_REPLICAS.length] ?? 'eastus2';
        replicas.push({ location, regionEndpointEnabled: rnd() > 0.1 });
      }
    }
    out.push({
      subscriptionId: options.subscriptionId ?? SANDBOX_SUBSCRIPTION_ID,
      resourceGroup: options.resourceGroup ?? 'synthetic-rg',
      name: `${prefix}${String(i).padStart(5, '0')}`,
      location: home,
      sku,
      replicas,
      metrics: { dailyPulls: Math.round(50 + rnd() * 50000), storageGiB: Math.round(1 + rnd() * 800) },
    });
  }
  return out;
}

/** The default seed plus `count` synthetic registries. */
export function seedWithSynthetic(count: number, options: SyntheticOptions = {}): SandboxSeed {
  const base = defaultSeed();
  return { ...base, registries: [...base.registries, ...syntheticRegistries(count, options)] };
}
