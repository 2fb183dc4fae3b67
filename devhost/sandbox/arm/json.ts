/** ARM sandbox: ARM JSON shapes of registries and replications. */
import { registryId } from '../state';
import type { RegistryRecord, ReplicaRecord } from '../types';

export function registryJson(r: RegistryRecord): Record<string, unknown> {
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
export function homeReplica(r: RegistryRecord): ReplicaRecord {
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

export function replicaJson(r: RegistryRecord, rep: ReplicaRecord): Record<string, unknown> {
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

export function allReplicas(r: RegistryRecord): ReplicaRecord[] {
  return r.sku === 'Premium' ? [homeReplica(r), ...r.replicas.values()] : [...r.replicas.values()];
}
