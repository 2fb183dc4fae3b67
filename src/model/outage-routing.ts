/**
 * Where a workload goes when one location of its registry fails (issue #14),
 * for the failover map. The routing is the estimate's own function, cost.ts
 * `serveWorkloadsFrom` (Traffic Manager: the enabled location with the lowest
 * RTT from the workload, unknown RTT last, ties on lower transfer rate then
 * region name) over the enabled locations that remain: the very call the
 * outage section (src/model/outage.ts) makes, so the map and the answers agree.
 */
import type { Catalog } from './catalog';
import { locationsOf, serveWorkloadsFrom } from './cost';
import type { PriceBook, Topology, WorkloadSite } from './types';

/** The locations of `topology` (home first) that `fail` may name: every location, enabled or not. */
export function failableLocations(topology: Topology): string[] {
  return locationsOf(topology).all;
}

/** The enabled locations left when `failed` is down (home included unless it is the one that failed). */
export function remainingLocations(topology: Topology, failed: string): string[] {
  return locationsOf(topology).enabled.filter((l) => l !== failed);
}

/** Role of a location in the topology, or undefined when it is none of its locations. */
export function locationRole(topology: Topology, location: string): 'home' | 'replica' | undefined {
  if (location === topology.homeRegion) return 'home';
  return topology.replicas.some((r) => r.region === location) ? 'replica' : undefined;
}

/** Where a workload is served while `failed` is down: `to` null = no remaining location can serve it (no registry at all). */
export interface FailoverRoute {
  to: string | null;
  /** ms, P50 round trip from the workload to `to`; null when `to` is null. */
  latencyMs: number | null;
  latencyEstimated: boolean;
}

/** The next-closest remaining enabled location of `site` when `failed` fails (the estimate's routing rule). */
export function failoverRoute(site: WorkloadSite, topology: Topology, failed: string, catalog: Catalog, prices: PriceBook): FailoverRoute {
  return failoverRoutes([site], topology, failed, catalog, prices)[0] ?? { to: null, latencyMs: null, latencyEstimated: false };
}

/** failoverRoute for many sites at once (one call of the estimate's routing). */
export function failoverRoutes(sites: readonly WorkloadSite[], topology: Topology, failed: string, catalog: Catalog, prices: PriceBook): FailoverRoute[] {
  const served = serveWorkloadsFrom(
    remainingLocations(topology, failed),
    sites.map((site) => ({ site, pullGBPerMonth: null, volumeSource: 'failover routing' })),
    catalog,
    prices,
  );
  return served.map((w) => (w.servedBy === null ? { to: null, latencyMs: null, latencyEstimated: false } : { to: w.servedBy, latencyMs: w.latencyMs, latencyEstimated: w.latencyEstimated }));
}

/** A workload as served in the normal state: its id (cost.ts `workloadId`), its site, who serves it and at what RTT. */
export interface ServedWorkload {
  id: string;
  site: WorkloadSite;
  servedBy: string | null;
  latencyMs: number | null;
}

/** One workload that moves because the location serving it failed (`to` null = unserved). */
export interface FailoverMove {
  workload: string;
  from: string;
  to: string | null;
  latencyMsBefore: number | null;
  latencyMsAfter: number | null;
  latencyEstimated: boolean;
}

/**
 * The moves of a failure of `failed`: only the workloads it served in the
 * normal state (the others keep their location: removing a location that is
 * not a workload's closest does not change its closest), in input order.
 */
export function failoverMoves(
  topology: Topology,
  failed: string,
  workloads: readonly ServedWorkload[],
  catalog: Catalog,
  prices: PriceBook,
): FailoverMove[] {
  const moving = workloads.filter((w) => w.servedBy === failed);
  const routes = failoverRoutes(
    moving.map((w) => w.site),
    topology,
    failed,
    catalog,
    prices,
  );
  return moving.map((w, i) => {
    const route = routes[i] ?? { to: null, latencyMs: null, latencyEstimated: false };
    return { workload: w.id, from: failed, to: route.to, latencyMsBefore: w.latencyMs, latencyMsAfter: route.latencyMs, latencyEstimated: route.latencyEstimated };
  });
}

/** The assumptions every failover view states (the contract's first two, and the home-outage one when the home fails). */
export function failoverAssumptions(role: 'home' | 'replica'): string[] {
  return [
    'Traffic Manager routes each workload to its lowest-latency remaining enabled location (ties: lower transfer rate, then region name), the estimate\'s own rule.',
    'The failed location is still billed (registry units + storage) while it is down.',
    ...(role === 'home'
      ? ['Home outage: pulls and pushes keep working from the replicas, but management operations (replications, network rules, webhooks) fail until the home region returns.']
      : []),
  ];
}
