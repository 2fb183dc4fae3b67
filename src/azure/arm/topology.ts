/** RegistryTopologyPort over @azure/arm-containerregistry (api-version 2025-11-01). */
import type { Registry, Replication } from '@azure/arm-containerregistry';
import type { Sku } from '../../model/types';
import type { ArmClientFactory } from './clients';
import { AzureOperationFailedError, AzureUpstreamError, InvalidArmRequestError, InvalidResourceIdError } from './errors';
import { toAzureError } from './map-error';
import { runWithCallContext, type CallContext } from './pipeline';
import type {
  CreateReplicaRequest,
  ListRegistriesQuery,
  LiveRegistry,
  LiveReplica,
  OperationOptions,
  RegistryTopologyPort,
  UpdateReplicaRequest,
} from '../../app/ports/arm';
import { isValidResourceGroupName, isValidSubscriptionId, type RegistryResourceId } from '../../model/registry-id';
import { parseRegistryResourceId } from './resource-id';

const SKUS: readonly Sku[] = ['Basic', 'Standard', 'Premium'];
const LOCATION_RE = /^[a-z0-9]+$/;

/** `West Europe` / `westeurope` -> `westeurope`. */
export function canonicalLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

function toSku(value: string | undefined, id: string): Sku {
  const found = SKUS.find((s) => s.toLowerCase() === (value ?? '').toLowerCase());
  if (!found) throw new AzureUpstreamError(502, `Registry '${id}' has SKU '${value ?? '(none)'}', which the planner does not support.`);
  return found;
}

export function toLiveReplica(r: Replication): LiveReplica {
  const location = canonicalLocation(r.location);
  return {
    name: r.name ?? location,
    location,
    regionEndpointEnabled: r.regionEndpointEnabled ?? true,
    zoneRedundancy: (r.zoneRedundancy ?? 'Disabled').toLowerCase() === 'enabled',
    provisioningState: r.provisioningState ?? null,
    displayStatus: r.status?.displayStatus ?? null,
    statusTimestamp: r.status?.timestamp ? new Date(r.status.timestamp).toISOString() : null,
  };
}

/** `replications` as ARM lists them; the home location's own replication is dropped. */
export function toLiveRegistry(reg: Registry, replications: Replication[]): LiveRegistry {
  const parsed = parseRegistryResourceId(reg.id ?? '');
  const location = canonicalLocation(reg.location);
  return {
    id: parsed.id,
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    name: reg.name ?? parsed.name,
    location,
    sku: toSku(reg.sku?.name, parsed.id),
    loginServer: reg.loginServer ?? null,
    zoneRedundancy: (reg.zoneRedundancy ?? 'Disabled').toLowerCase() === 'enabled',
    replicas: replications
      .map(toLiveReplica)
      .filter((r) => r.location !== location)
      .sort((a, b) => a.location.localeCompare(b.location)),
    tags: { ...(reg.tags ?? {}) },
    network: {
      publicNetworkAccess: reg.publicNetworkAccess ?? null,
      networkRuleDefaultAction: reg.networkRuleSet?.defaultAction ?? null,
      ipRuleCount: reg.networkRuleSet?.ipRules?.length ?? 0,
      dataEndpointEnabled: reg.dataEndpointEnabled === true,
      dataEndpointHostNames: [...(reg.dataEndpointHostNames ?? [])],
      privateEndpoints: (reg.privateEndpointConnections ?? []).map((c) => ({
        name: c.name ?? '',
        privateEndpointId: c.privateEndpoint?.id ?? null,
        status: c.privateLinkServiceConnectionState?.status ?? null,
      })),
    },
  };
}

async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

function replicaNameOk(name: string): boolean {
  return /^[a-zA-Z0-9]{5,50}$/.test(name);
}

export interface TopologyAdapterOptions {
  /** Parallel replication list calls in listRegistries (default 8). */
  listConcurrency?: number;
}

export class ArmRegistryTopologyAdapter implements RegistryTopologyPort {
  constructor(
    private readonly clients: ArmClientFactory,
    private readonly options: TopologyAdapterOptions = {},
  ) {}

