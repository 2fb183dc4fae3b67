/**
 * PullMetricsPort over @azure/arm-monitor (Metrics_List, api-version 2024-02-01).
 * ACR has no bytes-pulled metric and no per-region pull split: only counts, and StorageUsed per Geolocation.
 */
import type { ArmClientFactory } from './clients';
import { InvalidArmRequestError } from './errors';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import type { DailyPulls, PullMetricsPort, PullSummary } from '../../app/ports/arm';
import { parseRegistryResourceId } from './resource-id';

const DAY_MS = 86_400_000;
/** Azure Monitor keeps platform metrics for 93 days. */
export const MAX_METRIC_DAYS = 93;

interface MetricValueLike {
  timeStamp: Date | string;
  total?: number;
  average?: number;
}
interface MetricLike {
  name: { value: string };
  timeseries?: Array<{ metadatavalues?: Array<{ name?: { value: string }; value?: string }>; data?: MetricValueLike[] }>;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function dateOf(ts: Date | string): string {
  return (ts instanceof Date ? ts : new Date(ts)).toISOString().slice(0, 10);
}

function findMetric(metrics: MetricLike[], name: string): MetricLike | undefined {
  return metrics.find((m) => m.name.value.toLowerCase() === name.toLowerCase());
}

/** Daily totals of one metric (first/only time series), keyed by date; missing `total` -> null. */
function dailyTotals(metric: MetricLike | undefined): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const series of metric?.timeseries ?? []) {
    for (const point of series.data ?? []) {
      const d = dateOf(point.timeStamp);
      const v = typeof point.total === 'number' && Number.isFinite(point.total) ? point.total : null;
      const prev = out.get(d);
      out.set(d, prev === undefined || prev === null ? v : v === null ? prev : prev + v);
    }
  }
  return out;
}

function sumKnown(values: Iterable<number | null>): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
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
        const pulls = dailyTotals(findMetric(countMetrics, 'TotalPullCount'));
        const successful = dailyTotals(findMetric(countMetrics, 'SuccessfulPullCount'));
        const pushes = dailyTotals(findMetric(countMetrics, 'TotalPushCount'));
        const daily: DailyPulls[] = [];
        for (let t = start; t < end; t += DAY_MS) {
          const date = dateOf(new Date(t));
          daily.push({ date, pulls: pulls.get(date) ?? null });
        }
        const storageUsedBytesByGeolocation: Record<string, number | null> = {};
        for (const series of findMetric(storage.value as MetricLike[], 'StorageUsed')?.timeseries ?? []) {
          const geo = series.metadatavalues?.find((m) => (m.name?.value ?? '').toLowerCase() === 'geolocation')?.value;
          if (!geo) continue;
          let latest: number | null = null;
          for (const p of series.data ?? []) if (typeof p.average === 'number' && Number.isFinite(p.average)) latest = p.average;
          storageUsedBytesByGeolocation[geo.replace(/\s+/g, '').toLowerCase()] = latest;
        }
        return {
          days,
          totalPullCount: sumKnown(daily.map((d) => d.pulls)),
          successfulPullCount: sumKnown(successful.values()),
          totalPushCount: sumKnown(pushes.values()),
          daysWithData: daily.filter((d) => d.pulls !== null).length,
          daily,
          storageUsedBytesByGeolocation,
          timespan: counts.timespan,
          interval: counts.interval ?? 'P1D',
        };
      } catch (e) {
        throw toAzureError(e, { operation: 'read pull metrics', resourceId: id.id, call: ctx });
      }
    });
  }
}
