/**
 * Request validation: one ajv (draft 2020-12 + formats) instance, each schema
 * compiled once on first use. Errors become JSON pointers into the body.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { InputIssue } from '../model/errors';

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
