/**
 * The region catalog: region lookup (with did-you-mean), the published
 * inter-region latency matrix and the great-circle fallback. Pure: the data is
 * passed in (see src/catalog/index.ts for the shipped snapshot).
 */
import type { Continent, Latency, Region } from './types';

export interface LatencyMatrix {
  source: string;
  retrieved: string;
  unit: string;
  /** rttMs[from][to]: P50 round trip, measured from `from` (the side that sends the request). */
  rttMs: Record<string, Record<string, number>>;
}

/** RTT ≈ interceptMs + msPerKm × great-circle km, fitted by least squares over the published matrix. */
export interface DistanceFit {
  interceptMs: number;
  msPerKm: number;
  pairs: number;
}

/** Inputs longer than this (raw or normalised) get no did-you-mean: Azure's longest region name is < 30 characters. */
export const SUGGEST_MAX_INPUT = 64;
/** Distinct misspellings remembered per catalog (the memo is emptied when full). */
const SUGGEST_MEMO_SIZE = 1000;

export class Catalog {
  readonly regions: readonly Region[];
  private readonly byName = new Map<string, Region>();
  private readonly byKey = new Map<string, Region>();
  private fitCache: DistanceFit | undefined;
  private readonly suggestMemo = new Map<string, readonly string[]>();
  /** rtt() of two catalog regions, by from then to, frozen, filled on first use: the cost model asks the same few thousand pairs per recommendation. */
  private readonly rttMemo = new Map<string, Map<string, Latency>>();

  constructor(
    regions: readonly Region[],
    readonly latency: LatencyMatrix,
  ) {
    this.regions = [...regions].sort((a, b) => a.name.localeCompare(b.name));
    for (const r of this.regions) {
      this.byName.set(r.name, r);
      this.byKey.set(normalizeRegionKey(r.name), r);
      this.byKey.set(normalizeRegionKey(r.displayName), r);
    }
  }

  /** Exact lookup by canonical ARM name. */
  get(name: string): Region | undefined {
    return this.byName.get(name);
  }

  /** Lookup accepting `westus`, `West US`, `west-us`, `WEST_US`. */
  find(input: string): Region | undefined {
    return this.byKey.get(normalizeRegionKey(input));
  }

  /**
   * Up to `max` region names closest to an unknown input (edit distance on the
   * normalised key). Bounded: an input longer than SUGGEST_MAX_INPUT gets no
   * suggestion (no region name is that long), a candidate whose length alone
   * puts it over the distance limit is skipped, and each distance stops as
   * soon as it exceeds the limit; answers are memoised (a request may repeat
   * one misspelling a thousand times).
   */
  suggest(input: string, max = 3): string[] {
    if (input.length > SUGGEST_MAX_INPUT) return [];
    const key = normalizeRegionKey(input);
    if (!key || key.length > SUGGEST_MAX_INPUT) return [];
    const memoKey = `${max}\u0000${key}`;
    const memo = this.suggestMemo.get(memoKey);
    if (memo) return [...memo];
    const limit = Math.max(2, Math.ceil(key.length / 3));
    const scored: { name: string; score: number }[] = [];
    for (const r of this.regions) {
      const nameKey = normalizeRegionKey(r.name);
      const d = Math.min(boundedLevenshtein(key, nameKey, limit + 1), boundedLevenshtein(key, normalizeRegionKey(r.displayName), limit + 1));
      const score = d + (nameKey.startsWith(key) ? -0.5 : 0);
      if (score <= limit) scored.push({ name: r.name, score });
    }
    const out = scored
      .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
      .slice(0, max)
      .map((s) => s.name);
    if (this.suggestMemo.size >= SUGGEST_MEMO_SIZE) this.suggestMemo.clear();
    this.suggestMemo.set(memoKey, out);
    return [...out];
  }

