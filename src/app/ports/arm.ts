/**
 * Ports to Azure Resource Manager: the registry topology (Microsoft.ContainerRegistry),
 * pull metrics (Azure Monitor) and the plan executor's registry I/O. Types only;
 * the adapters live in src/azure/arm. Unknown values are `null`, never 0.
 */
import type { Sku } from '../../model/types';
import type { ExecutorPort, LiveWebhook, PermissionEntry, WebhookSpec } from '../../model/plan/types';
import type { LiveRegistry, LiveReplica, PullSummary } from '../../model/live';

export type { DailyPulls, LiveProvisioningState, LiveRegistry, LiveReplica, PullSummary } from '../../model/live';

export interface ListRegistriesQuery {
  subscriptionId: string;
  resourceGroup?: string;
}

export interface CreateReplicaRequest {
  /** Canonical location name. */
  location: string;
  /** Defaults to the location. */
  name?: string;
  regionEndpointEnabled?: boolean;
  zoneRedundancy?: boolean;
  tags?: Record<string, string>;
}

export interface UpdateReplicaRequest {
  regionEndpointEnabled?: boolean;
  tags?: Record<string, string>;
}

export interface OperationOptions {
  abortSignal?: AbortSignal;
}

export interface RegistryTopologyPort {
  /** Throws RegistryNotFoundError when the registry does not exist. */
  getRegistry(resourceId: string, options?: OperationOptions): Promise<LiveRegistry>;
  /** Registries of a subscription (optionally one resource group), with their replicas. */
  listRegistries(query: ListRegistriesQuery, options?: OperationOptions): Promise<LiveRegistry[]>;
  /** Changes the SKU (PATCH, waits for completion); returns the registry afterwards. */
  updateSku(resourceId: string, sku: Sku, options?: OperationOptions): Promise<LiveRegistry>;
  /** Creates (or idempotently re-puts) a replica and waits for the long-running operation. */
  createReplica(resourceId: string, replica: CreateReplicaRequest, options?: OperationOptions): Promise<LiveReplica>;
  /** Updates regionEndpointEnabled / tags of a replica (by name). */
  updateReplica(resourceId: string, replicaName: string, update: UpdateReplicaRequest, options?: OperationOptions): Promise<LiveReplica>;
  /** Deletes a replica (by name) and waits until it is gone. Deleting a missing replica succeeds. */
  deleteReplica(resourceId: string, replicaName: string, options?: OperationOptions): Promise<void>;
}

export interface PullMetricsPort {
  /** Pull/push counts per day over the last `days` days, and storage per geolocation. */
  getPullSummary(resourceId: string, options: { days: number; abortSignal?: AbortSignal }): Promise<PullSummary>;
}

/** Registry webhooks (regional: each fires only for pushes in its own location). */
export interface RegistryWebhooksPort {
  /**
   * The registry's webhooks. With `withCallbackConfig`, also each one's service URI and the NAMES of
   * its custom headers (one getCallbackConfig call per webhook; header values are never returned).
   */
  listWebhooks(resourceId: string, options?: OperationOptions & { withCallbackConfig?: boolean }): Promise<LiveWebhook[]>;
  /** Creates (or idempotently re-puts) a webhook, without custom headers, and waits for it. */
  createWebhook(resourceId: string, webhook: WebhookSpec, options?: OperationOptions): Promise<void>;
}

/** The service's own effective permissions on a resource (ARM Microsoft.Authorization/permissions, 2022-04-01). */
export interface PermissionsPort {
  /** `unreadable` (with the reason) when ARM refuses to tell (e.g. 403): the preflight then states it did not check. */
  listPermissions(resourceId: string, options?: OperationOptions): Promise<{ permissions: PermissionEntry[] } | { unreadable: string }>;
}

/** The ports, as built by createArmAdapters. `webhooks`/`permissions` are absent where the host does not read them. */
export interface ArmAdapters {
  topology: RegistryTopologyPort;
  metrics: PullMetricsPort;
  webhooks?: RegistryWebhooksPort;
  permissions?: PermissionsPort;
}

/**
 * The registry I/O of one plan's apply: the live topology as the executor
 * compares it (the apply view) and one mutating call per plan action.
 */
export type PlanExecutorPort = Pick<ExecutorPort, 'readLive' | 'perform'> & {
  /** Replication status of every replica (for the wait for Ready after apply). */
  replicaStatuses?(): Promise<Array<{ region: string; displayStatus: string | null; provisioningState: string | null }>>;
};

/** Builds the executor of one registry (adapter: src/azure/arm/plan-executor.ts). */
export type PlanExecutorFactory = (registryId: string) => PlanExecutorPort;
