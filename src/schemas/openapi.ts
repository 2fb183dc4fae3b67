/**
 * OpenAPI 3.1 document generated from the function table and the same JSON
 * Schemas ajv validates with (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
import type { HttpEndpoint, Method } from '../http/endpoint';
import { problemSchema } from './common';

export interface OpenApiInfo {
  title: string;
  version: string;
  serverUrl?: string;
}

function stripIds(schema: object): object {
  return JSON.parse(JSON.stringify(schema, (k, v: unknown) => (k === '$id' ? undefined : v))) as object;
}

/** Route params in a Functions template (`plans/{id}/approve`, `{id:guid}`, `{name?}`). */
export function routeParams(route: string): { name: string; optional: boolean }[] {
  return [...route.matchAll(/\{([^}:?]+)(?::[^}?]+)?(\?)?\}/g)].map((m) => ({ name: m[1] ?? '', optional: m[2] === '?' }));
}

export function openApiPath(route: string): string {
  return `/${route.replace(/\{([^}:?]+)(?::[^}?]+)?\??\}/g, '{$1}')}`;
}

export function buildOpenApi(endpoints: readonly HttpEndpoint[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const ep of endpoints) {
    const path = openApiPath(ep.route);
    const item: Record<string, unknown> = (paths[path] ??= {});
    for (const [method, op] of Object.entries(ep.operations) as [Method, NonNullable<HttpEndpoint['operations'][Method]>][]) {
      const { doc } = op;
      const parameters = [
        ...routeParams(ep.route).map((p) => ({ name: p.name, in: 'path', required: true, schema: { type: 'string' }, description: `Route parameter ${p.name}` })),
        ...(doc.parameters ?? []).map((p) => ({ ...p, schema: stripIds(p.schema) })),
      ];
      const responses: Record<string, unknown> = {};
      for (const [status, r] of Object.entries(doc.responses)) {
        responses[status] = {
          description: r.description,
          ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: stripIds(r.schema) } } } : {}),
        };
      }
      if (!responses.default) {
        responses.default = { description: 'Error (RFC 9457 problem details)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
      item[method.toLowerCase()] = {
        // `estimate` + `Post`; a GET-only route keeps the bare name.
        operationId: `${ep.name}${method === 'GET' && Object.keys(ep.operations).length === 1 ? '' : method.charAt(0) + method.slice(1).toLowerCase()}`,
        summary: doc.summary,
        ...(doc.description ? { description: doc.description } : {}),
        ...(doc.tags ? { tags: doc.tags } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(doc.requestSchema ? { requestBody: { required: true, content: { 'application/json': { schema: stripIds(doc.requestSchema) } } } } : {}),
        responses,
        ...(ep.authLevel === 'anonymous' ? { security: [] } : {}),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Cost-and-topology planner for Azure Container Registry geo-replication. Amounts carry their currency, price date and assumptions; unknown values are null, never 0. Errors are application/problem+json.',
    },
    servers: [{ url: info.serverUrl ?? '/api' }],
    paths,
    components: {
      schemas: { Problem: stripIds(problemSchema) },
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'Azure Functions function key (not checked by the local host).' },
      },
    },
    security: [{ functionKey: [] }],
  };
}
