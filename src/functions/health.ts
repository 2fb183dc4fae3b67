import { httpEndpoint, json } from '../http/endpoint';
import { healthResponseSchema } from '../schemas/responses';
import { version } from '../version';

/** GET /api/health — liveness plus what the instance runs with (no secrets). */
export const health = httpEndpoint({
  name: 'health',
  route: 'health',
  authLevel: 'anonymous',
  operations: {
    GET: {
      doc: {
        summary: 'Health and configuration summary',
        tags: ['service'],
        responses: { '200': { description: 'The service is up', schema: healthResponseSchema } },
      },
      run: async (rc) => {
        const { catalog, settings } = rc.services;
        const prices = rc.services.prices();
        return json(
          {
            status: 'ok',
            version,
            time: new Date().toISOString(),
            catalog: {
              regions: catalog.regions.length,
              latencyRegions: Object.keys(catalog.latency.rttMs).length,
              pricesAsOf: prices.asOf,
              currency: prices.currency,
            },
            checks: {
              arm: settings.arm.staticToken ? `sandbox/static token at ${settings.arm.endpoint}` : `DefaultAzureCredential at ${settings.arm.endpoint}`,
              identity: settings.identity.appServiceAuthEnabled
                ? 'App Service authentication (x-ms-client-principal)'
                : settings.identity.localPrincipalHeader
                  ? 'local stand-in header x-geoplanner-principal (development only)'
                  : `none: plan and drift routes answer 401${settings.identity.localPrincipalHeaderRefused ? ` (${settings.identity.localPrincipalHeaderRefused})` : ''}`,
              storage: settings.storage.connectionString ? (settings.storage.connectionString.includes('UseDevelopmentStorage=true') ? 'Azurite (development storage)' : 'configured') : 'not configured',
            },
          },
          200,
          { 'Cache-Control': 'no-store' },
        );
      },
    },
  },
});
