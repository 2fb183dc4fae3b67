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

/** A Functions route parameter: `{id}`, `{id:guid}`, `{name?}`, or a catch-all `{*path}`. */
const ROUTE_PARAM = /\{(\*)?([^}:?*]+)(?::[^}?]+)?(\?)?\}/g;

/**
 * Route params in a Functions template (`plans/{id}/approve`, `{id:guid}`,
 * `{name?}`, `{*path}`); `catchAll` marks a `{*name}` that takes the rest of the URL.
 */
export function routeParams(route: string): { name: string; optional: boolean; catchAll: boolean }[] {
  return [...route.matchAll(ROUTE_PARAM)].map((m) => ({ name: m[2] ?? '', optional: m[3] === '?', catchAll: m[1] === '*' }));
}

/**
 * The OpenAPI path of a Functions route: constraints, `?` and the catch-all `*`
 * dropped (`planner/{*path}` → `/planner/{path}`). An OpenAPI path parameter is
 * one segment, so a catch-all's operation should document what its values are.
 */
export function openApiPath(route: string): string {
  return `/${route.replace(ROUTE_PARAM, '{$2}')}`;
}

/** Descriptions of the tags the operations use (a tag without one is still listed). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  planning: 'Cost estimates and replica recommendations from a described topology and workloads',
  map: 'The replication map (SVG)',
  catalog: 'Shipped Azure regions, latency matrix and price snapshot',
  registries: 'Live registries read through Azure Resource Manager',
  plans: 'Change plans: create, approve or reject, apply, export',
  drift: 'Topology drift reports of the scheduled check',
  service: 'Health, this document and the planner page',
};

/** The 401 of an operation behind a function key, when it documents none of its own. */
const FUNCTION_KEY_401 = {
  description:
    'No or a wrong function key (`x-functions-key` header or `code` query parameter): answered by the Azure Functions host before the function runs, with an empty body. The local host (`npm start`) does not check keys.',
};

export function buildOpenApi(endpoints: readonly HttpEndpoint[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const ep of endpoints) {
    const path = openApiPath(ep.route);
    const item: Record<string, unknown> = (paths[path] ??= {});
    for (const [method, op] of Object.entries(ep.operations) as [Method, NonNullable<HttpEndpoint['operations'][Method]>][]) {
      const { doc } = op;
      const documented = new Set((doc.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      const parameters = [
        // A path parameter the operation documents itself replaces the generic one.
        ...routeParams(ep.route)
          .filter((p) => !documented.has(p.name))
          .map((p) => ({ name: p.name, in: 'path', required: true, schema: { type: 'string' }, description: `Route parameter ${p.name}` })),
        ...(doc.parameters ?? []).map((p) => ({ ...p, ...(p.in === 'path' ? { required: true } : {}), schema: stripIds(p.schema) })),
      ];
      const responses: Record<string, unknown> = {};
      for (const [status, r] of Object.entries(doc.responses)) {
        responses[status] = {
          description: r.description,
          ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: stripIds(r.schema) } } } : {}),
        };
      }
      if (ep.authLevel !== 'anonymous' && !responses['401']) responses['401'] = FUNCTION_KEY_401;
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
  const tags = [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => (op as { tags?: string[] }).tags ?? [])))]
    .sort()
    .map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) }));
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Cost-and-topology planner for Azure Container Registry geo-replication. Amounts carry their currency, price date and assumptions; unknown values are null, never 0. Errors are application/problem+json.',
      // The package's licence (package.json `license`).
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: info.serverUrl ?? '/api', description: 'This function app (Functions `routePrefix` api)' }],
    tags,
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
