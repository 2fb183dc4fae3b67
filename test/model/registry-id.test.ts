/** src/model/registry-id.ts: the one module that knows registry resource ids. */
import { describe, expect, it } from 'vitest';
import { hasRegistryIdShape, matchRegistryId, parseRegistryId, registryKey, registryResourceIdIssue } from '../../src/model/registry-id';
import { isTransient, isTransientNetworkError } from '../../src/model/transient';

const SUB = '00000000-0000-0000-0000-000000000001';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contoso`;

describe('registry ids', () => {
  it('parse: canonical form from any keyword case, trailing slash tolerated; the reason when it fails', () => {
    const r = parseRegistryId(ID.toLowerCase().replace('contoso', 'Contoso') + '/');
    expect(r).toEqual({ ok: true, id: { subscriptionId: SUB, resourceGroup: 'rg-acr', name: 'Contoso', id: ID.replace('contoso', 'Contoso') } });
    const bad = parseRegistryId(ID.replace(SUB, 'not-a-guid'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problem.reason).toBe("subscription id 'not-a-guid' is not a GUID");
  });

  it('shape: eight segments, no validation of their contents; hasRegistryIdShape refuses a trailing slash', () => {
    expect(matchRegistryId(`${ID}/`)).toEqual({ subscriptionId: SUB, resourceGroup: 'rg-acr', name: 'contoso' });
    expect(matchRegistryId('/subscriptions/x/resourceGroups/y')).toBeNull();
    expect(hasRegistryIdShape('/subscriptions/x/resourceGroups/y/providers/microsoft.containerregistry/registries/z')).toBe(true);
    expect(hasRegistryIdShape(`${ID}/`)).toBe(false);
  });

  it('registryKey: one key for every spelling of one registry', () => {
    expect(registryKey(`  ${ID.toUpperCase()} `)).toBe(registryKey(ID));
    expect(registryKey(ID)).not.toBe(registryKey(ID.replace('contoso', 'fabrikam')));
  });

  it('registryResourceIdIssue names the pointer and words the problem like the ARM adapter', () => {
    expect(registryResourceIdIssue(ID, '/registry/id')).toBeUndefined();
    expect(registryResourceIdIssue('/subscriptions', '/registry')).toEqual({
      pointer: '/registry',
      message: "Invalid container registry resource id '/subscriptions': expected 8 segments '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerRegistry/registries/{registryName}', got 1.",
      code: 'invalidResourceId',
    });
  });
});

describe('transient errors', () => {
  it('isTransient: 408, 429, 5xx and status-less errors; not other 4xx', () => {
    expect([408, 429, 500, 503].map((status) => isTransient({ status }))).toEqual([true, true, true, true]);
    expect([400, 403, 404, 409].map((status) => isTransient({ status }))).toEqual([false, false, false, false]);
    expect(isTransient({ statusCode: 502 })).toBe(true);
    expect(isTransient(new Error('socket hang up'))).toBe(true);
  });

  it('isTransientNetworkError: reset/refused/timeouts/DNS and aborts only', () => {
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ERR_INVALID_URL' }))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
  });
});
