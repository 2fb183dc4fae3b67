/**
 * Plan types: the diff actions, the plan record, its steps and audit trail.
 * Types only; behaviour lives in diff.ts, fingerprint.ts, state.ts, execute.ts, export.ts.
 */
import type { ReplicaSpec, Sku, Topology } from '../types';
import type { ConsolidationPlanContent } from '../consolidation';

/**
 * A replica ARM lists that does not work and will not fix itself: provisioning
 * `Failed`/`Canceled`, or stuck in `Creating`/`Updating`/`Deleting` beyond the limit
 * (see model/live.ts liveTopology). The documented fix is delete + re-create.
 */
export interface BrokenReplica {
  region: string;
  /** Replication resource name. */
  name: string;
  provisioningState: string;
  reason: 'failed' | 'stuck';
  /** `status.timestamp` as ARM reported it; null when unknown. */
  since: string | null;
  detail: string;
}

/**
 * A registry webhook as ARM reports it. Webhooks are regional: one fires only for pushes
 * in its own location. The service URI comes from getCallbackConfig (null when it was not
 * read); custom header VALUES are never kept (they are secrets), only their names.
 */
export interface LiveWebhook {
  name: string;
  /** Canonical location name. */
  location: string;
  actions: string[];
  scope: string;
  status: 'enabled' | 'disabled';
  serviceUri: string | null;
  customHeaderNames: string[];
}

/** The registry's network configuration, as ARM reports it (Registries_Get). */
export interface LiveNetwork {
  publicNetworkAccess: string | null;
  /** networkRuleSet.defaultAction; null when there is no rule set. */
  networkRuleDefaultAction: string | null;
  ipRuleCount: number;
  dataEndpointEnabled: boolean;
  dataEndpointHostNames: string[];
  privateEndpoints: Array<{ name: string; privateEndpointId: string | null; status: string | null }>;
}

/** One entry of ARM's effective permissions (Microsoft.Authorization/permissions). */
export interface PermissionEntry {
  actions: string[];
  notActions: string[];
}

export interface ReplicaPreflight {
  region: string;
  /** granted null: not checked (permissions unreadable). */
  permissions: Array<{ action: string; granted: boolean | null }>;
  /** Data endpoint host names this replica adds (dataEndpointEnabled), for firewalls. */
  dataEndpointHosts: string[];
  /** Private DNS records to expect (one per private endpoint). */
  privateDnsRecords: Array<{ zone: string; name: string; type: 'A'; privateEndpoint: string }>;
}

/** What the plan's new replicas need, what was checked and what could not be. */
export interface Preflight {
  checkedAt: string;
  replicas: ReplicaPreflight[];
  /** Non-empty: the plan is `blocked`. */
  blockers: string[];
  /** What the service cannot check (stated, not hidden). */
  unchecked: string[];
  notes: string[];
}

/**
 * The one view of a live registry that plan creation, the fingerprint and apply
 * all use: working replicas in `replicas`, broken ones in `broken` (never both).
 * `webhooks` (when read) is not part of the fingerprint: it tells apply which
 * webhook creates are already done.
 */
export interface LiveTopology extends Topology {
  /** Absent or empty: no broken replica. */
  broken?: BrokenReplica[];
  webhooks?: Array<Pick<LiveWebhook, 'name' | 'location'>>;
}

export type ActionKind = 'upgradeSku' | 'createReplica' | 'updateReplica' | 'deleteReplica' | 'createWebhook';

interface ActionBase {
  /** Stable id, unique within a plan: `upgrade-sku`, `create-replica:eastus`, `update-replica:eastus`, `delete-replica:eastus`. */
  id: string;
  kind: ActionKind;
  description: string;
}

export interface UpgradeSkuAction extends ActionBase {
  kind: 'upgradeSku';
  from: Sku;
  to: Sku;
}

