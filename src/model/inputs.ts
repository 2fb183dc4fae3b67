/**
 * Turns request shapes into domain values, collecting every semantic problem
 * (unknown region with did-you-mean, duplicates, replica in the home region,
 * zone redundancy where no zones exist, ...) with its JSON pointer. Written
 * defensively so it can run on a body that also failed schema validation:
 * one 400 then lists every problem at once.
 */
import { SUGGEST_MAX_INPUT, type Catalog } from './catalog';
import { InvalidInputError, type InputIssue } from './errors';
import type { PriceBook, PushSite, ReplicaSpec, Sku, Topology, Workload, WorkloadSite } from './types';
import type { PriceOverrides, RegistryInput, ReplicaInput, WorkloadInput } from '../schemas/estimate';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Issues an InvalidInputError lists (the count of all of them is in its message). */
export const MAX_LISTED_ISSUES = 50;
/** Did-you-mean lookups one collector makes; later unknown names get the plain message (only the first issues are listed anyway). */
export const SUGGESTION_BUDGET = 50;
/** Input echoed in a message is cut to this many characters. */
export const ECHO_MAX = 64;

/** `value` as echoed in a message: at most ECHO_MAX characters, with an ellipsis when cut. */
export function echo(value: string): string {
  return value.length <= ECHO_MAX ? value : `${value.slice(0, ECHO_MAX)}…`;
}

export class IssueCollector {
  readonly issues: InputIssue[] = [];
  readonly warnings: string[] = [];
  /** Did-you-mean lookups left (see SUGGESTION_BUDGET). */
  suggestionsLeft = SUGGESTION_BUDGET;
  add(pointer: string, message: string, code: string, didYouMean?: string[]): void {
    this.issues.push({ pointer, message, code, ...(didYouMean && didYouMean.length ? { didYouMean } : {}) });
  }
  /** Throws one InvalidInputError listing the first MAX_LISTED_ISSUES issues (its message gives the full count, `errorsOmitted` the rest). */
  throwIfAny(): void {
    const n = this.issues.length;
    if (n === 0) return;
    if (n <= MAX_LISTED_ISSUES) throw new InvalidInputError(this.issues);
    const listed = this.issues.slice(0, MAX_LISTED_ISSUES);
    throw new InvalidInputError(
      listed,
      `The request has ${n} problems (the first ${MAX_LISTED_ISSUES} are listed, ${n - MAX_LISTED_ISSUES} omitted): ${listed.slice(0, 10).map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}; …`,
      { errorsOmitted: n - MAX_LISTED_ISSUES },
    );
  }
}

/**
 * The checks that need no live registry, for a body that may also have failed
 * schema validation (so one 400 lists every problem).
 */
export function precheckPlanningBody(raw: unknown, catalog: Catalog): InputIssue[] {
  if (!isObj(raw)) return [];
  const out = new IssueCollector();
  const hasId = isObj(raw.registry) && raw.registry.id !== undefined;
  if (!hasId) resolveTopology(raw.registry, raw.replicas, catalog, out);
  else if (isObj(raw.registry) && raw.registry.homeRegion !== undefined) {
    out.add('/registry/homeRegion', 'give either registry.id (a live registry) or registry.homeRegion, not both', 'ambiguousRegistry');
  }
  resolveWorkloads(raw.workloads, { avgPullSizeMB: isNum(raw.avgPullSizeMB) ? raw.avgPullSizeMB : undefined, ...(hasId ? { livePullsPerMonth: null } : {}) }, catalog, out);
  resolvePushSites(raw.pushRegions, catalog, out);
  return out.issues;
}

/** Resolves a region name at `pointer`; records an issue (with did-you-mean) and returns undefined if unknown. */
export function resolveRegionAt(value: unknown, pointer: string, catalog: Catalog, out: IssueCollector): string | undefined {
  if (!isStr(value)) return undefined;
  // No region name is longer than SUGGEST_MAX_INPUT: a longer value is unknown without looking it up or suggesting.
  const region = value.length <= SUGGEST_MAX_INPUT ? catalog.find(value) : undefined;
  if (region) return region.name;
  let suggestions: string[] = [];
  if (value.length <= SUGGEST_MAX_INPUT && out.suggestionsLeft > 0) {
    out.suggestionsLeft -= 1;
    suggestions = catalog.suggest(value);
  }
  out.add(
    pointer,
    `unknown Azure region '${echo(value)}'${suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''} (GET /api/regions lists them)`,
    'unknownRegion',
    suggestions,
  );
  return undefined;
}

