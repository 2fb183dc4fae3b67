/** Parsing and validation of container registry resource ids. */
import { InvalidResourceIdError } from './errors';

export interface RegistryResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Canonical form: `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`. */
  id: string;
}

const SUBSCRIPTION_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RESOURCE_GROUP_RE = /^[-\w._()]{1,90}$/u;
const REGISTRY_NAME_RE = /^[a-zA-Z0-9]{5,50}$/;

export function isValidSubscriptionId(value: string): boolean {
  return SUBSCRIPTION_RE.test(value);
}

export function isValidResourceGroupName(value: string): boolean {
  return RESOURCE_GROUP_RE.test(value) && !value.endsWith('.');
}

export function isValidRegistryName(value: string): boolean {
  return REGISTRY_NAME_RE.test(value);
}

export function formatRegistryResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`;
}

/**
 * Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`.
 * Segment keywords and the provider namespace are case-insensitive; a trailing slash is tolerated.
 * Throws InvalidResourceIdError naming what is wrong.
 */
export function parseRegistryResourceId(resourceId: unknown): RegistryResourceId {
  if (typeof resourceId !== 'string' || resourceId.trim() === '') {
    throw new InvalidResourceIdError(String(resourceId), 'a registry resource id must be a non-empty string');
  }
  const text = resourceId.trim().replace(/\/+$/, '');
  if (!text.startsWith('/')) throw new InvalidResourceIdError(resourceId, "it must start with '/subscriptions/'");
  const parts = text.slice(1).split('/');
  const expected = ['subscriptions', '{sub}', 'resourcegroups', '{rg}', 'providers', 'microsoft.containerregistry', 'registries', '{name}'];
  if (parts.length !== expected.length) {
    throw new InvalidResourceIdError(
      resourceId,
      `expected 8 segments '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerRegistry/registries/{registryName}', got ${parts.length}`,
    );
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i] ?? '';
    const got = parts[i] ?? '';
    if (want.startsWith('{')) {
      if (got === '') throw new InvalidResourceIdError(resourceId, `segment ${i + 1} (${want}) is empty`);
      continue;
    }
    if (got.toLowerCase() !== want) {
      throw new InvalidResourceIdError(resourceId, `segment ${i + 1} must be '${want === 'microsoft.containerregistry' ? 'Microsoft.ContainerRegistry' : want}', got '${got}'`);
    }
  }
  const subscriptionId = parts[1] ?? '';
  const resourceGroup = decodeURIComponent(parts[3] ?? '');
  const name = parts[7] ?? '';
  if (!isValidSubscriptionId(subscriptionId)) throw new InvalidResourceIdError(resourceId, `subscription id '${subscriptionId}' is not a GUID`);
  if (!isValidResourceGroupName(resourceGroup)) {
    throw new InvalidResourceIdError(resourceId, `resource group '${resourceGroup}' is invalid (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
  }
  if (!isValidRegistryName(name)) throw new InvalidResourceIdError(resourceId, `registry name '${name}' is invalid (5-50 letters and digits)`);
  return { subscriptionId, resourceGroup, name, id: formatRegistryResourceId(subscriptionId, resourceGroup, name) };
}
