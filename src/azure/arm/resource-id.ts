/** Parsing and validation of container registry resource ids. */
import { InvalidResourceIdError } from './errors';
import type { InputIssue } from '../../model/errors';

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

/** Longest registry resource id accepted, in characters (the canonical form is at most ~260). */
export const MAX_RESOURCE_ID_LENGTH = 1024;
/** Longest piece of caller input echoed back in an error message, in characters. */
export const MAX_ECHO_LENGTH = 200;

/** Untrusted text as it may appear in an error message: control characters escaped, at most `max` characters (then '…' and the full length). */
export function clipForMessage(text: string, max = MAX_ECHO_LENGTH): string {
  const safe = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length <= max ? safe(text) : `${safe(text.slice(0, max))}… (${text.length} characters)`;
}

/** decodeURIComponent that reports a malformed escape instead of throwing URIError. */
function tryDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

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
export function parseRegistryResourceId(input: unknown): RegistryResourceId {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidResourceIdError(clipForMessage(String(input)), 'a registry resource id must be a non-empty string');
  }
  // Only a clipped copy of the caller's text goes into messages.
  const resourceId = clipForMessage(input);
  if (input.length > MAX_RESOURCE_ID_LENGTH) {
    throw new InvalidResourceIdError(resourceId, `it is ${input.length} characters long; a registry resource id has at most ${MAX_RESOURCE_ID_LENGTH}`);
  }
  const text = input.trim().replace(/\/+$/, '');
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
      throw new InvalidResourceIdError(resourceId, `segment ${i + 1} must be '${want === 'microsoft.containerregistry' ? 'Microsoft.ContainerRegistry' : want}', got '${clipForMessage(got, 60)}'`);
    }
  }
  const subscriptionId = parts[1] ?? '';
  const rawGroup = parts[3] ?? '';
  // An id copied from a portal URL may carry its resource group percent-encoded ('%28' for '('): decoded once, here.
  const resourceGroup = tryDecode(rawGroup);
  const name = parts[7] ?? '';
  if (!isValidSubscriptionId(subscriptionId)) throw new InvalidResourceIdError(resourceId, `subscription id '${clipForMessage(subscriptionId, 60)}' is not a GUID`);
  if (resourceGroup === undefined) {
    throw new InvalidResourceIdError(resourceId, `resource group '${clipForMessage(rawGroup, 100)}' has a malformed percent-escape`);
  }
  if (!isValidResourceGroupName(resourceGroup)) {
    throw new InvalidResourceIdError(resourceId, `resource group '${clipForMessage(resourceGroup, 100)}' is invalid (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
  }
  if (!isValidRegistryName(name)) throw new InvalidResourceIdError(resourceId, `registry name '${clipForMessage(name, 60)}' is invalid (5-50 letters and digits)`);
  return { subscriptionId, resourceGroup, name, id: formatRegistryResourceId(subscriptionId, resourceGroup, name) };
}

/**
 * Why `value` is not a registry resource id, as an input issue at `pointer`
 * (for a 400 naming the field or parameter), or undefined when it parses.
 */
export function registryResourceIdIssue(value: unknown, pointer: string): InputIssue | undefined {
  try {
    parseRegistryResourceId(value);
    return undefined;
  } catch (e) {
    if (!(e instanceof InvalidResourceIdError)) throw e;
    return { pointer, message: e.message, code: 'invalidResourceId' };
  }
}