export interface ResolvedTopology {
  topology: Topology;
  storageGiB: number | null;
}

/**
 * Topology from an explicit `registry` + `replicas`. Returns undefined when it
 * cannot be built (the issues say why). SKU defaults to Premium; any replica
 * forces Premium (with a warning if another SKU was asked for).
 */
export function resolveTopology(registry: unknown, replicas: unknown, catalog: Catalog, out: IssueCollector, base = ''): ResolvedTopology | undefined {
  if (!isObj(registry)) return undefined;
  const reg = registry as unknown as RegistryInput;
  let home: string | undefined;
  if (reg.homeRegion === undefined) {
    if (reg.id === undefined) out.add(`${base}/registry/homeRegion`, 'required: give registry.homeRegion (or registry.id of a live registry)', 'required');
  } else {
    home = resolveRegionAt(reg.homeRegion, `${base}/registry/homeRegion`, catalog, out);
  }
  const homeZr = reg.zoneRedundancy === true;
  if (home && homeZr && !catalog.get(home)?.availabilityZones) {
    out.add(`${base}/registry/zoneRedundancy`, `zone redundancy is not available in '${home}' (no availability zones)`, 'zonesUnavailable');
  }
  const specs: ReplicaSpec[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(replicas) ? replicas : []).forEach((raw: unknown, i) => {
    if (!isObj(raw)) return;
    const r = raw as unknown as ReplicaInput;
    const p = `${base}/replicas/${i}`;
    const region = resolveRegionAt(r.region, `${p}/region`, catalog, out);
    if (!region) return;
    if (region === home) {
      out.add(`${p}/region`, `'${region}' is the home region: a replica cannot be created in the home region`, 'replicaInHomeRegion');
      return;
    }
    const prev = seen.get(region);
    if (prev !== undefined) {
      out.add(`${p}/region`, `duplicate replica '${region}' (also at ${base}/replicas/${prev})`, 'duplicateRegion');
      return;
    }
    seen.set(region, i);
    const zr = r.zoneRedundancy === true;
    const info = catalog.get(region);
    if (zr && !info?.availabilityZones) {
      out.add(`${p}/zoneRedundancy`, `zone redundancy is not available in '${region}' (no availability zones)`, 'zonesUnavailable');
    }
    if (info?.restricted) out.warnings.push(`${region} is an access-restricted region: replicas there need a support request first.`);
    specs.push({ region, regionEndpointEnabled: r.regionEndpointEnabled !== false, zoneRedundancy: zr });
  });
  if (!home) return undefined;
  let sku: Sku = isStr(reg.sku) && ['Basic', 'Standard', 'Premium'].includes(reg.sku) ? (reg.sku as Sku) : 'Premium';
  if (reg.sku === undefined) out.warnings.push('registry.sku not given: priced as Premium.');
  if (specs.length > 0 && sku !== 'Premium') {
    out.warnings.push(`registry.sku '${sku}' cannot have replicas: geo-replication requires Premium, so this topology is priced as Premium.`);
    sku = 'Premium';
  }
  const storageGiB = isNum(reg.storageGiB) ? reg.storageGiB : null;
  if (storageGiB === null) out.warnings.push('registry.storageGiB not given: storage cost is unknown (not 0), so the total is unknown; totalKnown excludes it.');
  return { topology: { homeRegion: home, sku, homeZoneRedundancy: homeZr, replicas: specs }, storageGiB };
}

export interface WorkloadDefaults {
  avgPullSizeMB?: number;
  /** Pulls per month of a live registry, to turn `share` into a volume; null = unknown. */
  livePullsPerMonth?: number | null;
  livePullsSource?: string;
}

