/** src/model/live.ts: the one live → topology converter (planning and apply views) and the metric derivations. */
import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH } from '../../src/model/cost';
import { fillEqualShares, monthlyPulls, storageGiBFromMetrics, topologyFromLive, type LiveRegistry } from '../../src/model/live';
import type { WorkloadInput } from '../../src/schemas/estimate';
import { liveRegistry, pullSummary } from '../app/fakes';

const replica = (location: string, provisioningState: string | null, regionEndpointEnabled = true) => ({ name: location, location, regionEndpointEnabled, zoneRedundancy: false, provisioningState, displayStatus: null });
const live: LiveRegistry = liveRegistry('contoso', {
  zoneRedundancy: true,
  replicas: [replica('westeurope', 'Succeeded'), replica('eastus', 'Failed', false), replica('canadacentral', null), replica('northeurope', 'Creating')],
});

describe('topologyFromLive', () => {
  it('planning view: every replica, sorted by region, home zone redundancy kept', () => {
    const t = topologyFromLive(live, { view: 'planning' });
    expect(t.homeRegion).toBe('westus');
    expect(t.homeZoneRedundancy).toBe(true);
    expect(t.replicas.map((r) => r.region)).toEqual(['canadacentral', 'eastus', 'northeurope', 'westeurope']);
    expect(t.replicas.find((r) => r.region === 'eastus')?.regionEndpointEnabled).toBe(false);
  });

  it('apply view: only replicas that succeeded (or report no state) exist, so a failed create is retried', () => {
    expect(topologyFromLive(live, { view: 'apply' }).replicas.map((r) => r.region)).toEqual(['canadacentral', 'westeurope']);
  });

  it('a replication in the home location is never a replica', () => {
    const t = topologyFromLive({ ...live, replicas: [replica('westus', 'Succeeded')] }, { view: 'apply' });
    expect(t.replicas).toEqual([]);
  });
});

describe('metric derivations', () => {
  it('monthlyPulls scales the daily average to a 730-hour month; unknown without data', () => {
    expect(monthlyPulls(pullSummary(100))).toBeCloseTo(100 * DAYS_PER_MONTH, 9);
    expect(monthlyPulls(pullSummary(null))).toBeNull();
    expect(monthlyPulls(null)).toBeNull();
  });

  it('storageGiBFromMetrics: the home geolocation, else the largest known, else unknown', () => {
    const GIB = 1024 ** 3;
    expect(storageGiBFromMetrics(pullSummary(1, { westus: 2 * GIB, eastus: 9 * GIB }), 'westus')).toBe(2);
    expect(storageGiBFromMetrics(pullSummary(1, { westus: null, eastus: 9 * GIB, northeurope: 3 * GIB }), 'westus')).toBe(9);
    expect(storageGiBFromMetrics(pullSummary(1, { westus: null }), 'westus')).toBeNull();
  });

  it('fillEqualShares splits what the given shares leave, and says when shares do not add up', () => {
    const w: WorkloadInput[] = [{ region: 'westus', share: 0.4 }, { region: 'eastus' }, { region: 'westeurope' }, { region: 'japaneast', pullGBPerMonth: 5 }];
    const notes = fillEqualShares(w);
    expect(w.map((x) => x.share)).toEqual([0.4, 0.3, 0.3, undefined]);
    expect(notes).toEqual(["2 workload(s) gave no volume or share: they split the remaining 60.0% of the registry's pulls equally (30.0% each)."]);
    const over: WorkloadInput[] = [{ share: 0.7 }, { share: 0.7 }];
    expect(fillEqualShares(over)).toEqual(["The workloads' shares add up to 140.0%, not 100%: the pulls not attributed to a workload are left out of the transfer cost."]);
  });
});
