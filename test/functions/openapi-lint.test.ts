/**
 * The served OpenAPI document against a real linter: Redocly's `recommended`
 * ruleset (@redocly/openapi-core). 0 errors; the only warnings allowed are the
 * ones listed in ALLOWED_WARNINGS, each with the reason it stays.
 */
import { describe, expect, it } from 'vitest';
import { httpEndpoints } from '../../src/functions/registry';
import { buildOpenApi } from '../../src/schemas/openapi';
import { version } from '../../src/version';

interface Finding {
  severity: string;
  ruleId: string;
  pointer: string;
  message: string;
}

/**
 * Warnings that stay, by rule and JSON pointer, and why. Nothing else may warn.
 *
 * operation-4xx-response on health and openapi.json: both are anonymous, take no
 * parameter, no body and no key, so no client error can come out of a GET. The
 * handler's 405 answers other methods only, so listing it under `get` would be false.
 */
const ALLOWED_WARNINGS: readonly { ruleId: string; pointer: string; why: string }[] = [
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1health/get/responses', why: 'GET /health has no client error' },
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1openapi.json/get/responses', why: 'GET /openapi.json has no client error' },
];

async function lint(document: unknown): Promise<Finding[]> {
  const { lintDocument, createConfig, Source, BaseResolver } = await import('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended'] });
  const source = new Source('openapi.json', JSON.stringify(document, null, 2), 'application/json');
  const problems = await lintDocument({ document: { source, parsed: document }, config, externalRefResolver: new BaseResolver() });
  return problems
    .filter((p) => !p.ignored)
    .map((p) => ({ severity: p.severity, ruleId: p.ruleId, pointer: p.location[0]?.pointer ?? '', message: p.message }));
}

const document = (): Record<string, unknown> => buildOpenApi(httpEndpoints(), { title: 'acr-geoplanner', version });

describe('OpenAPI document under Redocly recommended', () => {
  it('has no errors, and warns only where ALLOWED_WARNINGS says why', async () => {
    const findings = await lint(document());
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    const key = (w: { ruleId: string; pointer: string }): string => `${w.ruleId} ${w.pointer}`;
    const warnings = findings.filter((f) => f.severity !== 'error').map(key).sort();
    expect(warnings).toEqual(ALLOWED_WARNINGS.map(key).sort());
  });

  it('the linter catches the problems the document used to have (the check can fail)', async () => {
    const broken = structuredClone(document()) as {
      info: Record<string, unknown>;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    delete broken.info.license;
    broken.paths['/planner/{*path}'] = broken.paths['/planner/{path}'] ?? {};
    delete broken.paths['/planner/{path}'];
    const regions = broken.paths['/regions']?.get;
    if (!regions) throw new Error('GET /regions missing');
    delete regions.responses['401'];
    regions.responses['200'] = { description: 'x', content: { 'application/json': { schema: { type: 'object', required: ['nope'], properties: {} } } } };
    const findings = await lint(broken);
    const has = (ruleId: string, pointer: RegExp): boolean => findings.some((f) => f.ruleId === ruleId && pointer.test(f.pointer));
    expect(has('info-license', /^#\/info$/)).toBe(true);
    expect(findings.some((f) => f.severity === 'error' && f.ruleId === 'path-parameters-defined')).toBe(true);
    expect(has('operation-4xx-response', /~1regions\/get/)).toBe(true);
    expect(has('no-required-schema-properties-undefined', /~1regions\/get\/responses\/200/)).toBe(true);
  });

  it('every operationId is unique and every used tag is declared with a description', () => {
    const doc = document() as { tags: { name: string; description?: string }[]; paths: Record<string, Record<string, { operationId: string; tags?: string[] }>> };
    const ops = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const ids = ops.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Map(doc.tags.map((t) => [t.name, t.description]));
    for (const tag of new Set(ops.flatMap((op) => op.tags ?? []))) expect(declared.get(tag), tag).toMatch(/\w/);
  });

  it('the planner route is an OpenAPI path with its file parameter documented', () => {
    const doc = document() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; description: string }[] }>> };
    expect(Object.keys(doc.paths).filter((p) => p.includes('*'))).toEqual([]);
    const params = doc.paths['/planner/{path}']?.get?.parameters ?? [];
    expect(params).toHaveLength(1);
    expect(params[0]).toMatchObject({ name: 'path', in: 'path', required: true });
    expect(params[0]?.description).toContain('index.html');
  });
});
