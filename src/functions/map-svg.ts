import { httpEndpoint, readJsonBody, type RequestContext } from '../http/endpoint';
import type { HttpResponseInit } from '@azure/functions';
import { BadRequestError } from '../http/problem';
import type { Catalog } from '../model/catalog';
import type { CostInput } from '../model/cost';
import type { InputIssue } from '../model/errors';
import type { EstimateOptions } from '../model/estimate';
import { IssueCollector, precheckPlanningBody, resolveRegionAt } from '../model/inputs';
import { mapInputFromEstimateRequest, mapInputFromRecommendation, renderReplicationMap, type RecommendationLike } from '../model/map';
import type { PriceBook } from '../model/types';
import { REGISTRY_ID_PATTERN, problemSchema } from '../schemas/common';
import { MAX_RESOURCE_ID_LENGTH, registryResourceIdIssue } from '../azure/arm/resource-id';
import type { EstimateRequest } from '../schemas/estimate';
import { mapRequestSchema, type MapTopologyInput, type RecommendationMapInput } from '../schemas/map';
import { resolveLiveContext, resolvePlanningInput } from './live-context';

export const SVG_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

export function svgResponse(svg: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'Content-Type': SVG_CONTENT_TYPE,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // Opened on its own, the SVG may not run script or load anything.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: svg,
  };
}

/**
 * The map of one topology with its workloads, priced with `prices`: the one
 * call a `GET /api/map.svg?registry=<id>` needs once the live topology and
 * workloads are resolved.
 */
export async function topologyMapSvg(input: CostInput, catalog: Catalog, prices: PriceBook, opts: EstimateOptions = {}): Promise<string> {
  return renderReplicationMap(mapInputFromEstimateRequest(input, catalog, prices, opts), catalog);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

const isRecommendation = (raw: unknown): boolean => isObj(raw) && raw.recommended !== undefined;

/** readJsonBody with the map schema, without the if/then/else bookkeeping issues ajv adds to the real ones. */
async function readMapBody(rc: RequestContext): Promise<unknown> {
  const { catalog } = rc.services;
  try {
    return await readJsonBody<unknown>(rc, mapRequestSchema, (raw) => {
      if (!isRecommendation(raw)) return precheckPlanningBody(raw, catalog);
      const out = new IssueCollector();
      resolveRecommendationForMap(raw, catalog, out);
      return out.issues;
    });
  } catch (e) {
    if (!(e instanceof BadRequestError)) throw e;
    const issues = (e.extensions.errors as InputIssue[] | undefined) ?? [];
    const real = issues.filter((i) => i.code !== 'if');
    if (real.length === issues.length || real.length === 0) throw e;
    throw new BadRequestError(
      `The request has ${real.length} problem${real.length === 1 ? '' : 's'}: ${real.map((i) => `${i.pointer || '(body)'} ${i.message}`).join('; ')}`,
      real,
    );
  }
}

/** POST /api/map.svg — the replication map of a topology, or of a recommendation (current vs recommended). */
export const mapSvg = httpEndpoint({
  name: 'mapSvg',
  route: 'map.svg',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Replication map (SVG) of a topology or a recommendation',
        description:
          'A 1280×720 world map with a hexagon per Azure region, as the portal draws replication: blue for the home region and replicas, green where a replica can be added, gray where replication is not available (access-restricted regions). Posting the answer of POST /api/recommendations marks the recommended additions (+) and removals (−) and shows the monthly cost before → after; posting an estimate request shows that topology. Each workload gets a line to the location serving it, its width by volume. Hexagons carry `data-region`/`data-state` and a `<title>`.',
        tags: ['planning'],
        requestSchema: mapRequestSchema,
        responses: {
          '200': { description: 'The map', schema: { type: 'string', description: 'SVG document' }, contentType: 'image/svg+xml' },
          '400': { description: 'Invalid request: every problem with its JSON pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '413': { description: 'Body too large', schema: problemSchema, contentType: 'application/problem+json' },
          '415': { description: 'Body is not JSON', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const { catalog } = rc.services;
        const raw = await readMapBody(rc);
        const out = new IssueCollector();
        if (isRecommendation(raw)) {
          const rec = resolveRecommendationForMap(raw, catalog, out);
          out.throwIfAny();
          if (!rec) throw new Error('recommendation could not be resolved although no issue was recorded');
          return svgResponse(await renderReplicationMap(mapInputFromRecommendation(rec, catalog), catalog));
        }
        const input = await resolvePlanningInput(rc, raw as EstimateRequest);
        const svg = await topologyMapSvg(input.costInput, catalog, input.prices, input.estimateOptions);
        return svgResponse(svg);
      },
    },
    GET: {
      doc: {
        summary: 'The replication map of a live registry',
        description: 'Reads the registry through Azure Resource Manager and draws its home and replicas (no workloads: post a body to POST /api/map.svg for those).',
        tags: ['map'],
        parameters: [{ name: 'registry', in: 'query', required: true, description: 'ARM resource id of the registry', schema: { type: 'string', pattern: REGISTRY_ID_PATTERN } }],
        responses: {
          '200': { description: 'The map', schema: { type: 'string' }, contentType: 'image/svg+xml' },
          '400': { description: 'Missing or malformed registry id', schema: problemSchema, contentType: 'application/problem+json' },
          '404': { description: 'No such registry', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const id = rc.query.get('registry');
        if (!id || id.length > MAX_RESOURCE_ID_LENGTH || !new RegExp(REGISTRY_ID_PATTERN).test(id)) {
          throw new BadRequestError('Give ?registry=/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}.', [
            {
              pointer: '/registry',
              message: id && id.length > MAX_RESOURCE_ID_LENGTH ? `is ${id.length} characters long; a registry resource id has at most ${MAX_RESOURCE_ID_LENGTH}` : 'must be a registry resource id',
              code: 'pattern',
            },
          ]);
        }
        // The pattern lets any resource group through: parse it now (bad escapes, bad names) so it is a 400 naming the parameter.
        const issue = registryResourceIdIssue(id, '/registry');
        if (issue) throw new BadRequestError(`?registry ${issue.message}`, [issue]);
        const out = new IssueCollector();
        const live = await resolveLiveContext(rc, { id }, out, []);
        const resolved = live?.resolved(undefined, out);
        out.throwIfAny();
        if (!live || !resolved) throw new Error('live registry could not be resolved');
        const svg = await topologyMapSvg({ ...resolved, workloads: [] }, rc.services.catalog, rc.services.prices(), {
          warnings: out.warnings,
          extraAssumptions: live.assumptions,
          registryId: live.registryId,
        });
        return svgResponse(svg);
      },
    },
  },
});
