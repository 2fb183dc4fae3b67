import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../src/catalog';
import { zoneRedundancyAdvice } from '../../src/model/zones';
import type { Topology } from '../../src/model/types';

const catalog = shippedCatalog();
const replica = (region: string, zoneRedundancy = false) => ({ region, regionEndpointEnabled: true, zoneRedundancy });

describe('zone redundancy advice (#14)', () => {
  it('lists each location in a region with availability zones whose zone redundancy is off, and only those', () => {
    // westus has no availability zones; eastus, canadacentral and westeurope have them.
    const t: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [replica('eastus', true), replica('canadacentral'), replica('westeurope')] };
    const a = zoneRedundancyAdvice(t, catalog);
    expect(a.map((x) => x.region)).toEqual(['canadacentral', 'westeurope']);
    expect(a.every((x) => x.role === 'replica' && x.exists)).toBe(true);
    expect(a[0]?.advice).toMatch(/free/);
    expect(a[0]?.advice).toMatch(/re-create/);
    expect(a[0]?.advice).toContain('--zone-redundancy enabled');
  });

  it('advises re-creating the registry for a home location without zone redundancy', () => {
    const a = zoneRedundancyAdvice({ homeRegion: 'eastus', sku: 'Premium', homeZoneRedundancy: false, replicas: [] }, catalog);
    expect(a).toHaveLength(1);
    expect(a[0]?.role).toBe('home');
    expect(a[0]?.advice).toMatch(/new zone-redundant registry/);
    expect(zoneRedundancyAdvice({ homeRegion: 'eastus', sku: 'Premium', homeZoneRedundancy: true, replicas: [] }, catalog)).toEqual([]);
  });

  it('advises creating a new replica zone redundant', () => {
    const t: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [replica('westeurope')] };
    const a = zoneRedundancyAdvice(t, catalog, new Set(['westus']));
    expect(a[0]?.exists).toBe(false);
    expect(a[0]?.advice).toMatch(/create this replica zone redundant/);
  });
});
