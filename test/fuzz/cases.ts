/**
 * The fuzz cases: well-formed requests derived from the function table
 * (src/functions/registry.ts: every route, its operations, their request
 * schemas and query parameters) and the bad-request classes an audit found
 * (huge numbers, malformed escapes, forged identities, odd Host headers, …).
 * A case is a request plus what the oracle may expect of it.
 */
import fc from 'fast-check';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { httpEndpoints } from '../../src/functions/registry';
import { ROLES } from '../../src/http/identity';
import type { HttpEndpoint, OperationDef } from '../../src/http/endpoint';
import { REGION_NAMES, SANDBOX_REGISTRY_IDS, SANDBOX_RESOURCE_GROUP, SANDBOX_SUBSCRIPTION_ID, regionArb, schemaArb, type Json, type SchemaNode } from './schema-arb';

export const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'OPTIONS', 'HEAD'] as const;

export interface HttpCase {
  kind: 'http';
  /** The bad-request class (or `valid`), for the report. */
  label: string;
  method: string;
  /** The raw request target. */
  target: string;
  /** Route template it was built for (`plans/{id}`), or the path mutation. */
  route: string;
  headers: [string, string][];
  body?: Buffer;
  /** The request is invalid in a way that rules out 2xx (wrong method, body against the schema, bad content type, no principal where one is needed). */
  mustNot2xx: boolean;
  /** Extra time the request itself asks for (solver.timeLimitMs), in ms. */
  budgetMs: number;
  /** Identity carried only by an unverified x-ms-client-principal on an operation that needs a principal. */
  forgedOnly: boolean;
}

export interface RawCase {
  kind: 'raw';
  label: string;
  route: string;
  bytes: Buffer;
}

export type FuzzCase = HttpCase | RawCase;

export interface FuzzContext {
  /** Ids of plans that exist in the store (created before the run). */
  planIds: string[];
}

/** A JSON text fragment spliced in as is (for -0, 1e309, …). */
class RawJson {
  constructor(readonly text: string) {}
}
type Value = Json | RawJson | Value[] | { [k: string]: Value };

export function toJsonText(v: Value): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

// ---- the route table ------------------------------------------------------

export interface RouteInfo {
  endpoint: HttpEndpoint;
  methods: string[];
}

export function routeTable(): RouteInfo[] {
  return httpEndpoints().map((endpoint) => ({ endpoint, methods: Object.keys(endpoint.operations) }));
}

const needsPrincipal = (op: OperationDef | undefined): boolean => op !== undefined && '401' in op.doc.responses;

let ajv: Ajv2020 | undefined;
const validators = new WeakMap<object, ValidateFunction>();
/** An ajv of our own (not the product's instance) to tell valid bodies from invalid ones. */
export function isValidBody(schema: object, text: string): boolean {
  // Over MAX_BODY_BYTES' default (1 MiB): refused (413) whatever it holds.
  if (Buffer.byteLength(text) > 1024 * 1024) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: false, strict: false, allowUnionTypes: true });
    addFormats(ajv);
  }
  let fn = validators.get(schema);
  if (!fn) {
    const { $id: _id, ...rest } = schema as { $id?: string };
    fn = ajv.compile(rest);
    validators.set(schema, fn);
  }
  return fn(value) === true;
}

// ---- pieces ---------------------------------------------------------------

const EXTREME_NUMBERS = ['1e308', '-1e308', '1.7976931348623157e308', '1e309', '-1e309', '-0', '5e-324', '"NaN"', '"Infinity"', '-1', '9007199254740993', '1e-400', '0'];
const WRONG_TYPES: Value[] = ['x', 1, true, null, [], {}, '1e308', [null], { '': null }];
const UNICODE_STRINGS = ['west\u00adus', 'ｗｅｓｔｕｓ', 'westus\u0000', '\ud800', 'W\u0335e\u0335s\u0335t', 'westus\u202e', '🦄🦄', 'WESTUS', ' westus ', 'west us', '\u200bwestus', 'éastus', 'İstanbul'];

