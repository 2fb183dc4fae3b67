/**
 * Contract check of recorded exchanges against a Swagger 2.0 file of test/fixtures/specs (#17):
 * the operation is found by method + path template (and must be the one the sandbox routed),
 * path/query/formData parameters are checked (required, type, enum, pattern, length), the body
 * against its schema, the response status must be declared (or `default`), its body must match the
 * declared schema and its declared headers of a 202 (Location) must be present. Schemas are
 * compiled with ajv (Swagger's x-ms-* keywords ignored, date-time checked). `$ref`s into other
 * files (e.g. `../../../../../common-types/resource-management/v5/types.json#/definitions/ErrorResponse`)
 * are resolved relative to the file that holds them (#16).
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { RecordedExchange } from '../../devhost/sandbox/types';

interface Param {
  name: string;
  in: 'path' | 'query' | 'formData' | 'body' | 'header';
  required?: boolean;
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  schema?: unknown;
  $ref?: string;
}
interface Operation {
  operationId: string;
  parameters?: Param[];
  responses: Record<string, { schema?: unknown; headers?: Record<string, unknown> }>;
}
interface SwaggerDoc {
  paths: Record<string, Record<string, Operation>>;
  parameters?: Record<string, Param>;
  definitions?: Record<string, unknown>;
}

export interface SubsetResult {
  seq: number;
  operationId: string;
  statusCode: number;
  ok: boolean;
  issues: string[];
}

export function specFixture(name: string): string {
  return path.resolve(__dirname, '../fixtures/specs', name);
}

/** Every `$ref` of `node` made absolute (`file://<abs path>#/…`), relative to the file `base`; `seen` collects the files referenced. */
function absoluteRefs(node: unknown, base: string, seen: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, base, seen));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') {
      const hash = v.indexOf('#');
      const target = hash === 0 ? base : path.resolve(path.dirname(base), hash < 0 ? v : v.slice(0, hash));
      seen.add(target);
      out[k] = `file://${target}${hash < 0 ? '#' : v.slice(hash)}`;
    } else out[k] = absoluteRefs(v, base, seen);
  }
  return out;
}

