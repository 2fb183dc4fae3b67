/**
 * The failover view of a map input: one location of the shown topology
 * fails, the workloads it served move to their next-closest remaining
 * enabled location (src/model/outage-routing.ts, the estimate's routing
 * rule), those with no location left are unserved. Pure.
 */
import type { Catalog } from '../catalog';
import type { CostInput } from '../cost';
import type { EstimateOptions } from '../estimate';
import { echo, resolveRegionAt, type IssueCollector } from '../inputs';
import { outageOf } from '../outage';
import { failableLocations, failoverAssumptions, failoverMoves, locationRole } from '../outage-routing';
import type { PriceBook, Topology, WorkloadSite } from '../types';
import { mapInputFromEstimateRequest } from './convert';
import type { MapWorkload, ReplicationMapInput } from './types';

/** The topology a failover view fails a location of: the recommended one when shown, else the current one. */
export const shownTopology = (input: ReplicationMapInput): Topology => input.recommended ?? input.current;

/** The site of a map workload: its Azure region, or its point outside Azure (named by its id, as cost.ts `workloadId` does). */
export function siteOfMapWorkload(w: MapWorkload): WorkloadSite {
  return w.region !== undefined ? { kind: 'azure', region: w.region } : { kind: 'external', name: w.id, latitude: w.latitude, longitude: w.longitude };
}

/**
 * `?fail=` resolved to a location of `topology` (ARM or display name): an
 * unknown region gets the did-you-mean issue, a region that is not one of the
 * topology's locations an issue listing the valid choices; `pointer` locates both.
 */
export function resolveFailLocation(value: string, topology: Topology, catalog: Catalog, out: IssueCollector, pointer = '/fail'): string | undefined {
  const region = resolveRegionAt(value, pointer, catalog, out);
  if (region === undefined) return undefined;
  const choices = failableLocations(topology);
  if (choices.includes(region)) return region;
  out.add(pointer, `'${echo(value)}' is not a location of the shown topology; choose one of ${choices.join(', ')}`, 'notALocation', choices);
  return undefined;
}

/**
 * The map input in the failover state of `failed` (already a location of the
 * shown topology): moved workloads carry their new location, unserved ones
 * `servedBy: null`, and `failover` the moves and the assumptions for the caption.
 */
export function withFailover(input: ReplicationMapInput, failed: string, catalog: Catalog, prices: PriceBook): ReplicationMapInput {
  const topology = shownTopology(input);
  const role = locationRole(topology, failed);
  if (role === undefined) throw new Error(`'${failed}' is not a location of the shown topology`);
  const workloads = input.workloads ?? [];
  const moves = failoverMoves(
    topology,
    failed,
    workloads.map((w) => ({ id: w.id, site: siteOfMapWorkload(w), servedBy: w.servedBy, latencyMs: w.latencyMs ?? null })),
    catalog,
    prices,
  );
  const byId = new Map(moves.map((m) => [m.workload, m]));
  const moved: MapWorkload[] = workloads.map((w) => {
    const m = w.servedBy === failed ? byId.get(w.id) : undefined;
    if (!m) return w;
    return { ...w, servedBy: m.to, latencyMs: m.latencyMsAfter, movedFrom: failed, failover: m.to === null ? 'unserved' : 'moved' };
  });
  return {
    ...input,
    workloads: moved,
    failover: { location: failed, role, moves, unserved: moves.filter((m) => m.to === null).map((m) => m.workload), assumptions: failoverAssumptions(role) },
  };
}

/**
 * The map of an estimate request in the failover state of `failed`, with the
 * failover state's monthly cost and its delta from the outage section
 * (src/model/outage.ts), whose moves are the same routing.
 */
export function estimateFailoverInput(input: CostInput, failed: string, catalog: Catalog, prices: PriceBook, opts: EstimateOptions = {}): ReplicationMapInput {
  const mapInput = withFailover(mapInputFromEstimateRequest(input, catalog, prices, opts), failed, catalog, prices);
  const entry = outageOf(input, catalog, prices).locations.find((l) => l.location === failed);
  if (!mapInput.failover || !entry) return mapInput;
  return { ...mapInput, failover: { ...mapInput.failover, monthlyCost: entry.monthlyCost, monthlyCostDelta: entry.monthlyCostDelta } };
}
