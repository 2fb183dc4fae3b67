/**
 * Deterministic Azure Monitor metrics for registries (Microsoft.Insights/metrics, api-version 2024-02-01).
 * Values are generated per hour from (registry id, metric, hour) with a seeded hash, so any timespan
 * and interval give consistent sums.
 */
import { hashString, unitFloat } from './prng';
import { registryId } from './state';
import type { RegistryRecord } from './types';

const HOUR_MS = 3_600_000;
const GIB = 1024 ** 3;

export type MetricName = 'TotalPullCount' | 'SuccessfulPullCount' | 'TotalPushCount' | 'SuccessfulPushCount' | 'StorageUsed';
type Aggregation = 'total' | 'average' | 'minimum' | 'maximum' | 'count';

interface MetricInfo {
  localized: string;
  description: string;
  unit: 'Count' | 'Bytes';
  primary: Aggregation;
  dimensions: string[];
}

export const REGISTRY_METRICS: Record<MetricName, MetricInfo> = {
  TotalPullCount: { localized: 'Total Pull Count', description: 'Number of image pulls in total', unit: 'Count', primary: 'total', dimensions: [] },
  SuccessfulPullCount: { localized: 'Successful Pull Count', description: 'Number of successful image pulls', unit: 'Count', primary: 'total', dimensions: [] },
  TotalPushCount: { localized: 'Total Push Count', description: 'Number of image pushes in total', unit: 'Count', primary: 'total', dimensions: [] },
  SuccessfulPushCount: { localized: 'Successful Push Count', description: 'Number of successful image pushes', unit: 'Count', primary: 'total', dimensions: [] },
  StorageUsed: { localized: 'Storage used', description: 'The amount of storage used by the container registry.', unit: 'Bytes', primary: 'average', dimensions: ['Geolocation'] },
};

export class MetricsQueryError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** ISO 8601 duration (PnDTnHnMnS, PnW) in ms; throws on nonsense. */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase() === 'PT') {
    throw new MetricsQueryError('BadRequest', `Invalid ISO 8601 duration '${text}'.`);
  }
  const [, w, d, h, min, s] = m;
  const ms = (Number(w ?? 0) * 7 * 24 + Number(d ?? 0) * 24 + Number(h ?? 0)) * HOUR_MS + Number(min ?? 0) * 60_000 + Number(s ?? 0) * 1000;
  if (!(ms > 0)) throw new MetricsQueryError('BadRequest', `Duration '${text}' must be positive.`);
  return ms;
}

function parseInstant(text: string): number {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new MetricsQueryError('BadRequest', `Invalid timespan instant '${text}'.`);
  return t;
}

