/**
 * Azure Monitor's metrics batch data-plane API in the sandbox:
 * `POST {regional endpoint}/subscriptions/{subscriptionId}/metrics:getBatch` (operationId
 * `MetricsBatch_Batch`, api-version 2024-02-01, what @azure/monitor-query-metrics's MetricsClient
 * sends). The regional endpoint `https://{region}.metrics.monitor.azure.com` is
 * `{sandbox}/metrics/{region}` here. Body `{resourceids: [...]}`: at most 50 resources, all of the
 * path's subscription and of the endpoint's region (else 400). Query: `starttime`, `endtime`,
 * `interval`, `metricnamespace` (required), `metricnames` (required), `aggregation`, `filter`.
 * The values are the sandbox's deterministic registry metrics (the same as Metrics_List);
 * a resource the sandbox does not know answers an element with no metric values.
 */
import { MetricsQueryError, queryRegistryMetrics } from './metrics';
import type { RegistryRecord } from './types';

export const METRICS_BATCH_API_VERSION = '2024-02-01';
export const METRICS_BATCH_PATH = /^\/metrics\/([a-z0-9]+)\/subscriptions\/([^/]+)\/metrics:getBatch$/i;
export const MAX_BATCH_RESOURCES = 50;

export interface BatchReply {
  statusCode: number;
  body: unknown;
}

const REGISTRY_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i;

function bad(message: string, code = 'BadRequest'): BatchReply {
  return { statusCode: 400, body: { error: { code, message } } };
}

export class MetricsBatchSandbox {
  /** Calls answered (200). */
  calls = 0;
  resources = 0;

  constructor(
    private readonly find: (sub: string, rg: string, name: string) => RegistryRecord | undefined,
    private readonly now: () => number,
  ) {}

  handle(region: string, subscriptionId: string, query: URLSearchParams, body: unknown): BatchReply {
    const q = (k: string): string | null => {
      for (const [key, v] of query) if (key.toLowerCase() === k) return v;
      return null;
    };
    const apiVersion = q('api-version');
    if (apiVersion !== METRICS_BATCH_API_VERSION) return bad(`api-version must be ${METRICS_BATCH_API_VERSION}, got ${JSON.stringify(apiVersion)}.`, 'InvalidApiVersion');
    const namespace = q('metricnamespace');
    const names = q('metricnames');
    if (!namespace) return bad("'metricnamespace' is required.");
    if (!names) return bad("'metricnames' is required.");
    if (namespace.toLowerCase() !== 'microsoft.containerregistry/registries') return bad(`The sandbox serves metrics of Microsoft.ContainerRegistry/registries only, not ${namespace}.`);
    const ids = (body as { resourceids?: unknown } | null)?.resourceids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) return bad("'resourceids' must be a non-empty array of resource ids.");
    if (ids.length > MAX_BATCH_RESOURCES) return bad(`At most ${MAX_BATCH_RESOURCES} resource ids may be queried in one batch, got ${ids.length}.`);
    const start = q('starttime');
    const end = q('endtime');
    if (end && !start) return bad("'starttime' is required when 'endtime' is given.");
    const startMs = start ? Date.parse(start) : this.now() - 3_600_000;
    const endMs = end ? Date.parse(end) : this.now();
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) return bad(`Invalid time range ${String(start)} – ${String(end)}.`);
    const timespan = `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`;
    const values: unknown[] = [];
    for (const id of ids as string[]) {
      const m = REGISTRY_ID.exec(id);
      if (!m) return bad(`'${id}' is not a Microsoft.ContainerRegistry/registries resource id.`);
      if ((m[1] ?? '').toLowerCase() !== subscriptionId.toLowerCase()) return bad(`Resource '${id}' is not in subscription ${subscriptionId}: a batch holds resources of one subscription.`);
      const reg = this.find(m[1] ?? '', m[2] ?? '', m[3] ?? '');
      if (reg && reg.location.toLowerCase() !== region.toLowerCase()) {
        return bad(`Resource '${id}' is in region ${reg.location}, not ${region}: query it on https://${reg.location}.metrics.monitor.azure.com.`);
      }
      if (!reg) {
        values.push({ starttime: new Date(startMs).toISOString(), endtime: new Date(endMs).toISOString(), interval: q('interval') ?? 'PT1M', namespace, resourceregion: region, resourceid: id, value: [] });
        continue;
      }
      try {
        const r = queryRegistryMetrics(reg, { timespan, interval: q('interval'), metricnames: names, aggregation: q('aggregation'), filter: q('filter'), resultType: null }, this.now());
        const [s, e] = String(r['timespan']).split('/');
        values.push({ starttime: s, endtime: e, interval: r['interval'], namespace: r['namespace'], resourceregion: r['resourceregion'], resourceid: id, value: r['value'] });
      } catch (err) {
        if (err instanceof MetricsQueryError) return bad(err.message, err.code);
        throw err;
      }
    }
    this.calls += 1;
    this.resources += ids.length;
    return { statusCode: 200, body: { values } };
  }
}
