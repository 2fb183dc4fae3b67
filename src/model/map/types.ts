/**
 * Input of the replication map (types only). Region names are canonical ARM
 * names; coordinates come from the catalog, workloads carry their own.
 */
import type { FailoverMove } from '../outage-routing';
import type { Topology } from '../types';

/** A workload drawn on the map: where it pulls from, who serves it, how much. */
export interface MapWorkload {
  id: string;
  /** The Azure region the workload runs in (its line starts at that region's hexagon); absent for points outside Azure. */
  region?: string;
  latitude: number;
  longitude: number;
  /** The location serving it (a region of the shown topology), or null when unknown. */
  servedBy: string | null;
  /** GB per month; null = unknown (drawn with the thinnest line, labelled unknown). */
  pullGBPerMonth: number | null;
  latencyMs?: number | null;
  /** Failover view only: `moved` = rerouted because its location failed (`servedBy` is the new one), `unserved` = no registry left. */
  failover?: 'moved' | 'unserved';
  /** Failover view only: the failed location that served it before. */
  movedFrom?: string;
}

/** The failover state drawn over the map: one location down, its workloads rerouted (src/model/outage-routing.ts). */
export interface MapFailover {
  /** The failed location (a location of the shown topology). */
  location: string;
  role: 'home' | 'replica';
  moves: FailoverMove[];
  /** Ids of the workloads left with no registry at all. */
  unserved: string[];
  assumptions: string[];
  /** The failover state's monthly cost if it lasted (the outage section's figure), when known to the caller. */
  monthlyCost?: MapCost;
  /** Failover − normal, currency per month; null = unknown. */
  monthlyCostDelta?: number | null;
}

/** A monthly cost as the API presents it; a bare number is a known total. */
export type MapCost = number | { total: number | null; totalKnown?: number; unknown?: string[] } | null;

export interface ReplicationMapInput {
  /** The registry as it is: home region (blue) and replicas (blue). */
  current: Topology;
  /** The recommended topology: additions and removals are marked against `current`. */
  recommended?: Topology;
  /** Workloads, with the location serving them (under `recommended` when given, else `current`). */
  workloads?: MapWorkload[];
  costBefore?: MapCost;
  costAfter?: MapCost;
  currency: string;
  /** Date of the prices (e.g. `2026-11`). */
  pricesAsOf: string;
  /** Heading of the map; defaults to a description of the topology. */
  title?: string;
  /** The failover view: one location of the shown topology (`recommended` when given, else `current`) down. */
  failover?: MapFailover;
}

/**
 * How a region is drawn. `home`/`replica`: current locations (blue);
 * `add`/`remove`: recommended changes; `available`: a replica can be added
 * (green); `unavailable`: access-restricted, not available for replication (gray).
 */
export type RegionState = 'home' | 'replica' | 'add' | 'remove' | 'available' | 'unavailable';