type Path = (string | number)[];

function paths(v: Value, base: Path = [], out: Path[] = [], depth = 0): Path[] {
  out.push(base);
  if (depth > 8 || v instanceof RawJson || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) v.slice(0, 5).forEach((x, i) => paths(x, [...base, i], out, depth + 1));
  else for (const [k, x] of Object.entries(v)) paths(x, [...base, k], out, depth + 1);
  return out;
}

function getAt(v: Value, p: Path): Value | undefined {
  let cur: Value | undefined = v;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object' || cur instanceof RawJson) return undefined;
    cur = (cur as Record<string | number, Value>)[k];
  }
  return cur;
}

function setAt(v: Value, p: Path, x: Value | undefined): Value {
  if (p.length === 0) return x ?? null;
  const [k, ...rest] = p;
  if (v === null || typeof v !== 'object' || v instanceof RawJson || k === undefined) return v;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (x === undefined && rest.length === 0) copy.splice(Number(k), 1);
    else copy[Number(k)] = setAt(copy[Number(k)] ?? null, rest, x);
    return copy;
  }
  const copy: { [k: string]: Value } = { ...v };
  if (x === undefined && rest.length === 0) delete copy[String(k)];
  else copy[String(k)] = setAt(copy[String(k)] ?? null, rest, x);
  return copy;
}