export function createSubsetValidator(file: string) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as SwaggerDoc;
  const main = path.resolve(file);
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int64: true, int32: true, uuid: true, file: true, 'arm-id': true, double: true } });
  addFormats(ajv, ['date-time', 'uri']);
  // Each file's definitions under its own absolute id; files they reference are loaded in turn.
  const loaded = new Set<string>();
  const load = (f: string, d: SwaggerDoc): void => {
    loaded.add(f);
    const refs = new Set<string>();
    ajv.addSchema({ definitions: absoluteRefs(d.definitions ?? {}, f, refs) }, `file://${f}`);
    for (const r of refs) if (!loaded.has(r)) load(r, JSON.parse(fs.readFileSync(r, 'utf8')) as SwaggerDoc);
  };
  load(main, doc);
  const rewrite = (schema: unknown): unknown => {
    const refs = new Set<string>();
    const out = absoluteRefs(schema, main, refs);
    for (const r of refs) if (!loaded.has(r)) load(r, JSON.parse(fs.readFileSync(r, 'utf8')) as SwaggerDoc);
    return out;
  };
  const ops: Array<{ method: string; re: RegExp; names: string[]; op: Operation }> = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    const names: string[] = [];
    const re = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), n === 'name' ? '(.+?)' : '([^/]+)'))}$`, 'i');
    for (const [method, op] of Object.entries(methods)) ops.push({ method: method.toUpperCase(), re, names, op });
  }
  const resolveParam = (p: Param): Param => (p.$ref ? (doc.parameters?.[p.$ref.replace('#/parameters/', '')] as Param) : p);

  function checkValue(p: Param, v: string, issues: string[]): void {
    if (p.type === 'integer' && !/^-?\d+$/.test(v)) issues.push(`${p.in} ${p.name}: '${v}' is not an integer`);
    if (p.enum && !p.enum.includes(v)) issues.push(`${p.in} ${p.name}: '${v}' not in ${JSON.stringify(p.enum)}`);
    if (p.format === 'uuid' && !/^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(v)) issues.push(`${p.in} ${p.name}: '${v}' is not a uuid`);
    if (p.pattern && !new RegExp(p.pattern).test(v)) issues.push(`${p.in} ${p.name}: '${v}' does not match ${p.pattern}`);
    if (p.minLength !== undefined && v.length < p.minLength) issues.push(`${p.in} ${p.name}: shorter than ${p.minLength}`);
    if (p.maxLength !== undefined && v.length > p.maxLength) issues.push(`${p.in} ${p.name}: longer than ${p.maxLength}`);
  }

  function validate(x: RecordedExchange, options: { stripPrefix?: RegExp } = {}): SubsetResult {
    const issues: string[] = [];
    const q = x.request.url.indexOf('?');
    let p = q >= 0 ? x.request.url.slice(0, q) : x.request.url;
    if (options.stripPrefix) p = p.replace(options.stripPrefix, '');
    const query = new URLSearchParams(q >= 0 ? x.request.url.slice(q + 1) : '');
    const match = ops.map((o) => ({ o, m: o.method === x.request.method ? o.re.exec(p) : null })).find((c) => c.m);
    if (!match || !match.m) return { seq: x.seq, operationId: x.operationId, statusCode: x.response.statusCode, ok: false, issues: [`no operation for ${x.request.method} ${p}`] };
    const { o, m } = match;
    if (o.op.operationId !== x.operationId) issues.push(`sandbox routed ${x.operationId}, the spec says ${o.op.operationId}`);
    const form = (x.request.body && typeof x.request.body === 'object' ? x.request.body : {}) as Record<string, unknown>;
    for (const raw of o.op.parameters ?? []) {
      const prm = resolveParam(raw);
      if (prm.in === 'path') {
        const v = decodeURIComponent(m[o.names.indexOf(prm.name) + 1] ?? '');
        checkValue(prm, v, issues);
      } else if (prm.in === 'query' || prm.in === 'formData') {
        const v = prm.in === 'query' ? query.get(prm.name) : (form[prm.name] as string | undefined);
        if (v === null || v === undefined) {
          if (prm.required) issues.push(`${prm.in} ${prm.name} is required`);
        } else checkValue(prm, String(v), issues);
      } else if (prm.in === 'body') {
        if (x.request.body === undefined) {
          if (prm.required) issues.push('body is required');
        } else {
          const v = ajv.compile(rewrite(prm.schema) as object);
          if (!v(x.request.body)) issues.push(...(v.errors ?? []).map((e) => `request body${e.instancePath} ${e.message ?? ''}`));
        }
      }
    }
    const declared = o.op.responses[String(x.response.statusCode)];
    const resp = declared ?? o.op.responses['default'];
    if (!resp) issues.push(`status ${x.response.statusCode} is not declared`);
    else {
      if (resp.schema) {
        const v = ajv.compile(rewrite(resp.schema) as object);
        if (!v(x.response.body ?? {})) issues.push(...(v.errors ?? []).map((e) => `response body${e.instancePath} ${e.message ?? ''}`));
      } else if (declared && x.response.body !== undefined) {
        issues.push(`status ${x.response.statusCode} declares no body but one was sent`);
      }
      if (x.response.statusCode === 202) {
        for (const h of Object.keys(resp.headers ?? {})) if (h.toLowerCase() === 'location' && !x.response.headers['location']) issues.push('202 without Location');
      }
    }
    return { seq: x.seq, operationId: o.op.operationId, statusCode: x.response.statusCode, ok: issues.length === 0, issues };
  }
  /** Issues of `value` against one of the file's definitions (e.g. `Table`). */
  function validateDefinition(name: string, value: unknown, label = 'value'): string[] {
    const v = ajv.compile({ $ref: `file://${main}#/definitions/${name}` });
    return v(value) ? [] : (v.errors ?? []).map((e) => `${label}${e.instancePath} ${e.message ?? ''}`);
  }
  return { validate, validateDefinition, operationIds: new Set(ops.map((o) => o.op.operationId)) };
}
