/**
 * diff(current, target): the ordered actions that take a registry from its current
 * topology to the target, plus the differences deliberately left alone (skipped).
 *
 * Order: SKU upgrade to Premium (replicas need it) -> new replicas -> endpoint
 * updates -> zone-redundancy re-creates (delete + create, same region) -> deletes.
 * Creates come before deletes so serving capacity never dips below the current one.
 * Within a group, regions are in alphabetical order (deterministic output).
 *
 * Rules:
 * - the home region is never a replica and is never deleted; a target replica in
 *   the home region, a different home region, or duplicate replicas are errors;
 * - deletes and re-creates only when `allowDeletes`; otherwise listed as skipped;
 * - a SKU downgrade is never planned automatically (skipped with the reason): it
 *   only becomes possible after all replicas are gone and loses Premium features;
 * - home zone redundancy cannot change (it is fixed when the registry is created).
 */
import type { ReplicaSpec, Topology } from '../types';
import { InvalidTargetError } from './errors';
import { normalizeRegion } from './fingerprint';
import type {
  BrokenReplica,
  CreateReplicaAction,
  DeleteReplicaAction,
  DiffOptions,
  DiffResult,
  LiveTopology,
  PlanAction,
  SkippedChange,
  UpdateReplicaAction,
  UpgradeSkuAction,
} from './types';

const SKU_RANK = { Basic: 0, Standard: 1, Premium: 2 } as const;

function spec(r: ReplicaSpec): ReplicaSpec {
  return {
    region: normalizeRegion(r.region),
    regionEndpointEnabled: r.regionEndpointEnabled,
    zoneRedundancy: r.zoneRedundancy,
  };
}

function replicaMap(t: Topology, which: string): Map<string, ReplicaSpec> {
  const m = new Map<string, ReplicaSpec>();
  for (const r of t.replicas) {
    const s = spec(r);
    if (m.has(s.region)) throw new InvalidTargetError(`${which} topology lists replica ${s.region} twice`);
    m.set(s.region, s);
  }
  return m;
}

function flags(r: ReplicaSpec): string {
  return `endpoint ${r.regionEndpointEnabled ? 'enabled' : 'disabled'}, zone redundancy ${r.zoneRedundancy ? 'enabled' : 'disabled'}`;
}

export const actionIds = {
  upgradeSku: () => 'upgrade-sku',
  createReplica: (region: string) => `create-replica:${region}`,
  updateReplica: (region: string) => `update-replica:${region}`,
  deleteReplica: (region: string) => `delete-replica:${region}`,
};

/** Checks a target topology on its own: throws InvalidTargetError when it cannot exist. */
export function validateTarget(current: Topology, target: Topology): void {
  const home = normalizeRegion(current.homeRegion);
  if (normalizeRegion(target.homeRegion) !== home) {
    throw new InvalidTargetError(
      `target home region ${normalizeRegion(target.homeRegion)} differs from the registry's home region ${home}; the home region cannot be moved`,
    );
  }
  const targetReplicas = replicaMap(target, 'target');
  if (targetReplicas.has(home)) {
    throw new InvalidTargetError(`target has a replica in the home region ${home}; a replica cannot be created in the home region`);
  }
  if (targetReplicas.size > 0 && target.sku !== 'Premium') {
    throw new InvalidTargetError(`target has ${targetReplicas.size} replica(s) but SKU ${target.sku}; geo-replication requires Premium`);
  }
}

/** The plan being built: actions in execution order, and the differences left alone. */
interface PlanAcc {
  actions: PlanAction[];
  skipped: SkippedChange[];
}

/** Both topologies in normalized form, as the steps of `diff` read them. */
interface DiffInput {
  current: LiveTopology;
  target: Topology;
  home: string;
  cur: Map<string, ReplicaSpec>;
  tgt: Map<string, ReplicaSpec>;
  /** Broken replicas of the live registry, by region (never also in `cur`). */
  broken: Map<string, BrokenReplica>;
  opts: DiffOptions;
}

const regionsOf = (m: Map<string, ReplicaSpec>): string[] => [...m.keys()].sort();

/** 1. SKU upgrade (required when the target has replicas; or explicitly asked for). */
function planSkuUpgrade({ current, target, tgt }: DiffInput, acc: PlanAcc): void {
  if (SKU_RANK[target.sku] > SKU_RANK[current.sku]) {
    const a: UpgradeSkuAction = {
      id: actionIds.upgradeSku(),
      kind: 'upgradeSku',
      from: current.sku,
      to: target.sku,
      description:
        `Upgrade registry SKU from ${current.sku} to ${target.sku}` +
        (target.sku === 'Premium' && tgt.size > 0 ? ' (geo-replication requires Premium)' : ''),
    };
    acc.actions.push(a);
  }
}

function brokenText(b: BrokenReplica): string {
  return b.reason === 'failed' ? `provisioning ${b.provisioningState}` : `stuck in ${b.provisioningState}${b.since ? ` since ${b.since}` : ''}`;
}