/** The site of a workload or push site: an Azure region, or a named point outside Azure; undefined (with issues) when invalid. */
function resolveSite(w: { region?: unknown; name?: unknown; latitude?: unknown; longitude?: unknown }, p: string, what: string, catalog: Catalog, out: IssueCollector): WorkloadSite | undefined {
  const hasPoint = w.latitude !== undefined || w.longitude !== undefined;
  if (w.region !== undefined && hasPoint) {
    out.add(p, 'give either region (an Azure region) or latitude/longitude (a point outside Azure), not both', 'ambiguousSite');
  } else if (w.region !== undefined) {
    const region = resolveRegionAt(w.region, `${p}/region`, catalog, out);
    if (region) return { kind: 'azure', region };
  } else if (hasPoint) {
    if (!isNum(w.latitude)) out.add(`${p}/latitude`, 'required with longitude', 'required');
    if (!isNum(w.longitude)) out.add(`${p}/longitude`, 'required with latitude', 'required');
    if (!isStr(w.name)) out.add(`${p}/name`, `required for a ${what} outside Azure`, 'required');
    if (isNum(w.latitude) && isNum(w.longitude) && isStr(w.name)) return { kind: 'external', name: w.name, latitude: w.latitude, longitude: w.longitude };
  } else {
    out.add(p, 'give region (an Azure region) or name + latitude + longitude (a point outside Azure)', 'required');
  }
  return undefined;
}

/** Push sites (pushRegions) with their monthly pushed volume in GB (or unknown), validated. */
export function resolvePushSites(pushRegions: unknown, catalog: Catalog, out: IssueCollector, base = ''): PushSite[] {
  const list: PushSite[] = [];
  const ids = new Map<string, number>();
  (Array.isArray(pushRegions) ? pushRegions : []).forEach((raw: unknown, i) => {
    if (!isObj(raw)) return;
    const p = `${base}/pushRegions/${i}`;
    const site = resolveSite(raw, p, 'push site', catalog, out);
    if (!site) return;
    const id = site.kind === 'azure' ? site.region : site.name;
    const prev = ids.get(id);
    if (prev !== undefined) {
      out.add(p, `duplicate push site '${echo(id)}' (also at ${base}/pushRegions/${prev}); merge them`, 'duplicatePushSite');
      return;
    }
    ids.set(id, i);
    const gb = isNum(raw.pushGBPerMonth) && raw.pushGBPerMonth >= 0 ? raw.pushGBPerMonth : null;
    if (gb === null) out.warnings.push(`push site '${echo(id)}': pushGBPerMonth not given, so its push transfer is unknown (null, not 0) and recommendations optimise without it.`);
    list.push({ site, pushGBPerMonth: gb, volumeSource: gb === null ? 'unknown: no pushGBPerMonth given' : 'given: pushGBPerMonth' });
  });
  return list;
}

