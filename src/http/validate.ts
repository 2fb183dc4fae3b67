/**
 * Request validation: one ajv (draft 2020-12 + formats) instance, each schema
 * compiled once on first use. Errors become JSON pointers into the body.
 *
 * Bounded by construction: a cheap pre-pass checks the size keywords of the
 * schema (maxItems, maxLength, maxProperties) before ajv runs with
 * allErrors, so a body with 300,000 array items or a megabyte string costs
 * one linear walk, not 300,000 error objects or a did-you-mean over a
 * megabyte; and the 400 lists at most LIMITS.listedIssues issues, each with
 * echoed input cut short.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { InputIssue } from '../model/errors';
import { LIMITS } from '../schemas/common';
import { BadRequestError } from './problem';

let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function getAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: false, allowUnionTypes: true });
    addFormats(ajv);
  }
  return ajv;
}

export function compileSchema(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = getAjv().compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `value` cut to `max` characters, with an ellipsis when it was longer (for echoing input in messages). */
export function truncateForEcho(value: string, max: number = LIMITS.echoedValueLength): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

export function ajvErrorToIssue(e: ErrorObject): InputIssue {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { pointer: `${e.instancePath}/${escapePointer(params.missingProperty)}`, message: 'is required', code: 'required' };
  }
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return {
      pointer: `${e.instancePath}/${escapePointer(params.additionalProperty)}`,
      message: 'is not a known property here',
      code: 'additionalProperties',
    };
  }
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return { pointer: e.instancePath, message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`, code: 'enum' };
  }
  return { pointer: e.instancePath, message: e.message ?? `fails ${e.keyword}`, code: e.keyword };
}

/** Validates `data` against `schema`; returns every issue (deduplicated), empty when valid. */
export function validateAgainst(schema: object, data: unknown): InputIssue[] {
  const fn = compileSchema(schema);
  if (fn(data)) return [];
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  for (const e of fn.errors ?? []) {
    const issue = ajvErrorToIssue(e);
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Shape pre-scan of the raw body (before JSON.parse)

/**
 * Bounds on a body's JSON shape, checked on the raw bytes before JSON.parse:
 * parsing a megabyte of `{},{},…` (333,000 objects) alone takes hundreds of
 * ms, while the largest legitimate body (a recommendation for 1,000 workloads
 * posted back to /api/map.svg, with a frontier of 100 replica sets) has some
 * 15,000 objects and arrays and under 100,000 values.
 */
export const JSON_SHAPE_LIMITS = {
  /** Nesting depth of objects/arrays. */
  depth: 64,
  /** Objects + arrays in the body. */
  containers: 50_000,
  /** Values in the body (every object/array member), approximated by containers + commas. */
  values: 250_000,
  /**
   * Members of one object or array: the longest legitimate ones hold one entry
   * per workload (≤ 1,000, plus a few warnings); 10,000 workloads are refused here.
   */
  members: 2_500,
} as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const COLON = 0x3a;

/**
 * One pass over the raw bytes (UTF-8: multi-byte sequences never contain
 * these ASCII bytes) counting nesting depth, containers, values and the
 * members of each container outside strings; the issue (with the JSON
 * pointer of the offending container) when a JSON_SHAPE_LIMITS bound is
 * exceeded, else undefined. Malformed JSON is left to JSON.parse.
 */
export function jsonShapeIssue(bytes: Uint8Array): InputIssue | undefined {
  let inString = false;
  let stringStart = 0;
  let lastString: [number, number] | undefined;
  let depth = 0;
  let containers = 0;
  let values = 0;
  /** Per open container: members so far, and (objects) the key of the member being read. */
  const members: number[] = [];
  const keys: (string | undefined)[] = [];
  const pointerTo = (d: number): string => {
    let p = '';
    for (let k = 1; k <= d; k++) {
      const key = keys[k];
      p += `/${key === undefined ? String(members[k] ?? 0) : escapePointer(truncateForEcho(key))}`;
    }
    return p;
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) {
        inString = false;
        lastString = [stringStart, i];
      }
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      stringStart = i + 1;
    } else if (c === COLON && lastString) {
      // An object key: remembered (cut short) only to name the container in an issue.
      const [a, b] = lastString;
      keys[depth] = Buffer.from(bytes.subarray(a, Math.min(b, a + 256))).toString('utf8');
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      containers += 1;
      values += 1;
      members[depth] = 0;
      keys[depth] = undefined;
      if (depth > JSON_SHAPE_LIMITS.depth) return { pointer: pointerTo(depth - 1), message: `nests objects/arrays deeper than ${JSON_SHAPE_LIMITS.depth} levels`, code: 'maxDepth' };
      if (containers > JSON_SHAPE_LIMITS.containers) return { pointer: '', message: `has more than ${JSON_SHAPE_LIMITS.containers} objects and arrays`, code: 'maxContainers' };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
    else if (c === COMMA) {
      values += 1;
      const m = (members[depth] ?? 0) + 1;
      members[depth] = m;
      if (m >= JSON_SHAPE_LIMITS.members) {
        keys[depth] = undefined;
        return { pointer: pointerTo(depth - 1), message: `has more than ${JSON_SHAPE_LIMITS.members} members`, code: 'maxMembers' };
      }
    }
    if (values > JSON_SHAPE_LIMITS.values) return { pointer: '', message: `has more than ${JSON_SHAPE_LIMITS.values} values`, code: 'maxValues' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Size pre-pass

type SchemaNode = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Most size issues the pre-pass collects before it stops walking (the answer lists fewer anyway). */
const MAX_SIZE_ISSUES = 200;

/**
 * The size keywords of `schema` (maxItems, maxLength, maxProperties, and
 * for a closed object — additionalProperties: false — far more keys than it
 * declares) checked along `properties`, `items` and `if`/`then`/`else`, in one walk whose cost
 * is linear in the body. Returns the violations (at most MAX_SIZE_ISSUES);
 * empty when every array, string and object the schema bounds is within
 * its bound. Everything else is left to ajv.
 */
export function sizeIssues(schema: object, data: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const walk = (node: unknown, value: unknown, pointer: string): void => {
    if (!isObj(node) || issues.length >= MAX_SIZE_ISSUES) return;
    const s = node as SchemaNode;
    if (typeof value === 'string' && typeof s.maxLength === 'number' && value.length > s.maxLength) {
      issues.push({ pointer, message: `must NOT have more than ${s.maxLength} characters (has ${value.length})`, code: 'maxLength' });
    }
    if (Array.isArray(value)) {
      if (typeof s.maxItems === 'number' && value.length > s.maxItems) {
        // Too many items: the items themselves are not looked at (that is the work the bound is there to avoid).
        issues.push({ pointer, message: `must NOT have more than ${s.maxItems} items (has ${value.length})`, code: 'maxItems' });
        return;
      }
      if (isObj(s.items)) value.forEach((item, i) => walk(s.items, item, `${pointer}/${i}`));
    }
    if (isObj(value)) {
      if (typeof s.maxProperties === 'number') {
        const n = Object.keys(value).length;
        if (n > s.maxProperties) {
          issues.push({ pointer, message: `must NOT have more than ${s.maxProperties} properties (has ${n})`, code: 'maxProperties' });
          return;
        }
      }
      if (s.additionalProperties === false && isObj(s.properties)) {
        // A closed object: every key beyond the declared ones is an issue of its own. Past a few dozen
        // of those, one issue says so instead of ajv listing each (50,000 unknown keys cost ajv ~1 s).
        const n = Object.keys(value).length;
        const declared = Object.keys(s.properties).length;
        if (n > declared + LIMITS.listedIssues) {
          issues.push({ pointer, message: `has ${n} properties; only ${declared} are known here`, code: 'maxProperties' });
          return;
        }
      }
      if (isObj(s.properties)) {
        for (const [key, sub] of Object.entries(s.properties)) {
          if (Object.hasOwn(value, key)) walk(sub, value[key], `${pointer}/${escapePointer(key)}`);
        }
      }
    }
    if (isObj(s.if)) {
      const branch = compileSchema(s.if)(value) ? s.then : s.else;
      walk(branch, value, pointer);
    }
  };
  walk(schema, data, '');
  return issues;
}

// ---------------------------------------------------------------------------
// The 400

/** Longest message or pointer kept in a listed issue (a pointer can carry an unknown property's name). */
const MAX_ISSUE_TEXT = 300;

/** One issue with its text bounded (pointer, message, suggestions). */
export function boundIssue(i: InputIssue): InputIssue {
  return {
    pointer: truncateForEcho(i.pointer, MAX_ISSUE_TEXT),
    message: truncateForEcho(i.message, MAX_ISSUE_TEXT),
    code: truncateForEcho(i.code, LIMITS.echoedValueLength),
    ...(i.didYouMean && i.didYouMean.length ? { didYouMean: i.didYouMean.slice(0, 5).map((s) => truncateForEcho(s)) } : {}),
  };
}

/** How many issues the detail sentence spells out (all of them are in `errors`). */
const ISSUES_IN_DETAIL = 10;

/**
 * The 400 for a list of issues: `errors` holds the first LIMITS.listedIssues
 * (each bounded), `errorsOmitted` counts the rest and the detail says so.
 * Its size does not grow with the body: ≤ 50 issues × a few hundred bytes.
 */
export function invalidRequestError(issues: readonly InputIssue[]): BadRequestError {
  const listed = issues.slice(0, LIMITS.listedIssues).map(boundIssue);
  const omitted = issues.length - listed.length;
  const n = issues.length;
  const spelled = listed.slice(0, ISSUES_IN_DETAIL).map((i) => `${i.pointer || '(body)'} ${i.message}`).join('; ');
  const more = n > ISSUES_IN_DETAIL ? `; … ${n - ISSUES_IN_DETAIL} more` : '';
  const note = omitted > 0 ? ` (errors lists the first ${listed.length}; ${omitted} more omitted)` : '';
  return new BadRequestError(`The request has ${n} problem${n === 1 ? '' : 's'}${note}: ${spelled}${more}`, listed, omitted);
}

/**
 * Schema validation of a parsed body, bounded: the size pre-pass first (a
 * body over a size bound gets just those issues, without ajv's full pass or
 * the semantic checks), then ajv, then `semantic` (issues at pointers ajv
 * already flagged are dropped). `if` keyword errors (ajv's bookkeeping for
 * if/then/else, always next to the real ones) are left out.
 */
export function requestIssues(schema: object, body: unknown, semantic?: (body: unknown) => InputIssue[]): InputIssue[] {
  const size = sizeIssues(schema, body);
  if (size.length > 0) return size;
  const issues = validateAgainst(schema, body).filter((i) => i.code !== 'if');
  if (semantic) {
    const seen = new Set(issues.map((i) => i.pointer));
    for (const extra of semantic(body)) if (!seen.has(extra.pointer)) issues.push(extra);
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Query parameters

export interface QueryParameterDoc {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: object;
}

/** A query parameter may repeat (`?kind=a&kind=b`) at most this often. */
export const MAX_QUERY_REPEATS = 20;

/** The string of a query value as the type its schema declares (`integer`/`number`/`boolean`), else the string itself. */
function coerceQueryValue(schema: object, raw: string): unknown {
  const type = (schema as { type?: unknown }).type;
  if (type === 'integer' || type === 'number') return raw.trim() === '' ? raw : Number(raw);
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/**
 * Checks the query string against the documented query parameters (the
 * same schemas /api/openapi.json shows): every value of a documented
 * parameter must satisfy its schema (maxLength first, so nothing long is
 * matched against a pattern or echoed), and a parameter repeats at most
 * MAX_QUERY_REPEATS times. Undocumented parameters are ignored.
 */
export function queryIssues(query: URLSearchParams, parameters: readonly QueryParameterDoc[]): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const p of parameters) {
    if (p.in !== 'query') continue;
    const values = query.getAll(p.name);
    const pointer = `/query/${escapePointer(p.name)}`;
    if (values.length > MAX_QUERY_REPEATS) {
      issues.push({ pointer, message: `is given ${values.length} times; at most ${MAX_QUERY_REPEATS}`, code: 'maxItems' });
      continue;
    }
    for (const raw of values) {
      const value = coerceQueryValue(p.schema, raw);
      const size = sizeIssues(p.schema, value);
      const found = size.length > 0 ? size : validateAgainst(p.schema, value);
      for (const i of found) issues.push({ ...i, pointer });
    }
  }
  return issues;
}

/** queryIssues, thrown as one 400 when there are any. */
export function checkQuery(query: URLSearchParams, parameters: readonly QueryParameterDoc[]): void {
  const issues = queryIssues(query, parameters);
  if (issues.length > 0) throw invalidRequestError(issues);
}
