/**
 * The sandbox's registry data plane and importImage (#17), driven by the real SDKs:
 * @azure/container-registry (challenge auth: 401 → /oauth2/exchange → /oauth2/token, over HTTPS with
 * the sandbox's CA) and @azure/arm-containerregistry's beginImportImageAndWait (LRO via Location).
 * Every exchange is checked against the official Swagger subsets in test/fixtures/specs.
 */
import { ContainerRegistryClient } from '@azure/container-registry';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopbackBearerPolicy } from '../../../src/azure/arm/pipeline';
import { staticTokenCredential } from '../../../src/azure/arm/clients';
import { registryResourceId, SANDBOX_SUBSCRIPTION_ID } from '../../../devhost/sandbox/seed';
import { startArmSandbox, type ArmSandbox } from '../../../devhost/sandbox/server';
import { digestOf } from '../../../devhost/sandbox/registry-data';
import { createSubsetValidator, specFixture } from '../../helpers/swagger-subset';

let sb: ArmSandbox;
let acr: ContainerRegistryManagementClient;
const credential = staticTokenCredential('aad-token-for-data-plane');
const dataPlaneSpec = createSubsetValidator(specFixture('containerregistry-data-plane-2021-07-01.subset.json'));
const importSpec = createSubsetValidator(specFixture('containerregistry-2025-11-01.importImage.subset.json'));

function dataClient(name: string): ContainerRegistryClient {
  return new ContainerRegistryClient(sb.dataPlane.endpointFor(name), credential, { tlsOptions: { ca: sb.dataPlane.ca } });
}

function expectDataPlaneContract(min: number): void {
  const results = sb.dataPlane.requests.map((x) => dataPlaneSpec.validate(x, { stripPrefix: /^\/[a-z0-9]+/ }));
  expect(results.length).toBeGreaterThanOrEqual(min);
  expect(results.filter((r) => !r.ok)).toEqual([]);
}

beforeAll(async () => {
  sb = await startArmSandbox();
  acr = new ContainerRegistryManagementClient(credential, SANDBOX_SUBSCRIPTION_ID, { endpoint: sb.url, allowInsecureConnection: true });
  acr.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  acr.pipeline.addPolicy(loopbackBearerPolicy(credential, 'https://management.azure.com/.default'));
});
beforeEach(() => sb.reset());
afterAll(async () => sb.close());

describe('data plane (SDK, challenge auth)', () => {
  it('lists the seeded repositories and tags of contoso and contosowesteu, with digests and sizes', async () => {
    const names: string[] = [];
    for await (const n of dataClient('contoso').listRepositoryNames()) names.push(n);
    expect(names).toEqual(['app', 'tools', 'web']);
    const manifests = [];
    for await (const m of dataClient('contosowesteu').getRepository('app').listManifestProperties()) manifests.push(m);
    expect(manifests.flatMap((m) => m.tags).sort()).toEqual(['1', '2']);
    expect(manifests.every((m) => typeof m.sizeInBytes === 'number' && m.sizeInBytes > 0)).toBe(true);
    const tags: Record<string, string> = {};
    for await (const t of dataClient('contoso').getArtifact('app', 'latest').listTagProperties()) tags[t.name] = t.digest;
    expect(Object.keys(tags).sort()).toEqual(['1', '2', 'latest']);
    expect(tags['latest']).toBe(tags['2']); // latest and 2 are one image
    // The flow was a challenge, then the token exchange, then the retried call.
    const ops = sb.dataPlane.requests.map((r) => `${r.operationId} ${r.response.statusCode}`);
    expect(ops.slice(0, 4)).toEqual([
      'ContainerRegistry_GetRepositories 401',
      'Authentication_ExchangeAadAccessTokenForAcrRefreshToken 200',
      'Authentication_ExchangeAcrRefreshTokenForAcrAccessToken 200',
      'ContainerRegistry_GetRepositories 200',
    ]);
    expect(sb.dataPlane.requests[1]?.request.body).toMatchObject({ grant_type: 'access_token', access_token: 'aad-token-for-data-plane', service: 'contoso.azurecr.io' });
    expectDataPlaneContract(8);
  });

  it('refuses a request without a token (401 with the ACR challenge) and an unknown repository (404)', async () => {
    const res = await fetch(`${sb.dataPlane.url}/contoso/acr/v1/_catalog`).catch((e: unknown) => e);
    // Node's fetch does not trust the sandbox CA: the SDK test above covers the authenticated path.
    expect(res).toBeInstanceOf(Error);
    await expect((async () => {
      for await (const _ of dataClient('contoso').getRepository('nope').listManifestProperties()) void _;
    })()).rejects.toThrow(/nope/);
    expectDataPlaneContract(3);
  });
});