/** Workloads with their monthly volume in GB (or unknown), validated. */
export function resolveWorkloads(workloads: unknown, defaults: WorkloadDefaults, catalog: Catalog, out: IssueCollector, base = ''): Workload[] {
  const list: Workload[] = [];
  const ids = new Map<string, number>();
  (Array.isArray(workloads) ? workloads : []).forEach((raw: unknown, i) => {
    if (!isObj(raw)) return;
    const w = raw as unknown as WorkloadInput;
    const p = `${base}/workloads/${i}`;
    const site = resolveSite(w, p, 'workload', catalog, out);

    let volume: number | null = null;
    let source = 'unknown: no pullGBPerMonth, pullsPerMonth or share given';
    const avg = isNum(w.avgPullSizeMB) ? w.avgPullSizeMB : defaults.avgPullSizeMB;
    const ways = [w.pullGBPerMonth, w.pullsPerMonth, w.share].filter((v) => v !== undefined).length;
    if (ways > 1) {
      out.add(p, 'give only one of pullGBPerMonth, pullsPerMonth (+ avgPullSizeMB) or share', 'ambiguousVolume');
    } else if (isNum(w.pullGBPerMonth)) {
      if (w.pullGBPerMonth >= 0) {
        volume = w.pullGBPerMonth;
        source = 'given: pullGBPerMonth';
      }
    } else if (isNum(w.pullsPerMonth)) {
      if (avg === undefined) {
        out.add(`${p}/avgPullSizeMB`, 'required with pullsPerMonth (here or at the top level)', 'required');
      } else if (w.pullsPerMonth >= 0) {
        volume = (w.pullsPerMonth * avg) / 1000;
        source = `derived: ${w.pullsPerMonth} pulls/month × ${avg} MB average pull size`;
      }
    } else if (isNum(w.share)) {
      if (defaults.livePullsPerMonth === undefined) {
        out.add(`${p}/share`, 'share needs a live registry (registry.id) whose pull count it divides; give pullGBPerMonth instead', 'shareWithoutRegistry');
      } else if (avg === undefined) {
        out.add(`${p}/avgPullSizeMB`, 'required with share (here or at the top level): Azure Monitor has no bytes-pulled metric', 'required');
      } else if (defaults.livePullsPerMonth === null) {
        source = 'unknown: the registry\'s pull count is unavailable';
      } else {
        volume = (defaults.livePullsPerMonth * w.share * avg) / 1000;
        source = `derived: ${defaults.livePullsSource ?? 'registry pulls'} (${defaults.livePullsPerMonth.toFixed(0)} pulls/month) × share ${w.share} × ${avg} MB average pull size`;
      }
    }
    if (!site) return;
    const id = site.kind === 'azure' ? site.region : site.name;
    const prev = ids.get(id);
    if (prev !== undefined) {
      out.add(`${p}`, `duplicate workload '${echo(id)}' (also at ${base}/workloads/${prev}); merge them or give each a distinct name`, 'duplicateWorkload');
      return;
    }
    ids.set(id, i);
    if (volume === null) out.warnings.push(`workload '${id}': pull volume ${source.replace(/^unknown: /, 'unknown (')}${source.startsWith('unknown') ? ')' : ''}; its transfer cost is unknown.`);
    list.push({ site, pullGBPerMonth: volume, volumeSource: source });
  });
  return list;
}

/** Applies per-request price overrides to a price book (returns a new one). */
export function applyPriceOverrides(prices: PriceBook, o: PriceOverrides | undefined): PriceBook {
  if (!o) return prices;
  const next: PriceBook = {
    ...prices,
    registryUnitPerDay: { ...prices.registryUnitPerDay },
    bandwidth: {
      ...prices.bandwidth,
      withinContinent: { ...prices.bandwidth.withinContinent },
      toOtherContinent: { ...prices.bandwidth.toOtherContinent },
      internet: { ...prices.bandwidth.internet },
    },
    overrides: [...prices.overrides],
  };
  if (o.currency) {
    next.currency = o.currency;
    next.overrides.push(`currency: ${o.currency} (every price must then be given in it)`);
  }
  if (o.asOf) {
    next.asOf = o.asOf;
    next.overrides.push(`asOf: ${o.asOf}`);
  }
  for (const [sku, v] of Object.entries(o.registryUnitPerDay ?? {})) {
    if (isNum(v)) {
      next.registryUnitPerDay[sku as Sku] = v;
      next.overrides.push(`registryUnitPerDay.${sku}: ${v}`);
    }
  }
  if (isNum(o.storageOveragePerGiBMonth)) {
    next.storageOveragePerGiBMonth = o.storageOveragePerGiBMonth;
    next.overrides.push(`storageOveragePerGiBMonth: ${o.storageOveragePerGiBMonth}`);
  }
  const table: [ContinentKey, Record<string, number>][] = [
    ['interRegionWithinContinentPerGB', next.bandwidth.withinContinent],
    ['interRegionToOtherContinentPerGB', next.bandwidth.toOtherContinent],
    ['internetEgressPerGB', next.bandwidth.internet],
  ];
  for (const [key, target] of table) {
    for (const [c, v] of Object.entries(o[key] ?? {})) {
      if (isNum(v)) {
        target[c] = v;
        next.overrides.push(`${key}.${c}: ${v}`);
      }
    }
  }
  return next;
}
type ContinentKey = 'interRegionWithinContinentPerGB' | 'interRegionToOtherContinentPerGB' | 'internetEgressPerGB';
