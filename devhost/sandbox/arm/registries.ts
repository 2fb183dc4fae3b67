/** ARM sandbox: registries (list, get, update) and image import. */
import type { RegistryRecord } from '../types';
import { ACR_API_VERSION, ArmError, isPlainObject, notFound, parseTags, requireApiVersion, type Reply } from './common';
import type { ArmContext } from './context';
import { registryJson } from './json';
import type { ArmHandler } from './routes';

export function getRegistry(ctx: ArmContext, sub: string, rg: string, name: string): RegistryRecord {
  const r = ctx.state.findRegistry(sub, rg, name);
  if (!r) throw notFound('registries', name, rg);
  return r;
}

function listRegistries(ctx: ArmContext, sub: string, rg: string | undefined, path: string, query: URLSearchParams): Reply {
  const { pageSize, baseUrl } = ctx;
  const all = ctx.state.listRegistries(sub, rg).sort((a, b) => a.name.localeCompare(b.name));
  const skip = Math.max(0, Number.parseInt(query.get('$skipToken') ?? '0', 10) || 0);
  const page = all.slice(skip, skip + pageSize);
  const next = skip + pageSize < all.length ? `${baseUrl}${path}?api-version=${ACR_API_VERSION}&%24skipToken=${skip + pageSize}` : undefined;
  return { statusCode: 200, body: { value: page.map(registryJson), ...(next ? { nextLink: next } : {}) } };
}

function patchRegistry(r: RegistryRecord, body: unknown): Reply {
  if (!isPlainObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const sku = body['sku'];
  let newSku = r.sku;
  if (sku !== undefined) {
    if (!isPlainObject(sku) || typeof sku['name'] !== 'string' || !['Basic', 'Standard', 'Premium'].includes(sku['name'])) {
      throw new ArmError(400, 'InvalidSku', `The SKU ${JSON.stringify(sku)} is invalid; use one of Basic, Standard, Premium.`);
    }
    newSku = sku['name'] as RegistryRecord['sku'];
  }
  const tags = parseTags(body['tags'], 'tags');
  if (newSku !== 'Premium' && r.replicas.size > 0) {
    throw new ArmError(
      400,
      'CannotDowngradeRegistryWithReplications',
      `Registry '${r.name}' has ${r.replicas.size} replication(s); delete them before changing the SKU to ${newSku} (geo-replication requires Premium).`,
    );
  }
  r.sku = newSku;
  if (tags) r.tags = tags;
  return { statusCode: 200, body: registryJson(r) };
}

export const REGISTRY_HANDLERS: Record<string, ArmHandler> = {
  list(ctx, { method, path, query, sub }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries');
    if (method !== 'GET') return undefined;
    return listRegistries(ctx, sub, undefined, path, query);
  },
  listRg(ctx, { method, path, query, sub, rg }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries');
    if (method !== 'GET') return undefined;
    return listRegistries(ctx, sub, rg, path, query);
  },
  registry(ctx, { method, query, body, sub, rg, name }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries');
    if (method === 'PUT' || method === 'DELETE') {
      throw new ArmError(405, 'UnsupportedOperation', 'The ARM sandbox does not create or delete registries: seed them (POST /_sandbox/registries).');
    }
    const r = getRegistry(ctx, sub, rg, name);
    if (method === 'GET') return { statusCode: 200, body: ctx.network.decorate(r, registryJson(r)) };
    if (method === 'PATCH') return patchRegistry(r, body);
    return undefined;
  },
  importImage(ctx, { method, query, body, sub, rg, name }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries');
    if (method !== 'POST') return undefined;
    const lookup = (id: string): RegistryRecord | undefined => {
      const x = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerregistry\/registries\/([^/]+)$/i.exec(id);
      return x ? ctx.state.findRegistry(x[1] ?? '', x[2] ?? '', x[3] ?? '') : undefined;
    };
    return ctx.content.importImage(getRegistry(ctx, sub, rg, name), body, lookup, ctx.baseUrl, ACR_API_VERSION);
  },
  importResult(ctx, { method, query, sub, rg, name, child }) {
    requireApiVersion(query, ACR_API_VERSION, 'registries');
    if (method !== 'GET') return undefined;
    return ctx.content.importResult(getRegistry(ctx, sub, rg, name), child);
  },
};
