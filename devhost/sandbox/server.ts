/**
 * ARM sandbox: a local HTTP server (node:http) speaking the ARM REST shapes of
 * Microsoft.ContainerRegistry (api-version 2025-11-01: registries, replications with
 * long-running operations) and Microsoft.Insights/metrics (api-version 2024-02-01),
 * with seeded registries and run-time fault injection. Bound to 127.0.0.1 only.
 *
 * Control plane (no auth): GET /_sandbox/state, POST /_sandbox/reset,
 * GET|POST|DELETE /_sandbox/faults (POST body: a rule or an array of rules; `?append=true` adds),
 * GET|DELETE /_sandbox/requests, POST /_sandbox/registries (body: a SeedRegistry or an array).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultController, type FaultRule } from './faults';
import { WEBHOOK_ROUTES, WebhookSandbox } from './webhooks';
import { NetworkSandbox, PERMISSIONS_API_VERSION, PERMISSIONS_ROUTE } from './network';
import { ArmReadLimiter, READS_REMAINING_HEADER, subscriptionOfPath, type ArmReadLimitOptions } from './arm-limits';
import { MetricsBatchSandbox, METRICS_BATCH_PATH } from './metrics-batch';
import { RESOURCE_GRAPH_API_VERSION, RESOURCE_GRAPH_PATH, ResourceGraphSandbox, type ResourceGraphOptions } from './resource-graph';
import { MetricsQueryError, queryRegistryMetrics } from './metrics';
import { KNOWN_LOCATIONS, LOCATIONS_WITHOUT_ZONES } from './regions';
import { defaultSeed } from './seed';
import { RegistryContent, defaultRepositories, startDataPlane, type DataPlane, type RepositorySeed } from './registry-data';
import { SandboxState, registryId } from './state';
import type { OperationRecord, RecordedExchange, RegistryRecord, ReplicaRecord, SandboxSeed, SeedRegistry, ZoneRedundancyValue } from './types';

export const ACR_API_VERSION = '2025-11-01';
export const METRICS_API_VERSION = '2024-02-01';

export interface ArmSandboxOptions {
  /** 0 (default) = ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
  seed?: SandboxSeed;
  /** Latency added to every ARM response (ms). */
  latencyMs?: number;
  /** Minimum time a long-running operation stays InProgress (default 0). */
  lroPollDelayMs?: number;
  /** Status polls answered InProgress before completion (default 1). */
  lroInProgressPolls?: number;
  /** Unpolled operations complete by themselves after this long (default 2000 ms). */
  lroAutoCompleteMs?: number;
  /** Retry-After (seconds) sent with LRO responses (default 0). */
  lroRetryAfterSeconds?: number;
  /** Page size of registry lists (default 100; `nextLink` beyond). */
  pageSize?: number;
  /** Keep at most this many exchanges in `requests` (default 10000, oldest dropped). */
  maxRecorded?: number;
  /** Repositories and tags per registry (default: defaultRepositories(), the Contoso images). */
  repositories?: RepositorySeed;
  /** ARM's read token bucket per subscription (default ON: 250 burst, 25/s; `false` turns it off). */
  armReadLimit?: false | ArmReadLimitOptions;
  /** Resource Graph: quota, management groups, subscriptions where it is not allowed. */
  resourceGraph?: ResourceGraphOptions;
}

export interface ArmSandbox {
  /** Base URL, e.g. http://127.0.0.1:43123 (pass it as the SDK `endpoint`). */
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultController;
  state: SandboxState;
  /** Every ARM request/response on the wire (control-plane calls excluded), oldest first. */
  requests: RecordedExchange[];
  resetRequests(): void;
  /** State back to the seed, faults cleared, request log emptied. */
  reset(): void;
  /** Registry webhooks, per location (webhooks.ts). */
  webhooks: WebhookSandbox;
  /** Network configuration and the caller's permissions per registry (network.ts). */
  network: NetworkSandbox;
  /** Repositories/tags of every registry and the importImage behaviour (registry-data.ts). */
  content: RegistryContent;
  /** The registries' data plane (HTTPS, ACR token exchange). */
  dataPlane: DataPlane;
  /** ARM's read throttling (undefined when turned off). */
  readLimit: ArmReadLimiter | undefined;
  resourceGraph: ResourceGraphSandbox;
  metricsBatch: MetricsBatchSandbox;
}

interface Reply {
  statusCode: number;
  headers?: Record<string, string>;
  body?: unknown;
}

class ArmError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME_RE = /^[a-zA-Z0-9]{5,50}$/;
const SEG = '([^/]+)';
const RG_PREFIX = `^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.containerregistry/registries/${SEG}`;

