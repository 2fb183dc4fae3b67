/** Configuration drift: the live topology against the last applied plan's target. Pure. */
import type { ReplicaSpec, Topology } from '../types';
import type { AppliedPlanRef, DriftFinding } from './types';

const kind = 'configuration' as const;

export function configurationFindings(live: Topology, plan: AppliedPlanRef | null, planNote?: string): DriftFinding[] {
  if (!plan) {
    return [
      {
        kind,
        severity: 'info',
        code: 'NO_APPLIED_PLAN',
        message: planNote ?? 'No plan has been applied to this registry: there is no approved topology to compare with.',
      },
    ];
  }
  const target = plan.target;
  const out: DriftFinding[] = [];
  const ref = `plan ${plan.id}`;
  if (target.homeRegion !== live.homeRegion) {
    out.push({
      kind,
      severity: 'critical',
      code: 'HOME_REGION_DIFFERS',
      region: live.homeRegion,
      message: `Home region is ${live.homeRegion}, but ${ref} was made for ${target.homeRegion}.`,
      detail: { expected: target.homeRegion, actual: live.homeRegion },
    });
  }
  if (target.sku !== live.sku) {
    const breaksReplication = target.replicas.length > 0 && live.sku !== 'Premium';
    out.push({
      kind,
      severity: breaksReplication ? 'critical' : 'warning',
      code: 'SKU_CHANGED',
      message: `SKU is ${live.sku}, ${ref} set ${target.sku}${breaksReplication ? ' (geo-replication needs Premium)' : ''}.`,
      detail: { expected: target.sku, actual: live.sku },
    });
  }
  if (target.homeZoneRedundancy !== undefined && live.homeZoneRedundancy !== undefined && target.homeZoneRedundancy !== live.homeZoneRedundancy) {
    out.push({
      kind,
      severity: 'warning',
      code: 'ZONE_REDUNDANCY_DIFFERS',
      region: live.homeRegion,
      message: `Home location ${live.homeRegion} is ${live.homeZoneRedundancy ? '' : 'not '}zone-redundant, ${ref} expects ${target.homeZoneRedundancy ? 'zone redundancy' : 'none'}.`,
      detail: { expected: target.homeZoneRedundancy, actual: live.homeZoneRedundancy },
    });
  }
  const liveBy = new Map<string, ReplicaSpec>(live.replicas.map((r) => [r.region, r]));
  const targetBy = new Map<string, ReplicaSpec>(target.replicas.map((r) => [r.region, r]));
  for (const t of [...target.replicas].sort((a, b) => a.region.localeCompare(b.region))) {
    const l = liveBy.get(t.region);
    if (!l) {
      out.push({
        kind,
        severity: 'critical',
        code: 'REPLICA_MISSING',
        region: t.region,
        message: `Replica ${t.region} is missing (${ref} has it).`,
        detail: { expected: t },
      });
      continue;
    }
    if (t.regionEndpointEnabled && !l.regionEndpointEnabled) {
      out.push({
        kind,
        severity: 'warning',
        code: 'ENDPOINT_DISABLED',
        region: t.region,
        message: `Replica ${t.region} has regionEndpointEnabled=false: Traffic Manager no longer routes to it (${ref} enables it).`,
        detail: { expected: true, actual: false },
      });
    } else if (!t.regionEndpointEnabled && l.regionEndpointEnabled) {
      out.push({
        kind,
        severity: 'warning',
        code: 'ENDPOINT_ENABLED',
        region: t.region,
        message: `Replica ${t.region} has routing enabled, ${ref} disables it.`,
        detail: { expected: false, actual: true },
      });
    }
    if (t.zoneRedundancy !== l.zoneRedundancy) {
      out.push({
        kind,
        severity: 'warning',
        code: 'ZONE_REDUNDANCY_DIFFERS',
        region: t.region,
        message: `Replica ${t.region} is ${l.zoneRedundancy ? '' : 'not '}zone-redundant, ${ref} expects ${t.zoneRedundancy ? 'zone redundancy' : 'none'} (re-create to change).`,
        detail: { expected: t.zoneRedundancy, actual: l.zoneRedundancy },
      });
    }
  }
  for (const l of [...live.replicas].sort((a, b) => a.region.localeCompare(b.region))) {
    if (targetBy.has(l.region)) continue;
    out.push({
      kind,
      severity: 'warning',
      code: 'REPLICA_EXTRA',
      region: l.region,
      message: `Replica ${l.region} is not in ${ref} (added outside the plan; billed every day).`,
      detail: { actual: l },
    });
  }
  return out;
}
