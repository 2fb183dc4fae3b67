/**
 * Use cases of the replication map (SVG): of a posted topology with its
 * workloads, of a posted recommendation (current vs recommended), and of a
 * live registry read through Azure Resource Manager.
 */
import type { Catalog } from '../model/catalog';
import type { CostInput } from '../model/cost';
import type { InputIssue } from '../model/errors';
import type { EstimateOptions } from '../model/estimate';
import { IssueCollector, resolveRegionAt } from '../model/inputs';
import {
  estimateFailoverInput,
  mapInputFromEstimateRequest,
  mapInputFromRecommendation,
  renderReplicationMap,
  resolveFailLocation,
  shownTopology,
  toTopology,
  withFailover,
  type RecommendationLike,
  type ReplicationMapInput,
} from '../model/map';
import type { PriceBook } from '../model/types';
import type { EstimateRequest } from '../schemas/estimate';
import type { MapTopologyInput, RecommendationMapInput } from '../schemas/map';
import { planningInput, resolveLiveContext, type PlanningInputDeps } from './planning-input';

export type MapDeps = PlanningInputDeps;

/**
 * The failover view of a map input for `?fail=` (a location of the shown
 * topology, ARM or display name), or the input unchanged without one. An
 * unknown region or one that is not a location of the topology is an issue at
 * `/fail` (recorded in `out`, with the valid choices).
 */
function failoverInput(input: ReplicationMapInput, fail: string | undefined, catalog: Catalog, prices: PriceBook, out: IssueCollector): ReplicationMapInput {
  if (fail === undefined) return input;
  const location = resolveFailLocation(fail, shownTopology(input), catalog, out);
  return location === undefined ? input : withFailover(input, location, catalog, prices);
}