interface Route {
  re: RegExp;
  operation: (method: string) => string;
}

const ROUTES: Array<Route & { kind: string }> = [
  { kind: 'list', re: new RegExp(`^/subscriptions/${SEG}/providers/microsoft\\.containerregistry/registries$`, 'i'), operation: () => 'Registries_List' },
  { kind: 'listRg', re: new RegExp(`^/subscriptions/${SEG}/resourcegroups/${SEG}/providers/microsoft\\.containerregistry/registries$`, 'i'), operation: () => 'Registries_ListByResourceGroup' },
  { kind: 'registry', re: new RegExp(`${RG_PREFIX}$`, 'i'), operation: (m) => ({ GET: 'Registries_Get', PATCH: 'Registries_Update', PUT: 'Registries_Create', DELETE: 'Registries_Delete' })[m] ?? 'Unknown' },
  { kind: 'replications', re: new RegExp(`${RG_PREFIX}/replications$`, 'i'), operation: () => 'Replications_List' },
  { kind: 'replication', re: new RegExp(`${RG_PREFIX}/replications/${SEG}$`, 'i'), operation: (m) => ({ GET: 'Replications_Get', PUT: 'Replications_Create', PATCH: 'Replications_Update', DELETE: 'Replications_Delete' })[m] ?? 'Unknown' },
  { kind: 'opStatus', re: new RegExp(`${RG_PREFIX}/replications/${SEG}/operationStatuses/${SEG}$`, 'i'), operation: () => 'OperationStatus' },
  { kind: 'opResult', re: new RegExp(`${RG_PREFIX}/replications/${SEG}/operationResults/${SEG}$`, 'i'), operation: () => 'OperationResult' },
  ...WEBHOOK_ROUTES.map((w) => ({ kind: w.kind, re: new RegExp(`${RG_PREFIX}${w.suffix}$`, 'i'), operation: w.operation })),
  { kind: PERMISSIONS_ROUTE.kind, re: new RegExp(`${RG_PREFIX}${PERMISSIONS_ROUTE.suffix}$`, 'i'), operation: PERMISSIONS_ROUTE.operation },
  { kind: 'importImage', re: new RegExp(`${RG_PREFIX}/importImage$`, 'i'), operation: () => 'Registries_ImportImage' },
  { kind: 'importResult', re: new RegExp(`${RG_PREFIX}/importOperationResults/${SEG}$`, 'i'), operation: () => 'OperationResult' },
  { kind: 'metrics', re: new RegExp(`${RG_PREFIX}/providers/microsoft\\.insights/metrics$`, 'i'), operation: () => 'Metrics_List' },
];

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 * 1024 * 1024) {
        reject(new ArmError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function notFound(kind: 'registries' | 'registries/replications', name: string, rg: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ContainerRegistry/${kind}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function registryJson(r: RegistryRecord): Record<string, unknown> {
  return {
    id: registryId(r),
    name: r.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: r.location,
    tags: { ...r.tags },
    sku: { name: r.sku, tier: r.sku },
    properties: {
      loginServer: `${r.name.toLowerCase()}.azurecr.io`,
      creationDate: r.creationDate,
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      ...(r.sku === 'Premium' ? { networkRuleSet: { defaultAction: 'Allow', ipRules: [] } } : {}),
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: r.creationDate, status: 'disabled' },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: 'enabled' },
      },
      encryption: { status: 'disabled' },
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      networkRuleBypassAllowedForTasks: false,
      zoneRedundancy: r.zoneRedundancy,
      anonymousPullEnabled: false,
      roleAssignmentMode: 'LegacyRegistryPermissions',
    },
  };
}

/** The home location's replication, which ARM lists for Premium registries (it cannot be created, changed or deleted). */
function homeReplica(r: RegistryRecord): ReplicaRecord {
  return {
    name: r.location,
    location: r.location,
    regionEndpointEnabled: true,
    zoneRedundancy: r.zoneRedundancy,
    tags: {},
    provisioningState: 'Succeeded',
    displayStatus: 'Ready',
    statusMessage: 'The replication is ready.',
    statusTimestamp: r.creationDate,
  };
}

function replicaJson(r: RegistryRecord, rep: ReplicaRecord): Record<string, unknown> {
  return {
    id: `${registryId(r)}/replications/${rep.name}`,
    name: rep.name,
    type: 'Microsoft.ContainerRegistry/registries/replications',
    location: rep.location,
    tags: { ...rep.tags },
    properties: {
      provisioningState: rep.provisioningState,
      status: { displayStatus: rep.displayStatus, message: rep.statusMessage, timestamp: rep.statusTimestamp },
      regionEndpointEnabled: rep.regionEndpointEnabled,
      zoneRedundancy: rep.zoneRedundancy,
    },
  };
}