function nested(depth: number, kind: 'array' | 'object'): RawJson {
  return new RawJson(kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** Mutations of a JSON value: each picks a path with `pick` (a number in [0, 1)). */
type Mutation = (v: Value, pick: number, size: number) => Value;
const at = (v: Value, pick: number, filter: (x: Value | undefined) => boolean = () => true): Path => {
  const candidates = paths(v).filter((p) => filter(getAt(v, p)));
  return candidates[Math.floor(pick * candidates.length)] ?? [];
};
const nonRoot = (v: Value, pick: number): Path => {
  const candidates = paths(v).filter((p) => p.length > 0);
  return candidates[Math.floor(pick * candidates.length)] ?? [];
};

export const MUTATIONS: Record<string, Mutation> = {
  dropKey: (v, pick) => setAt(v, nonRoot(v, pick), undefined),
  wrongType: (v, pick, size) => setAt(v, at(v, pick), WRONG_TYPES[size % WRONG_TYPES.length] ?? null),
  extremeNumber: (v, pick, size) => {
    // A numeric field when there is one (storageGiB, avgPullSizeMB, price overrides, …), else any string.
    const numeric = paths(v).some((p) => typeof getAt(v, p) === 'number');
    return setAt(v, at(v, pick, (x) => (numeric ? typeof x === 'number' : typeof x === 'string')), new RawJson(EXTREME_NUMBERS[size % EXTREME_NUMBERS.length] ?? '1e308'));
  },
  hugeString: (v, pick, size) => setAt(v, at(v, pick, (x) => typeof x === 'string'), 'x'.repeat([65, 2_001, 70_000, 1_040_000][size % 4] ?? 65)),
  unicode: (v, pick, size) => setAt(v, at(v, pick, (x) => typeof x === 'string'), UNICODE_STRINGS[size % UNICODE_STRINGS.length] ?? ''),
  manyItems: (v, pick, size) => {
    const p = at(v, pick, (x) => Array.isArray(x));
    const arr = getAt(v, p);
    const n = [101, 1001, 30_000][size % 3] ?? 101;
    // 30,000 empty objects is the audit's case; shorter arrays repeat a real element (kept small).
    const first = Array.isArray(arr) ? arr[0] : undefined;
    const item: Value = n < 30_000 && first !== undefined && toJsonText(first).length < 300 ? first : {};
    return setAt(v, p, new Array<Value>(n).fill(item));
  },
  deepNesting: (v, pick, size) => setAt(v, nonRoot(v, pick), nested([50, 5_000, 100_000][size % 3] ?? 50, size % 2 ? 'array' : 'object')),
  extraKey: (v, pick, size) => {
    const p = at(v, pick, (x) => x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof RawJson));
    const key = ['__proto__', 'constructor', 'extra', 'prototype', ''][size % 5] ?? 'extra';
    const target = getAt(v, p) as { [k: string]: Value };
    return setAt(v, p, new RawJson(`{${JSON.stringify(key)}:{"polluted":true}${Object.keys(target).length ? ',' + toJsonText(target).slice(1) : '}'}`));
  },
};

const MALFORMED_BODIES = ['', '{', '{"a":', '{"a":1,}', "{'a':1}", '\ufeff{}', '{}garbage', 'NaN', 'null', '[]', '"str"', '0', 'true', '{"a":1}{"b":2}', '\u0000', '{"a":"\\ud800"}', '{"a":01}', '[1,2,3'];
const CONTENT_TYPES_BAD = ['', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/xml', 'json', '*/*'];
const CONTENT_TYPES_OK = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/problem+json', 'application/merge-patch+json'];

// ---- identity -------------------------------------------------------------

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const ALL_ROLES = Object.values(ROLES).join(',');
const claims = (name: string, roles: string[]): string =>
  JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims: [{ typ: 'name', val: name }, { typ: 'oid', val: `oid-${name}` }, ...roles.map((r) => ({ typ: 'roles', val: r }))] });

interface Identity {
  headers: [string, string][];
  /** all: the local header names a principal holding every role; none: no principal but an unverified x-ms-client-principal at most; some: anything else. */
  principal: 'all' | 'some' | 'none';
  forged: boolean;
}

const identityArb: fc.Arbitrary<Identity> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Identity>({ headers: [], principal: 'none', forged: false }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom('alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com').map<Identity>((n) => ({ headers: [['x-geoplanner-principal', `${n}; roles=${ALL_ROLES}`]], principal: 'all', forged: false })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(`mallory; roles=`, `; roles=${ALL_ROLES}`, `mallory; roles=Planner.Read`, ';;;', 'x'.repeat(9_000), `m\u00e9; roles=Planner.Apply`, ' ')
      .map<Identity>((v) => ({ headers: [['x-geoplanner-principal', v]], principal: 'some', forged: false })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('eve@contoso.com', 'alice@contoso.com').map<Identity>((n) => ({ headers: [['x-ms-client-principal', b64(claims(n, Object.values(ROLES)))]], principal: 'none', forged: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        b64('null'),
        b64('[]'),
        b64('"x"'),
        b64('{"claims":null}'),
        b64('{"claims":[null,1,{"typ":"name"}]}'),
        b64('{"claims":[{"typ":"name","val":"eve"}],"name_typ":null}'),
        '%%%not-base64%%%',
        b64(claims('eve', ['Planner.Apply'])).slice(0, 20),
        'A'.repeat(12_000),
      )
      .map<Identity>((v) => ({ headers: [['x-ms-client-principal', v]], principal: 'none', forged: true })),
  },
);

// ---- paths ----------------------------------------------------------------

const enc = encodeURIComponent;
function pathParamArb(name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  switch (name) {
    case 'id':
      return fc.oneof({ weight: 4, arbitrary: ctx.planIds.length ? fc.constantFrom(...ctx.planIds) : fc.uuid() }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) });
    case 'subscription':
      return fc.oneof({ weight: 4, arbitrary: fc.constant(SANDBOX_SUBSCRIPTION_ID) }, { weight: 1, arbitrary: fc.uuid() });
    case 'resourceGroup':
      return fc.constantFrom(SANDBOX_RESOURCE_GROUP, 'fabrikam-rg', 'tailspin-rg', 'nope-rg');
    case 'name':
      return fc.constantFrom('contoso', 'contosowesteu', 'fabrikamacr', 'tailspinbasic', 'woodgrovezr', 'missing1');
    case 'path':
      return fc.constantFrom('', 'index.html', 'app.js', 'style.css', 'nope.txt', 'a/b');
    default:
      return fc.string({ minLength: 1, maxLength: 20 });
  }
}

function fillRoute(route: string, values: Record<string, string>): string {
  return (
    '/api/' +
    route
      .split('/')
      .map((seg) => {
        const m = /^\{\*?([^}:?]+)(?::[^}?]+)?\??\}$/.exec(seg);
        if (!m) return seg;
        const v = values[m[1] ?? ''] ?? '';
        return seg.startsWith('{*') ? v.split('/').map(enc).join('/') : enc(v);
      })
      .join('/')
      .replace(/\/$/, '')
  );
}

