/** ARM sandbox: replications (list, get, create, update, delete). */
import type { RegistryRecord } from '../types';
import { ACR_API_VERSION, ArmError, isPlainObject, notFound, parseTags, requireApiVersion, type Reply } from './common';
import type { ArmContext } from './context';
import { allReplicas, replicaJson } from './json';
import { opUrls } from './operations';
import { getRegistry } from './registries';
import { putReplication } from './replication-put';
import type { ArmHandler } from './routes';

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

function deleteReplication(ctx: ArmContext, r: RegistryRecord, name: string): Reply {
  if (r.sku === 'Premium' && name.toLowerCase() === r.location) {
    throw new ArmError(400, 'HomeReplicationCannotBeDeleted', `The replication in the home region '${r.location}' cannot be deleted.`);
  }
  const rep = r.replicas.get(name.toLowerCase());
  if (!rep) return { statusCode: 204 };
  const pending = ctx.state.pendingOperation(r, rep.name);
  if (pending && pending.kind === 'deleteReplica') {
    return { statusCode: 202, headers: { location: opUrls(ctx, r, rep.name, pending).result, 'retry-after': ctx.retryAfter } };
  }
  if (pending) throw new ArmError(409, 'Conflict', `Replication '${rep.name}' is being created; retry when the operation has finished.`);
  rep.provisioningState = 'Deleting';
  rep.displayStatus = 'Deleting';
  rep.statusMessage = 'The replication is being deleted.';
  rep.statusTimestamp = ctx.now().toISOString();
  const op = ctx.state.startOperation('deleteReplica', r, rep.name);
  return { statusCode: 202, headers: { location: opUrls(ctx, r, rep.name, op).result, 'retry-after': ctx.retryAfter } };
}

export const REPLICATION_HANDLERS: Record<string, ArmHandler> = {
  replications(ctx, { method, query, sub, rg, name }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
    if (method !== 'GET') return undefined;
    const r = getRegistry(ctx, sub, rg, name);
    return { statusCode: 200, body: { value: allReplicas(r).map((rep) => replicaJson(r, rep)) } };
  },
  replication(ctx, { method, query, body, sub, rg, name, child }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries/replications');
    const r = getRegistry(ctx, sub, rg, name);
    if (method === 'GET') {
      const rep = allReplicas(r).find((x) => x.name.toLowerCase() === child.toLowerCase());
      if (!rep) throw notFound('registries/replications', `${r.name}/${child}`, rg);
      return { statusCode: 200, body: replicaJson(r, rep) };
    }
    if (method === 'PUT') return putReplication(ctx, r, child, body);
    if (method === 'PATCH') return patchReplication(r, child, body);
    if (method === 'DELETE') return deleteReplication(ctx, r, child);
    return undefined;
  },
};
