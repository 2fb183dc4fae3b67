/** ARM sandbox: shared reply/error types and request-parsing helpers (no state). */
import type http from 'node:http';
import type { ZoneRedundancyValue } from '../types';

export const ACR_API_VERSION = '2025-11-01';
export const METRICS_API_VERSION = '2024-02-01';

export interface Reply {
  statusCode: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export class ArmError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const NAME_RE = /^[a-zA-Z0-9]{5,50}$/;

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 * 1024 * 1024) {
        reject(new ArmError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function lowerHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function notFound(kind: 'registries' | 'registries/replications', name: string, rg: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ContainerRegistry/${kind}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseTags(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new ArmError(400, 'InvalidRequestContent', `'${where}' must be an object of string values.`);
  }
  return { ...(v as Record<string, string>) };
}

export function parseZone(v: unknown): ZoneRedundancyValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !['enabled', 'disabled'].includes(v.toLowerCase())) {
    throw new ArmError(400, 'InvalidRequestContent', `'properties.zoneRedundancy' must be 'Enabled' or 'Disabled', got ${JSON.stringify(v)}.`);
  }
  return v.toLowerCase() === 'enabled' ? 'Enabled' : 'Disabled';
}

export function normalizeLocation(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new ArmError(400, 'LocationRequired', "The 'location' property is required for this resource.");
  return v.replace(/\s+/g, '').toLowerCase();
}

export function requireApiVersion(query: URLSearchParams, expected: string, resourceType: string): void {
  const v = query.get('api-version');
  if (!v) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  if (v !== expected) {
    throw new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for API version '${v}' and type '${resourceType}'. The supported api-versions (in this sandbox) are '${expected}'.`,
    );
  }
}
