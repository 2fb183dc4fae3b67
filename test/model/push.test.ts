import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { answerSections } from '../../src/model/answer-sections';
import { monthlyCost, withReplicaEconomics, type CostInput } from '../../src/model/cost';
import { IssueCollector, resolvePushSites } from '../../src/model/inputs';
import { SPLIT_PUSH_MARGIN_MS, pushSectionOf, splitPushOf } from '../../src/model/push';
import type { PushSite, Topology, Workload } from '../../src/model/types';
import bandwidth from '../../src/catalog/bandwidth.json';

const catalog = shippedCatalog();
const prices = shippedPrices();
const wl = (r: string, gb: number | null): Workload => ({ site: { kind: 'azure', region: r }, pullGBPerMonth: gb, volumeSource: 'test' });
const push = (r: string, gb: number | null): PushSite => ({ site: { kind: 'azure', region: r }, pushGBPerMonth: gb, volumeSource: 'test' });
const replica = (region: string) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false });
const contoso: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: ['eastus', 'canadacentral', 'westeurope'].map(replica) };
const workloads = [wl('westus', 1000), wl('eastus', 800), wl('canadacentral', 300), wl('westeurope', 600)];

const sectionOf = (input: CostInput) => {
  const s = pushSectionOf(input, monthlyCost(input, catalog, prices), catalog, prices, { registryName: 'contoso' });
  if (!s) throw new Error('no push section');
  return s;
};

describe('split-push warning (#14)', () => {
  it('warns when the two closest enabled locations are a few ms apart as seen from the push region', () => {
    // From westeurope: uksouth 11 ms, francecentral 12 ms (published P50).
    const t: Topology = { homeRegion: 'uksouth', sku: 'Premium', replicas: [replica('francecentral')] };
    const s = splitPushOf({ kind: 'azure', region: 'westeurope' }, t, catalog, prices, 'contoso');
    expect(s).not.toBeNull();
    expect(s?.closest.map((c) => c.location)).toEqual(['uksouth', 'francecentral']);
    expect(s?.differenceMs).toBeLessThanOrEqual(SPLIT_PUSH_MARGIN_MS);
    expect(s?.warning).toMatch(/Linux host can resolve a different replica/);
    expect(s?.warning).toMatch(/replica in the push-source region westeurope/);
    // the home location's routing cannot be disabled: the command names the replica
    expect(s?.warning).toContain('az acr replication update --registry contoso --name francecentral --region-endpoint-enabled false');
  });

  it('does not warn when the two closest are far apart, nor when the push region has a location', () => {
    // From eastus: westus 67 ms, westeurope 83 ms.
    const far: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [replica('westeurope')] };
    expect(splitPushOf({ kind: 'azure', region: 'eastus' }, far, catalog, prices)).toBeNull();
    expect(splitPushOf({ kind: 'azure', region: 'eastus' }, contoso, catalog, prices)).toBeNull();
    // From eastus with eastus2 (8 ms) and canadacentral (18 ms): 10 ms apart, above the margin.
    const apart: Topology = { homeRegion: 'eastus2', sku: 'Premium', replicas: [replica('canadacentral')] };
    expect(splitPushOf({ kind: 'azure', region: 'eastus' }, apart, catalog, prices)).toBeNull();
  });

  it('puts the warning in the push section and its warnings', () => {
    const t: Topology = { homeRegion: 'uksouth', sku: 'Premium', replicas: [replica('francecentral')] };
    const s = sectionOf({ topology: t, storageGiB: 100, workloads: [wl('uksouth', 10)], pushes: [push('westeurope', 50)] });
    expect(s.regions[0]?.splitPush).not.toBeNull();
    expect(s.warnings).toHaveLength(1);
    expect(s.regions[0]?.advice).toMatch(/split-push/);
  });
});