const BAD_PATHS = [
  '//', '//api/health', '/api//health', '/api/health//', '/API/HEALTH', '/api/plans/%', '/api/plans/%zz', '/api/plans/%E0%A4%A', '/api/plans/%C0%AF/approve',
  `/api/registries/%/${SANDBOX_RESOURCE_GROUP}/contoso`, `/api/registries/${SANDBOX_SUBSCRIPTION_ID}/%zz/contoso`, `/api/registries/${SANDBOX_SUBSCRIPTION_ID}/${SANDBOX_RESOURCE_GROUP}/%E0%A4%A`,
  `/api/plans/${'a'.repeat(15_000)}`, `/api/registries/${'s'.repeat(4_000)}/${'r'.repeat(4_000)}/${'n'.repeat(4_000)}`,
  '/api/planner/../../package.json', '/api/planner/..%2f..%2fpackage.json', '/api/planner/%2e%2e/%2e%2e/package.json', '/api/planner/%00', '/api/planner/%', '/api/planner/..\\..\\package.json',
  '/admin/functions/%zz', '/admin/functions/topologyDrift', '/admin/functions/nope', '/admin/functions/', '/admin', '/', '/favicon.ico', '/api', '/api/', '/api/nope',
  '/api/map.svg?registry=%', '/api/map.svg?registry=%E0%A4%A', `/api/map.svg?registry=${enc(SANDBOX_REGISTRY_IDS[0] ?? '')}%`, '/api/plans?registry=%zz', '/api/drift/history?registry=%&limit=1e308',
  '/api/regions?%=%', '/api/health?a=1&a=2&a=%', '/api/health#frag', '/api/health?' + 'q=1&'.repeat(2_000), 'http://evil.example/api/health', '*', '/api/%2e%2e/health', '/api/health%00',
];

const BAD_QUERY_VALUES = ['%', '%zz', '-1', '0', '1e308', 'NaN', '', 'true%00', 'x'.repeat(8_000), '[]', '1.5', 'TRUE', '9007199254740993', '%E0%A4%A'];

// ---- the case arbitrary -----------------------------------------------------

interface OpChoice {
  info: RouteInfo;
  method: string;
  op: OperationDef | undefined;
}

/** Plan requests the ARM sandbox can satisfy (its seeded registries), used to seed plans and as known-valid bodies. */
export const PLAN_BODIES: readonly Json[] = [
  { registryId: SANDBOX_REGISTRY_IDS[0] ?? '', target: { replicas: [{ region: 'eastus' }] } },
  { registryId: SANDBOX_REGISTRY_IDS[1] ?? '', target: { replicas: [] }, allowDeletes: true },
  { registryId: SANDBOX_REGISTRY_IDS[4] ?? '', target: { replicas: [{ region: 'westeurope' }] }, workloads: [{ region: 'eastus2', pullGBPerMonth: 100 }] },
  { registryId: SANDBOX_REGISTRY_IDS[2] ?? '', target: { replicas: [{ region: 'westus2' }] }, storageGiB: 180, avgPullSizeMB: 50, workloads: [{ region: 'eastus', pullsPerMonth: 1000 }, { name: 'office', latitude: 47.6, longitude: -122.3, pullGBPerMonth: 5 }] },
  { registryId: SANDBOX_REGISTRY_IDS[0] ?? '', recommendation: { recommended: { topology: { homeRegion: 'westus', replicas: [{ region: 'northeurope' }] } } }, expiresInHours: 1 },
];