export interface CreateReplicaAction extends ActionBase {
  kind: 'createReplica';
  region: string;
  to: ReplicaSpec;
  /** Set when this create is the second half of a zone-redundancy re-create (delete + create). */
  recreate?: boolean;
}

export interface UpdateReplicaAction extends ActionBase {
  kind: 'updateReplica';
  region: string;
  from: ReplicaSpec;
  /** Only `regionEndpointEnabled` may differ from `from` (zone redundancy is immutable). */
  to: ReplicaSpec;
}

export interface DeleteReplicaAction extends ActionBase {
  kind: 'deleteReplica';
  region: string;
  from: ReplicaSpec;
  /** Set when this delete is the first half of a zone-redundancy re-create: the create that follows. */
  recreateAs?: ReplicaSpec;
  /** Set when the replica is broken (Failed, or stuck): the delete of a delete + re-create repair, or of a broken replica not in the target. */
  broken?: { provisioningState: string; reason: 'failed' | 'stuck'; since: string | null };
  /** Webhooks in this location: they only fire for pushes there, and go with the replica. */
  webhooks?: string[];
}

/** The webhook a new replica location needs: a copy of an existing webhook (webhooks are regional). */
export interface WebhookSpec {
  name: string;
  location: string;
  serviceUri: string;
  actions: string[];
  scope: string;
  status: 'enabled' | 'disabled';
}

export interface CreateWebhookAction extends ActionBase {
  kind: 'createWebhook';
  /** The location of the new webhook (a replica location of this plan). */
  region: string;
  webhook: WebhookSpec;
  /** Name of the existing webhook it copies. */
  copyOf: string;
}

export type PlanAction = UpgradeSkuAction | CreateReplicaAction | UpdateReplicaAction | DeleteReplicaAction | CreateWebhookAction;

export type SkippedKind =
  | 'webhookNeedsHeaders'
  | 'webhookNotReadable'
  | 'deleteReplica'
  | 'deleteBrokenReplica'
  | 'recreateReplica'
  | 'downgradeSku'
  | 'homeZoneRedundancy';

/** A difference between current and target that the plan deliberately does NOT act on, with the reason. */
export interface SkippedChange {
  id: string;
  kind: SkippedKind;
  region?: string;
  reason: string;
  description: string;
  /** webhookNeedsHeaders: the webhook the approver may create by hand, and the headers to supply. */
  proposal?: { webhook: WebhookSpec; customHeaderNames: string[] };
}

export interface DiffOptions {
  /** Deletes (and zone-redundancy re-creates, which start with a delete) are only planned when true. */
  allowDeletes: boolean;
}

export interface DiffResult {
  actions: PlanAction[];
  skipped: SkippedChange[];
}

export type PlanState =
  | 'pending'
  /** The preflight found a blocker (see Plan.preflight): cannot be approved; re-plan once it is fixed. */
  | 'blocked'
  | 'approved'
  | 'rejected'
  | 'applying'
  | 'applied'
  | 'partiallyApplied'
  /** Never stored: derived from `expiresAt` for plans not yet applying (see effectiveState). */
  | 'expired';

export type StepStatus = 'started' | 'succeeded' | 'failed' | 'skipped';

/** One record per executor event for one action. */
export interface PlanStep {
  actionId: string;
  /** `importRepository`: a consolidation plan's import of one source repository (#17). */
  kind: ActionKind | 'importRepository';
  region?: string;
  status: StepStatus;
  /** ISO timestamp. */
  at: string;
  /** 1 for the first apply run, incremented on each resume. */
  attempt: number;
  /** Error message (failed) or reason (skipped, e.g. 'alreadyDone'). */
  message?: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  event: string;
  detail?: string;
}

