/**
 * Network preflight of a plan (pure): what each new replica needs before it can be created and
 * work in a real estate, checked where the service can check it and stated where it cannot.
 *
 * - Permissions: creating a replica needs Microsoft.ContainerRegistry/registries/replications/write,
 *   and, when the registry has private endpoints, Microsoft.Network/privateLinkServiceProxies/write
 *   (the private endpoint gets a leg in the new region; without it provisioning hangs). Checked
 *   against the caller's effective permissions (ARM Microsoft.Authorization/permissions) when they
 *   could be read; a permission that is not granted is a BLOCKER.
 * - Data endpoints: with dataEndpointEnabled each replica adds <registry>.<region>.data.azurecr.io,
 *   which client firewalls must allow.
 * - Private DNS: with private endpoints each replica adds the A record <registry>.<region>.data in
 *   the privatelink.azurecr.io zone (a new IP in the endpoint's subnet).
 * - Network rules and public network access apply to every replica: stated.
 */
import type { LiveNetwork, PermissionEntry, Preflight, ReplicaPreflight } from './types';

export const REPLICA_WRITE = 'Microsoft.ContainerRegistry/registries/replications/write';
export const PRIVATE_LINK_PROXY_WRITE = 'Microsoft.Network/privateLinkServiceProxies/write';

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
}

/** ARM semantics: granted when one permission entry's actions match and none of that entry's notActions do. */
export function isActionGranted(action: string, permissions: readonly PermissionEntry[]): boolean {
  return permissions.some((p) => p.actions.some((a) => globToRegExp(a).test(action)) && !p.notActions.some((n) => globToRegExp(n).test(action)));
}

export interface PreflightInput {
  registryName: string;
  /** Regions the plan creates replicas in (re-creates included). */
  newRegions: readonly string[];
  network: LiveNetwork | null;
  /** The service's effective permissions on the registry; null when they could not be read (with the reason). */
  permissions: readonly PermissionEntry[] | null;
  permissionsUnreadable?: string;
  checkedAt: string;
}

export function preflight(input: PreflightInput): Preflight {
  const name = input.registryName.toLowerCase();
  const net = input.network;
  const privateEndpoints = net?.privateEndpoints ?? [];
  const blockers: string[] = [];
  const unchecked: string[] = [];
  const notes: string[] = [];
  const replicas: ReplicaPreflight[] = input.newRegions.map((region) => {
    const needed = [REPLICA_WRITE, ...(privateEndpoints.length > 0 ? [PRIVATE_LINK_PROXY_WRITE] : [])];
    const permissions = needed.map((action) => ({ action, granted: input.permissions === null ? null : isActionGranted(action, input.permissions) }));
    for (const p of permissions) {
      if (p.granted === false) blockers.push(`the service's identity lacks ${p.action} on the registry, needed to create replica ${region}${p.action === PRIVATE_LINK_PROXY_WRITE ? ' (the registry has private endpoints; without it provisioning hangs)' : ''}`);
    }
    return {
      region,
      permissions,
      dataEndpointHosts: net?.dataEndpointEnabled ? [`${name}.${region}.data.azurecr.io`] : [],
      privateDnsRecords: privateEndpoints.map((pe) => ({ zone: 'privatelink.azurecr.io', name: `${name}.${region}.data`, type: 'A', privateEndpoint: pe.name })),
    };
  });
  if (input.newRegions.length > 0) {
    if (input.permissions === null) unchecked.push(`permissions were not checked: ${input.permissionsUnreadable ?? 'they could not be read'}; the identity that applies needs ${REPLICA_WRITE}${privateEndpoints.length > 0 ? ` and ${PRIVATE_LINK_PROXY_WRITE}` : ''}`);
    if (net === null) unchecked.push("the registry's network configuration was not read: data endpoints, private endpoints and network rules are unknown");
    if (privateEndpoints.length > 0) {
      unchecked.push("free IP addresses in each private endpoint's subnet (one per new replica) cannot be checked from the registry");
      unchecked.push('whether the privatelink.azurecr.io zone is updated automatically (private DNS zone group) or by hand (custom DNS) cannot be checked from the registry');
    }
    if (net?.dataEndpointEnabled) unchecked.push('client-side firewalls that must allow the new data endpoint hosts cannot be checked');
    if (net && net.publicNetworkAccess === 'Disabled') notes.push('public network access is Disabled: it applies to every replica, so the new ones are reachable only through private endpoints');
    if (net && net.networkRuleDefaultAction === 'Deny') notes.push(`network rules (default action Deny, ${net.ipRuleCount} IP rule(s)) apply to every replica, the new ones included`);
  }
  return { checkedAt: input.checkedAt, replicas, blockers, unchecked, notes };
}