  /**
   * Round-trip latency from `from` to `to` (both canonical names): published,
   * estimated, or unknown. Between two catalog regions the answer is
   * remembered and shared (frozen); other names are answered afresh.
   */
  rtt(from: string, to: string): Latency {
    let row = this.rttMemo.get(from);
    if (row === undefined) {
      if (!this.byName.has(from)) return this.rttOf(from, to);
      row = new Map();
      this.rttMemo.set(from, row);
    }
    let latency = row.get(to);
    if (latency === undefined) {
      latency = this.rttOf(from, to);
      if (!this.byName.has(to)) return latency;
      row.set(to, Object.freeze(latency));
    }
    return latency;
  }

  private rttOf(from: string, to: string): Latency {
    if (from === to) return { ms: 0, estimated: false };
    const published = this.latency.rttMs[from]?.[to];
    if (published !== undefined) return { ms: published, estimated: false };
    const a = this.byName.get(from);
    const b = this.byName.get(to);
    if (!a || !b || a.latitude === null || a.longitude === null || b.latitude === null || b.longitude === null) {
      return { ms: null, estimated: true };
    }
    return { ms: this.estimateRttMs(greatCircleKm(a.latitude, a.longitude, b.latitude, b.longitude)), estimated: true };
  }

  /** Estimated round trip from a point (outside Azure) to a region; always flagged as estimated. */
  rttFromPoint(latitude: number, longitude: number, to: string): Latency {
    const b = this.byName.get(to);
    if (!b || b.latitude === null || b.longitude === null) return { ms: null, estimated: true };
    return { ms: this.estimateRttMs(greatCircleKm(latitude, longitude, b.latitude, b.longitude)), estimated: true };
  }

  /** The nearest region (great-circle) to a point, used to price internet egress by continent. */
  nearestRegion(latitude: number, longitude: number): Region | undefined {
    let best: Region | undefined;
    let bestKm = Infinity;
    for (const r of this.regions) {
      if (r.latitude === null || r.longitude === null) continue;
      const km = greatCircleKm(latitude, longitude, r.latitude, r.longitude);
      if (km < bestKm) {
        bestKm = km;
        best = r;
      }
    }
    return best;
  }

  /** The least-squares fit behind every estimated latency (computed once, lazily). */
  distanceFit(): DistanceFit {
    if (!this.fitCache) this.fitCache = fitDistance(this);
    return this.fitCache;
  }

  private estimateRttMs(km: number): number {
    const fit = this.distanceFit();
    return Math.max(1, Math.round(fit.interceptMs + fit.msPerKm * km));
  }
}

/** `West US` / `west-us` / `westus` → `westus`. */
export function normalizeRegionKey(input: string): string {
  return input.toLowerCase().replace(/[\s\-_.]+/g, '');
}

/** Haversine distance in km on a 6371 km sphere. */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function fitDistance(catalog: Catalog): DistanceFit {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [from, row] of Object.entries(catalog.latency.rttMs)) {
    const a = catalog.get(from);
    if (!a || a.latitude === null || a.longitude === null) continue;
    for (const [to, ms] of Object.entries(row)) {
      const b = catalog.get(to);
      if (!b || b.latitude === null || b.longitude === null) continue;
      const x = greatCircleKm(a.latitude, a.longitude, b.latitude, b.longitude);
      n += 1;
      sx += x;
      sy += ms;
      sxx += x * x;
      sxy += x * ms;
    }
  }
  if (n < 2) return { interceptMs: 5, msPerKm: 0.02, pairs: n };
  const msPerKm = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const interceptMs = (sy - msPerKm * sx) / n;
  return { interceptMs, msPerKm, pairs: n };
}

/** Middle East and Africa are one bandwidth pricing group. */
export function pricingGroup(c: Continent): string {
  return c === 'middle-east' || c === 'africa' ? 'middle-east-africa' : c;
}

/**
 * levenshtein(a, b) when it is below `cap`, else `cap`: stops as soon as
 * every entry of a row is ≥ cap, and at once when the lengths alone differ by
 * cap or more, so its cost is bounded by the short side × the longer side at
 * worst and usually far less.
 */
export function boundedLevenshtein(a: string, b: string, cap: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      prev[j] = v;
      if (v < rowMin) rowMin = v;
      diag = up;
    }
    if (rowMin >= cap) return cap;
  }
  return Math.min(cap, prev[b.length] ?? 0);
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}
