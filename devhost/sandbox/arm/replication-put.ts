/** ARM sandbox: PUT of a replication (validation, the home region, re-PUT of an existing one, creation). */
import { KNOWN_LOCATIONS, LOCATIONS_WITHOUT_ZONES } from '../regions';
import type { OperationRecord, RegistryRecord, ReplicaRecord, ZoneRedundancyValue } from '../types';
import { ArmError, NAME_RE, isPlainObject, normalizeLocation, parseTags, parseZone, type Reply } from './common';
import type { ArmContext } from './context';
import { homeReplica, replicaJson } from './json';
import { opUrls } from './operations';

function createdReply(ctx: ArmContext, r: RegistryRecord, rep: ReplicaRecord, op: OperationRecord): Reply {
  const urls = opUrls(ctx, r, rep.name, op);
  return {
    statusCode: 201,
    headers: { 'azure-asyncoperation': urls.status, location: urls.result, 'retry-after': ctx.retryAfter },
    body: replicaJson(r, rep),
  };
}

function startCreate(ctx: ArmContext, r: RegistryRecord, rep: ReplicaRecord): Reply {
  rep.provisioningState = 'Creating';
  rep.displayStatus = 'Syncing';
  rep.statusMessage = 'The replication is syncing.';
  rep.statusTimestamp = ctx.now().toISOString();
  const fail = ctx.faults.onReplicaCreate({ method: 'PUT', operationId: 'Replications_Create', registry: r.name });
  const op = ctx.state.startOperation('createReplica', r, rep.name, fail ? { code: fail.code, message: fail.message } : undefined);
  return createdReply(ctx, r, rep, op);
}

interface PutBody {
  location: string;
  ree: unknown;
  zone: ZoneRedundancyValue | undefined;
  tags: Record<string, string> | undefined;
}

function parsePutBody(name: string, body: unknown): PutBody {
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
  return { location, ree, zone, tags };
}

function putHomeReplica(r: RegistryRecord, name: string, { zone }: PutBody): Reply {
  if (name.toLowerCase() !== r.location) {
    throw new ArmError(400, 'ReplicationNotAllowedInHomeRegion', `A replication cannot be created in the registry's home region '${r.location}'.`);
  }
  if (zone && zone !== r.zoneRedundancy) {
    throw new ArmError(400, 'ZoneRedundancyCannotBeUpdated', 'Zone redundancy of the home region is chosen when the registry is created and cannot be changed.');
  }
  return { statusCode: 200, body: replicaJson(r, homeReplica(r)) };
}

function putExisting(ctx: ArmContext, r: RegistryRecord, existing: ReplicaRecord, { location, ree, zone, tags }: PutBody): Reply {
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
  const pending = ctx.state.pendingOperation(r, existing.name);
  if (existing.provisioningState === 'Deleting') {
    throw new ArmError(409, 'Conflict', `Replication '${existing.name}' is being deleted.`);
  }
  if (pending && existing.provisioningState === 'Creating') return createdReply(ctx, r, existing, pending);
  if (typeof ree === 'boolean') existing.regionEndpointEnabled = ree;
  if (tags) existing.tags = tags;
  if (existing.provisioningState === 'Failed') {
    return startCreate(ctx, r, existing);
  }
  return { statusCode: 200, body: replicaJson(r, existing) };
}

function putNew(ctx: ArmContext, r: RegistryRecord, name: string, nowIso: string, { location, ree, zone, tags }: PutBody): Reply {
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
  return startCreate(ctx, r, rep);
}

export function putReplication(ctx: ArmContext, r: RegistryRecord, name: string, body: unknown): Reply {
  const put = parsePutBody(name, body);
  const { location } = put;
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
  if (location === r.location) return putHomeReplica(r, name, put);
  const nowIso = ctx.now().toISOString();
  const existing = r.replicas.get(name.toLowerCase());
  if (existing) return putExisting(ctx, r, existing, put);
  return putNew(ctx, r, name, nowIso, put);
}
