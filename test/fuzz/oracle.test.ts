/**
 * The fuzz suite's own parts, without a host: the oracle flags each rule it
 * exists for, the schema arbitraries give mostly valid bodies (so valid
 * requests reach the model and the stores), and the mutations give invalid ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb, isValidBody, MUTATIONS, requestBytes, routeTable, toJsonText, type HttpCase } from './cases';
import { DEFAULT_LIMITS, judge, type Outcome } from './harness';
import { schemaArb, type SchemaNode } from './schema-arb';

const httpCase = (over: Partial<HttpCase> = {}): HttpCase => ({ kind: 'http', label: 'valid', method: 'GET', target: '/api/health', route: 'health', headers: [], mustNot2xx: false, budgetMs: 0, forgedOnly: false, ...over });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}, ms = 10): Outcome => {
  const buf = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { ok: true, status, headers, body: buf, bodyBytes: buf.length, ms };
};
const problem = (status: number) => ({ type: 'urn:x', title: 't', status });
const PJ = { 'content-type': 'application/problem+json' };
const reasons = (c: HttpCase, o: Outcome): string[] => judge(c, o, DEFAULT_LIMITS).map((v) => (v.kind === 'fail' ? v.reason : v.kind));

describe('fuzz oracle', () => {
  it('accepts 2xx and problem+json 4xx; counts 503 + Retry-After as overload', () => {
    expect(reasons(httpCase(), answer(200, { status: 'ok' }))).toEqual(['ok']);
    expect(reasons(httpCase(), answer(404, problem(404), PJ))).toEqual(['ok']);
    expect(reasons(httpCase(), answer(503, problem(503), { ...PJ, 'retry-after': '1' }))).toEqual(['overload']);
  });

  it('flags 5xx, a 503 without Retry-After, non-problem errors, wrong problem status', () => {
    expect(reasons(httpCase(), answer(500, problem(500), PJ))).toEqual(['serverError']);
    expect(reasons(httpCase(), answer(503, problem(503), PJ))).toEqual(['serverError']);
    expect(reasons(httpCase(), answer(431, '', {}))).toEqual(['nonProblem']);
    expect(reasons(httpCase(), answer(400, problem(404), PJ))).toEqual(['nonProblem']);
    expect(reasons(httpCase(), answer(400, { error: 'x' }, PJ))).toEqual(['nonProblem']);
    expect(reasons(httpCase({ method: 'HEAD' }), answer(405, '', PJ))).toEqual(['ok']);
  });

  it('flags slow answers, no answer, oversize error bodies and leaked internals', () => {
    expect(reasons(httpCase(), answer(200, {}, {}, 6_000))).toEqual(['slow']);
    expect(reasons(httpCase({ budgetMs: 10_000 }), answer(200, {}, {}, 6_000))).toEqual(['ok']);
    expect(reasons(httpCase(), { ok: false, error: 'reset', ms: 3 })).toEqual(['noAnswer']);
    expect(reasons(httpCase(), answer(400, { ...problem(400), errors: 'x'.repeat(70_000) }, PJ))).toEqual(['oversizeError']);
    expect(reasons(httpCase(), answer(400, { ...problem(400), detail: 'Error: x\n    at f (/work/main/dist/src/a.js:1:2)' }, PJ))).toEqual(['leaksInternals']);
  });

  it('flags 2xx for requests that must be refused and for forged identities', () => {
    expect(reasons(httpCase({ mustNot2xx: true }), answer(201, {}))).toEqual(['unexpected2xx']);
    expect(reasons(httpCase({ mustNot2xx: true }), answer(400, problem(400), PJ))).toEqual(['ok']);
    expect(reasons(httpCase({ forgedOnly: true, mustNot2xx: true }), answer(201, {}))).toEqual(['forgedIdentityAccepted']);
  });
});

describe('fuzz cases', () => {
  const schemas = routeTable().flatMap((r) => Object.entries(r.endpoint.operations).flatMap(([m, op]) => (op?.doc.requestSchema ? [{ name: `${m} ${r.endpoint.route}`, schema: op.doc.requestSchema }] : [])));

  it('covers every route of the function table, with request schemas for the body-taking operations', () => {
    expect(routeTable().length).toBeGreaterThanOrEqual(18);
    expect(schemas.map((s) => s.name)).toEqual(expect.arrayContaining(['POST estimate', 'POST recommendations', 'POST plans', 'POST map.svg']));
  });

  it.each(schemas.map((s) => [s.name, s.schema] as const))('%s: the schema arbitrary is mostly valid, the mutations mostly not', (_name, schema) => {
    const values = fc.sample(schemaArb(schema as SchemaNode), { seed: 1, numRuns: 40 });
    const valid = values.filter((v) => isValidBody(schema, JSON.stringify(v))).length;
    expect(valid / values.length).toBeGreaterThan(0.8);
    const mutated = values.flatMap((v, i) => ['wrongType', 'extremeNumber', 'manyItems', 'deepNesting'].map((m) => toJsonText(MUTATIONS[m]!(v, (i * 0.37) % 1, i))));
    const invalid = mutated.filter((t) => !isValidBody(schema, t)).length;
    expect(invalid / mutated.length).toBeGreaterThan(0.5);
  }, 60_000);

  it('renders a case with its Content-Length and every class appears in a sample', () => {
    const cases = fc.sample(caseArb({ planIds: ['p'] }), { seed: 3, numRuns: 1_000 });
    const labels = new Set(cases.map((c) => c.label.replace(/\+forgedIdentity$/, '')));
    for (const l of ['valid', 'wrongMethod', 'badQuery', 'badPath', 'malformedJson', 'contentType', 'extremeNumber', 'hugeString', 'deepNesting', 'manyItems', 'badHost', 'bigHeader']) expect(labels).toContain(l);
    const methods = new Set(cases.flatMap((c) => (c.kind === 'http' ? [c.method] : [])));
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'OPTIONS', 'HEAD']) expect(methods).toContain(m);
    const withBody = cases.find((c): c is HttpCase => c.kind === 'http' && (c.body?.length ?? 0) > 0);
    const bytes = requestBytes(withBody!, 'h').toString('latin1');
    expect(bytes).toContain(`Content-Length: ${withBody!.body!.length}\r\n`);
  }, 60_000);
});