/**
 * 2. New replicas, and repairs: a broken replica (Failed, or stuck beyond the limit) that the
 * target keeps is deleted and re-created, the documented fix. The repair is planned without
 * allowDeletes: a broken replica serves no pulls, so nothing that works is removed.
 */
function planCreates({ cur, tgt, broken }: DiffInput, acc: PlanAcc): void {
  for (const region of regionsOf(tgt)) {
    if (cur.has(region)) continue;
    const to = tgt.get(region)!;
    const b = broken.get(region);
    if (b) {
      const del: DeleteReplicaAction = {
        id: actionIds.deleteReplica(region),
        kind: 'deleteReplica',
        region,
        from: to,
        recreateAs: to,
        broken: { provisioningState: b.provisioningState, reason: b.reason, since: b.since },
        description: `Delete broken replica ${region} (${brokenText(b)}) to re-create it; planned without allowDeletes because a broken replica serves no pulls`,
      };
      const cre: CreateReplicaAction = {
        id: actionIds.createReplica(region),
        kind: 'createReplica',
        region,
        to,
        recreate: true,
        description: `Re-create broken replica in ${region} (${flags(to)})`,
      };
      acc.actions.push(del, cre);
      continue;
    }
    const a: CreateReplicaAction = {
      id: actionIds.createReplica(region),
      kind: 'createReplica',
      region,
      to,
      description: `Create replica in ${region} (${flags(to)})`,
    };
    acc.actions.push(a);
  }
}

/** 3. Endpoint updates (also for replicas whose zone change is blocked). Returns the zone changes to re-create. */
function planEndpointUpdates({ cur, tgt, opts }: DiffInput, acc: PlanAcc): Array<{ from: ReplicaSpec; to: ReplicaSpec }> {
  const recreates: Array<{ from: ReplicaSpec; to: ReplicaSpec }> = [];
  for (const region of regionsOf(tgt)) {
    const from = cur.get(region);
    const to = tgt.get(region)!;
    if (!from) continue;
    if (from.zoneRedundancy !== to.zoneRedundancy) {
      if (opts.allowDeletes) {
        recreates.push({ from, to });
        continue;
      }
      acc.skipped.push({
        id: `recreate-replica:${region}`,
        kind: 'recreateReplica',
        region,
        reason:
          'zone redundancy is fixed when a replica is created; changing it means deleting and re-creating the replica, which needs allowDeletes',
        description: `Zone redundancy of replica ${region} would change from ${from.zoneRedundancy ? 'enabled' : 'disabled'} to ${to.zoneRedundancy ? 'enabled' : 'disabled'}`,
      });
    }
    if (from.regionEndpointEnabled !== to.regionEndpointEnabled) {
      const a: UpdateReplicaAction = {
        id: actionIds.updateReplica(region),
        kind: 'updateReplica',
        region,
        from,
        to: { ...from, regionEndpointEnabled: to.regionEndpointEnabled },
        description: `${to.regionEndpointEnabled ? 'Enable' : 'Disable'} the regional endpoint of replica ${region}`,
      };
      acc.actions.push(a);
    }
  }
  return recreates;
}

/** 4. Zone-redundancy re-creates: delete then create, same region. */
function planRecreates(recreates: Array<{ from: ReplicaSpec; to: ReplicaSpec }>, acc: PlanAcc): void {
  for (const { from, to } of recreates) {
    const del: DeleteReplicaAction = {
      id: actionIds.deleteReplica(from.region),
      kind: 'deleteReplica',
      region: from.region,
      from,
      recreateAs: to,
      description: `Delete replica ${from.region} to re-create it with zone redundancy ${to.zoneRedundancy ? 'enabled' : 'disabled'} (pulls there are served by other locations meanwhile)`,
    };
    const cre: CreateReplicaAction = {
      id: actionIds.createReplica(to.region),
      kind: 'createReplica',
      region: to.region,
      to,
      recreate: true,
      description: `Re-create replica in ${to.region} (${flags(to)})`,
    };
    acc.actions.push(del, cre);
  }
}

/** 5. Deletes (never the home region: it is not a replica and validateTarget forbids it in target). */
function planDeletes({ cur, tgt, home, opts }: DiffInput, acc: PlanAcc): void {
  for (const region of regionsOf(cur)) {
    if (tgt.has(region)) continue;
    if (region === home) continue; // defensive: a current "replica" in the home region is ignored
    const from = cur.get(region)!;
    if (opts.allowDeletes) {
      const a: DeleteReplicaAction = {
        id: actionIds.deleteReplica(region),
        kind: 'deleteReplica',
        region,
        from,
        description: `Delete replica ${region}`,
      };
      acc.actions.push(a);
    } else {
      acc.skipped.push({
        id: actionIds.deleteReplica(region),
        kind: 'deleteReplica',
        region,
        reason: 'the plan was made without allowDeletes; the replica stays (and stays billed)',
        description: `Replica ${region} is not in the target`,
      });
    }
  }
}

