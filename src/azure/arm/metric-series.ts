/**
 * Pure helpers shared by the two pull-metrics adapters (Metrics_List in metrics.ts, the metrics batch
 * in metrics-batch.ts): daily totals of a metric's time series, the latest StorageUsed average, and the
 * PullSummary of a window of complete UTC days. Unknown stays null, never 0.
 */
import type { DailyPulls, PullSummary } from '../../model/live';

export const DAY_MS = 86_400_000;

export interface MetricPoint {
  timeStamp: Date | string;
  total?: number | null;
  average?: number | null;
}

export interface MetricSeries {
  data?: readonly MetricPoint[];
}

export function dateOf(ts: Date | string): string {
  return (ts instanceof Date ? ts : new Date(ts)).toISOString().slice(0, 10);
}

/** Daily totals over a metric's time series, keyed by date; a point without a finite `total` -> null. */
export function dailyTotals(series: readonly MetricSeries[] | undefined): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const s of series ?? []) {
    for (const point of s.data ?? []) {
      const d = dateOf(point.timeStamp);
      const v = typeof point.total === 'number' && Number.isFinite(point.total) ? point.total : null;
      const prev = out.get(d);
      out.set(d, prev === undefined || prev === null ? v : v === null ? prev : prev + v);
    }
  }
  return out;
}

/** The last finite `average` of a series (StorageUsed per geolocation), or null. */
export function latestAverage(series: MetricSeries): number | null {
  let latest: number | null = null;
  for (const p of series.data ?? []) if (typeof p.average === 'number' && Number.isFinite(p.average)) latest = p.average;
  return latest;
}

/** The key of a geolocation dimension value ("West US" -> "westus"). */
export function geolocationKey(geo: string): string {
  return geo.replace(/\s+/g, '').toLowerCase();
}

/** The latest StorageUsed average of each geolocation's series (keyed by geolocationKey); series without one are skipped. */
export function storageByGeolocation<S extends MetricSeries>(series: readonly S[] | undefined, geolocationOf: (s: S) => string | null | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const s of series ?? []) {
    const geo = geolocationOf(s);
    if (!geo) continue;
    out[geolocationKey(geo)] = latestAverage(s);
  }
  return out;
}

export function sumKnown(values: Iterable<number | null>): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

/** The PullSummary of the complete UTC days [startMs, endMs) from the daily totals of the three count metrics. */
export function pullSummaryOf(w: {
  days: number;
  startMs: number;
  endMs: number;
  pulls: Map<string, number | null>;
  successful: Map<string, number | null>;
  pushes: Map<string, number | null>;
  storageUsedBytesByGeolocation: Record<string, number | null>;
  timespan: string;
  interval: string;
}): PullSummary {
  const daily: DailyPulls[] = [];
  for (let t = w.startMs; t < w.endMs; t += DAY_MS) {
    const date = dateOf(new Date(t));
    daily.push({ date, pulls: w.pulls.get(date) ?? null });
  }
  return {
    days: w.days,
    totalPullCount: sumKnown(daily.map((d) => d.pulls)),
    successfulPullCount: sumKnown(w.successful.values()),
    totalPushCount: sumKnown(w.pushes.values()),
    daysWithData: daily.filter((d) => d.pulls !== null).length,
    daily,
    storageUsedBytesByGeolocation: w.storageUsedBytesByGeolocation,
    timespan: w.timespan,
    interval: w.interval,
  };
}