/** The map of one topology with its workloads, priced with `prices`; with `fail`, in the failover state of that location. */
export async function topologyMapSvg(input: CostInput, catalog: Catalog, prices: PriceBook, opts: EstimateOptions = {}, fail?: string): Promise<string> {
  if (fail === undefined) return renderReplicationMap(mapInputFromEstimateRequest(input, catalog, prices, opts), catalog);
  const out = new IssueCollector();
  const location = resolveFailLocation(fail, input.topology, catalog, out);
  out.throwIfAny();
  if (location === undefined) throw new Error('fail could not be resolved although no issue was recorded');
  return renderReplicationMap(estimateFailoverInput(input, location, catalog, prices, opts), catalog);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A posted body is a recommendation (the answer of POST /api/recommendations) when it has `recommended`. */
export const isRecommendation = (raw: unknown): boolean => isObj(raw) && raw.recommended !== undefined;

/**
 * Canonical region names in a posted recommendation (unknown ones become
 * issues with did-you-mean); servedBy must be a location of the recommended topology.
 */
export function resolveRecommendationForMap(raw: unknown, catalog: Catalog, out: IssueCollector): RecommendationLike | undefined {
  if (!isObj(raw)) return undefined;
  const rec = raw as unknown as RecommendationMapInput;
  const topo = (t: MapTopologyInput | undefined, base: string): RecommendationLike['current']['topology'] | undefined => {
    if (!isObj(t)) return undefined;
    const home = resolveRegionAt(t.homeRegion, `${base}/homeRegion`, catalog, out);
    const replicas = (Array.isArray(t.replicas) ? t.replicas : []).flatMap((r, i) => {
      if (!isObj(r)) return [];
      const region = resolveRegionAt(r.region, `${base}/replicas/${i}/region`, catalog, out);
      if (region !== undefined && region === home) {
        out.add(`${base}/replicas/${i}/region`, `'${region}' is the home region: a replica cannot be created in the home region`, 'replicaInHomeRegion');
        return [];
      }
      return region === undefined ? [] : [{ ...r, region }];
    });
    return home === undefined ? undefined : { ...t, homeRegion: home, replicas };
  };
  const current = topo(rec.current?.topology, '/current/topology');
  const recommended = topo(rec.recommended?.topology, '/recommended/topology');
  const locations = recommended ? new Set([recommended.homeRegion, ...recommended.replicas.filter((r) => r.regionEndpointEnabled !== false).map((r) => r.region)]) : undefined;
  const lines = Array.isArray(rec.recommended?.estimate?.workloads) ? (rec.recommended?.estimate?.workloads ?? []) : [];
  const workloads = lines.flatMap((w, i) => {
    if (!isObj(w)) return [];
    const p = `/recommended/estimate/workloads/${i}`;
    const region = w.region === undefined ? undefined : resolveRegionAt(w.region, `${p}/region`, catalog, out);
    const servedBy = w.servedBy === null || w.servedBy === undefined ? null : (resolveRegionAt(w.servedBy, `${p}/servedBy`, catalog, out) ?? null);
    if (servedBy !== null && locations && !locations.has(servedBy)) {
      out.add(`${p}/servedBy`, `'${servedBy}' is not an enabled location of the recommended topology`, 'notALocation');
    }
    if (w.region === undefined && (typeof w.latitude !== 'number' || typeof w.longitude !== 'number')) {
      out.add(p, 'give region (an Azure region) or latitude + longitude (a point outside Azure)', 'required');
    }
    return [{ ...w, ...(region !== undefined ? { region } : {}), servedBy }];
  });
  if (!current || !recommended) return undefined;
  return {
    currency: rec.currency,
    prices: { asOf: rec.prices?.asOf },
    current: { topology: current, ...(rec.current.monthlyCost ? { monthlyCost: rec.current.monthlyCost } : {}) },
    recommended: { topology: recommended, ...(rec.recommended.monthlyCost ? { monthlyCost: rec.recommended.monthlyCost } : {}), estimate: { workloads } },
  };
}

/** The failover state's cost from the posted answer's `recommended.outage` entry for the failed location, when it has one. */
function withPostedFailoverCost(mapInput: ReplicationMapInput, body: unknown): ReplicationMapInput {
  const f = mapInput.failover;
  if (!f || !isObj(body)) return mapInput;
  const entries = (body as unknown as RecommendationMapInput).recommended?.outage?.locations;
  const entry = Array.isArray(entries) ? entries.find((e) => isObj(e) && e.location === f.location) : undefined;
  if (!entry || !isObj(entry.monthlyCost)) return mapInput;
  const c = entry.monthlyCost;
  return {
    ...mapInput,
    failover: {
      ...f,
      monthlyCost: { total: c.total, ...(c.totalKnown !== undefined ? { totalKnown: c.totalKnown } : {}), ...(c.unknown ? { unknown: c.unknown } : {}) },
      monthlyCostDelta: entry.monthlyCostDelta ?? null,
    },
  };
}

/** The problems of a posted recommendation (unknown regions, servedBy outside the recommended topology), for the 400. */
export function recommendationMapIssues(raw: unknown, catalog: Catalog): InputIssue[] {
  const out = new IssueCollector();
  resolveRecommendationForMap(raw, catalog, out);
  return out.issues;
}

/**
 * The map of a posted recommendation: additions (+), removals (−), cost
 * before → after; with `fail`, a location of the recommended topology down.
 * The failover routing ties on transfer rate with the shipped prices (the
 * posted answer does not carry its price overrides).
 */
export async function recommendationMap(deps: Pick<MapDeps, 'catalog' | 'prices'>, input: { body: unknown; fail?: string }): Promise<string> {
  const out = new IssueCollector();
  const rec = resolveRecommendationForMap(input.body, deps.catalog, out);
  if (rec && input.fail !== undefined) resolveFailLocation(input.fail, toTopology(rec.recommended.topology), deps.catalog, out);
  out.throwIfAny();
  if (!rec) throw new Error('recommendation could not be resolved although no issue was recorded');
  const mapInput = failoverInput(mapInputFromRecommendation(rec, deps.catalog), input.fail, deps.catalog, deps.prices(), new IssueCollector());
  return renderReplicationMap(withPostedFailoverCost(mapInput, input.body), deps.catalog);
}

/** The map of a posted topology (explicit or live) with its workloads; with `fail`, that location down. */
export async function topologyMap(deps: MapDeps, input: { request: EstimateRequest; fail?: string }): Promise<string> {
  const p = await planningInput(deps, { request: input.request });
  return topologyMapSvg(p.costInput, deps.catalog, p.prices, p.estimateOptions, input.fail);
}

/** The map of a live registry: its home and replicas, no workloads (with `fail`, that location crossed out). `registryId` was checked by the caller. */
export async function liveRegistryMap(deps: MapDeps, input: { registryId: string; fail?: string }): Promise<string> {
  const out = new IssueCollector();
  const live = await resolveLiveContext(deps, { registry: { id: input.registryId }, workloads: [] }, out);
  const resolved = live?.resolved(undefined, out);
  out.throwIfAny();
  if (!live || !resolved) throw new Error('live registry could not be resolved');
  return topologyMapSvg({ ...resolved, workloads: [] }, deps.catalog, deps.prices(), {
    warnings: out.warnings,
    extraAssumptions: live.assumptions,
    registryId: live.registryId,
  }, input.fail);
}
