import { httpEndpoint, json, type ParameterDoc } from '../http/endpoint';
import { checkQuery } from '../http/validate';
import { LIMITS, regionNameSchema } from '../schemas/common';
import { catalogProvenance } from '../catalog';
import { regionsResponseSchema } from '../schemas/responses';

const parameters: ParameterDoc[] = [
  { name: 'continent', in: 'query', description: 'Only regions on this continent', schema: { type: 'string', maxLength: 32 } },
  { name: 'zones', in: 'query', description: 'true: only regions with availability zones', schema: { type: 'boolean' } },
  { name: 'q', in: 'query', description: 'Case-insensitive substring of name or display name', schema: { type: 'string', maxLength: LIMITS.regionNameLength, examples: regionNameSchema.examples } },
];

/** GET /api/regions — the region catalog (name, display name, continent, lat/long, zones, pair). */
export const regions = httpEndpoint({
  name: 'regions',
  route: 'regions',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Azure regions known to the planner',
        description: 'Filter with `?continent=europe`, `?zones=true`, or `?q=` (name or display name contains).',
        tags: ['catalog'],
        parameters,
        responses: { '200': { description: 'Regions', schema: regionsResponseSchema } },
      },
      run: async (rc) => {
        const { catalog } = rc.services;
        checkQuery(rc.query, parameters);
        const continent = rc.query.get('continent');
        const zones = rc.query.get('zones');
        const q = rc.query.get('q')?.toLowerCase();
        const list = catalog.regions
          .filter((r) => !continent || r.continent === continent)
          .filter((r) => zones === null || (zones === 'true') === r.availabilityZones)
          .filter((r) => !q || r.name.includes(q) || r.displayName.toLowerCase().includes(q))
          .map((r) => ({ ...r, latencyPublished: catalog.latency.rttMs[r.name] !== undefined }));
        return json({ count: list.length, regions: list, source: catalogProvenance }, 200, { 'Cache-Control': 'public, max-age=3600' });
      },
    },
  },
});
