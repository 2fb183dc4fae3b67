/**
 * Container registry resource ids, the one place that knows their syntax:
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerRegistry/registries/{name}`.
 *
 * - parseRegistryId: the strict parse (GUID subscription, resource group and
 *   registry name rules, percent-escapes in the resource group decoded once),
 *   with the reason when it fails;
 * - matchRegistryId / hasRegistryIdShape: the shape alone (eight segments,
 *   keywords case-insensitive), for ids that were checked before (plans,
 *   queue messages, stored reports);
 * - formatRegistryResourceId, registryKey (the case-insensitive key two ids
 *   of one registry share).
 */
import type { InputIssue } from './errors';

export interface RegistryResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Canonical form: `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`. */
  id: string;
}

/** The segments of an id that has the shape of a registry id (nothing decoded or validated). */
export interface RegistryIdSegments {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const SUBSCRIPTION_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RESOURCE_GROUP_RE = /^[-\w._()]{1,90}$/u;
const REGISTRY_NAME_RE = /^[a-zA-Z0-9]{5,50}$/;
/** The shape of a registry id; a trailing slash is tolerated by matchRegistryId only. */
const REGISTRY_ID_SHAPE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)\/?$/i;

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
 * The case-insensitive key of a registry id: two spellings of one registry
 * (keyword or name case, surrounding blanks) have the same key.
 */
export function registryKey(registryId: string): string {
  return registryId.trim().toLowerCase();
}

/** The segments of an id with the shape of a registry id (a trailing slash tolerated), else null. Nothing is decoded or validated. */
export function matchRegistryId(id: string): RegistryIdSegments | null {
  const m = REGISTRY_ID_SHAPE.exec(id);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return null;
  return { subscriptionId: m[1], resourceGroup: m[2], name: m[3] };
}

/** True when `id` has exactly the shape of a registry id (no trailing slash); segment contents are not validated. */
export function hasRegistryIdShape(id: string): boolean {
  return !id.endsWith('/') && matchRegistryId(id) !== null;
}

/** Why a text is not a registry id: the clipped text (safe to echo) and the reason. */
export interface RegistryIdProblem {
  /** The caller's text, clipped for messages. */
  resourceId: string;
  reason: string;
}

/**
 * Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`.
 * Segment keywords and the provider namespace are case-insensitive; a trailing slash is tolerated.
 * Returns the parsed id, or what is wrong with it.
 */
export function parseRegistryId(input: unknown): { ok: true; id: RegistryResourceId } | { ok: false; problem: RegistryIdProblem } {
  const fail = (resourceId: string, reason: string) => ({ ok: false as const, problem: { resourceId, reason } });
  if (typeof input !== 'string' || input.trim() === '') return fail(clipForMessage(String(input)), 'a registry resource id must be a non-empty string');
  // Only a clipped copy of the caller's text goes into messages.
  const resourceId = clipForMessage(input);
  if (input.length > MAX_RESOURCE_ID_LENGTH) return fail(resourceId, `it is ${input.length} characters long; a registry resource id has at most ${MAX_RESOURCE_ID_LENGTH}`);
  const text = input.trim().replace(/\/+$/, '');
  if (!text.startsWith('/')) return fail(resourceId, "it must start with '/subscriptions/'");
  const parts = text.slice(1).split('/');
  const expected = ['subscriptions', '{sub}', 'resourcegroups', '{rg}', 'providers', 'microsoft.containerregistry', 'registries', '{name}'];
  if (parts.length !== expected.length) {
    return fail(
      resourceId,
      `expected 8 segments '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerRegistry/registries/{registryName}', got ${parts.length}`,
    );
  }
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i] ?? '';
    const got = parts[i] ?? '';
    if (want.startsWith('{')) {
      if (got === '') return fail(resourceId, `segment ${i + 1} (${want}) is empty`);
      continue;
    }
    if (got.toLowerCase() !== want) {
      return fail(resourceId, `segment ${i + 1} must be '${want === 'microsoft.containerregistry' ? 'Microsoft.ContainerRegistry' : want}', got '${clipForMessage(got, 60)}'`);
    }
  }
  const subscriptionId = parts[1] ?? '';
  const rawGroup = parts[3] ?? '';
  // An id copied from a portal URL may carry its resource group percent-encoded ('%28' for '('): decoded once, here.
  const resourceGroup = tryDecode(rawGroup);
  const name = parts[7] ?? '';
  if (!isValidSubscriptionId(subscriptionId)) return fail(resourceId, `subscription id '${clipForMessage(subscriptionId, 60)}' is not a GUID`);
  if (resourceGroup === undefined) return fail(resourceId, `resource group '${clipForMessage(rawGroup, 100)}' has a malformed percent-escape`);
  if (!isValidResourceGroupName(resourceGroup)) {
    return fail(resourceId, `resource group '${clipForMessage(resourceGroup, 100)}' is invalid (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`);
  }
  if (!isValidRegistryName(name)) return fail(resourceId, `registry name '${clipForMessage(name, 60)}' is invalid (5-50 letters and digits)`);
  return { ok: true, id: { subscriptionId, resourceGroup, name, id: formatRegistryResourceId(subscriptionId, resourceGroup, name) } };
}

/** The message of an invalid registry id, as the ARM adapter's InvalidResourceIdError words it. */
export function registryIdProblemMessage(p: RegistryIdProblem): string {
  return `Invalid container registry resource id '${p.resourceId}': ${p.reason}.`;
}

/**
 * Why `value` is not a registry resource id, as an input issue at `pointer`
 * (for a 400 naming the field or parameter), or undefined when it parses.
 */
export function registryResourceIdIssue(value: unknown, pointer: string): InputIssue | undefined {
  const r = parseRegistryId(value);
  return r.ok ? undefined : { pointer, message: registryIdProblemMessage(r.problem), code: 'invalidResourceId' };
}
