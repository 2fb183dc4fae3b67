import { httpEndpoint, json } from '../http/endpoint';
import { buildOpenApi } from '../schemas/openapi';
import { version } from '../version';
import { httpEndpoints } from './registry';

let cached: Record<string, unknown> | undefined;

/** GET /api/openapi.json — OpenAPI 3.1 for every route, from the schemas ajv validates with. */
export const openapi = httpEndpoint({
  name: 'openapi',
  route: 'openapi.json',
  authLevel: 'anonymous',
  operations: {
    GET: {
      doc: {
        summary: 'OpenAPI 3.1 description of this API',
        tags: ['service'],
        responses: { '200': { description: 'The OpenAPI document', schema: { type: 'object' } } },
      },
      run: async () => {
        cached ??= buildOpenApi(httpEndpoints(), { title: 'acr-geoplanner', version });
        return json(cached, 200, { 'Cache-Control': 'public, max-age=300' });
      },
    },
  },
});