/** Parses `start/end`, `start/duration`, `duration/end` or a bare duration (ending now). Default: the last hour. */
export function parseTimespan(text: string | null, now: number): { start: number; end: number } {
  if (!text) return { start: now - HOUR_MS, end: now };
  const parts = text.split('/');
  if (parts.length === 1) {
    const d = parseIsoDuration(parts[0] ?? '');
    return { start: now - d, end: now };
  }
  if (parts.length !== 2) throw new MetricsQueryError('BadRequest', `Invalid timespan '${text}'.`);
  const [a = '', b = ''] = parts;
  let start: number;
  let end: number;
  if (/^P/i.test(a)) {
    end = parseInstant(b);
    start = end - parseIsoDuration(a);
  } else if (/^P/i.test(b)) {
    start = parseInstant(a);
    end = start + parseIsoDuration(b);
  } else {
    start = parseInstant(a);
    end = parseInstant(b);
  }
  if (!(end > start)) throw new MetricsQueryError('BadRequest', `Timespan '${text}' ends before it starts.`);
  return { start, end };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DIURNAL = [0.45, 0.4, 0.38, 0.4, 0.5, 0.7, 0.95, 1.2, 1.4, 1.5, 1.5, 1.45, 1.4, 1.45, 1.5, 1.5, 1.4, 1.25, 1.1, 0.95, 0.8, 0.7, 0.6, 0.5];
const DIURNAL_SUM = DIURNAL.reduce((a, b) => a + b, 0);

/** Hourly value of one metric, or undefined when the hour is outside the registry's history. */
function hourlyValue(reg: RegistryRecord, regHash: number, metric: MetricName, hour: number, geolocation: string | undefined, historyStartHour: number): number | undefined {
  if (hour < historyStartHour) return undefined;
  if (metric === 'StorageUsed') {
    const daysIn = (hour - historyStartHour) / 24;
    const locIdx = geolocation ? hashString(geolocation) % 7 : 0;
    const lag = geolocation && geolocation !== reg.location ? 1 - 0.0005 * (1 + locIdx) : 1;
    const bytes = reg.metrics.storageGiB * GIB * (1 + 0.002 * daysIn) * lag;
    return Math.round(bytes);
  }
  // UTC day of week and hour of day from the hour number (1970-01-01 was a Thursday): no Date per hour.
  const dow = (Math.floor(hour / 24) + 4) % 7;
  const weekday = dow === 0 || dow === 6 ? 0.6 : 1.1;
  const noise = 0.8 + 0.4 * unitFloat(regHash, hour, 1);
  const pulls = Math.round((reg.metrics.dailyPulls / DIURNAL_SUM) * (DIURNAL[hour % 24] ?? 1) * weekday * noise);
  if (metric === 'TotalPullCount') return pulls;
  if (metric === 'SuccessfulPullCount') return Math.max(0, pulls - Math.round(pulls * reg.metrics.failureRate * 2 * unitFloat(regHash, hour, 2)));
  const pushes = Math.round(pulls * reg.metrics.pushRatio * (0.5 + unitFloat(regHash, hour, 3)));
  if (metric === 'TotalPushCount') return pushes;
  return Math.max(0, pushes - Math.round(pushes * reg.metrics.failureRate * 2 * unitFloat(regHash, hour, 4)));
}

export interface MetricsQuery {
  timespan: string | null;
  interval: string | null;
  metricnames: string | null;
  aggregation: string | null;
  filter: string | null;
  resultType: string | null;
}

const MAX_POINTS = 100_000;

/** Parses `$filter` of the form `Geolocation eq '*'` / `Geolocation eq 'westus' or Geolocation eq 'eastus'`. */
function parseFilter(filter: string | null): { dimension: string; values: string[] | '*' } | undefined {
  if (!filter || !filter.trim()) return undefined;
  const clauses = filter.split(/\s+or\s+/i);
  let dimension: string | undefined;
  const values: string[] = [];
  for (const c of clauses) {
    const m = /^\s*([A-Za-z]+)\s+eq\s+'([^']*)'\s*$/i.exec(c);
    if (!m) throw new MetricsQueryError('BadRequest', `Unsupported $filter '${filter}'.`);
    const [, dim = '', value = ''] = m;
    if (dimension && dimension.toLowerCase() !== dim.toLowerCase()) throw new MetricsQueryError('BadRequest', `Only one dimension may be filtered: '${filter}'.`);
    dimension = dim;
    if (value === '*') return { dimension: dim, values: '*' };
    values.push(value.toLowerCase());
  }
  return dimension ? { dimension, values } : undefined;
}

