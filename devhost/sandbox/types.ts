/** Types of the ARM sandbox: seed data, mutable state records, recorded exchanges. */

export type SandboxSku = 'Basic' | 'Standard' | 'Premium';
export type ZoneRedundancyValue = 'Enabled' | 'Disabled';
export type ProvisioningStateValue = 'Creating' | 'Updating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled';

/** Synthetic metric profile of a registry (all values deterministic from the registry id). */
export interface SeedMetrics {
  /** Average total pulls per day. */
  dailyPulls: number;
  /** Pushes per pull (default 0.02). */
  pushRatio?: number;
  /** Share of pulls that fail (default 0.01). */
  failureRate?: number;
  /** Stored GiB at the start of the history (default 50). */
  storageGiB?: number;
  /** Days of metric history before "now" (default 45); older buckets have no value. */
  historyDays?: number;
}

export interface SeedReplica {
  /** Defaults to the location. */
  name?: string;
  location: string;
  regionEndpointEnabled?: boolean;
  zoneRedundancy?: ZoneRedundancyValue;
  tags?: Record<string, string>;
  /** Seed a replica in another state (e.g. stuck in Creating, or Failed); default Succeeded/Ready, now. */
  provisioningState?: ProvisioningStateValue;
  displayStatus?: string;
  /** ISO time of `status.timestamp` (e.g. hours ago for a replica stuck in Creating). */
  statusTimestamp?: string;
}

export interface SeedRegistry {
  subscriptionId?: string;
  resourceGroup?: string;
  name: string;
  /** Home region. */
  location: string;
  sku: SandboxSku;
  zoneRedundancy?: ZoneRedundancyValue;
  tags?: Record<string, string>;
  replicas?: SeedReplica[];
  metrics?: SeedMetrics;
  /** ISO date; default 2021-06-15T21:38:26Z. */
  creationDate?: string;
}

export interface SandboxSeed {
  registries: SeedRegistry[];
  /** Clock used for metrics ("now") and timestamps. Default: the real clock. */
  now?: () => Date;
}

export interface ReplicaRecord {
  name: string;
  location: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: ZoneRedundancyValue;
  tags: Record<string, string>;
  provisioningState: ProvisioningStateValue;
  displayStatus: string;
  statusMessage: string;
  statusTimestamp: string;
}

export interface RegistryRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  sku: SandboxSku;
  zoneRedundancy: ZoneRedundancyValue;
  tags: Record<string, string>;
  creationDate: string;
  metrics: Required<SeedMetrics>;
  /** Replicas other than the home location, keyed by lower-case name. */
  replicas: Map<string, ReplicaRecord>;
}

export type OperationKind = 'createReplica' | 'deleteReplica';

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  registryKey: string;
  replicaName: string;
  startedAt: number;
  polls: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Set when a fault decided that this operation fails. */
  failWith?: { code: string; message: string };
  error?: { code: string; message: string };
  endTime?: string;
}

/** One request/response pair as seen on the wire by the sandbox. */
export interface RecordedExchange {
  seq: number;
  time: string;
  /** Operation matched by the router: a Swagger operationId, or OperationStatus/OperationResult/Sandbox/Unknown. */
  operationId: string;
  request: {
    method: string;
    /** Path and query exactly as received. */
    url: string;
    headers: Record<string, string>;
    body?: unknown;
  };
  response: {
    statusCode: number;
    headers: Record<string, string>;
    body?: unknown;
  };
  durationMs: number;
  /** Name of the fault rule that shaped this response, if any. */
  fault?: string;
}