/** 5b. Broken replicas the target does not keep: deleted only with allowDeletes (like any delete). */
function planBrokenDeletes({ tgt, broken, opts }: DiffInput, acc: PlanAcc): void {
  for (const region of [...broken.keys()].sort()) {
    if (tgt.has(region)) continue;
    const b = broken.get(region)!;
    if (opts.allowDeletes) {
      const a: DeleteReplicaAction = {
        id: actionIds.deleteReplica(region),
        kind: 'deleteReplica',
        region,
        from: { region, regionEndpointEnabled: true, zoneRedundancy: false },
        broken: { provisioningState: b.provisioningState, reason: b.reason, since: b.since },
        description: `Delete broken replica ${region} (${brokenText(b)}); it is not in the target`,
      };
      acc.actions.push(a);
    } else {
      acc.skipped.push({
        id: actionIds.deleteReplica(region),
        kind: 'deleteBrokenReplica',
        region,
        reason: 'the plan was made without allowDeletes; the broken replica stays (and stays billed) until a plan with allowDeletes deletes it',
        description: `Broken replica ${region} (${brokenText(b)}) is not in the target`,
      });
    }
  }
}

/** 6. SKU downgrade: never automatic. 7. Home zone redundancy is fixed at registry creation. */
function skipFixedChanges({ current, target, home }: DiffInput, acc: PlanAcc): void {
  if (SKU_RANK[target.sku] < SKU_RANK[current.sku]) {
    acc.skipped.push({
      id: 'downgrade-sku',
      kind: 'downgradeSku',
      reason:
        'SKU downgrades are never applied automatically: they need every replica deleted first and drop Premium-only features; run `az acr update --sku` yourself once the registry has no replicas',
      description: `SKU would change from ${current.sku} to ${target.sku}`,
    });
  }
  if (
    target.homeZoneRedundancy !== undefined &&
    current.homeZoneRedundancy !== undefined &&
    target.homeZoneRedundancy !== current.homeZoneRedundancy
  ) {
    acc.skipped.push({
      id: 'home-zone-redundancy',
      kind: 'homeZoneRedundancy',
      region: home,
      reason: 'zone redundancy of the home location is fixed when the registry is created; it can only change by creating a new registry',
      description: `Home zone redundancy would change from ${current.homeZoneRedundancy} to ${target.homeZoneRedundancy}`,
    });
  }
}

export function diff(current: LiveTopology, target: Topology, opts: DiffOptions): DiffResult {
  validateTarget(current, target);
  const cur = replicaMap(current, 'current');
  const broken = new Map<string, BrokenReplica>();
  for (const b of current.broken ?? []) {
    const region = normalizeRegion(b.region);
    if (cur.has(region)) throw new InvalidTargetError(`current topology lists replica ${region} as both working and broken`);
    broken.set(region, { ...b, region });
  }
  const input: DiffInput = {
    current,
    target,
    home: normalizeRegion(current.homeRegion),
    cur,
    tgt: replicaMap(target, 'target'),
    broken,
    opts,
  };
  const acc: PlanAcc = { actions: [], skipped: [] };
  planSkuUpgrade(input, acc);
  planCreates(input, acc);
  const recreates = planEndpointUpdates(input, acc);
  planRecreates(recreates, acc);
  planDeletes(input, acc);
  planBrokenDeletes(input, acc);
  skipFixedChanges(input, acc);
  return { actions: acc.actions, skipped: acc.skipped };
}

/**
 * The topology after performing `actions` on `t` (pure; used for expected states and exports).
 * A broken replica stays broken unless an action deletes or (re-)creates it.
 */
export function applyActions(t: LiveTopology, actions: readonly PlanAction[]): LiveTopology {
  let sku = t.sku;
  const reps = new Map(t.replicas.map((r) => [normalizeRegion(r.region), spec(r)]));
  const touched = new Set(actions.flatMap((a) => (a.kind === 'createReplica' || a.kind === 'deleteReplica' ? [a.region] : [])));
  const broken = (t.broken ?? []).filter((b) => !touched.has(normalizeRegion(b.region)));
  for (const a of actions) {
    switch (a.kind) {
      case 'upgradeSku':
        sku = a.to;
        break;
      case 'createReplica':
      case 'updateReplica':
        reps.set(a.region, { ...a.to, region: a.region });
        break;
      case 'deleteReplica':
        reps.delete(a.region);
        break;
    }
  }
  const out: LiveTopology = {
    homeRegion: normalizeRegion(t.homeRegion),
    sku,
    replicas: [...reps.values()].sort((x, y) => (x.region < y.region ? -1 : x.region > y.region ? 1 : 0)),
  };
  if (t.homeZoneRedundancy !== undefined) out.homeZoneRedundancy = t.homeZoneRedundancy;
  if (broken.length > 0) out.broken = broken;
  return out;
}
