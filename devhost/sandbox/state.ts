/** Mutable in-memory state of the sandbox: registries, replicas, long-running operations. */
import { randomUUID } from 'node:crypto';
import { SANDBOX_RESOURCE_GROUP, SANDBOX_SUBSCRIPTION_ID } from './seed';
import type { OperationKind, OperationRecord, RegistryRecord, ReplicaRecord, SandboxSeed, SeedRegistry } from './types';

const DEFAULT_CREATION_DATE = '2021-06-15T21:38:26.1537861Z';

export function registryKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}

export function registryId(r: Pick<RegistryRecord, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${r.name}`;
}

export interface LroTiming {
  /** Polls answered InProgress before an operation may complete (default 1). */
  inProgressPolls: number;
  /** Minimum time an operation stays in progress (default 0 ms). */
  lroPollDelayMs: number;
  /** Operations complete by themselves after this long even if nobody polls (default 2000 ms). */
  autoCompleteMs: number;
}

/** Snapshot shape returned by `GET /_sandbox/state`. */
export interface SandboxStateSnapshot {
  registries: Array<{
    id: string;
    name: string;
    location: string;
    sku: string;
    zoneRedundancy: string;
    replicas: Array<Omit<ReplicaRecord, 'tags'>>;
  }>;
  operations: OperationRecord[];
}

export class SandboxState {
  /** Created replicas stay `displayStatus: Syncing` this long after provisioning succeeded (default 0: Ready at once). */
  syncDelayMs = 0;
  private readonly syncingUntil = new WeakMap<ReplicaRecord, number>();
  readonly registries = new Map<string, RegistryRecord>();
  readonly operations = new Map<string, OperationRecord>();

  constructor(
    private seed: SandboxSeed,
    readonly timing: LroTiming,
    readonly now: () => Date,
  ) {
    this.reset();
  }

  /** Back to the seed: registries as seeded, no operations. */
  reset(seed?: SandboxSeed): void {
    if (seed) this.seed = seed;
    this.registries.clear();
    this.operations.clear();
    for (const r of this.seed.registries) this.addRegistry(r);
  }

  addRegistry(seed: SeedRegistry): RegistryRecord {
    const nowIso = this.now().toISOString();
    const record: RegistryRecord = {
      subscriptionId: seed.subscriptionId ?? SANDBOX_SUBSCRIPTION_ID,
      resourceGroup: seed.resourceGroup ?? SANDBOX_RESOURCE_GROUP,
      name: seed.name,
      location: seed.location.toLowerCase(),
      sku: seed.sku,
      zoneRedundancy: seed.zoneRedundancy ?? 'Disabled',
      tags: { ...(seed.tags ?? {}) },
      creationDate: seed.creationDate ?? DEFAULT_CREATION_DATE,
      metrics: {
        dailyPulls: seed.metrics?.dailyPulls ?? 1000,
        pushRatio: seed.metrics?.pushRatio ?? 0.02,
        failureRate: seed.metrics?.failureRate ?? 0.01,
        storageGiB: seed.metrics?.storageGiB ?? 50,
        historyDays: seed.metrics?.historyDays ?? 45,
      },
      replicas: new Map(),
    };
    for (const rep of seed.replicas ?? []) {
      const name = rep.name ?? rep.location.toLowerCase();
      record.replicas.set(name.toLowerCase(), {
        name,
        location: rep.location.toLowerCase(),
        regionEndpointEnabled: rep.regionEndpointEnabled ?? true,
        zoneRedundancy: rep.zoneRedundancy ?? 'Disabled',
        tags: { ...(rep.tags ?? {}) },
        provisioningState: rep.provisioningState ?? 'Succeeded',
        displayStatus: rep.displayStatus ?? (rep.provisioningState === undefined || rep.provisioningState === 'Succeeded' ? 'Ready' : rep.provisioningState),
        statusMessage: rep.provisioningState === undefined || rep.provisioningState === 'Succeeded' ? 'The replication is ready.' : `The replication is ${rep.provisioningState}.`,
        statusTimestamp: rep.statusTimestamp ?? nowIso,
      });
    }
    this.registries.set(registryKey(record.subscriptionId, record.resourceGroup, record.name), record);
    return record;
  }

  findRegistry(subscriptionId: string, resourceGroup: string, name: string): RegistryRecord | undefined {
    const r = this.registries.get(registryKey(subscriptionId, resourceGroup, name));
    if (r) this.settle(r);
    return r;
  }

  listRegistries(subscriptionId: string, resourceGroup?: string): RegistryRecord[] {
    const out: RegistryRecord[] = [];
    for (const r of this.registries.values()) {
      if (r.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) continue;
      if (resourceGroup !== undefined && r.resourceGroup.toLowerCase() !== resourceGroup.toLowerCase()) continue;
      this.settle(r);
      out.push(r);
    }
    return out;
  }

  startOperation(kind: OperationKind, registry: RegistryRecord, replicaName: string, failWith?: { code: string; message: string }): OperationRecord {
    const op: OperationRecord = {
      id: `replications-${randomUUID()}`,
      kind,
      registryKey: registryKey(registry.subscriptionId, registry.resourceGroup, registry.name),
      replicaName,
      startedAt: this.now().getTime(),
      polls: 0,
      status: 'InProgress',
      ...(failWith ? { failWith } : {}),
    };
    this.operations.set(op.id, op);
    return op;
  }

  /** The in-progress operation on a replica, if any. */
  pendingOperation(registry: RegistryRecord, replicaName: string): OperationRecord | undefined {
    const key = registryKey(registry.subscriptionId, registry.resourceGroup, registry.name);
    for (const op of this.operations.values()) {
      if (op.status === 'InProgress' && op.registryKey === key && op.replicaName.toLowerCase() === replicaName.toLowerCase()) return op;
    }
    return undefined;
  }

  /** Called for each poll of an operation: counts it and maybe completes it. */
  poll(op: OperationRecord): OperationRecord {
    if (op.status === 'InProgress') {
      op.polls += 1;
      const elapsed = this.now().getTime() - op.startedAt;
      if (op.polls > this.timing.inProgressPolls && elapsed >= this.timing.lroPollDelayMs) this.complete(op);
    }
    return op;
  }

  /** Completes operations that nobody polled for a long time (so GETs see a settled state). */
  private settle(registry: RegistryRecord): void {
    const nowMs = this.now().getTime();
    for (const rep of registry.replicas.values()) {
      const until = this.syncingUntil.get(rep);
      if (until !== undefined && nowMs >= until) {
        this.syncingUntil.delete(rep);
        if (rep.provisioningState === 'Succeeded' && rep.displayStatus === 'Syncing') {
          rep.displayStatus = 'Ready';
          rep.statusMessage = 'The replication is ready.';
          rep.statusTimestamp = new Date(nowMs).toISOString();
        }
      }
    }
    const key = registryKey(registry.subscriptionId, registry.resourceGroup, registry.name);
    const now = this.now().getTime();
    for (const op of this.operations.values()) {
      if (op.status === 'InProgress' && op.registryKey === key && now - op.startedAt >= this.timing.autoCompleteMs) this.complete(op);
    }
  }

  private complete(op: OperationRecord): void {
    const registry = this.registries.get(op.registryKey);
    const replica = registry?.replicas.get(op.replicaName.toLowerCase());
    const nowIso = this.now().toISOString();
    op.endTime = nowIso;
    if (op.failWith) {
      op.status = 'Failed';
      op.error = op.failWith;
      if (replica) {
        replica.provisioningState = 'Failed';
        replica.displayStatus = 'Failed';
        replica.statusMessage = op.failWith.message;
        replica.statusTimestamp = nowIso;
      }
      return;
    }
    op.status = 'Succeeded';
    if (op.kind === 'createReplica' && replica) {
      replica.provisioningState = 'Succeeded';
      replica.displayStatus = 'Ready';
      replica.statusMessage = 'The replication is ready.';
      replica.statusTimestamp = nowIso;
      if (this.syncDelayMs > 0) {
        // provisioned, but still copying content: Syncing until syncDelayMs later (see settle)
        replica.displayStatus = 'Syncing';
        replica.statusMessage = 'The replication is syncing.';
        this.syncingUntil.set(replica, this.now().getTime() + this.syncDelayMs);
      }
    } else if (op.kind === 'deleteReplica' && registry) {
      registry.replicas.delete(op.replicaName.toLowerCase());
    }
  }

  snapshot(): SandboxStateSnapshot {
    return {
      registries: [...this.registries.values()].map((r) => {
        this.settle(r);
        return {
          id: registryId(r),
          name: r.name,
          location: r.location,
          sku: r.sku,
          zoneRedundancy: r.zoneRedundancy,
          replicas: [...r.replicas.values()].map(({ tags: _tags, ...rest }) => rest),
        };
      }),
      operations: [...this.operations.values()],
    };
  }
}