/** Known-valid bodies of a schema: its `examples`, and the plan bodies for the create-plan schema. */
function examplesOf(schema: SchemaNode & { examples?: readonly Json[] }): Json[] {
  const own = [...(schema.examples ?? [])];
  if ((schema.required ?? []).includes('registryId')) own.push(...PLAN_BODIES);
  return own;
}

interface BodyChoice {
  label: string;
  text?: string;
  contentType?: string;
  /** Sure to be refused: against the schema, not JSON, or not sent as JSON. */
  invalid: boolean;
  budgetMs: number;
}

function bodyFor(op: OperationDef | undefined, method: string): fc.Arbitrary<BodyChoice> {
  const schema = op?.doc.requestSchema as SchemaNode | undefined;
  if (!schema) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant<BodyChoice>({ label: 'valid', invalid: false, budgetMs: 0 }) },
      { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES).map((t): BodyChoice => ({ label: 'ignoredBody', text: t, contentType: 'application/json', invalid: false, budgetMs: 0 })) },
    );
  }
  const base = schemaArb(schema);
  const budget = (v: Json): number => {
    const t = (v as { solver?: { timeLimitMs?: unknown } } | null)?.solver?.timeLimitMs;
    return typeof t === 'number' ? t : 'solver' in (schema.properties ?? {}) ? 10_000 : 0;
  };
  const check = (text: string, contentType: string | undefined, label: string, v: Json): BodyChoice => ({
    label,
    text,
    ...(contentType !== undefined ? { contentType } : {}),
    invalid: contentType === undefined || !CONTENT_TYPES_OK.includes(contentType) || !isValidBody(schema, text),
    budgetMs: budget(v),
  });
  // Mutate known-valid bodies too, so a single bad field (1e308 storageGiB) is the only problem a request has.
  const seeds = examplesOf(schema);
  const mutated = fc
    .tuple(seeds.length ? fc.oneof(base, fc.constantFrom(...seeds)) : base, fc.constantFrom(...Object.keys(MUTATIONS)), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.nat(1000))
    .map(([v, name, pick, size]) => check(toJsonText((MUTATIONS[name] ?? MUTATIONS.dropKey!)(v, pick, size)), 'application/json', name, v));
  const planning = 'workloads' in (schema.properties ?? {});
  const examples = examplesOf(schema);
  return fc.oneof(
    ...(examples.length ? [{ weight: 3, arbitrary: fc.constantFrom(...examples).map((v) => check(JSON.stringify(v), 'application/json', 'valid', v)) }] : []),
    { weight: 8, arbitrary: fc.tuple(base, fc.constantFrom(...CONTENT_TYPES_OK)).map(([v, ct]) => check(JSON.stringify(v), ct, 'valid', v)) },
    { weight: 10, arbitrary: mutated },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_BODIES).map((t) => check(t, 'application/json', 'malformedJson', null)) },
    { weight: 2, arbitrary: fc.tuple(base, fc.constantFrom(...CONTENT_TYPES_BAD)).map(([v, ct]) => check(JSON.stringify(v), ct === '' ? undefined : ct, 'contentType', v)) },
    ...(planning
      ? [{ weight: 1, arbitrary: fc.constantFrom(1_000, 30_000).map((n) => check(JSON.stringify({ registry: { homeRegion: 'westus' }, workloads: new Array(n).fill({}) }), 'application/json', 'emptyWorkloads', null)) }]
      : []),
    // An empty body may be fine where the body is optional (approve): no claim.
    ...(method === 'GET' ? [] : [{ weight: 1, arbitrary: fc.constant<BodyChoice>({ label: 'emptyBody', text: '', contentType: 'application/json', invalid: false, budgetMs: 0 }) }]),
  );
}