/** The stored plan record. Cost fields are opaque JSON owned by the cost model. */
export interface Plan {
  id: string;
  /** ARM resource id of the registry. */
  registryId: string;
  registryName: string;
  createdAt: string;
  expiresAt: string;
  /** Display name of the requester. */
  requester: string;
  /** Object id of the requester, when their identity carried one (absent in plans stored before ids were recorded). */
  requesterObjectId?: string;
  /** Identity provider of the requester ('aad', 'local', ...), when known. */
  requesterProvider?: string;
  approver?: string;
  approverObjectId?: string;
  approverProvider?: string;
  approvedAt?: string;
  /** contentHash at approval time; apply refuses when the content no longer hashes to it. */
  approvedContentHash?: string;
  state: Exclude<PlanState, 'expired'>;
  allowDeletes: boolean;
  /** The live topology the plan was made from (its broken replicas in `current.broken`). */
  current: LiveTopology;
  target: Topology;
  actions: PlanAction[];
  skipped: SkippedChange[];
  costBefore?: unknown;
  costAfter?: unknown;
  priceAsOf?: string;
  /** fingerprint(current): the live topology the plan was made from. */
  liveFingerprint: string;
  /** Network preflight of the new replicas (absent in plans made before it existed). */
  preflight?: Preflight;
  /** Why the plan is `blocked`. */
  blockedReason?: string;
  /** contentHash(planContent(plan)). */
  contentHash: string;
  /** Number of apply runs started (resumes included). */
  applyAttempts?: number;
  steps: PlanStep[];
  audit: AuditEntry[];
  notificationUrl?: string;
  rejectReason?: string;
  /** Last apply error message, if the last run failed. */
  lastError?: string;
  /** A consolidation plan (#17): the imports, rewrites and deletable sources after the target's topology actions. */
  consolidation?: ConsolidationPlanContent;
}

/** The part of a plan that approval is bound to (see contentHash / planContent). */
export interface PlanContent {
  registryId: string;
  registryName: string;
  allowDeletes: boolean;
  current: LiveTopology;
  target: Topology;
  actions: PlanAction[];
  skipped: SkippedChange[];
  liveFingerprint: string;
  preflight?: Preflight;
  costBefore?: unknown;
  costAfter?: unknown;
  priceAsOf?: string;
  expiresAt: string;
  consolidation?: ConsolidationPlanContent;
}

/** What executePlan needs from the outside world. */
export interface ExecutorPort {
  /** Reads the registry's live topology (ARM), in the one plan view (broken replicas apart); its webhooks too when asked. */
  readLive(options?: { webhooks?: boolean }): Promise<LiveTopology>;
  /** Performs one action and resolves when it has completed (long-running operation finished). */
  perform(action: PlanAction): Promise<void>;
  /** Persists one step record (plan store). */
  recordStep(step: PlanStep): Promise<void>;
  now(): Date;
}

export interface ExecuteOptions {
  /** Compute what would be done; perform nothing and record nothing. */
  dryRun?: boolean;
  /** Attempt number written into step records (defaults to plan.applyAttempts ?? 1). */
  attempt?: number;
}

export type ExecutionOutcome = 'applied' | 'partiallyApplied' | 'noop' | 'dryRun';

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  /** Steps recorded during this run (dry run: the steps that would be recorded, none persisted). */
  steps: PlanStep[];
  /** Actions performed in this run (dry run: that would be performed), in order. */
  performed: PlanAction[];
  /** Actions found already satisfied by the live topology. */
  alreadyDone: string[];
  /** Action that failed (partiallyApplied). */
  failedActionId?: string;
  error?: string;
  /** Fingerprint of the live topology read at the end of the run (not for dry runs / noop). */
  finalFingerprint?: string;
  /** With wait-for-Ready: each created replica's replication status when the wait ended. */
  readiness?: ReplicaReadiness[];
}

/** One created replica after apply's bounded wait for `status.displayStatus` Ready. */
export interface ReplicaReadiness {
  region: string;
  ready: boolean;
  /** displayStatus at the end of the wait (null: ARM gave none). */
  displayStatus: string | null;
  /** Milliseconds waited for this replica (until Ready, or the limit). */
  waitedMs: number;
}

export type ExportFormat = 'az' | 'bicep' | 'terraform';
