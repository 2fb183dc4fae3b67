/**
 * Zone redundancy advice (issue #14): every location of a topology whose
 * region has availability zones but whose zone redundancy is off, with the
 * article's advice. Pure: no I/O. `zoneRedundancyRequired` (a constraint of
 * the recommender) keeps its own meaning; this is advice, never a refusal.
 */
import type { Catalog } from './catalog';
import type { Topology } from './types';

export interface ZoneRedundancyAdvice {
  region: string;
  role: 'home' | 'replica';
  /** Whether the location exists today (false: a replica the plan adds). */
  exists: boolean;
  advice: string;
}

/**
 * Advice for each location in a region with availability zones and zone
 * redundancy off. `existing` = the regions that already exist (replicas or
 * home) — those can only change by being re-created; new ones can be created
 * zone redundant. Omitted: every location is taken as existing.
 */
export function zoneRedundancyAdvice(topology: Topology, catalog: Catalog, existing?: ReadonlySet<string>): ZoneRedundancyAdvice[] {
  const out: ZoneRedundancyAdvice[] = [];
  const locs = [
    { region: topology.homeRegion, role: 'home' as const, zr: topology.homeZoneRedundancy ?? false },
    ...topology.replicas.map((r) => ({ region: r.region, role: 'replica' as const, zr: r.zoneRedundancy })),
  ];
  for (const l of locs) {
    if (l.zr || !catalog.get(l.region)?.availabilityZones) continue;
    const exists = existing ? existing.has(l.region) : true;
    const name = catalog.get(l.region)?.displayName ?? l.region;
    let advice: string;
    if (!exists) {
      advice = `${name} has availability zones: create this replica zone redundant (az acr replication create --location ${l.region} --zone-redundancy enabled). It costs nothing extra and can only be chosen at creation.`;
    } else if (l.role === 'home') {
      advice = `${name} has availability zones but the home location is not zone redundant. Zone redundancy is free but chosen when the registry is created: turning it on means creating a new zone-redundant registry (az acr create --zone-redundancy enabled) and moving the images (e.g. az acr import).`;
    } else {
      advice = `${name} has availability zones but this replica is not zone redundant. Zone redundancy is free but chosen at creation: delete and re-create the replica (az acr replication delete, then az acr replication create --location ${l.region} --zone-redundancy enabled); it re-syncs its content.`;
    }
    out.push({ region: l.region, role: l.role, exists, advice });
  }
  return out;
}
