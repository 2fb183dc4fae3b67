import { describe, expect, it } from 'vitest';
import { InvalidResourceIdError } from '../../../src/azure/arm/errors';
import { parseRegistryResourceId } from '../../../src/azure/arm/resource-id';
import { MAX_RESOURCE_ID_LENGTH, clipForMessage, formatRegistryResourceId, registryResourceIdIssue } from '../../../src/model/registry-id';

const SUB = '00000000-0000-0000-0000-000000000000';
const ID = `/subscriptions/${SUB}/resourceGroups/contoso-rg/providers/Microsoft.ContainerRegistry/registries/contoso`;

describe('parseRegistryResourceId', () => {
  it('parses the canonical form', () => {
    expect(parseRegistryResourceId(ID)).toEqual({ subscriptionId: SUB, resourceGroup: 'contoso-rg', name: 'contoso', id: ID });
  });

  it('accepts any case in segment keywords and the provider, and a trailing slash; returns the canonical id', () => {
    const messy = `/SUBSCRIPTIONS/${SUB}/resourcegroups/contoso-rg/PROVIDERS/microsoft.containerregistry/Registries/contoso/`;
    expect(parseRegistryResourceId(messy).id).toBe(ID);
    expect(parseRegistryResourceId(`  ${ID}  `).name).toBe('contoso');
  });

  it('keeps resource group names with dots, parentheses and underscores', () => {
    expect(parseRegistryResourceId(formatRegistryResourceId(SUB, 'my_rg.(prod)', 'contoso')).resourceGroup).toBe('my_rg.(prod)');
  });

  it.each([
    ['', /non-empty string/],
    ['subscriptions/x', /start with '\/subscriptions\/'/],
    [`/subscriptions/${SUB}/resourceGroups/rg`, /expected 8 segments/],
    [`${ID}/replications/eastus`, /expected 8 segments/],
    [ID.replace('Microsoft.ContainerRegistry', 'Microsoft.Storage'), /segment 6 must be 'Microsoft.ContainerRegistry', got 'Microsoft.Storage'/],
    [ID.replace('registries', 'webhooks'), /segment 7 must be 'registries'/],
    [ID.replace(SUB, 'not-a-guid'), /subscription id 'not-a-guid' is not a GUID/],
    [ID.replace('contoso-rg', 'bad rg'), /resource group 'bad rg' is invalid/],
    [ID.replace('contoso-rg', 'endsWithDot.'), /resource group/],
    [ID.replace(/contoso$/, 'ab'), /registry name 'ab' is invalid/],
    [ID.replace(/contoso$/, 'contoso-acr'), /registry name 'contoso-acr' is invalid/],
    [ID.replace('resourceGroups/contoso-rg', 'resourceGroups/'), /segment 4 \(\{rg\}\) is empty/],
    [ID.replace('contoso-rg', '%E0%A4%A'), /resource group '%E0%A4%A' has a malformed percent-escape/],
    [ID.replace('contoso-rg', 'rg%'), /resource group 'rg%' has a malformed percent-escape/],
    [ID.replace('contoso-rg', '%ED%A0%80'), /malformed percent-escape/], // an encoded lone surrogate
    [ID.replace('contoso-rg', 'a%2Fb'), /resource group 'a\/b' is invalid/],
    [ID.replace('contoso-rg', `${'r'.repeat(MAX_RESOURCE_ID_LENGTH)}`), /at most 1024/],
  ])('rejects %j', (input, message) => {
    let err: unknown;
    try {
      parseRegistryResourceId(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidResourceIdError);
    expect((err as InvalidResourceIdError).status).toBe(400);
    expect((err as Error).message).toMatch(message);
  });

  it('decodes a percent-encoded resource group once (an id copied from a portal URL)', () => {
    expect(parseRegistryResourceId(ID.replace('contoso-rg', 'my_rg.%28prod%29')).resourceGroup).toBe('my_rg.(prod)');
    // only once: '%2528' is '%28' after one decoding, which is not a resource group name
    expect(() => parseRegistryResourceId(ID.replace('contoso-rg', 'rg%2528x%2529'))).toThrow(/resource group 'rg%28x%29' is invalid/);
  });

  it('echoes at most ~200 characters of a bad id, with control characters escaped', () => {
    const long = `/subscriptions/${'x'.repeat(5000)}\n`;
    let message = '';
    try {
      parseRegistryResourceId(long);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/at most 1024/);
    expect(message.length).toBeLessThan(400);
    expect(message).not.toContain('\n');
    expect(clipForMessage('a\u0000b\r\n')).toBe('a\\u0000b\\u000d\\u000a');
    expect(clipForMessage('y'.repeat(300))).toBe(`${'y'.repeat(200)}… (300 characters)`);
  });

  it('registryResourceIdIssue: an input issue at the pointer, or undefined', () => {
    expect(registryResourceIdIssue(ID, '/registry/id')).toBeUndefined();
    expect(registryResourceIdIssue(ID.replace('contoso-rg', '%E0'), '/registry/id')).toEqual({ pointer: '/registry/id', code: 'invalidResourceId', message: expect.stringMatching(/malformed percent-escape/) });
  });

  it('rejects non-strings', () => {
    expect(() => parseRegistryResourceId(42)).toThrow(InvalidResourceIdError);
    expect(() => parseRegistryResourceId(undefined)).toThrow(/non-empty string/);
  });
});