/** Builds the Metrics_List response body for a registry. */
export function queryRegistryMetrics(reg: RegistryRecord, q: MetricsQuery, now: number): Record<string, unknown> {
  const names = (q.metricnames ?? 'TotalPullCount').split(',').map((s) => s.trim()).filter(Boolean);
  const metrics: MetricName[] = [];
  for (const n of names) {
    const found = (Object.keys(REGISTRY_METRICS) as MetricName[]).find((k) => k.toLowerCase() === n.toLowerCase());
    if (!found) {
      throw new MetricsQueryError('BadRequest', `Failed to find metric configuration for provider: Microsoft.ContainerRegistry, resource Type: registries, metric: ${n}, Valid metrics: ${Object.keys(REGISTRY_METRICS).join(',')}`);
    }
    metrics.push(found);
  }
  if (metrics.length > 20) throw new MetricsQueryError('BadRequest', 'At most 20 metrics may be requested.');
  const { start, end } = parseTimespan(q.timespan, now);
  const intervalText = (q.interval ?? 'PT1M').toUpperCase();
  const full = intervalText === 'FULL';
  const intervalMs = full ? end - start : parseIsoDuration(intervalText);
  const alignedStart = full ? start : Math.floor(start / intervalMs) * intervalMs;
  const buckets = Math.ceil((end - alignedStart) / intervalMs);
  if (buckets * metrics.length > MAX_POINTS) throw new MetricsQueryError('BadRequest', `Too many data points requested (${buckets} per metric); use a larger interval.`);
  const aggregations: Aggregation[] | undefined = q.aggregation
    ? q.aggregation.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean).map((a) => {
        if (!['total', 'average', 'minimum', 'maximum', 'count'].includes(a)) throw new MetricsQueryError('BadRequest', `Unknown aggregation '${a}'.`);
        return a as Aggregation;
      })
    : undefined;
  const filter = parseFilter(q.filter);
  const id = registryId(reg);
  const regHash = hashString(id.toLowerCase());
  const historyStartHour = Math.floor(now / HOUR_MS) - reg.metrics.historyDays * 24;
  const locations = [reg.location, ...[...reg.replicas.values()].map((r) => r.location)];
  const metadataOnly = (q.resultType ?? '').toLowerCase() === 'metadata';

  const value = metrics.map((metric) => {
    const info = REGISTRY_METRICS[metric];
    if (filter && !info.dimensions.some((d) => d.toLowerCase() === filter.dimension.toLowerCase())) {
      throw new MetricsQueryError('BadRequest', `Metric: ${metric} does not support requested dimension combination: ${filter.dimension}, supported ones are: ${info.dimensions.join(',') || 'none'}`);
    }
    const aggs = aggregations ?? [info.primary];
    const series: Array<{ geolocation?: string }> = filter
      ? (filter.values === '*' ? locations : locations.filter((l) => (filter.values as string[]).includes(l))).map((g) => ({ geolocation: g }))
      : [{}];
    return {
      id: `${id}/providers/Microsoft.Insights/metrics/${metric}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: metric, localizedValue: info.localized },
      displayDescription: info.description,
      errorCode: 'Success',
      unit: info.unit,
      timeseries: series.map((s) => ({
        metadatavalues: s.geolocation ? [{ name: { value: 'geolocation', localizedValue: 'Geolocation' }, value: s.geolocation }] : [],
        ...(metadataOnly
          ? {}
          : {
              data: Array.from({ length: buckets }, (_, b) => {
                const bStart = alignedStart + b * intervalMs;
                const bEnd = Math.min(bStart + intervalMs, full ? end : Number.POSITIVE_INFINITY);
                return dataPoint(reg, regHash, metric, bStart, bEnd, s.geolocation, locations, historyStartHour, aggs, Math.min(bEnd, now));
              }),
            }),
      })),
    };
  });

  return {
    cost: value.length * buckets,
    timespan: `${isoSeconds(start)}/${isoSeconds(end)}`,
    interval: full ? 'FULL' : intervalText,
    namespace: 'Microsoft.ContainerRegistry/registries',
    resourceregion: reg.location,
    value,
  };
}

function dataPoint(
  reg: RegistryRecord,
  regHash: number,
  metric: MetricName,
  bStart: number,
  bEnd: number,
  geolocation: string | undefined,
  locations: string[],
  historyStartHour: number,
  aggs: Aggregation[],
  dataEnd: number,
): Record<string, unknown> {
  const point: Record<string, unknown> = { timeStamp: isoSeconds(bStart) };
  const samples: number[] = [];
  let total = 0;
  for (let hour = Math.floor(bStart / HOUR_MS); hour * HOUR_MS < bEnd && hour * HOUR_MS < dataEnd; hour++) {
    const hStart = hour * HOUR_MS;
    const overlap = (Math.min(hStart + HOUR_MS, bEnd) - Math.max(hStart, bStart)) / HOUR_MS;
    if (overlap <= 0) continue;
    let v: number | undefined;
    if (metric === 'StorageUsed' && !geolocation) {
      // No dimension split: average across the registry's locations.
      const per = locations.map((l) => hourlyValue(reg, regHash, metric, hour, l, historyStartHour));
      v = per.some((x) => x === undefined) ? undefined : Math.round((per as number[]).reduce((a, b) => a + b, 0) / per.length);
    } else {
      v = hourlyValue(reg, regHash, metric, hour, geolocation, historyStartHour);
    }
    if (v === undefined) continue;
    const scaled = metric === 'StorageUsed' ? v : v * overlap;
    samples.push(scaled);
    total += scaled;
  }
  if (samples.length === 0) return point;
  const isCount = REGISTRY_METRICS[metric].unit === 'Count';
  for (const a of aggs) {
    if (a === 'total') point['total'] = isCount ? Math.round(total) : total;
    else if (a === 'average') point['average'] = isCount ? total / samples.length : Math.round(total / samples.length);
    else if (a === 'minimum') point['minimum'] = Math.min(...samples);
    else if (a === 'maximum') point['maximum'] = Math.max(...samples);
    else point['count'] = samples.length;
  }
  return point;
}
