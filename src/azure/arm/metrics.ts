/**
 * PullMetricsPort over @azure/arm-monitor (Metrics_List, api-version 2024-02-01).
 * ACR has no bytes-pulled metric and no per-region pull split: only counts, and StorageUsed per Geolocation.
 */
import type { ArmClientFactory } from './clients';
import { InvalidArmRequestError } from './errors';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import type { PullMetricsPort, PullSummary } from '../../app/ports/arm';
import { DAY_MS, dailyTotals, pullSummaryOf, storageByGeolocation, type MetricSeries } from './metric-series';
import { parseRegistryResourceId } from './resource-id';

/** Azure Monitor keeps platform metrics for 93 days. */
export const MAX_METRIC_DAYS = 93;

interface MetricLike {
  name: { value: string };
  timeseries?: Array<MetricSeries & { metadatavalues?: Array<{ name?: { value: string }; value?: string }> }>;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function findMetric(metrics: MetricLike[], name: string): MetricLike | undefined {
  return metrics.find((m) => m.name.value.toLowerCase() === name.toLowerCase());
}

export interface MetricsAdapterOptions {
  /** Clock (tests). */
  now?: () => Date;
}

export class AzureMonitorPullMetricsAdapter implements PullMetricsPort {
  constructor(
    private readonly clients: ArmClientFactory,
    private readonly options: MetricsAdapterOptions = {},
  ) {}

  /**
   * The last `days` complete UTC days (today excluded), interval P1D:
   * TotalPullCount, SuccessfulPullCount, TotalPushCount (Total) in one query and
   * StorageUsed (Average, split by Geolocation) in another.
   */
  async getPullSummary(resourceId: string, options: { days: number; abortSignal?: AbortSignal }): Promise<PullSummary> {
    const id = parseRegistryResourceId(resourceId);
    const days = options.days;
    if (!Number.isInteger(days) || days < 1 || days > MAX_METRIC_DAYS) {
      throw new InvalidArmRequestError(`days must be an integer between 1 and ${MAX_METRIC_DAYS}, got ${String(days)}.`);
    }
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const end = Math.floor(now / DAY_MS) * DAY_MS;
    const start = end - days * DAY_MS;
    const timespan = `${isoSeconds(start)}/${isoSeconds(end)}`;
    const req = options.abortSignal ? { requestOptions: {}, abortSignal: options.abortSignal } : {};
    return runWithCallContext(async (ctx) => {
      try {
        const client = await this.clients.monitor();
        // The SDK's URL template is "/{+resourceUri}/providers/...": pass the id without its leading slash.
        const resourceUri = id.id.slice(1);
        const [counts, storage] = await Promise.all([
          client.metrics.list(resourceUri, {
            timespan,
            interval: 'P1D',
            metricnames: 'TotalPullCount,SuccessfulPullCount,TotalPushCount',
            aggregation: 'Total',
            metricnamespace: 'Microsoft.ContainerRegistry/registries',
            ...req,
          }),
          client.metrics.list(resourceUri, {
            timespan,
            interval: 'P1D',
            metricnames: 'StorageUsed',
            aggregation: 'Average',
            filter: "Geolocation eq '*'",
            metricnamespace: 'Microsoft.ContainerRegistry/registries',
            ...req,
          }),
        ]);
        const countMetrics = counts.value as MetricLike[];
        const daily = (name: string) => dailyTotals(findMetric(countMetrics, name)?.timeseries);
        const storageUsedBytesByGeolocation = storageByGeolocation(
          findMetric(storage.value as MetricLike[], 'StorageUsed')?.timeseries,
          (series) => series.metadatavalues?.find((m) => (m.name?.value ?? '').toLowerCase() === 'geolocation')?.value,
        );
        return pullSummaryOf({
          days,
          startMs: start,
          endMs: end,
          pulls: daily('TotalPullCount'),
          successful: daily('SuccessfulPullCount'),
          pushes: daily('TotalPushCount'),
          storageUsedBytesByGeolocation,
          timespan: counts.timespan,
          interval: counts.interval ?? 'P1D',
        });
      } catch (e) {
        throw toAzureError(e, { operation: 'read pull metrics', resourceId: id.id, call: ctx });
      }
    });
  }
}