describe('ARM importImage (SDK LRO)', () => {
  const target = 'contoso';
  const source = registryResourceId('contosowesteu');

  it('copies a tag from another sandbox registry, then the target catalog lists it', async () => {
    await acr.registries.beginImportImageAndWait('contoso-rg', target, { source: { resourceId: source, sourceImage: 'api:3.1' }, targetTags: ['api:3.1'], mode: 'NoForce' }, { updateIntervalInMs: 1 });
    expect(sb.content.listing('contoso')['api:3.1']).toBe(digestOf('contoso/api:3.1-westeurope'));
    const names: string[] = [];
    for await (const n of dataClient('contoso').listRepositoryNames()) names.push(n);
    expect(names).toContain('api');
    // Same digest again: NoForce accepts (nothing changes); a different digest under the same tag: 409.
    await acr.registries.beginImportImageAndWait('contoso-rg', target, { source: { resourceId: source, sourceImage: 'app:1' }, mode: 'NoForce' }, { updateIntervalInMs: 1 });
    sb.content.registry('contoso').get('web')?.set('1.0', { digest: digestOf('other'), sizeBytes: 1, createdTime: '2024-01-01T00:00:00Z' });
    await expect(acr.registries.beginImportImageAndWait('contoso-rg', target, { source: { resourceId: source, sourceImage: 'web:1.0' }, mode: 'NoForce' }, { updateIntervalInMs: 1 })).rejects.toMatchObject({ statusCode: 409 });
    const arm = sb.requests.filter((r) => r.operationId === 'Registries_ImportImage');
    expect(arm.map((r) => r.response.statusCode)).toEqual([202, 202, 409]);
    const results = arm.map((x) => importSpec.validate(x));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // The LRO polls went to the Location (202 once, then 200).
    expect(sb.requests.filter((r) => r.operationId === 'OperationResult').map((r) => r.response.statusCode)).toEqual([202, 200, 202, 200]);
  });

  it('answers an injected 500 mid-way, then accepts again; a bad body is a 400 that the spec check flags as a bad request', async () => {
    sb.content.importFaults = [{ afterImports: 1, count: 1, statusCode: 500 }];
    await acr.registries.beginImportImageAndWait('contoso-rg', target, { source: { resourceId: source, sourceImage: 'api:3.1' } }, { updateIntervalInMs: 1 });
    const post = (body: unknown) =>
      fetch(`${sb.url}${registryResourceId(target)}/importImage?api-version=2025-11-01`, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ source: { resourceId: source, sourceImage: 'app:1' } })).status).toBe(500);
    expect((await post({ source: { resourceId: source, sourceImage: 'app:1' } })).status).toBe(202);
    expect((await post({ source: { resourceId: source } })).status).toBe(400);
    const arm = sb.requests.filter((r) => r.operationId === 'Registries_ImportImage');
    const results = arm.map((x) => importSpec.validate(x));
    expect(results.slice(0, 3).filter((r) => !r.ok)).toEqual([]);
    expect(results[3]?.issues.join(' ')).toMatch(/sourceImage/); // the checker catches the missing required member
  });
});
