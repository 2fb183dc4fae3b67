/**
 * Hashing: canonical JSON, the live-topology fingerprint (order-independent over
 * replicas), the plan content hash approval is bound to, and a human-readable
 * description of how two topologies differ.
 */
import { createHash } from 'node:crypto';
import type { ReplicaSpec, Topology } from '../types';
import type { LiveTopology, PlanContent } from './types';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, arrays kept in order.
 * Non-finite numbers are rejected (JSON would silently turn them into null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Canonical ARM location name: lower case, no spaces (`East US` -> `eastus`). */
export function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, '').toLowerCase();
}

/** Regions of the broken replicas of a live topology, canonical and sorted. */
export function brokenRegions(t: LiveTopology): string[] {
  return [...new Set((t.broken ?? []).map((b) => normalizeRegion(b.region)))].sort();
}

/**
 * The fields of a topology that matter, in canonical form (replicas sorted by region).
 * `broken` (regions only) is there only when the live topology has broken replicas, so the
 * fingerprint of a registry without any is what it always was.
 */
export function canonicalTopology(t: LiveTopology): {
  homeRegion: string;
  sku: string;
  homeZoneRedundancy: boolean | null;
  replicas: ReplicaSpec[];
  broken?: string[];
} {
  const broken = brokenRegions(t);
  return {
    ...(broken.length > 0 ? { broken } : {}),
    homeRegion: normalizeRegion(t.homeRegion),
    sku: t.sku,
    homeZoneRedundancy: t.homeZoneRedundancy ?? null,
    replicas: t.replicas
      .map((r) => ({
        region: normalizeRegion(r.region),
        regionEndpointEnabled: r.regionEndpointEnabled,
        zoneRedundancy: r.zoneRedundancy,
      }))
      .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0)),
  };
}

/**
 * Stable fingerprint of a (live) topology: `sha256:<hex>` of the canonical topology.
 * Independent of replica order and of extra properties the adapter may carry.
 */
export function fingerprint(live: LiveTopology): string {
  return `sha256:${sha256Hex(canonicalJson(canonicalTopology(live)))}`;
}

function describeReplica(r: ReplicaSpec): string {
  return `endpoint ${r.regionEndpointEnabled ? 'enabled' : 'disabled'}, zone redundancy ${r.zoneRedundancy ? 'on' : 'off'}`;
}

/** Human-readable list of what changed from `a` to `b` (empty when they fingerprint equal). */
export function describeTopologyChange(a: LiveTopology, b: LiveTopology): string[] {
  const ca = canonicalTopology(a);
  const cb = canonicalTopology(b);
  const out: string[] = [];
  if (ca.homeRegion !== cb.homeRegion) out.push(`home region changed from ${ca.homeRegion} to ${cb.homeRegion}`);
  if (ca.sku !== cb.sku) out.push(`SKU changed from ${ca.sku} to ${cb.sku}`);
  if (ca.homeZoneRedundancy !== cb.homeZoneRedundancy) {
    out.push(`home zone redundancy changed from ${String(ca.homeZoneRedundancy)} to ${String(cb.homeZoneRedundancy)}`);
  }
  const ma = new Map(ca.replicas.map((r) => [r.region, r]));
  const mb = new Map(cb.replicas.map((r) => [r.region, r]));
  for (const [region, ra] of ma) {
    const rb = mb.get(region);
    if (!rb) {
      out.push(`replica ${region} removed (was ${describeReplica(ra)})`);
      continue;
    }
    if (ra.regionEndpointEnabled !== rb.regionEndpointEnabled) {
      out.push(`replica ${region}: regionEndpointEnabled changed from ${ra.regionEndpointEnabled} to ${rb.regionEndpointEnabled}`);
    }
    if (ra.zoneRedundancy !== rb.zoneRedundancy) {
      out.push(`replica ${region}: zone redundancy changed from ${ra.zoneRedundancy} to ${rb.zoneRedundancy}`);
    }
  }
  for (const [region, rb] of mb) {
    if (!ma.has(region)) out.push(`replica ${region} added (${describeReplica(rb)})`);
  }
  const ba = new Set(ca.broken ?? []);
  const bb = new Map((b.broken ?? []).map((x) => [normalizeRegion(x.region), x]));
  for (const region of ca.broken ?? []) if (!bb.has(region)) out.push(`broken replica ${region} is no longer broken (repaired or deleted)`);
  for (const [region, x] of bb) if (!ba.has(region)) out.push(`replica ${region} is now broken (${x.detail})`);
  return out;
}

/** The hashed part of a plan: everything an approver judges; not state, steps, audit or people. */
export function planContent(plan: PlanContent): PlanContent {
  return {
    registryId: plan.registryId,
    registryName: plan.registryName,
    allowDeletes: plan.allowDeletes,
    current: plan.current,
    target: plan.target,
    actions: plan.actions,
    skipped: plan.skipped,
    liveFingerprint: plan.liveFingerprint,
    // Absent (undefined, dropped by canonicalJson) in plans without a preflight: their hashes are unchanged.
    preflight: plan.preflight,
    costBefore: plan.costBefore,
    costAfter: plan.costAfter,
    priceAsOf: plan.priceAsOf,
    expiresAt: plan.expiresAt,
    // Absent (undefined, dropped by canonicalJson) for topology plans: their hashes are unchanged.
    consolidation: plan.consolidation,
  };
}

/** `sha256:<hex>` of the canonical JSON (sorted keys) of the plan content. */
export function contentHash(content: PlanContent): string {
  return `sha256:${sha256Hex(canonicalJson(planContent(content)))}`;
}
