import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpResponse, type HttpResponseInit } from '@azure/functions';
import { startLocalHost, compileRoute, matchRoute, requestUrl, responseBytes, type LocalHost } from '../../devhost/local-host';
import { httpEndpoint, json } from '../../src/http/endpoint';
import { httpEndpoints } from '../../src/functions/registry';
import { redirectRootToPlanner } from '../../devhost/root-redirect';
import { BadRequestError } from '../../src/http/problem';

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
  host = await startLocalHost({ endpoints: [...httpEndpoints(), echo], port: 0, maxBodyBytes: 1000, log: (l) => lines.push(l), extraHandlers: [redirectRootToPlanner] });
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
    expect(() => matchRoute(routes, '/api/things/ok/parts/%E0%A4%A')).toThrow(/Path parameter 'part' has a malformed percent-escape/);
  });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends exactly `bytes` on a new connection and reads the answer until the server closes or the answer is complete. */
function raw(bytes: string | Buffer, port = host.port): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) {
        settled = true;
        socket.destroy();
        reject(new Error(`no complete answer: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = text.slice(split + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return; // wait for the rest
      settled = true;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (e) => (chunks.length ? finish() : reject(e)));
    socket.setTimeout(5000, () => {
      socket.destroy();
      if (!settled) reject(new Error('timed out'));
    });
    socket.write(bytes);
  });
}

async function expectProblem(answer: RawAnswer, status: number): Promise<Record<string, unknown>> {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body.status).toBe(status);
  // still alive: a fresh request is served
  const health = await fetch(`http://127.0.0.1:${host.port}/api/health`);
  expect(health.status).toBe(200);
  return body;
}

describe('local host: hostile requests never take it down', () => {
  it.each([
    ['an empty Host', 'GET // HTTP/1.1\r\nHost:\r\n\r\n'],
    ["Host 'a b'", 'GET // HTTP/1.1\r\nHost: a b\r\n\r\n'],
    ["Host '['", 'GET // HTTP/1.1\r\nHost: [\r\n\r\n'],
    ["Host 'x:99999'", 'GET // HTTP/1.1\r\nHost: x:99999\r\n\r\n'],
    ["Host 'a@b'", 'GET /api/health HTTP/1.1\r\nHost: a@b\r\n\r\n'],
    ['no Host (HTTP/1.1)', 'GET /api/health HTTP/1.1\r\n\r\n'],
    ["an absolute target with port 99999", 'GET http://x:99999/api/health HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    ["target '*'", 'GET * HTTP/1.1\r\nHost: localhost\r\n\r\n'],
  ])('%s → 400 problem+json', async (_what, request) => {
    const body = await expectProblem(await raw(request), 400);
    expect(body.type).toBe('urn:acr-geoplanner:problem:invalid-input');
  });

  it('GET // with a good Host is a 404 problem (the path is not read as a host)', async () => {
    const body = await expectProblem(await raw(`GET // HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`), 404);
    expect(body.instance).toBe('//');
    // and '//evil.example/api/health' is the path it looks like, not health on another host
    await expectProblem(await raw(`GET //evil.example/api/health HTTP/1.1\r\nHost: localhost\r\n\r\n`), 404);
  });

  it('HTTP/1.0 without Host is still served', async () => {
    const answer = await raw('GET /api/health HTTP/1.0\r\n\r\n');
    expect(answer.status).toBe(200);
  });

  it('TRACE, TRACK and CONNECT → 405 problem with the route\'s Allow', async () => {
    for (const method of ['TRACE', 'TRACK', 'CONNECT', 'OPTIONS', 'FOO']) {
      const answer = await raw(`${method} /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      const body = await expectProblem(answer, 405);
      expect(answer.headers.allow, method).toBe('GET');
      expect(body.allow).toEqual(['GET']);
    }
    // a route with two operations lists both
    expect((await raw('TRACE /api/map.svg HTTP/1.1\r\nHost: localhost\r\n\r\n')).headers.allow).toBe('POST, GET');
    // an unknown path stays a 404, whatever the method
    await expectProblem(await raw('TRACK /api/nope HTTP/1.1\r\nHost: localhost\r\n\r\n'), 404);
  });

  it('a malformed escape in a path parameter → 400 naming it', async () => {
    const body = await expectProblem(await raw('GET /api/plans/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400);
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/id', code: 'malformedEscape' })]);
    const viaFetch = await fetch(`http://127.0.0.1:${host.port}/api/things/%ZZ%C3/parts`);
    expect(viaFetch.status).toBe(400);
    expect(viaFetch.headers.get('content-type')).toBe('application/problem+json');
    expect(((await viaFetch.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/id');
  });

  it('a 20 KB header → 431 problem+json', async () => {
    const answer = await raw(`GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const body = await expectProblem(answer, 431);
    expect(body.type).toBe('urn:acr-geoplanner:problem:request-header-fields-too-large');
    expect(body.limitBytes).toBeGreaterThan(0);
  });

  it('an unsupported Expect → 417 problem+json', async () => {
    const body = await expectProblem(await raw('GET /api/health HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n'), 417);
    expect(body.detail).toMatch(/Expect: teapot/);
  });

  it('garbage that is not HTTP → 400 problem+json', async () => {
    await expectProblem(await raw('HELLO\r\n\r\n'), 400);
    await expectProblem(await raw('GET /a\x00b HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400);
  });

  it('POST / → 405 problem (GET, HEAD); GET / still redirects to the planner', async () => {
    const answer = await raw('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n');
    await expectProblem(answer, 405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    const get = await fetch(`http://127.0.0.1:${host.port}/`, { redirect: 'manual' });
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe('/api/planner/');
  });

  it('a handler that throws is a 500 problem, logged, and the host lives on', async () => {
    const boom = httpEndpoint({
      name: 'boom',
      route: 'boom',
      authLevel: 'anonymous',
      operations: { GET: { doc: { summary: 'boom', responses: {} }, run: async () => { throw new TypeError('kaput'); } } },
    });
    const throwingExtra = async (): Promise<boolean> => {
      throw new Error('extra handler bug');
    };
    const logs: string[] = [];
    const other = await startLocalHost({ endpoints: [boom], port: 0, maxBodyBytes: 100, log: (l) => logs.push(l) });
    const broken = await startLocalHost({ endpoints: [boom], port: 0, maxBodyBytes: 100, log: (l) => logs.push(l), extraHandlers: [throwingExtra] });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/api/boom`);
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.text()).not.toMatch(/kaput/);
      const res2 = await fetch(`http://127.0.0.1:${broken.port}/api/boom`);
      expect(res2.status).toBe(500);
      expect(res2.headers.get('content-type')).toBe('application/problem+json');
      expect(logs.join('\n')).toMatch(/extra handler bug/);
      expect((await fetch(`http://127.0.0.1:${broken.port}/api/nope`)).status).toBe(500);
    } finally {
      await other.close();
      await broken.close();
    }
  });
});

describe('requestUrl', () => {
  it('keeps the target as a path, never as an authority', () => {
    expect(requestUrl('//evil.example/x?q=1', 'localhost:7071').href).toBe('http://localhost:7071//evil.example/x?q=1');
    expect(requestUrl('/api/health', '[::1]:7071').host).toBe('[::1]:7071');
    expect(requestUrl('http://other:8080/api/x', 'localhost').host).toBe('other:8080');
    expect(requestUrl('/x', undefined, '1.0').host).toBe('localhost');
  });

  it.each([['', '/'], ['a b', '/'], ['[', '/'], ['x:99999', '/'], ['a/b', '/'], [undefined, '/'], ['localhost', '*'], ['localhost', 'http://[/']])('Host %j, target %j → BadRequestError', (h, target) => {
    expect(() => requestUrl(target, h)).toThrow(BadRequestError);
  });

  it('echoes at most ~200 characters of a bad Host', () => {
    try {
      requestUrl('/', `${'h'.repeat(5000)} x`);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(300);
    }
  });
});

describe('local host: registry ids with malformed escapes are 400s naming the parameter', () => {
  const SUB = '00000000-0000-0000-0000-000000000000';
  const get = async (path: string): Promise<{ status: number; type: string; pointers: string[]; contentType: string | null }> => {
    const res = await fetch(`http://127.0.0.1:${host.port}${path}`);
    const body = (await res.json()) as { type: string; errors?: { pointer: string }[] };
    return { status: res.status, type: body.type, pointers: (body.errors ?? []).map((e) => e.pointer), contentType: res.headers.get('content-type') };
  };

  it.each([
    [`/api/registries/${SUB}/%E0%A4%A/contoso`, '/resourceGroup'], // malformed escape in the path
    [`/api/registries/${SUB}/%25E0%25A4%25A/contoso`, '/resourceGroup'], // double-encoded: '%E0%A4%A' after the host decodes
    [`/api/registries/${SUB}/rg%2541/contoso`, '/resourceGroup'], // 'rg%41' must not become 'rgA' by a second decoding
    [`/api/registries/not-a-guid/rg/contoso`, '/subscription'],
    [`/api/registries/${SUB}/rg/ab`, '/name'],
    [`/api/map.svg?registry=/subscriptions/${SUB}/resourceGroups/%25E0%25A4%25A/providers/Microsoft.ContainerRegistry/registries/contoso`, '/registry'],
    [`/api/map.svg?registry=/subscriptions/${SUB}/resourceGroups/%2525E0/providers/Microsoft.ContainerRegistry/registries/contoso`, '/registry'],
  ])('GET %s → 400 at %s', async (path, pointer) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.type).toBe('urn:acr-geoplanner:problem:invalid-input');
    expect(res.pointers).toContain(pointer);
  });

  it('a 5000-character resource group is a 400 that echoes at most ~200 characters of it', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/registries/${SUB}/${'r'.repeat(5000)}/contoso`);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(1500);
  });

  it('POST /api/estimate with registry.id holding a malformed escape → 400 at /registry/id', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/estimate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ registry: { id: `/subscriptions/${SUB}/resourceGroups/%E0%A4%A/providers/Microsoft.ContainerRegistry/registries/contoso` }, workloads: [{ region: 'westus', pullGBPerMonth: 1 }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; errors: { pointer: string; code: string }[] };
    expect(body.type).toBe('urn:acr-geoplanner:problem:invalid-input');
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/registry/id', code: 'invalidResourceId' })]);
  });
});

describe('responseBytes', () => {
  /** What the Response of @azure/functions makes of an answer: the reference for the text fast path. */
  async function viaResponse(init: HttpResponseInit): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const r = new HttpResponse(init);
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()) };
  }

  it('a text body gives the same status, headers and bytes as through the Response (non-ASCII, lone surrogates, no content type)', async () => {
    const inits: HttpResponseInit[] = [
      { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-One': 'a' }, body: JSON.stringify({ name: 'Zürich → 東京 €', emoji: '🚀', lone: 'a\ud800b\udc00c' }) },
      { status: 201, body: 'plain text, no content type: é' },
      { headers: { 'content-type': 'text/plain' }, body: 'raw lone surrogates: a\ud800b\udc00c\ud83d' },
      { body: '' },
      { status: 422, headers: new Headers({ 'content-type': 'application/problem+json' }), body: '{"title":"x"}' },
    ];
    for (const init of inits) {
      const fast = await responseBytes(init);
      const ref = await viaResponse(init);
      expect(fast.status).toBe(ref.status);
      expect(fast.headers).toEqual(ref.headers);
      expect(fast.body.equals(ref.body), String(init.body)).toBe(true);
    }
    expect((await responseBytes({ body: 'x' })).headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('other bodies (bytes, jsonBody, none) go through the Response', async () => {
    for (const init of [{ body: new Uint8Array([1, 2, 3]) }, { jsonBody: { a: 1 } }, { status: 204 }] as HttpResponseInit[]) {
      const fast = await responseBytes(init);
      const ref = await viaResponse(init);
      expect(fast).toEqual(ref);
    }
  });
});
