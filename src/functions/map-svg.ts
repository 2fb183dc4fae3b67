import { httpEndpoint, readJsonBody, type RequestContext } from '../http/endpoint';
import type { HttpResponseInit } from '@azure/functions';
import { BadRequestError } from '../http/problem';
import type { InputIssue } from '../model/errors';
import { REGISTRY_ID_PATTERN, problemSchema } from '../schemas/common';
import type { EstimateRequest } from '../schemas/estimate';
import { failParameterSchema, mapRequestSchema } from '../schemas/map';
import { precheckPlanningBody } from '../model/inputs';
import { isRecommendation, liveRegistryMap, recommendationMap, recommendationMapIssues, topologyMap } from '../app/map';
import { MAX_RESOURCE_ID_LENGTH, registryResourceIdIssue } from '../model/registry-id';

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

const failParameter = { name: 'fail', in: 'query' as const, required: false, description: failParameterSchema.description, schema: failParameterSchema };

/** `?fail=`: absent, or a non-empty name of at most LIMITS.regionNameLength characters (400 naming the parameter otherwise); resolved by the use case. */
export function failParam(query: URLSearchParams): string | undefined {
  const fail = query.get('fail');
  if (fail === null) return undefined;
  const max = failParameterSchema.maxLength;
  if (fail.trim().length === 0 || fail.length > max) {
    const message = fail.length > max ? `is ${fail.length} characters long; a location name has at most ${max}` : 'must name a location of the topology';
    throw new BadRequestError(`?fail ${message}.`, [{ pointer: '/fail', message, code: fail.length > max ? 'maxLength' : 'minLength' }]);
  }
  return fail.trim();
}

/** readJsonBody with the map schema, without the if/then/else bookkeeping issues ajv adds to the real ones. */
async function readMapBody(rc: RequestContext): Promise<unknown> {
  const { catalog } = rc.services;
  try {
    return await readJsonBody<unknown>(rc, mapRequestSchema, (raw) => {
      if (!isRecommendation(raw)) return precheckPlanningBody(raw, catalog);
      return recommendationMapIssues(raw, catalog);
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
        parameters: [failParameter],
        requestSchema: mapRequestSchema,
        responses: {
          '200': { description: 'The map', schema: { type: 'string', description: 'SVG document' }, contentType: 'image/svg+xml' },
          '400': { description: 'Invalid request: every problem with its JSON pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '413': { description: 'Body too large', schema: problemSchema, contentType: 'application/problem+json' },
          '415': { description: 'Body is not JSON', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const fail = failParam(rc.query);
        const raw = await readMapBody(rc);
        if (isRecommendation(raw)) return svgResponse(await recommendationMap(rc.services, { body: raw, ...(fail !== undefined ? { fail } : {}) }));
        return svgResponse(await topologyMap(rc.services, { request: raw as EstimateRequest, ...(fail !== undefined ? { fail } : {}) }));
      },
    },
    GET: {
      doc: {
        summary: 'The replication map of a live registry',
        description: 'Reads the registry through Azure Resource Manager and draws its home and replicas (no workloads: post a body to POST /api/map.svg for those).',
        tags: ['map'],
        parameters: [{ name: 'registry', in: 'query', required: true, description: 'ARM resource id of the registry', schema: { type: 'string', pattern: REGISTRY_ID_PATTERN } }, failParameter],
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
        const fail = failParam(rc.query);
        return svgResponse(await liveRegistryMap(rc.services, { registryId: id, ...(fail !== undefined ? { fail } : {}) }));
      },
    },
  },
});