  private lro(options: OperationOptions | undefined): { updateIntervalInMs?: number; abortSignal?: AbortSignal } {
    return {
      ...(this.clients.lroPollIntervalMs !== undefined ? { updateIntervalInMs: this.clients.lroPollIntervalMs } : {}),
      ...(options?.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
  }

  private async call<T>(operation: string, id: RegistryResourceId, replicaName: string | undefined, fn: (ctx: CallContext) => Promise<T>): Promise<T> {
    return runWithCallContext(async (ctx) => {
      try {
        return await fn(ctx);
      } catch (e) {
        throw toAzureError(e, { operation, resourceId: id.id, ...(replicaName !== undefined ? { replicaName } : {}), call: ctx });
      }
    });
  }

  private async fetchRegistry(id: RegistryResourceId, options?: OperationOptions): Promise<LiveRegistry> {
    const client = await this.clients.containerRegistry(id.subscriptionId);
    const req = options?.abortSignal ? { abortSignal: options.abortSignal } : {};
    const reg = await client.registries.get(id.resourceGroup, id.name, req);
    const sku = toSku(reg.sku?.name, id.id);
    const replications = sku === 'Premium' ? await collect(client.replications.list(id.resourceGroup, id.name, req)) : [];
    return toLiveRegistry(reg, replications);
  }

  async getRegistry(resourceId: string, options?: OperationOptions): Promise<LiveRegistry> {
    const id = parseRegistryResourceId(resourceId);
    return this.call('read registry', id, undefined, () => this.fetchRegistry(id, options));
  }

  async listRegistries(query: ListRegistriesQuery, options?: OperationOptions): Promise<LiveRegistry[]> {
    if (!isValidSubscriptionId(query.subscriptionId)) {
      throw new InvalidResourceIdError(`/subscriptions/${query.subscriptionId}`, `subscription id '${query.subscriptionId}' is not a GUID`);
    }
    if (query.resourceGroup !== undefined && !isValidResourceGroupName(query.resourceGroup)) {
      throw new InvalidResourceIdError(`/subscriptions/${query.subscriptionId}/resourceGroups/${query.resourceGroup}`, `resource group '${query.resourceGroup}' is invalid`);
    }
    const scope = `/subscriptions/${query.subscriptionId}${query.resourceGroup ? `/resourceGroups/${query.resourceGroup}` : ''}`;
    const pseudo: RegistryResourceId = { subscriptionId: query.subscriptionId, resourceGroup: query.resourceGroup ?? '', name: '', id: scope };
    return this.call('list registries', pseudo, undefined, async () => {
      const client = await this.clients.containerRegistry(query.subscriptionId);
      const req = options?.abortSignal ? { abortSignal: options.abortSignal } : {};
      const regs = await collect(query.resourceGroup ? client.registries.listByResourceGroup(query.resourceGroup, req) : client.registries.list(req));
      const live = await mapLimit(regs, this.options.listConcurrency ?? 8, async (reg) => {
        const id = parseRegistryResourceId(reg.id ?? '');
        const premium = toSku(reg.sku?.name, id.id) === 'Premium';
        const reps = premium ? await collect(client.replications.list(id.resourceGroup, id.name, req)) : [];
        return toLiveRegistry(reg, reps);
      });
      return live.sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
    });
  }

  async updateSku(resourceId: string, sku: Sku, options?: OperationOptions): Promise<LiveRegistry> {
    const id = parseRegistryResourceId(resourceId);
    if (!SKUS.includes(sku)) throw new InvalidArmRequestError(`Unsupported SKU '${String(sku)}' (Basic, Standard or Premium).`);
    return this.call(`change the SKU to ${sku}`, id, undefined, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      await client.registries.update(id.resourceGroup, id.name, { sku: { name: sku } }, this.lro(options)).pollUntilDone();
      return this.fetchRegistry(id, options);
    });
  }

  async createReplica(resourceId: string, replica: CreateReplicaRequest, options?: OperationOptions): Promise<LiveReplica> {
    const id = parseRegistryResourceId(resourceId);
    const location = canonicalLocation(replica.location);
    const name = replica.name ?? location;
    if (!LOCATION_RE.test(location)) throw new InvalidArmRequestError(`Location '${replica.location}' is not an ARM location name (e.g. 'westeurope').`);
    if (!replicaNameOk(name)) throw new InvalidArmRequestError(`Replica name '${name}' is invalid (5-50 letters and digits).`);
    return this.call(`create replica in ${location}`, id, name, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      const result = await client.replications
        .create(
          id.resourceGroup,
          id.name,
          name,
          {
            location,
            ...(replica.tags ? { tags: replica.tags } : {}),
            ...(replica.regionEndpointEnabled !== undefined ? { regionEndpointEnabled: replica.regionEndpointEnabled } : {}),
            ...(replica.zoneRedundancy !== undefined ? { zoneRedundancy: replica.zoneRedundancy ? 'Enabled' : 'Disabled' } : {}),
          },
          this.lro(options),
        )
        .pollUntilDone();
      const live = toLiveReplica(result);
      if (live.provisioningState !== null && live.provisioningState !== 'Succeeded') {
        throw new AzureOperationFailedError('create replica', `Replica '${name}' of '${id.id}' ended in provisioningState ${live.provisioningState}.`);
      }
      return live;
    });
  }

  async updateReplica(resourceId: string, replicaName: string, update: UpdateReplicaRequest, options?: OperationOptions): Promise<LiveReplica> {
    const id = parseRegistryResourceId(resourceId);
    if (!replicaNameOk(replicaName)) throw new InvalidArmRequestError(`Replica name '${replicaName}' is invalid (5-50 letters and digits).`);
    return this.call('update replica', id, replicaName, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      const result = await client.replications
        .update(
          id.resourceGroup,
          id.name,
          replicaName,
          {
            ...(update.tags ? { tags: update.tags } : {}),
            ...(update.regionEndpointEnabled !== undefined ? { regionEndpointEnabled: update.regionEndpointEnabled } : {}),
          },
          this.lro(options),
        )
        .pollUntilDone();
      return toLiveReplica(result);
    });
  }

  async deleteReplica(resourceId: string, replicaName: string, options?: OperationOptions): Promise<void> {
    const id = parseRegistryResourceId(resourceId);
    if (!replicaNameOk(replicaName)) throw new InvalidArmRequestError(`Replica name '${replicaName}' is invalid (5-50 letters and digits).`);
    return this.call('delete replica', id, replicaName, async () => {
      const client = await this.clients.containerRegistry(id.subscriptionId);
      await client.replications.delete(id.resourceGroup, id.name, replicaName, this.lro(options)).pollUntilDone();
    });
  }
}