function queryFor(op: OperationDef | undefined): fc.Arbitrary<{ qs: string; valid: boolean }> {
  const params = (op?.doc.parameters ?? []).filter((p) => p.in === 'query');
  if (params.length === 0) return fc.oneof({ weight: 8, arbitrary: fc.constant({ qs: '', valid: true }) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_QUERY_VALUES).map((v) => ({ qs: `?x=${v}`, valid: true })) });
  const valid = fc
    .tuple(
      ...params.map((p) => {
        const one = schemaArb(p.schema as SchemaNode).map((v): string | undefined => `${enc(p.name)}=${enc(String(v))}`);
        return p.required ? one : fc.option(one, { nil: undefined, freq: 2 });
      }),
    )
    .map((parts) => {
      const present = parts.filter((x): x is string => x !== undefined);
      return { qs: present.length ? `?${present.join('&')}` : '', valid: true };
    });
  const bad = fc.tuple(fc.constantFrom(...params.map((p) => p.name)), fc.constantFrom(...BAD_QUERY_VALUES)).map(([n, v]) => ({ qs: `?${n}=${v}`, valid: false }));
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 2, arbitrary: bad });
}

export function httpCaseArb(ctx: FuzzContext): fc.Arbitrary<HttpCase> {
  const table = routeTable();
  const choice: fc.Arbitrary<OpChoice> = fc.constantFrom(...table).chain((info) =>
    fc.oneof(
      { weight: 7, arbitrary: fc.constantFrom(...info.methods) },
      { weight: 3, arbitrary: fc.constantFrom(...ALL_METHODS) },
    ).map((method) => ({ info, method, op: info.endpoint.operations[method as keyof HttpEndpoint['operations']] })),
  );
  const wellFormed = choice.chain(({ info, method, op }) => {
    const names = [...info.endpoint.route.matchAll(/\{\*?([^}:?]+)/g)].map((m) => m[1] ?? '');
    const params = names.length ? fc.tuple(...names.map((n) => pathParamArb(n, ctx))).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i] ?? '']))) : fc.constant({} as Record<string, string>);
    return fc.tuple(params, queryFor(op), bodyFor(op, method), identityArb).map(([pv, q, body, id]): HttpCase => {
      const headers: [string, string][] = [...id.headers];
      if (body.contentType !== undefined && body.text !== undefined) headers.push(['content-type', body.contentType]);
      const protectedOp = needsPrincipal(op);
      const opExists = op !== undefined;
      const label = !opExists && !['HEAD', 'OPTIONS'].includes(method) ? 'wrongMethod' : q.valid ? body.label : 'badQuery';
      return {
        kind: 'http',
        label: id.forged && protectedOp ? `${label}+forgedIdentity` : label,
        method,
        target: fillRoute(info.endpoint.route, pv) + q.qs,
        route: info.endpoint.route,
        headers,
        ...(body.text !== undefined ? { body: Buffer.from(body.text, 'utf8') } : {}),
        mustNot2xx: (!opExists && !['HEAD', 'OPTIONS'].includes(method)) || (opExists && body.invalid) || (protectedOp && id.principal === 'none'),
        budgetMs: body.budgetMs,
        forgedOnly: protectedOp && id.forged,
      };
    });
  });
  const badPath = fc.tuple(fc.constantFrom(...BAD_PATHS), fc.constantFrom(...ALL_METHODS), identityArb, fc.boolean()).map(([target, method, id, withBody]): HttpCase => ({
    kind: 'http',
    label: 'badPath',
    method,
    target,
    route: target.length > 80 ? `${target.slice(0, 60)}…(${target.length} chars)` : target,
    headers: [...id.headers, ...(withBody ? ([['content-type', 'application/json']] as [string, string][]) : [])],
    ...(withBody ? { body: Buffer.from('{"input":""}') } : {}),
    mustNot2xx: false,
    budgetMs: 0,
    forgedOnly: false,
  }));
  return fc.oneof({ weight: 9, arbitrary: wellFormed }, { weight: 1, arbitrary: badPath });
}

const RAW_HOSTS = ['', 'a b', '[', 'x:99999', '[::1', 'localhost:0', 'h'.repeat(5_000), 'exa mple:80', '@', ':', 'a/b', '%zz'];

