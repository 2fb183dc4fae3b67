import { describe, expect, it } from 'vitest';
import { InvalidResourceIdError } from '../../../src/azure/arm/errors';
import { formatRegistryResourceId, parseRegistryResourceId } from '../../../src/azure/arm/resource-id';

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

  it('rejects non-strings', () => {
    expect(() => parseRegistryResourceId(42)).toThrow(InvalidResourceIdError);
    expect(() => parseRegistryResourceId(undefined)).toThrow(/non-empty string/);
  });
});
