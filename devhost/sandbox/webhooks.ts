/**
 * ARM sandbox: registry webhooks (Microsoft.ContainerRegistry 2025-11-01, Webhooks_List/Get/Create/
 * Delete/GetCallbackConfig; Swagger subset in test/fixtures/specs). Webhooks are regional, as in
 * ACR: each has a location, which must be the registry's home or one of its replica locations, and
 * fires only for pushes in that location. Create and delete answer synchronously (200), which the
 * Swagger allows for these long-running operations. The service URI and custom headers are only
 * returned by getCallbackConfig, never by GET/list (as in ARM).
 */
import { registryId } from './state';
import type { RegistryRecord } from './types';

export const WEBHOOK_ROUTES: ReadonlyArray<{ kind: 'webhooks' | 'webhook' | 'webhookCallback'; suffix: string; operation: (method: string) => string }> = [
  { kind: 'webhooks', suffix: '/webhooks', operation: () => 'Webhooks_List' },
  { kind: 'webhook', suffix: '/webhooks/([^/]+)', operation: (m) => ({ GET: 'Webhooks_Get', PUT: 'Webhooks_Create', DELETE: 'Webhooks_Delete' })[m] ?? 'Unknown' },
  { kind: 'webhookCallback', suffix: '/webhooks/([^/]+)/getCallbackConfig', operation: () => 'Webhooks_GetCallbackConfig' },
];

const ACTIONS = new Set(['push', 'delete', 'quarantine', 'chart_push', 'chart_delete']);
const NAME_RE = /^[a-zA-Z0-9]{5,50}$/;

export interface WebhookRecord {
  name: string;
  location: string;
  serviceUri: string;
  customHeaders: Record<string, string>;
  actions: string[];
  scope: string;
  status: 'enabled' | 'disabled';
  tags: Record<string, string>;
}

export interface WebhookReply {
  statusCode: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const fail = (statusCode: number, code: string, message: string): WebhookReply => ({ statusCode, body: { error: { code, message } } });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class WebhookSandbox {
  /** registry id (lower case) → webhooks by lower-case name. */
  private readonly hooks = new Map<string, Map<string, WebhookRecord>>();

  reset(): void {
    this.hooks.clear();
  }

  /** Every webhook of a registry (tests, state inspection). */
  list(r: RegistryRecord): WebhookRecord[] {
    return [...(this.hooks.get(registryId(r).toLowerCase())?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }

  private of(r: RegistryRecord): Map<string, WebhookRecord> {
    const key = registryId(r).toLowerCase();
    let m = this.hooks.get(key);
    if (!m) this.hooks.set(key, (m = new Map()));
    return m;
  }

  private json(r: RegistryRecord, w: WebhookRecord): Record<string, unknown> {
    return {
      id: `${registryId(r)}/webhooks/${w.name}`,
      name: w.name,
      type: 'Microsoft.ContainerRegistry/registries/webhooks',
      location: w.location,
      tags: { ...w.tags },
      properties: { status: w.status, scope: w.scope, actions: [...w.actions], provisioningState: 'Succeeded' },
    };
  }

  /** One webhook request; `locations` = the registry's home + replica locations (where a webhook may live). */
  handle(kind: string, method: string, r: RegistryRecord, child: string, body: unknown, locations: readonly string[]): WebhookReply {
    const hooks = this.of(r);
    if (kind === 'webhooks') {
      if (method !== 'GET') return fail(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
      return { statusCode: 200, body: { value: this.list(r).map((w) => this.json(r, w)) } };
    }
    const existing = hooks.get(child.toLowerCase());
    const missing = () => fail(404, 'ResourceNotFound', `The Resource 'Microsoft.ContainerRegistry/registries/webhooks/${r.name}/${child}' under resource group '${r.resourceGroup}' was not found.`);
    if (kind === 'webhookCallback') {
      if (method !== 'POST') return fail(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
      if (!existing) return missing();
      return { statusCode: 200, body: { serviceUri: existing.serviceUri, ...(Object.keys(existing.customHeaders).length ? { customHeaders: { ...existing.customHeaders } } : {}) } };
    }
    if (method === 'GET') return existing ? { statusCode: 200, body: this.json(r, existing) } : missing();
    if (method === 'DELETE') {
      if (!existing) return { statusCode: 204 };
      hooks.delete(child.toLowerCase());
      return { statusCode: 200 };
    }
    if (method !== 'PUT') return fail(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
    if (!NAME_RE.test(child)) return fail(400, 'InvalidResourceName', `Webhook name '${child}' is invalid: 5-50 alphanumeric characters are allowed.`);
    if (!isObject(body)) return fail(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const location = typeof body['location'] === 'string' ? body['location'].replace(/\s+/g, '').toLowerCase() : '';
    if (!location) return fail(400, 'LocationRequired', "The 'location' property is required for this resource.");
    if (!locations.includes(location)) {
      return fail(400, 'WebhookLocationNotARegistryLocation', `Webhook location '${location}' is not a location of registry '${r.name}' (${locations.join(', ')}): create the replica first.`);
    }
    if (existing && existing.location !== location) return fail(400, 'InvalidWebhookLocation', `Webhook '${existing.name}' is in '${existing.location}'; its location cannot be changed.`);
    const p = isObject(body['properties']) ? body['properties'] : {};
    const serviceUri = p['serviceUri'];
    if (typeof serviceUri !== 'string' || !/^https?:\/\//.test(serviceUri)) return fail(400, 'InvalidServiceUri', "'properties.serviceUri' must be an http(s) URL.");
    const actions = p['actions'];
    if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => typeof a !== 'string' || !ACTIONS.has(a))) {
      return fail(400, 'InvalidWebhookActions', `'properties.actions' must list one or more of ${[...ACTIONS].join(', ')}.`);
    }
    const headers = p['customHeaders'];
    if (headers !== undefined && (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string'))) {
      return fail(400, 'InvalidRequestContent', "'properties.customHeaders' must be an object of string values.");
    }
    const status = p['status'] === 'disabled' ? 'disabled' : 'enabled';
    const rec: WebhookRecord = {
      name: existing?.name ?? child,
      location,
      serviceUri,
      customHeaders: { ...((headers as Record<string, string> | undefined) ?? {}) },
      actions: [...(actions as string[])],
      scope: typeof p['scope'] === 'string' ? p['scope'] : '',
      status,
      tags: isObject(body['tags']) ? (body['tags'] as Record<string, string>) : {},
    };
    hooks.set(child.toLowerCase(), rec);
    return { statusCode: 200, body: this.json(r, rec) };
  }
}
