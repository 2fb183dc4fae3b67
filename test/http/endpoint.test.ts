/** The endpoint handler on requests a host could hand over: nothing throws out of it, bad input is a 400 naming the parameter. */
import { describe, expect, it } from 'vitest';
import { HttpResponse, InvocationContext, type HttpRequest } from '@azure/functions';
import { checkPathParams, httpEndpoint, json, MAX_PATH_PARAM_LENGTH } from '../../src/http/endpoint';
import { BadRequestError } from '../../src/http/problem';

const seen: Record<string, string>[] = [];
const echo = httpEndpoint({
  name: 'echo',
  route: 'things/{id}',
  authLevel: 'anonymous',
  operations: {
    GET: {
      doc: { summary: 'echo', responses: { '200': { description: 'ok' } } },
      run: async (rc) => {
        seen.push(rc.params);
        return json({ params: rc.params, q: rc.query.get('q') });
      },
    },
  },
});

/** A request as a host might build it, without HttpRequest's own checks. */
function fakeRequest(method: string, url: string, params: Record<string, string>): HttpRequest {
  return { method, url, params, headers: new Headers(), query: new URLSearchParams() } as unknown as HttpRequest;
}

async function call(req: HttpRequest): Promise<{ status: number; headers: Headers; body: any }> {
  const context = new InvocationContext({ invocationId: 'test', functionName: 'echo', logHandler: () => {} });
  const res = new HttpResponse((await echo.handler(req, context)) ?? {});
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) };
}

describe('endpoint handler', () => {
  it('serves a good request', async () => {
    const res = await call(fakeRequest('GET', 'http://localhost/api/things/a?q=%E0%A4%A', { id: 'a' }));
    expect(res.status).toBe(200);
    // URLSearchParams decodes a malformed escape leniently (U+FFFD) instead of throwing
    expect(res.body).toEqual({ params: { id: 'a' }, q: '\ufffd%A' });
  });

  it('an unparseable URL is a 400 problem, not an exception', async () => {
    const res = await call(fakeRequest('GET', 'http://[/api/things/a', { id: 'a' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('TRACE (or any method without an operation) is a 405 with Allow', async () => {
    const res = await call(fakeRequest('TRACE', 'http://localhost/api/things/a', { id: 'a' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    // not an inherited property either
    expect((await call(fakeRequest('CONSTRUCTOR', 'http://localhost/api/things/a', { id: 'a' }))).status).toBe(405);
  });

  it.each([
    ['a lone surrogate', '\ud800x'],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['an overlong value', 'x'.repeat(MAX_PATH_PARAM_LENGTH + 1)],
  ])('a path parameter with %s is a 400 naming it', async (_what, id) => {
    const before = seen.length;
    const res = await call(fakeRequest('GET', 'http://localhost/api/things/x', { id }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/id');
    expect(res.body.detail).toMatch(/Path parameter 'id'/);
    expect(seen.length).toBe(before); // the operation never ran
  });

  it('checkPathParams keeps well-formed values (astral characters included)', () => {
    expect(checkPathParams({ id: 'caf\u00e9 \ud83d\ude00', rest: 'a/b' })).toEqual({ id: 'caf\u00e9 \ud83d\ude00', rest: 'a/b' });
    expect(() => checkPathParams({ id: '\udc00' })).toThrow(BadRequestError);
  });
});
