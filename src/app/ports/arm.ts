/**
 * Ports to Azure Resource Manager: the registry topology (Microsoft.ContainerRegistry) and
 * pull metrics (Azure Monitor). Types only; adapters live next to this file.
 * Unknown values are `null`, never 0.
 */
import type { Sku } from '../../model/types';

export type LiveProvisioningState = 'Creating' | 'Updating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled' | string;

/** A replica (a location other than the home region) as ARM reports it. */
export interface LiveReplica {
  /** Replication resource name (defaults to the location). */
  name: string;
  /** Canonical location name, e.g. `northeurope`. */
  location: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: boolean;
  provisioningState: LiveProvisioningState | null;
  /** `status.displayStatus`, e.g. Ready, Syncing; null when ARM gives none. */
  displayStatus: string | null;
}

/** A registry as ARM reports it. `replicas` excludes the home location's own replication. */
export interface LiveRegistry {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Home region. */
  location: string;
  sku: Sku;
  loginServer: string | null;
  /** Zone redundancy of the home location. */
  zoneRedundancy: boolean;
  replicas: LiveReplica[];
  tags: Record<string, string>;
}

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

export interface DailyPulls {
  /** UTC date `YYYY-MM-DD` of the bucket start. */
  date: string;
  /** Total pulls that day; null when Azure Monitor has no value. */
  pulls: number | null;
}

export interface PullSummary {
  days: number;
  /** Sums over the days that have data; null when no day has data. */
  totalPullCount: number | null;
  successfulPullCount: number | null;
  totalPushCount: number | null;
  /** Number of days in `daily` with a pull value. */
  daysWithData: number;
  daily: DailyPulls[];
  /** Latest StorageUsed average per geolocation (location name, lower case); null when unknown. */
  storageUsedBytesByGeolocation: Record<string, number | null>;
  /** Timespan and interval as Azure Monitor returned them. */
  timespan: string;
  interval: string;
}

export interface PullMetricsPort {
  /** Pull/push counts per day over the last `days` days, and storage per geolocation. */
  getPullSummary(resourceId: string, options: { days: number; abortSignal?: AbortSignal }): Promise<PullSummary>;
}

/** Both ports, as built by createArmAdapters. */
export interface ArmAdapters {
  topology: RegistryTopologyPort;
  metrics: PullMetricsPort;
}
