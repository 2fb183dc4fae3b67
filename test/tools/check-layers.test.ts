/**
 * The import-direction check (tools/check-layers.ts): the real tree keeps every
 * enforced rule, and each rule bites on a fixture tree that breaks it
 * (test/fixtures/layers/<rule id>/), naming the file, line, import and rule.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, formatViolation, PENDING, RULES, type Violation } from '../../tools/check-layers';

const repo = join(__dirname, '..', '..');
const fixture = (name: string): string => join(repo, 'test', 'fixtures', 'layers', name);
const where = (v: Violation): string => `${v.file}:${v.line} ${v.specifier}`;

/** What each fixture must be reported for: `file:line import`, every one under the fixture's rule. */
const EXPECTED: Record<string, string[]> = {
  'src-no-dev-code': ['src/index.ts:1 ../devhost/local-host', 'src/index.ts:2 ../test/helpers/invoke', 'src/index.ts:3 ../bench/load', 'src/index.ts:4 ../tools/check-layers'],
  // the type-only import of a devDependency (geojson) is erased, so it is allowed
  'src-shipped-packages': ['src/azure/azurite.ts:2 vitest', 'src/azure/azurite.ts:3 azurite/package.json'],
  'model-no-io': [
    'src/model/load.ts:1 node:fs',
    'src/model/load.ts:2 worker_threads',
    'src/model/load.ts:3 os',
    'src/model/load.ts:4 @azure/functions',
    'src/model/load.ts:5 ajv/dist/2020',
    'src/model/load.ts:6 ajv-formats',
  ],
  // type-only imports count for the direction (only src/schemas request types are exempt)
  'model-only-model': ['src/model/route.ts:1 ../catalog', 'src/model/route.ts:2 ../azure/store', 'src/model/route.ts:3 ../catalog/acr-prices.json', 'src/model/route.ts:4 ../http/problem'],
  // (src/app → devhost/ is src-no-dev-code's, like any src file)
  'app-no-adapters': [
    'src/app/recommend.ts:1 ../azure/arm',
    'src/app/recommend.ts:2 ../solver/pool',
    'src/app/recommend.ts:3 ../http/endpoint',
    'src/app/recommend.ts:4 ../functions/registry',
    'src/app/recommend.ts:5 ../composition',
  ],
  'adapters-no-bindings': ['src/azure/store/apply.ts:1 ../../http/problem', 'src/azure/store/apply.ts:2 ../../functions/plan-apply'],
  'solver-no-bindings': ['src/solver/pool.ts:1 ../http/validate', 'src/solver/pool.ts:2 ../functions/recommendations'],
  'functions-no-azure': ['src/functions/prices.ts:1 ../azure/retail-prices', 'src/functions/prices.ts:2 ../azure/store'],
  'devhost-no-tests': ['devhost/backends.ts:1 ../test/sandbox', 'devhost/backends.ts:2 ../bench/drift.js'],
};

describe('check-layers on fixtures: every rule bites', () => {
  it('has a fixture for every rule', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const rule of RULES) {
    it(`${rule.id}: reported with file, line, import and rule`, () => {
      const r = checkLayers(fixture(rule.id), { pending: {} });
      expect(r.pending).toEqual([]);
      expect(r.violations.map(where).sort()).toEqual([...(EXPECTED[rule.id] ?? ['(no expectation)'])].sort());
      for (const v of r.violations) {
        expect(v.rule).toBe(rule.id);
        expect(formatViolation(v)).toBe(`${v.file}:${v.line}: import '${v.specifier}' breaks ${rule.id}: ${v.reason}`);
      }
    });
  }

  it('a pending rule is reported apart from the enforced ones', () => {
    const r = checkLayers(fixture('functions-no-azure'), { pending: { 'functions-no-azure': 'fixture' } });
    expect(r.violations).toEqual([]);
    expect(r.pending.map(where)).toEqual(EXPECTED['functions-no-azure']);
  });

  it('a tree keeping the layout passes: model → model, pure built-ins, schema request types, type-only devDependencies, ports', () => {
    const r = checkLayers(fixture('clean'), { pending: {} });
    expect(r.filesChecked).toBe(7);
    expect(r.violations.map(formatViolation)).toEqual([]);
  });
});

describe('check-layers on this repository', () => {
  const report = checkLayers(repo);

  it('src and devhost keep every enforced rule', () => {
    expect(report.filesChecked).toBeGreaterThan(100);
    expect(report.violations.map(formatViolation)).toEqual([]);
  });

  it('each pending rule is still broken (once it holds, move it from PENDING to the enforced rules)', () => {
    for (const [id, todo] of Object.entries(PENDING)) {
      const left = report.pending.filter((v) => v.rule === id);
      console.log(`pending ${id} (${left.length} imports left): ${todo}\n${left.map((v) => `  ${formatViolation(v)}`).join('\n')}`);
      expect(RULES.map((r) => r.id), id).toContain(id);
      expect(left.length, `${id} holds now: remove it from PENDING in tools/check-layers.ts`).toBeGreaterThan(0);
    }
  });
});
