/**
 * POST /api/recommendations through the local host — a real socket, the
 * solver pool's compiled worker (run `npm run build` first), the answer
 * serialised in the worker and sent as it is — answers exactly what
 * recommend() of src/model answers in process on the input the use case
 * builds from the same body: same members, same values (only the measured
 * optimality.ms differs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type LocalHost } from '../../devhost/local-host';
import { recommend as recommendUseCase } from '../../src/app/recommend';
import type { Solver } from '../../src/app/ports/solver';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { setServices } from '../../src/composition';
import { httpEndpoints } from '../../src/functions/registry';
import { recommend, type RecommendContext, type RecommendInput, type Recommendation } from '../../src/model/recommend';
import { inProcessSolver } from '../../src/solver/port';
import { noArm } from '../app/fakes';
import { plannerInput } from '../helpers/planner-instances';

let host: LocalHost;
beforeAll(async () => {
  setServices();
  host = await startLocalHost({ endpoints: httpEndpoints(), port: 0, maxBodyBytes: 1_000_000, log: () => {} });
});
afterAll(async () => {
  await host.close();
  setServices();
});

const catalog = shippedCatalog();

/** The issue #13 request: 40 Azure workloads, home West US, 800 GiB, no constraint. */
function body40(): Record<string, unknown> {
  const input = plannerInput({ azure: 40, outside: 0, constraint: 'none', seed: 1 }, catalog);
  return {
    registry: { homeRegion: input.current.homeRegion, sku: 'Premium', storageGiB: input.storageGiB },
    workloads: input.workloads.map((w) => ({ region: w.site.kind === 'azure' ? w.site.region : '', pullGBPerMonth: w.pullGBPerMonth })),
  };
}

/** recommend() of src/model, in process, on the input and context the use case hands its solver for `body`. */
async function inProcess(body: Record<string, unknown>): Promise<Recommendation> {
  let seen: { input: RecommendInput; ctx: RecommendContext } | undefined;
  const inner = inProcessSolver();
  const capturing: Solver = {
    ...inner,
    recommendJson: async (input, ctx, t) => {
      seen = { input: structuredClone(input), ctx: { ...ctx, warnings: [...ctx.warnings] } };
      return inner.recommendJson(input, ctx, t);
    },
  };
  await recommendUseCase({ catalog, prices: shippedPrices, arm: noArm, solver: () => capturing }, { readRequest: async () => body as never });
  if (!seen) throw new Error('the use case did not call the solver');
  return recommend(seen.input, seen.ctx);
}

const withoutTiming = (r: Recommendation): Recommendation => ({ ...r, optimality: { ...r.optimality, ms: 0 } });

describe('POST /api/recommendations through the local host', () => {
  it('the 40-workload answer equals recommend() in process, member for member; JSON content type; exact Content-Length', async () => {
    const body = body40();
    const res = await fetch(`${host.url}/api/recommendations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const viaHttp = JSON.parse(text) as Recommendation;
    const expected = JSON.parse(JSON.stringify(await inProcess(body))) as Recommendation;
    expect(viaHttp.optimality.status).toBe('proved');
    expect(viaHttp.frontier.length).toBeGreaterThan(2);
    expect(withoutTiming(viaHttp)).toEqual(withoutTiming(expected));
  });

  it('a request with warnings (no storageGiB) and constraints: the same answer and warnings as in process', async () => {
    const body = {
      registry: { homeRegion: 'westus', sku: 'Premium' },
      workloads: [
        { region: 'westus', pullGBPerMonth: 5000 },
        { region: 'japaneast', pullGBPerMonth: 10 },
        { region: 'switzerlandnorth', pullGBPerMonth: 300 },
        { region: 'westeurope', pullGBPerMonth: 4000 },
      ],
      constraints: { latency: { maxMs: 120 }, exclude: ['northeurope'] },
    };
    const res = await fetch(`${host.url}/api/recommendations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    const viaHttp = JSON.parse(text) as Recommendation;
    const expected = JSON.parse(JSON.stringify(await inProcess(body))) as Recommendation;
    expect(viaHttp.warnings.length).toBeGreaterThan(0);
    expect(withoutTiming(viaHttp)).toEqual(withoutTiming(expected));
  });
});