function allReplicas(r: RegistryRecord): ReplicaRecord[] {
  return r.sku === 'Premium' ? [homeReplica(r), ...r.replicas.values()] : [...r.replicas.values()];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseTags(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new ArmError(400, 'InvalidRequestContent', `'${where}' must be an object of string values.`);
  }
  return { ...(v as Record<string, string>) };
}

function parseZone(v: unknown): ZoneRedundancyValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !['enabled', 'disabled'].includes(v.toLowerCase())) {
    throw new ArmError(400, 'InvalidRequestContent', `'properties.zoneRedundancy' must be 'Enabled' or 'Disabled', got ${JSON.stringify(v)}.`);
  }
  return v.toLowerCase() === 'enabled' ? 'Enabled' : 'Disabled';
}

function normalizeLocation(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new ArmError(400, 'LocationRequired', "The 'location' property is required for this resource.");
  return v.replace(/\s+/g, '').toLowerCase();
}

export async function startArmSandbox(options: ArmSandboxOptions = {}): Promise<ArmSandbox> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The ARM sandbox binds to 127.0.0.1 only.');
  const seed = options.seed ?? defaultSeed();
  const now = seed.now ?? (() => new Date());
  const state = new SandboxState(
    seed,
    {
      inProgressPolls: options.lroInProgressPolls ?? 1,
      lroPollDelayMs: options.lroPollDelayMs ?? 0,
      autoCompleteMs: options.lroAutoCompleteMs ?? 2000,
    },
    now,
  );
  const faults = new FaultController();
  const webhooks = new WebhookSandbox();
  const network = new NetworkSandbox();
  const content = new RegistryContent(options.repositories ?? defaultRepositories(), now);
  const dataPlane = await startDataPlane(content, { registryExists: (n) => [...state.registries.values()].some((r) => r.name.toLowerCase() === n) });
  const requests: RecordedExchange[] = [];
  const maxRecorded = options.maxRecorded ?? 10_000;
  const pageSize = options.pageSize ?? 100;
  const retryAfter = String(options.lroRetryAfterSeconds ?? 0);
  let seq = 0;
  let baseUrl = '';
  const readLimit = options.armReadLimit === false ? undefined : new ArmReadLimiter(options.armReadLimit ?? {});
  const resourceGraph = new ResourceGraphSandbox(options.resourceGraph ?? {}, () => state.registries.values(), allReplicas);
  const metricsBatch = new MetricsBatchSandbox((sub, rg, name) => state.findRegistry(sub, rg, name), () => now().getTime());

  function record(x: RecordedExchange): void {
    requests.push(x);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
  }

  function requireApiVersion(query: URLSearchParams, expected: string, resourceType: string): void {
    const v = query.get('api-version');
    if (!v) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (v !== expected) {
      throw new ArmError(
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for API version '${v}' and type '${resourceType}'. The supported api-versions (in this sandbox) are '${expected}'.`,
      );
    }
  }

  function getRegistry(sub: string, rg: string, name: string): RegistryRecord {
    const r = state.findRegistry(sub, rg, name);
    if (!r) throw notFound('registries', name, rg);
    return r;
  }

  function opUrls(r: RegistryRecord, replicaName: string, op: OperationRecord): { status: string; result: string } {
    const base = `${baseUrl}${registryId(r)}/replications/${replicaName}`;
    return {
      status: `${base}/operationStatuses/${op.id}?api-version=${ACR_API_VERSION}`,
      result: `${base}/operationResults/${op.id}?api-version=${ACR_API_VERSION}`,
    };
  }

  function createdReply(r: RegistryRecord, rep: ReplicaRecord, op: OperationRecord): Reply {
    const urls = opUrls(r, rep.name, op);
    return {
      statusCode: 201,
      headers: { 'azure-asyncoperation': urls.status, location: urls.result, 'retry-after': retryAfter },
      body: replicaJson(r, rep),
    };
  }

  function putReplication(r: RegistryRecord, name: string, body: unknown): Reply {
    if (!NAME_RE.test(name)) {
      throw new ArmError(400, 'InvalidResourceName', `Resource name '${name}' is invalid: 5-50 alphanumeric characters are allowed.`);
    }
    if (!isPlainObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const location = normalizeLocation(body['location']);
    const props = body['properties'];
    if (props !== undefined && props !== null && !isPlainObject(props)) throw new ArmError(400, 'InvalidRequestContent', "'properties' must be an object.");
    const p = (props ?? {}) as Record<string, unknown>;
    const ree = p['regionEndpointEnabled'];
    if (ree !== undefined && ree !== null && typeof ree !== 'boolean') {
      throw new ArmError(400, 'InvalidRequestContent', `'properties.regionEndpointEnabled' must be a boolean, got ${JSON.stringify(ree)}.`);
    }
    const zone = parseZone(p['zoneRedundancy']);
    const tags = parseTags(body['tags'], 'tags');
    if (r.sku !== 'Premium') {
      throw new ArmError(
        400,
        'ReplicationNotSupportedForSku',
        `Geo-replication requires the Premium SKU; registry '${r.name}' is ${r.sku}. Upgrade the registry to Premium first.`,
      );
    }
    if (!KNOWN_LOCATIONS.has(location)) {
      throw new ArmError(400, 'LocationNotAvailableForResourceType', `The provided location '${location}' is not available for resource type 'Microsoft.ContainerRegistry/registries/replications'.`);
    }
    if (location === r.location) {
      if (name.toLowerCase() !== r.location) {
        throw new ArmError(400, 'ReplicationNotAllowedInHomeRegion', `A replication cannot be created in the registry's home region '${r.location}'.`);
      }
      if (zone && zone !== r.zoneRedundancy) {
        throw new ArmError(400, 'ZoneRedundancyCannotBeUpdated', 'Zone redundancy of the home region is chosen when the registry is created and cannot be changed.');
      }
      return { statusCode: 200, body: replicaJson(r, homeReplica(r)) };
    }
    const nowIso = now().toISOString();
    const existing = r.replicas.get(name.toLowerCase());
    if (existing) {
      if (existing.location !== location) {
        throw new ArmError(400, 'InvalidReplicationLocation', `Replication '${existing.name}' is in '${existing.location}'; the location of a replication cannot be changed.`);
      }
      if (zone && zone !== existing.zoneRedundancy) {
        throw new ArmError(
          400,
          'ZoneRedundancyCannotBeUpdated',
          `Zone redundancy of replication '${existing.name}' is ${existing.zoneRedundancy}; it can only be chosen when the replication is created (delete and re-create it to change it).`,
        );
      }
      const pending = state.pendingOperation(r, existing.name);
      if (existing.provisioningState === 'Deleting') {
        throw new ArmError(409, 'Conflict', `Replication '${existing.name}' is being deleted.`);
      }
      if (pending && existing.provisioningState === 'Creating') return createdReply(r, existing, pending);
      if (typeof ree === 'boolean') existing.regionEndpointEnabled = ree;
      if (tags) existing.tags = tags;
      if (existing.provisioningState === 'Failed') {
        return startCreate(r, existing);
      }
      return { statusCode: 200, body: replicaJson(r, existing) };
    }
    for (const other of r.replicas.values()) {
      if (other.location === location) {
        throw new ArmError(409, 'ReplicationAlreadyExistsInLocation', `Registry '${r.name}' already has replication '${other.name}' in '${location}'.`);
      }
    }
    if (zone === 'Enabled' && LOCATIONS_WITHOUT_ZONES.has(location)) {
      throw new ArmError(400, 'ZoneRedundancyNotSupportedInRegion', `Zone redundancy is not supported in '${location}': the region has no availability zones.`);
    }
    const rep: ReplicaRecord = {
      name,
      location,
      regionEndpointEnabled: typeof ree === 'boolean' ? ree : true,
      zoneRedundancy: zone ?? 'Disabled',
      tags: tags ?? {},
      provisioningState: 'Creating',
      displayStatus: 'Syncing',
      statusMessage: 'The replication is syncing.',
      statusTimestamp: nowIso,
    };
    r.replicas.set(name.toLowerCase(), rep);
    return startCreate(r, rep);
  }

  function startCreate(r: RegistryRecord, rep: ReplicaRecord): Reply {
    rep.provisioningState = 'Creating';
    rep.displayStatus = 'Syncing';
    rep.statusMessage = 'The replication is syncing.';
    rep.statusTimestamp = now().toISOString();
    const fail = faults.onReplicaCreate({ method: 'PUT', operationId: 'Replications_Create', registry: r.name });
    const op = state.startOperation('createReplica', r, rep.name, fail ? { code: fail.code, message: fail.message } : undefined);
    return createdReply(r, rep, op);
  }

  function patchReplication(r: RegistryRecord, name: string, body: unknown): Reply {
    if (!isPlainObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    if (r.sku === 'Premium' && name.toLowerCase() === r.location) {
      throw new ArmError(400, 'HomeReplicationCannotBeUpdated', `The replication in the home region '${r.location}' cannot be updated.`);
    }
    const rep = r.replicas.get(name.toLowerCase());
    if (!rep) throw notFound('registries/replications', `${r.name}/${name}`, r.resourceGroup);
    const props = body['properties'];
    if (props !== undefined && props !== null && !isPlainObject(props)) throw new ArmError(400, 'InvalidRequestContent', "'properties' must be an object.");
    const p = (props ?? {}) as Record<string, unknown>;
    if ('zoneRedundancy' in p) {
      throw new ArmError(400, 'ZoneRedundancyCannotBeUpdated', 'Zone redundancy can only be chosen when the replication is created (delete and re-create it to change it).');
    }
    const ree = p['regionEndpointEnabled'];
    if (ree !== undefined && ree !== null && typeof ree !== 'boolean') {
      throw new ArmError(400, 'InvalidRequestContent', `'properties.regionEndpointEnabled' must be a boolean, got ${JSON.stringify(ree)}.`);
    }
    const tags = parseTags(body['tags'], 'tags');
    if (rep.provisioningState === 'Creating' || rep.provisioningState === 'Deleting') {
      throw new ArmError(409, 'Conflict', `Replication '${rep.name}' is ${rep.provisioningState.toLowerCase()}; retry when the operation has finished.`);
    }
    if (typeof ree === 'boolean') rep.regionEndpointEnabled = ree;
    if (tags) rep.tags = tags;
    return { statusCode: 200, body: replicaJson(r, rep) };
  }

  function deleteReplication(r: RegistryRecord, name: string): Reply {
    if (r.sku === 'Premium' && name.toLowerCase() === r.location) {
      throw new ArmError(400, 'HomeReplicationCannotBeDeleted', `The replication in the home region '${r.location}' cannot be deleted.`);
    }
    const rep = r.replicas.get(name.toLowerCase());
    if (!rep) return { statusCode: 204 };
    const pending = state.pendingOperation(r, rep.name);
    if (pending && pending.kind === 'deleteReplica') {
      return { statusCode: 202, headers: { location: opUrls(r, rep.name, pending).result, 'retry-after': retryAfter } };
    }
    if (pending) throw new ArmError(409, 'Conflict', `Replication '${rep.name}' is being created; retry when the operation has finished.`);
    rep.provisioningState = 'Deleting';
    rep.displayStatus = 'Deleting';
    rep.statusMessage = 'The replication is being deleted.';
    rep.statusTimestamp = now().toISOString();
    const op = state.startOperation('deleteReplica', r, rep.name);
    return { statusCode: 202, headers: { location: opUrls(r, rep.name, op).result, 'retry-after': retryAfter } };
  }

  function patchRegistry(r: RegistryRecord, body: unknown): Reply {
    if (!isPlainObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const sku = body['sku'];
    let newSku = r.sku;
    if (sku !== undefined) {
      if (!isPlainObject(sku) || typeof sku['name'] !== 'string' || !['Basic', 'Standard', 'Premium'].includes(sku['name'])) {
        throw new ArmError(400, 'InvalidSku', `The SKU ${JSON.stringify(sku)} is invalid; use one of Basic, Standard, Premium.`);
      }
      newSku = sku['name'] as RegistryRecord['sku'];
    }
    const tags = parseTags(body['tags'], 'tags');
    if (newSku !== 'Premium' && r.replicas.size > 0) {
      throw new ArmError(
        400,
        'CannotDowngradeRegistryWithReplications',
        `Registry '${r.name}' has ${r.replicas.size} replication(s); delete them before changing the SKU to ${newSku} (geo-replication requires Premium).`,
      );
    }
    r.sku = newSku;
    if (tags) r.tags = tags;
    return { statusCode: 200, body: registryJson(r) };
  }

  function listRegistries(sub: string, rg: string | undefined, path: string, query: URLSearchParams): Reply {
    const all = state.listRegistries(sub, rg).sort((a, b) => a.name.localeCompare(b.name));
    const skip = Math.max(0, Number.parseInt(query.get('$skipToken') ?? '0', 10) || 0);
    const page = all.slice(skip, skip + pageSize);
    const next = skip + pageSize < all.length ? `${baseUrl}${path}?api-version=${ACR_API_VERSION}&%24skipToken=${skip + pageSize}` : undefined;
    return { statusCode: 200, body: { value: page.map(registryJson), ...(next ? { nextLink: next } : {}) } };
  }

  function pollReply(r: RegistryRecord, replicaName: string, opId: string, kind: 'status' | 'result'): Reply {
    const op = state.operations.get(opId);
    if (!op || op.replicaName.toLowerCase() !== replicaName.toLowerCase()) {
      throw new ArmError(404, 'OperationNotFound', `Operation '${opId}' was not found.`);
    }
    state.poll(op);
    if (kind === 'status') {
      return {
        statusCode: 200,
        headers: op.status === 'InProgress' ? { 'retry-after': retryAfter } : {},
        body: {
          id: `${registryId(r)}/replications/${op.replicaName}/operationStatuses/${op.id}`,
          name: op.id,
          status: op.status,
          startTime: new Date(op.startedAt).toISOString(),
          ...(op.endTime ? { endTime: op.endTime } : {}),
          ...(op.error ? { error: op.error } : {}),
        },
      };
    }
    if (op.status === 'InProgress') {
      return { statusCode: 202, headers: { location: opUrls(r, op.replicaName, op).result, 'retry-after': retryAfter } };
    }
    if (op.status === 'Failed') {
      throw new ArmError(500, op.error?.code ?? 'OperationFailed', op.error?.message ?? 'The operation failed.');
    }
    if (op.kind === 'deleteReplica') return { statusCode: 204 };
    const rep = r.replicas.get(op.replicaName.toLowerCase());
    return rep ? { statusCode: 200, body: replicaJson(r, rep) } : { statusCode: 204 };
  }

  function handleArm(kind: string, m: RegExpExecArray, method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    const [, sub = '', rg = '', name = '', child = '', opId = ''] = m;
    switch (kind) {
      case 'list':
        requireApiVersion(query, ACR_API_VERSION, 'registries');
        if (method !== 'GET') break;
        return listRegistries(sub, undefined, path, query);
      case 'listRg':
        requireApiVersion(query, ACR_API_VERSION, 'registries');
        if (method !== 'GET') break;
        return listRegistries(sub, rg, path, query);
      case 'registry': {
        requireApiVersion(query, ACR_API_VERSION, 'registries');
        if (method === 'PUT' || method === 'DELETE') {
          throw new ArmError(405, 'UnsupportedOperation', 'The ARM sandbox does not create or delete registries: seed them (POST /_sandbox/registries).');
        }
        const r = getRegistry(sub, rg, name);
        if (method === 'GET') return { statusCode: 200, body: network.decorate(r, registryJson(r)) };
        if (method === 'PATCH') return patchRegistry(r, body);
        break;
      }
      case 'replications': {
        requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
        if (method !== 'GET') break;
        const r = getRegistry(sub, rg, name);
        return { statusCode: 200, body: { value: allReplicas(r).map((rep) => replicaJson(r, rep)) } };
      }
      case 'replication': {
        requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
        const r = getRegistry(sub, rg, name);
        if (method === 'GET') {
          const rep = allReplicas(r).find((x) => x.name.toLowerCase() === child.toLowerCase());
          if (!rep) throw notFound('registries/replications', `${r.name}/${child}`, rg);
          return { statusCode: 200, body: replicaJson(r, rep) };
        }
        if (method === 'PUT') return putReplication(r, child, body);
        if (method === 'PATCH') return patchReplication(r, child, body);
        if (method === 'DELETE') return deleteReplication(r, child);
        break;
      }
      case 'permissions': {
        requireApiVersion(query, PERMISSIONS_API_VERSION, 'permissions');
        if (method !== 'GET') break;
        return network.permissions(getRegistry(sub, rg, name));
      }
      case 'webhooks':
      case 'webhook':
      case 'webhookCallback': {
        requireApiVersion(query, ACR_API_VERSION, 'registries/webhooks');
        const r = getRegistry(sub, rg, name);
        const locations = [r.location, ...[...r.replicas.values()].filter((x) => x.provisioningState === 'Succeeded').map((x) => x.location)];
        return webhooks.handle(kind, method, r, child, body, locations);
      }
      case 'opStatus':
      case 'opResult': {
        requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
        if (method !== 'GET') break;
        return pollReply(getRegistry(sub, rg, name), child, opId, kind === 'opStatus' ? 'status' : 'result');
      }
      case 'importImage': {
        requireApiVersion(query, ACR_API_VERSION, 'registries');
        if (method !== 'POST') break;
        const lookup = (id: string): RegistryRecord | undefined => {
          const x = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerregistry\/registries\/([^/]+)$/i.exec(id);
          return x ? state.findRegistry(x[1] ?? '', x[2] ?? '', x[3] ?? '') : undefined;
        };
        return content.importImage(getRegistry(sub, rg, name), body, lookup, baseUrl, ACR_API_VERSION);
      }
      case 'importResult': {
        requireApiVersion(query, ACR_API_VERSION, 'registries');
        if (method !== 'GET') break;
        return content.importResult(getRegistry(sub, rg, name), child);
      }
      case 'metrics': {
        requireApiVersion(query, METRICS_API_VERSION, 'metrics');
        if (method !== 'GET') break;
        const r = getRegistry(sub, rg, name);
        const q = (k: string): string | null => {
          for (const [key, v] of query) if (key.toLowerCase() === k.toLowerCase()) return v;
          return null;
        };
        try {
          return {
            statusCode: 200,
            body: queryRegistryMetrics(
              r,
              { timespan: q('timespan'), interval: q('interval'), metricnames: q('metricnames'), aggregation: q('aggregation'), filter: q('$filter'), resultType: q('resultType') },
              now().getTime(),
            ),
          };
        } catch (e) {
          if (e instanceof MetricsQueryError) throw new ArmError(400, e.code, e.message);
          throw e;
        }
      }
    }
    throw new ArmError(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
  }

  function handleControl(method: string, path: string, query: URLSearchParams, body: unknown): Reply {
    const p = path.replace(/\/+$/, '');
    if (p === '/_sandbox/state' && method === 'GET') return { statusCode: 200, body: state.snapshot() };
    if (p === '/_sandbox/reset' && method === 'POST') {
      sandbox.reset();
      return { statusCode: 200, body: { reset: true } };
    }
    if (p === '/_sandbox/faults') {
      if (method === 'GET') return { statusCode: 200, body: { rules: faults.list() } };
      if (method === 'DELETE') {
        faults.clear();
        return { statusCode: 200, body: { rules: [] } };
      }
      if (method === 'POST') {
        try {
          if (query.get('append') === 'true') {
            for (const r of (Array.isArray(body) ? body : [body]) as FaultRule[]) faults.add(r);
          } else {
            faults.set((body ?? []) as FaultRule | FaultRule[]);
          }
        } catch (e) {
          throw new ArmError(400, 'InvalidFault', (e as Error).message);
        }
        return { statusCode: 200, body: { rules: faults.list() } };
      }
    }
    if (p === '/_sandbox/requests') {
      if (method === 'GET') return { statusCode: 200, body: { requests } };
      if (method === 'DELETE') {
        requests.length = 0;
        return { statusCode: 200, body: { requests: [] } };
      }
    }
    if (p === '/_sandbox/registries' && method === 'POST') {
      const items = (Array.isArray(body) ? body : [body]) as SeedRegistry[];
      for (const item of items) {
        if (!isPlainObject(item) || typeof item.name !== 'string' || typeof item.location !== 'string' || !['Basic', 'Standard', 'Premium'].includes(item.sku)) {
          throw new ArmError(400, 'InvalidSeed', 'Each registry needs name, location and sku (Basic|Standard|Premium).');
        }
      }
      const added = items.map((i) => registryId(state.addRegistry(i)));
      return { statusCode: 201, body: { added } };
    }
    throw new ArmError(404, 'NotFound', `Unknown sandbox endpoint ${method} ${path}.`);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    // Not `new URL(rawUrl, base)`: a path starting with '//' would be read as a host.
    const qIdx = rawUrl.indexOf('?');
    const query = new URLSearchParams(qIdx >= 0 ? rawUrl.slice(qIdx + 1) : '');
    let path = (qIdx >= 0 ? rawUrl.slice(0, qIdx) : rawUrl).replace(/\/{2,}/g, '/');
    try {
      path = decodeURIComponent(path);
    } catch {
      /* keep it encoded */
    }
    const reqHeaders = lowerHeaders(req.headers);
    const requestId = randomUUID();
    const correlationId = reqHeaders['x-ms-correlation-request-id'] ?? randomUUID();
    let operationId = 'Unknown';
    let reqBody: unknown;
    let reply: Reply;
    let faultName: string | undefined;
    let readHeaders: Record<string, string> = {};
    const isControl = path.startsWith('/_sandbox');
    try {
      const text = await readBody(req);
      if (text.length > 0) {
        try {
          reqBody = JSON.parse(text);
        } catch {
          reqBody = text;
          throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: not JSON.');
        }
      }
      const graph = RESOURCE_GRAPH_PATH.test(path);
      const batch = METRICS_BATCH_PATH.exec(path);
      if (isControl) {
        operationId = 'Sandbox';
        reply = handleControl(method, path, query, reqBody);
      } else if (graph || batch) {
        // Resource Graph and the metrics batch data plane: their own quotas, not ARM's read bucket.
        operationId = graph ? 'Resources' : 'MetricsBatch_Batch';
        const auth = reqHeaders['authorization'];
        if (!auth || !/^Bearer\s+\S+/i.test(auth)) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
        if (method !== 'POST') throw new ArmError(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
        if (graph) {
          requireApiVersion(query, RESOURCE_GRAPH_API_VERSION, 'resources');
          reply = resourceGraph.handle(auth, reqBody);
        } else {
          reply = metricsBatch.handle(batch?.[1] ?? '', batch?.[2] ?? '', query, reqBody);
        }
      } else {
        let matched: { kind: string; m: RegExpExecArray } | undefined;
        for (const route of ROUTES) {
          const m = route.re.exec(path);
          if (m) {
            matched = { kind: route.kind, m };
            operationId = route.operation(method);
            break;
          }
        }
        const auth = reqHeaders['authorization'];
        if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
          throw new ArmError(
            401,
            'AuthenticationFailed',
            auth ? "Authentication failed. The 'Authorization' header is not a Bearer token." : "Authentication failed. The 'Authorization' header is missing.",
          );
        }
        if (!matched) {
          throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace for path '${path}' (ARM sandbox).`);
        }
        const registryName = matched.kind === 'list' || matched.kind === 'listRg' ? undefined : matched.m[3];
        const readSub = method === 'GET' && readLimit ? subscriptionOfPath(path) : undefined;
        const admission = readSub && readLimit ? readLimit.admit(readSub) : undefined;
        if (admission && !admission.ok) {
          throw Object.assign(new ArmError(429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${readSub}' actor '${correlationId}' exceeded. Please try again after '${admission.retryAfterSeconds}' seconds after the additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`), { retryAfterSeconds: admission.retryAfterSeconds });
        }
        if (admission?.ok) readHeaders = { [READS_REMAINING_HEADER]: String(admission.remaining) };
        const decision = faults.onRequest({ method, operationId, ...(registryName ? { registry: registryName } : {}) });
        await sleep((options.latencyMs ?? 0) + decision.latencyMs);
        if (decision.respond) {
          faultName = decision.rule;
          reply = {
            statusCode: decision.respond.statusCode,
            headers: decision.respond.headers,
            body: { error: { code: decision.respond.code, message: decision.respond.message } },
          };
        } else {
          reply = handleArm(matched.kind, matched.m, method, path, query, reqBody);
        }
      }
    } catch (e) {
      if (e instanceof ArmError) {
        const retryAfterSeconds = (e as ArmError & { retryAfterSeconds?: number }).retryAfterSeconds;
        reply = {
          statusCode: e.statusCode,
          headers:
            e.statusCode === 401
              ? { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' }
              : retryAfterSeconds !== undefined
                ? { 'retry-after': String(retryAfterSeconds), [READS_REMAINING_HEADER]: '0' }
                : {},
          body: { error: { code: e.code, message: e.message } },
        };
      } else {
        reply = { statusCode: 500, body: { error: { code: 'InternalServerError', message: `ARM sandbox bug: ${(e as Error).message}` } } };
      }
    }
    // Azure Monitor's metrics API (Swagger default response: common-types v1 ErrorResponse) returns flat
    // errors `{code, message}`, unlike ARM/ACR's `{error: {code, message}}`.
    if (operationId === 'Metrics_List' && reply.statusCode >= 400 && isPlainObject(reply.body) && isPlainObject(reply.body['error'])) {
      reply = { ...reply, body: reply.body['error'] };
    }
    const headers: Record<string, string> = {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': correlationId,
      'cache-control': 'no-cache',
      ...readHeaders,
      ...(reply.headers ?? {}),
    };
    let payload: string | undefined;
    if (reply.body !== undefined && reply.statusCode !== 204) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = String(Buffer.byteLength(payload));
    } else {
      headers['content-length'] = '0';
    }
    if (!isControl) {
      record({
        seq: ++seq,
        time: new Date(started).toISOString(),
        operationId,
        request: { method, url: rawUrl, headers: reqHeaders, ...(reqBody !== undefined ? { body: reqBody } : {}) },
        response: { statusCode: reply.statusCode, headers: { ...headers }, ...(payload !== undefined ? { body: reply.body } : {}) },
        durationMs: Date.now() - started,
        ...(faultName ? { fault: faultName } : {}),
      });
    }
    res.writeHead(reply.statusCode, headers);
    res.end(payload);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(e) } }));
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;

  const sandbox: ArmSandbox = {
    url: baseUrl,
    port,
    faults,
    state,
    webhooks,
    network,
    requests,
    resetRequests() {
      requests.length = 0;
    },
    reset() {
      state.reset(seed);
      webhooks.reset();
      network.reset();
      content.reset();
      dataPlane.requests.length = 0;
      faults.clear();
      requests.length = 0;
      readLimit?.reset();
      resourceGraph.reset();
    },
    readLimit,
    resourceGraph,
    metricsBatch,
    content,
    dataPlane,
    close() {
      return Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        }),
        dataPlane.close(),
      ]).then(() => undefined);
    },
  };
  return sandbox;
}
