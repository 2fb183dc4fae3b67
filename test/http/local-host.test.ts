import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, compileRoute, matchRoute, type LocalHost } from '../../src/http/local-host';
import { httpEndpoint, json } from '../../src/http/endpoint';
import { httpEndpoints } from '../../src/functions/registry';

const echo = httpEndpoint({
  name: 'echo',
  route: 'things/{id}/parts/{part?}',
  authLevel: 'function',
  operations: {
    GET: {
      doc: { summary: 'echo', responses: { '200': { description: 'ok' } } },
      run: async (rc) => json({ params: rc.params, q: rc.query.get('q'), fn: rc.context.functionName, hasInvocation: rc.context.invocationId.length > 10 }),
    },
  },
});

let host: LocalHost;
const lines: string[] = [];

beforeAll(async () => {
  host = await startLocalHost({ endpoints: [...httpEndpoints(), echo], port: 0, maxBodyBytes: 1000, log: (l) => lines.push(l) });
});
afterAll(async () => host.close());

describe('local host', () => {
  it('serves registered functions under /api with real request objects, and logs one line per request', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/things/42/parts/wheel?q=x`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ params: { id: '42', part: 'wheel' }, q: 'x', fn: 'echo', hasInvocation: true });
    const optional = await fetch(`http://127.0.0.1:${host.port}/api/things/42/parts`);
    expect(((await optional.json()) as { params: unknown }).params).toEqual({ id: '42' });
    expect(lines.some((l) => /GET \/api\/things\/\{id\}\/parts\/\{part\?\} 200 \d+\.\dms/.test(l))).toBe(true);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses bodies over the limit with 413 before the handler runs', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/estimate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    expect(res.status).toBe(413);
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/health`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('matches Functions route templates', () => {
    const routes = [compileRoute(echo)];
    expect(matchRoute(routes, '/api/things/a%20b/parts/c')?.params).toEqual({ id: 'a b', part: 'c' });
    expect(matchRoute(routes, '/api/things')).toBeUndefined();
  });
});
