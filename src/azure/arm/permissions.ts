/**
 * PermissionsPort: GET {registryId}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01
 * (Permissions_ListForResource), sent through the Container Registry client's pipeline (same
 * credential, retries and loopback handling), with nextLink paging. A 401/403 means the service may
 * not read its own permissions there: reported as unreadable, never as "no permissions".
 */
import type { PipelineRequest } from '@azure/core-rest-pipeline';
import type { OperationOptions, PermissionsPort } from '../../app/ports/arm';
import type { PermissionEntry } from '../../model/plan/types';
import type { ArmClientFactory } from './clients';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import { parseRegistryResourceId } from './resource-id';

export const PERMISSIONS_API_VERSION = '2022-04-01';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export class ArmPermissionsAdapter implements PermissionsPort {
  constructor(private readonly clients: ArmClientFactory) {}

  async listPermissions(resourceId: string, options: OperationOptions = {}): Promise<{ permissions: PermissionEntry[] } | { unreadable: string }> {
    const id = parseRegistryResourceId(resourceId);
    return runWithCallContext(async (ctx) => {
      try {
        const client = await this.clients.containerRegistry(id.subscriptionId);
        const { createPipelineRequest, createDefaultHttpClient } = require('@azure/core-rest-pipeline') as typeof import('@azure/core-rest-pipeline');
        const http = createDefaultHttpClient();
        const out: PermissionEntry[] = [];
        let url: string | undefined = `${this.clients.endpoint.url}${id.id}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`;
        for (let page = 0; url && page < 20; page++) {
          const req: PipelineRequest = createPipelineRequest({
            url,
            method: 'GET',
            ...(this.clients.endpoint.insecureLoopback ? { allowInsecureConnection: true } : {}),
            ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
          });
          const res = await client.pipeline.sendRequest(http, req);
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
