/** The contract check itself: the shipped traffic samples pass, the negative sample fails (so the check can fail). */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContractValidator, specsDir, toOavPair, type ContractValidator, type OavPair } from '../../../devhost/sandbox/contract';

let validator: ContractValidator;
const samples = (dir: string): Array<[string, OavPair]> =>
  fs
    .readdirSync(path.join(specsDir(), 'traffic-samples', dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(specsDir(), 'traffic-samples', dir, f), 'utf8')) as OavPair]);

beforeAll(async () => {
  validator = await createContractValidator();
});

describe('oav LiveValidator over shared/specs (offline)', () => {
  it('resolves the specs dir next to the repo (or $ACR_SPECS_DIR)', () => {
    expect(fs.existsSync(path.join(specsDir(), 'specification'))).toBe(true);
  });

  it.each([...samples('acr'), ...samples('monitor')])('positive sample %s passes', async (_name, pair) => {
    const r = await validator.validatePair(pair);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('the negative sample fails with the 3 documented errors', async () => {
    const [[, pair]] = samples('negative') as [[string, OavPair]];
    const r = await validator.validatePair(pair);
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => `${i.side}:${i.code}`).sort()).toEqual([
      'request:OBJECT_ADDITIONAL_PROPERTIES',
      'response:INVALID_TYPE',
      'response:OBJECT_MISSING_REQUIRED_PROPERTY',
    ]);
  });

  it('an operation missing from the specs is reported, not silently passed', async () => {
    const r = await validator.validatePair({
      liveRequest: { url: 'https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version=2025-11-01', method: 'POST', headers: {} },
      liveResponse: { statusCode: '200', headers: {}, body: {} },
    });
    expect(r.ok).toBe(false);
  });

  it('toOavPair rewrites the host to management.azure.com and stringifies the status', () => {
    const pair = toOavPair({
      seq: 1,
      time: '',
      operationId: 'Registries_Get',
      request: { method: 'GET', url: '//subscriptions/x?api-version=2025-11-01', headers: {} },
      response: { statusCode: 200, headers: {}, body: { a: 1 } },
      durationMs: 0,
    });
    expect(pair.liveRequest.url).toBe('https://management.azure.com/subscriptions/x?api-version=2025-11-01');
    expect(pair.liveResponse.statusCode).toBe('200');
  });
});
