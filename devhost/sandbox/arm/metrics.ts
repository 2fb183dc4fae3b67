/** ARM sandbox: Microsoft.Insights/metrics of a registry. */
import { MetricsQueryError, queryRegistryMetrics } from '../metrics';
import { ArmError, METRICS_API_VERSION, isPlainObject, requireApiVersion, type Reply } from './common';
import { getRegistry } from './registries';
import type { ArmHandler } from './routes';

export const METRICS_HANDLERS: Record<string, ArmHandler> = {
  metrics(ctx, { method, query, sub, rg, name }) {
    requireApiVersion(query, METRICS_API_VERSION, 'metrics');
    if (method !== 'GET') return undefined;
    const r = getRegistry(ctx, sub, rg, name);
    const q = (k: string): string | null => {
      for (const [key, v] of query) if (key.toLowerCase() === k.toLowerCase()) return v;
      return null;
    };
    try {
      return {
        statusCode: 200,
        body: queryRegistryMetrics(
          r,
          { timespan: q('timespan'), interval: q('interval'), metricnames: q('metricnames'), aggregation: q('aggregation'), filter: q('$filter'), resultType: q('resultType') },
          ctx.now().getTime(),
        ),
      };
    } catch (e) {
      if (e instanceof MetricsQueryError) throw new ArmError(400, e.code, e.message);
      throw e;
    }
  },
};

/**
 * Azure Monitor's metrics API (Swagger default response: common-types v1 ErrorResponse) returns flat
 * errors `{code, message}`, unlike ARM/ACR's `{error: {code, message}}`.
 */
export function flattenMetricsError(operationId: string, reply: Reply): Reply {
  if (operationId === 'Metrics_List' && reply.statusCode >= 400 && isPlainObject(reply.body) && isPlainObject(reply.body['error'])) {
    return { ...reply, body: reply.body['error'] };
  }
  return reply;
}
