/** ARM sandbox: the control plane (/_sandbox: state, reset, faults, recorded requests, seeding). */
import type { FaultRule } from '../faults';
import { registryId } from '../state';
import type { SeedRegistry } from '../types';
import { ArmError, isPlainObject, type Reply } from './common';
import { resetSandbox, type ArmContext } from './context';

function handleFaults(ctx: ArmContext, method: string, query: URLSearchParams, body: unknown): Reply | undefined {
  const { faults } = ctx;
  if (method === 'GET') return { statusCode: 200, body: { rules: faults.list() } };
  if (method === 'DELETE') {
    faults.clear();
    return { statusCode: 200, body: { rules: [] } };
  }
  if (method === 'POST') {
    try {
      if (query.get('append') === 'true') {
        for (const r of (Array.isArray(body) ? body : [body]) as FaultRule[]) faults.add(r);
      } else {
        faults.set((body ?? []) as FaultRule | FaultRule[]);
      }
    } catch (e) {
      throw new ArmError(400, 'InvalidFault', (e as Error).message);
    }
    return { statusCode: 200, body: { rules: faults.list() } };
  }
  return undefined;
}

function handleRequests(ctx: ArmContext, method: string): Reply | undefined {
  const { requests } = ctx.recorder;
  if (method === 'GET') return { statusCode: 200, body: { requests } };
  if (method === 'DELETE') {
    requests.length = 0;
    return { statusCode: 200, body: { requests: [] } };
  }
  return undefined;
}

function seedRegistries(ctx: ArmContext, body: unknown): Reply {
  const items = (Array.isArray(body) ? body : [body]) as SeedRegistry[];
  for (const item of items) {
    if (!isPlainObject(item) || typeof item.name !== 'string' || typeof item.location !== 'string' || !['Basic', 'Standard', 'Premium'].includes(item.sku)) {
      throw new ArmError(400, 'InvalidSeed', 'Each registry needs name, location and sku (Basic|Standard|Premium).');
    }
  }
  const added = items.map((i) => registryId(ctx.state.addRegistry(i)));
  return { statusCode: 201, body: { added } };
}

export function handleControl(ctx: ArmContext, method: string, path: string, query: URLSearchParams, body: unknown): Reply {
  const p = path.replace(/\/+$/, '');
  if (p === '/_sandbox/state' && method === 'GET') return { statusCode: 200, body: ctx.state.snapshot() };
  if (p === '/_sandbox/reset' && method === 'POST') {
    resetSandbox(ctx);
    return { statusCode: 200, body: { reset: true } };
  }
  const reply =
    p === '/_sandbox/faults' ? handleFaults(ctx, method, query, body) : p === '/_sandbox/requests' ? handleRequests(ctx, method) : undefined;
  if (reply) return reply;
  if (p === '/_sandbox/registries' && method === 'POST') return seedRegistries(ctx, body);
  throw new ArmError(404, 'NotFound', `Unknown sandbox endpoint ${method} ${path}.`);
}
