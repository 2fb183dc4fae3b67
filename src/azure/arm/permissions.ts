/**
 * PermissionsPort: GET {registryId}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01
 * (Permissions_ListForResource), sent through the Container Registry client's pipeline (same
 * credential, retries and loopback handling), with nextLink paging. A 401/403 means the service may
 * not read its own permissions there: reported as unreadable, never as "no permissions".
 */
import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse, RawHttpHeaders } from '@azure/core-rest-pipeline';
import { randomUUID } from 'node:crypto';
import type { OperationOptions, PermissionsPort } from '../../app/ports/arm';
import type { PermissionEntry } from '../../model/plan/types';
import type { ArmClientFactory } from './clients';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import { parseRegistryResourceId } from './resource-id';

export const PERMISSIONS_API_VERSION = '2022-04-01';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Minimal HttpHeaders (case-insensitive), so no value import of @azure/core-rest-pipeline (not a direct dependency). */
class Headers implements HttpHeaders {
  private readonly m = new Map<string, { name: string; value: string }>();
  constructor(init: Iterable<[string, string]> = []) {
    for (const [k, v] of init) this.set(k, v);
  }
  get(name: string): string | undefined {
    return this.m.get(name.toLowerCase())?.value;
  }
  has(name: string): boolean {
    return this.m.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.m.set(name.toLowerCase(), { name, value: String(value) });
  }
  delete(name: string): void {
    this.m.delete(name.toLowerCase());
  }
  toJSON(options?: { preserveCase?: boolean }): RawHttpHeaders {
    const out: RawHttpHeaders = {};
    for (const [k, { name, value }] of this.m) out[options?.preserveCase ? name : k] = value;
    return out;
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [k, { value }] of this.m) yield [k, value];
  }
}

/** The last hop of the SDK pipeline (auth, retries, loopback policies run before it): Node's fetch. */
const fetchClient: HttpClient = {
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers.toJSON(),
      ...(request.abortSignal ? { signal: request.abortSignal as AbortSignal } : {}),
    });
    return { request, status: res.status, headers: new Headers(res.headers.entries()), bodyAsText: await res.text() };
  },
};

export class ArmPermissionsAdapter implements PermissionsPort {
  constructor(private readonly clients: ArmClientFactory) {}

  async listPermissions(resourceId: string, options: OperationOptions = {}): Promise<{ permissions: PermissionEntry[] } | { unreadable: string }> {
    const id = parseRegistryResourceId(resourceId);
    return runWithCallContext(async (ctx) => {
      try {
        const client = await this.clients.containerRegistry(id.subscriptionId);
        const out: PermissionEntry[] = [];
        let url: string | undefined = `${this.clients.endpoint.url}${id.id}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`;
        for (let page = 0; url && page < 20; page++) {
          const req: PipelineRequest = {
            url,
            method: 'GET',
            headers: new Headers([['accept', 'application/json']]),
            timeout: 0,
            withCredentials: false,
            requestId: randomUUID(),
            ...(this.clients.endpoint.insecureLoopback ? { allowInsecureConnection: true } : {}),
            ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
          };
          const res = await client.pipeline.sendRequest(fetchClient, req);
          if (res.status === 401 || res.status === 403) return { unreadable: `ARM answered ${res.status} to Microsoft.Authorization/permissions on the registry` };
          const body = res.bodyAsText ? (JSON.parse(res.bodyAsText) as { value?: unknown; nextLink?: unknown; error?: { code?: string; message?: string } }) : {};
          if (res.status >= 400) {
            throw Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { statusCode: res.status, code: body.error?.code });
          }
          for (const p of Array.isArray(body.value) ? body.value : []) {
            const e = p as Record<string, unknown>;
            out.push({ actions: strings(e['actions']), notActions: strings(e['notActions']) });
          }
          url = typeof body.nextLink === 'string' ? body.nextLink : undefined;
        }
        return { permissions: out };
      } catch (e) {
        throw toAzureError(e, { operation: 'read permissions', resourceId: id.id, call: ctx });
      }
    });
  }
}