export function rawCaseArb(): fc.Arbitrary<RawCase> {
  const raw = (label: string, route: string, text: string | Buffer): RawCase => ({ kind: 'raw', label, route, bytes: typeof text === 'string' ? Buffer.from(text, 'latin1') : text });
  return fc.oneof(
    fc.tuple(fc.constantFrom('//', '/api/health', '/', '/api/plans/%zz'), fc.constantFrom(...RAW_HOSTS)).map(([p, h]) => raw('badHost', `GET ${p} Host: ${h.slice(0, 20)}`, `GET ${p} HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`)),
    fc.constantFrom('//', '/api/health').map((p) => raw('noHost', `GET ${p} (no Host)`, `GET ${p} HTTP/1.1\r\nConnection: close\r\n\r\n`)),
    fc.constant(raw('twoHosts', 'GET // two Host headers', 'GET // HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n')),
    fc.constantFrom(20_000, 70_000).map((n) => raw('bigHeader', `GET /api/health + ${n} B header`, `GET /api/health HTTP/1.1\r\nHost: localhost\r\nx-big: ${'a'.repeat(n)}\r\nConnection: close\r\n\r\n`)),
    fc.constant(raw('bigUrl', 'GET 70 KB URL', `GET /api/health?${'a'.repeat(70_000)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)),
    fc.constantFrom(
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'FOO /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'get /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'GET /api/he alth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'GET /api/health HTTP/1.0\r\n\r\n',
      'CONNECT localhost:1 HTTP/1.1\r\nHost: localhost:1\r\n\r\n',
      'POST /api/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}',
      'POST /api/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}',
      'POST /api/estimate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /api/estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\nx-bad\u00ff: \u0001\r\nConnection: close\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nHost: x\r\n x-folded: y\r\nConnection: close\r\n\r\n',
      '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003',
      'GET /api/health HTTP/1.1\nHost: x\nConnection: close\n\n',
    ).map((t) => raw('badRequestLine', JSON.stringify(t.split('\r\n')[0]?.slice(0, 40)), t)),
    fc.constantFrom(...REGION_NAMES.slice(0, 3)).map((r) =>
      raw('utf8Header', 'POST /api/plans non-ASCII principal', Buffer.concat([Buffer.from(`POST /api/plans HTTP/1.1\r\nHost: x\r\nx-geoplanner-principal: `), Buffer.from(`zoë ${r}; roles=Planner.Request`, 'utf8'), Buffer.from('\r\ncontent-type: application/json\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}')])),
    ),
  );
}

export function caseArb(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 19, arbitrary: httpCaseArb(ctx) }, { weight: 1, arbitrary: rawCaseArb() });
}

/** The request bytes of a case, as sent (one connection per case, `Connection: close`). */
export function requestBytes(c: FuzzCase, hostHeader: string): Buffer {
  if (c.kind === 'raw') return c.bytes;
  const lines = [`${c.method} ${c.target} HTTP/1.1`, `Host: ${hostHeader}`, ...c.headers.map(([k, v]) => `${k}: ${v}`)];
  if (c.body !== undefined) lines.push(`Content-Length: ${c.body.length}`);
  lines.push('Connection: close', '', '');
  const head = Buffer.from(lines.join('\r\n'), 'utf8');
  return c.body !== undefined ? Buffer.concat([head, c.body]) : head;
}

/** A short, readable reproducer of a case. */
export function describeCase(c: FuzzCase, max = 400): string {
  const cut = (s: string): string => (s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);
  if (c.kind === 'raw') return `raw ${c.label}: ${cut(JSON.stringify(c.bytes.toString('latin1')))}`;
  const headers = c.headers.map(([k, v]) => `${k}: ${cut(v)}`).join(' | ');
  return `${c.method} ${cut(c.target)}${headers ? ` [${headers}]` : ''}${c.body !== undefined ? ` body(${c.body.length} B): ${cut(c.body.toString('utf8'))}` : ''}`;
}

export { regionArb };
