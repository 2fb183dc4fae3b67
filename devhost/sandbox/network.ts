/**
 * ARM sandbox: a registry's network configuration (private endpoint connections, network rules,
 * public network access, dedicated data endpoints) as Registries_Get reports it, and the caller's
 * effective permissions on a registry (Microsoft.Authorization/permissions, api-version 2022-04-01,
 * Permissions_ListForResource). Default: no private endpoint, public access, no data endpoints,
 * and the caller may do everything ('*'). `deniedActions` become notActions (a permission denied).
 */
import { registryId } from './state';
import type { RegistryRecord } from './types';

export const PERMISSIONS_API_VERSION = '2022-04-01';
export const PERMISSIONS_ROUTE = { kind: 'permissions', suffix: '/providers/microsoft\\.authorization/permissions', operation: () => 'Permissions_ListForResource' } as const;

export interface SandboxNetworkConfig {
  /** Private endpoint names (each an approved connection). */
  privateEndpoints?: string[];
  dataEndpointEnabled?: boolean;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  defaultAction?: 'Allow' | 'Deny';
  ipRules?: string[];
  /** Actions the caller is denied on this registry (notActions of its permission entry). */
  deniedActions?: string[];
  /** Answer the permissions call with this HTTP status instead (e.g. 403: the caller may not read them). */
  permissionsStatus?: number;
}

export class NetworkSandbox {
  private readonly configs = new Map<string, SandboxNetworkConfig>();

  /** Sets the network configuration of a registry (by name, case-insensitive). */
  set(registryName: string, config: SandboxNetworkConfig): void {
    this.configs.set(registryName.toLowerCase(), { ...config });
  }

  reset(): void {
    this.configs.clear();
  }

  /** Registries_Get body with this registry's network properties. */
  decorate(r: RegistryRecord, body: Record<string, unknown>): Record<string, unknown> {
    const c = this.configs.get(r.name.toLowerCase());
    if (!c) return body;
    const props = { ...(body['properties'] as Record<string, unknown>) };
    const name = r.name.toLowerCase();
    const locations = [r.location, ...[...r.replicas.values()].map((x) => x.location)];
    props['dataEndpointEnabled'] = c.dataEndpointEnabled === true;
    props['dataEndpointHostNames'] = c.dataEndpointEnabled ? locations.map((l) => `${name}.${l}.data.azurecr.io`) : [];
    props['publicNetworkAccess'] = c.publicNetworkAccess ?? 'Enabled';
    if (r.sku === 'Premium') props['networkRuleSet'] = { defaultAction: c.defaultAction ?? 'Allow', ipRules: (c.ipRules ?? []).map((v) => ({ action: 'Allow', value: v })) };
    props['privateEndpointConnections'] = (c.privateEndpoints ?? []).map((pe) => ({
      id: `${registryId(r)}/privateEndpointConnections/${pe}`,
      name: pe,
      type: 'Microsoft.ContainerRegistry/registries/privateEndpointConnections',
      properties: {
        privateEndpoint: { id: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${pe}` },
        privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-approved', actionsRequired: 'None' },
        provisioningState: 'Succeeded',
      },
    }));
    return { ...body, properties: props };
  }

  /** Permissions_ListForResource answer for a registry. */
  permissions(r: RegistryRecord): { statusCode: number; body: unknown } {
    const c = this.configs.get(r.name.toLowerCase());
    if (c?.permissionsStatus && c.permissionsStatus >= 400) {
      return { statusCode: c.permissionsStatus, body: { error: { code: 'AuthorizationFailed', message: `The client does not have authorization to perform action 'Microsoft.Authorization/permissions/read' over scope '${registryId(r)}'.` } } };
    }
    return { statusCode: 200, body: { value: [{ actions: ['*'], notActions: [...(c?.deniedActions ?? [])], dataActions: [], notDataActions: [] }] } };
  }
}
