import { describe, expect, it } from 'vitest';
import { estimateRequestSchema } from '../../src/schemas/estimate';
import { openapi } from '../../src/functions/openapi';
import { httpEndpoints } from '../../src/functions/registry';
import { openApiPath } from '../../src/schemas/openapi';
import { invoke } from '../helpers/invoke';

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await invoke(openapi);
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(res.json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every registered route and method', async () => {
    const res = await invoke(openapi);
    for (const ep of httpEndpoints()) {
      const item = res.json.paths[openApiPath(ep.route)];
      expect(item, ep.route).toBeDefined();
      for (const m of Object.keys(ep.operations)) expect(item[m.toLowerCase()], `${m} ${ep.route}`).toBeDefined();
    }
  });

  it('embeds the very schema ajv validates estimate requests with', async () => {
    const res = await invoke(openapi);
    const schema = res.json.paths['/estimate'].post.requestBody.content['application/json'].schema;
    const { $id: _drop, ...rest } = estimateRequestSchema;
    expect(schema).toEqual(JSON.parse(JSON.stringify(rest)));
  });

  it('the validator rejects a broken document (the check can fail)', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate({ openapi: '3.1.0', paths: { '/x': { get: { responses: 'nope' } } } });
    expect(result.valid).toBe(false);
  });
});