describe('push transfer (#14)', () => {
  it("is billed at the push site's (source's) rate, not the serving location's", () => {
    // southeastasia (asia) -> westus (north-america): asia's inter-continent rate, not north-america's.
    const input: CostInput = { topology: { homeRegion: 'westus', sku: 'Premium', replicas: [] }, storageGiB: 100, workloads: [wl('westus', 10)], pushes: [push('southeastasia', 100)] };
    const b = monthlyCost(input, catalog, prices);
    expect(bandwidth.interRegion.toOtherContinent.asia).not.toBe(bandwidth.interRegion.toOtherContinent['north-america']);
    expect(b.pushes?.[0]?.servedBy).toBe('westus');
    expect(b.pushes?.[0]?.ratePerGB).toBe(bandwidth.interRegion.toOtherContinent.asia);
    expect(b.pushTransfer).toBeCloseTo(100 * bandwidth.interRegion.toOtherContinent.asia, 9);
    expect(b.total).toBeCloseTo((b.registryUnits ?? NaN) + (b.storage ?? NaN) + (b.dataTransfer ?? NaN) + (b.pushTransfer ?? NaN), 9);
  });

  it('is free in-region and from outside Azure (ingress)', () => {
    const external: PushSite = { site: { kind: 'external', name: 'onprem-ci', latitude: 47.6, longitude: -122.3 }, pushGBPerMonth: 500, volumeSource: 'test' };
    const input: CostInput = { topology: contoso, storageGiB: 100, workloads, pushes: [push('eastus', 200), external] };
    const s = sectionOf(input);
    expect(s.regions[0]?.inRegionReplica).toBe(true);
    expect(s.regions[0]?.monthlyTransfer).toBe(0);
    expect(s.regions[1]?.monthlyTransfer).toBe(0);
    expect(s.regions[1]?.rateBasis).toMatch(/ingress/);
    expect(s.monthlyTransfer).toBe(0);
  });

  it('is unknown (null), not 0, when pushGBPerMonth is not given', () => {
    const input: CostInput = { topology: { homeRegion: 'westus', sku: 'Premium', replicas: [] }, storageGiB: 100, workloads: [wl('westus', 10)], pushes: [push('eastus', null)] };
    const b = monthlyCost(input, catalog, prices);
    expect(b.pushTransfer).toBeNull();
    expect(b.total).toBeNull();
    expect(b.unknown).toContain('pushTransfer');
    const s = sectionOf(input);
    expect(s.monthlyTransfer).toBeNull();
    expect(s.regions[0]?.advice).toMatch(/unknown/);
  });

  it('says whether a replica in the push region pays, from the exact monthly cost with and without it', () => {
    const base: CostInput = { topology: { homeRegion: 'westus', sku: 'Premium', replicas: [] }, storageGiB: 100, workloads: [wl('westus', 10)], pushes: [push('westeurope', 10)] };
    const small = sectionOf(base).regions[0];
    expect(small?.replicaInPushRegion?.pays).toBe(false);
    expect(small?.advice).toMatch(/does not pay/);
    const big = sectionOf({ ...base, pushes: [push('westeurope', 100_000)] }).regions[0];
    expect(big?.replicaInPushRegion?.pays).toBe(true);
    const withIt = monthlyCost({ ...base, pushes: [push('westeurope', 100_000)], topology: { ...base.topology, replicas: [replica('westeurope')] } }, catalog, prices);
    const without = monthlyCost({ ...base, pushes: [push('westeurope', 100_000)] }, catalog, prices);
    expect(big?.replicaInPushRegion?.monthlyValue).toBeCloseTo((without.total ?? NaN) - (withIt.total ?? NaN), 2);
    expect(big?.advice).toMatch(/pays/);
  });

  it("counts push transfer in a replica's marginal value", () => {
    const input: CostInput = { topology: { homeRegion: 'westus', sku: 'Premium', replicas: [replica('westeurope')] }, storageGiB: 100, workloads: [wl('westus', 10)], pushes: [push('westeurope', 1000)] };
    const b = withReplicaEconomics(input, monthlyCost(input, catalog, prices), catalog, prices);
    const we = b.locations.find((l) => l.region === 'westeurope');
    const fee = we?.total ?? NaN;
    // without it, the 1000 GB push crosses from europe to westus at europe's inter-continent rate
    expect(we?.marginalMonthlyValue).toBeCloseTo(1000 * bandwidth.interRegion.toOtherContinent.europe - fee, 6);
  });

  it('validates push sites: unknown region with did-you-mean, duplicates', () => {
    const out = new IssueCollector();
    const sites = resolvePushSites([{ region: 'westeurop' }, { region: 'eastus', pushGBPerMonth: 5 }, { region: 'East US' }, { name: 'ci', latitude: 1 }], catalog, out);
    expect(sites).toHaveLength(1);
    expect(out.issues.map((i) => `${i.pointer} ${i.code}`)).toEqual(['/pushRegions/0/region unknownRegion', '/pushRegions/2 duplicatePushSite', '/pushRegions/3/longitude required']);
  });
});

describe('answer sections: outage + push together', () => {
  it('moves pushes with their location in the outage section', () => {
    const input: CostInput = { topology: contoso, storageGiB: 120, workloads, pushes: [push('eastus', 100)] };
    const s = answerSections(input, catalog, prices);
    const east = s.outage.locations.find((l) => l.location === 'eastus');
    expect(east?.pushMoves?.[0]?.to).toBe('canadacentral');
    // the moved push now crosses regions within north-america, billed by eastus (the source)
    expect(east?.monthlyCost.pushTransfer).toBeCloseTo(100 * bandwidth.interRegion.withinContinent['north-america'], 2);
  });
});

describe('push site input', () => {
  it('warns that an unknown push volume is unknown, not 0', () => {
    const out = new IssueCollector();
    resolvePushSites([{ region: 'eastus' }, { region: 'westus', pushGBPerMonth: 0 }], catalog, out);
    expect(out.issues).toEqual([]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/'eastus'.*unknown/);
  });
});
