/**
 * JSON Schema → fast-check arbitrary, for the subset the request schemas in
 * src/schemas use: type (incl. type arrays), properties, required,
 * additionalProperties, items, minItems/maxItems, enum, const, oneOf/anyOf,
 * if/then/else, minimum/maximum/exclusiveMinimum/exclusiveMaximum,
 * minLength/maxLength and pattern (via fc.stringMatching). The values are
 * meant to be *mostly* valid: region-name strings come from the shipped
 * catalog and registry ids from the ARM sandbox seed, so valid requests reach
 * the model and the stores, not only the validator.
 */
import fc from 'fast-check';
import regionsJson from '../../src/catalog/regions.json';
import { REGISTRY_ID_PATTERN } from '../../src/schemas/common';
import { SANDBOX_RESOURCE_GROUP, SANDBOX_SUBSCRIPTION_ID, registryResourceId } from '../../devhost/sandbox/seed';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON Schema node as the request schemas write it (read-only view). */
export interface SchemaNode {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, SchemaNode>>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: readonly Json[];
  const?: Json;
  oneOf?: readonly SchemaNode[];
  anyOf?: readonly SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  description?: string;
}

interface RegionRow {
  name: string;
  displayName: string;
}
export const REGION_NAMES: readonly string[] = (regionsJson as RegionRow[]).map((r) => r.name);
export const REGION_DISPLAY_NAMES: readonly string[] = (regionsJson as RegionRow[]).map((r) => r.displayName);

/** The registries the ARM sandbox seeds (see devhost/sandbox/seed.ts), plus one that does not exist. */
export const SANDBOX_REGISTRY_IDS: readonly string[] = [
  registryResourceId('contoso'),
  registryResourceId('contosowesteu'),
  registryResourceId('fabrikamacr', 'fabrikam-rg'),
  registryResourceId('tailspinbasic', 'tailspin-rg'),
  registryResourceId('woodgrovezr'),
  registryResourceId('doesnotexist99'),
];
export { SANDBOX_RESOURCE_GROUP, SANDBOX_SUBSCRIPTION_ID };

const isRegionSchema = (s: SchemaNode): boolean => typeof s.description === 'string' && s.description.startsWith('An Azure region');

export function regionArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...REGION_NAMES) },
    { weight: 2, arbitrary: fc.constantFrom(...REGION_DISPLAY_NAMES) },
    { weight: 1, arbitrary: fc.constantFrom(...REGION_NAMES).map((n) => n.replace(/(\d)?$/, '-$1').replace(/-$/, '')) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 64 }) },
  );
}

export function registryIdArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...SANDBOX_REGISTRY_IDS) },
    { weight: 1, arbitrary: fc.stringMatching(new RegExp(REGISTRY_ID_PATTERN)) },
  );
}

function stringArb(s: SchemaNode): fc.Arbitrary<string> {
  if (isRegionSchema(s)) return regionArb();
  if (s.pattern === REGISTRY_ID_PATTERN) return registryIdArb();
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, 200);
  if (s.pattern !== undefined) {
    const re = new RegExp(s.pattern);
    return fc.stringMatching(re).filter((v) => v.length >= minLength && v.length <= (s.maxLength ?? Infinity));
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' });
}

function numberArb(s: SchemaNode, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (integer) {
    const min = Math.max(lo === undefined ? -1e9 : Math.ceil(s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : lo), Number.MIN_SAFE_INTEGER);
    const max = Math.min(hi === undefined ? 1e9 : Math.floor(s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : hi), Number.MAX_SAFE_INTEGER);
    return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max: Math.min(max, min + 1000) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
  }
  const full = fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(lo !== undefined ? { min: lo, minExcluded: s.exclusiveMinimum !== undefined } : {}),
    ...(hi !== undefined ? { max: hi, maxExcluded: s.exclusiveMaximum !== undefined } : {}),
  });
  // Everyday magnitudes most of the time; the full double range (1e308, 5e-324, …) the rest.
  const smallLo = lo ?? -1e4;
  const smallHi = Math.min(hi ?? 1e4, smallLo + 1e4);
  const everyday = fc
    .double({ min: smallLo, max: smallHi, noNaN: true, noDefaultInfinity: true })
    .filter((v) => (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) && (s.exclusiveMaximum === undefined || v < s.exclusiveMaximum));
  return fc.oneof({ weight: 4, arbitrary: everyday }, { weight: 1, arbitrary: full });
}

const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

/** An arbitrary for (mostly) valid instances of `schema`. */
export function schemaArb(schema: SchemaNode, depth = 0): fc.Arbitrary<Json> {
  if (depth > 12) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.oneOf ?? schema.anyOf;
  if (alts) return fc.oneof(...alts.map((a) => schemaArb({ ...stripCombinators(schema), ...a }, depth + 1)));
  if (schema.if && (schema.then || schema.else)) {
    const base = stripCombinators(schema);
    const branches = [schema.then, schema.else].filter((b): b is SchemaNode => b !== undefined);
    return fc.oneof(...branches.map((b) => schemaArb({ ...base, ...b }, depth + 1)));
  }
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...type.map((t: string) => schemaArb({ ...schema, type: t }, depth + 1)));
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'string':
      return stringArb(schema);
    case 'array': {
      const items = schema.items ? schemaArb(schema.items, depth + 1) : anyJson;
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const props = schema.properties ?? {};
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = schemaArb(v, depth + 1);
      for (const k of schema.required ?? []) if (!(k in model)) model[k] = anyJson;
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])] }) as fc.Arbitrary<Json>;
    }
    default:
      return anyJson;
  }
}

function stripCombinators(s: SchemaNode): SchemaNode {
  const { oneOf: _o, anyOf: _a, if: _i, then: _t, else: _e, ...rest } = s;
  return rest;
}
