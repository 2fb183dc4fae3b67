import { httpEndpoint, json, type ParameterDoc } from '../http/endpoint';
import { checkQuery } from '../http/validate';
import { priceNotes } from '../catalog';
import { viewPrices } from '../app/prices';
import { priceOverridesSchema } from '../schemas/common';
import { pricesResponseSchema } from '../schemas/responses';

const parameters: ParameterDoc[] = [{ name: 'refresh', in: 'query', description: 'true: also fetch live ACR prices', schema: { type: 'boolean' } }];

/** GET /api/prices — the price snapshot with its date; `?refresh=true` also asks the Azure Retail Prices API. */
export const prices = httpEndpoint({
  name: 'prices',
  route: 'prices',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Price snapshot (and optional live refresh)',
        description:
          'The list prices every estimate uses, with their date and source. `refresh=true` also fetches the current ACR registry-unit prices from the Azure Retail Prices API and shows the differences; estimates keep using the snapshot unless a request overrides prices (see `overrides`).',
        tags: ['catalog'],
        parameters,
        responses: { '200': { description: 'Prices', schema: pricesResponseSchema } },
      },
      run: async (rc) => {
        checkQuery(rc.query, parameters);
        const { book, ageDays: age, live, warnings } = await viewPrices(
          { prices: rc.services.prices, livePrices: rc.services.livePrices, now: () => rc.services.now() },
          { refresh: rc.query.get('refresh') === 'true' },
        );
        return json({
          currency: book.currency,
          asOf: book.asOf,
          ageDays: age,
          source: book.source,
          registryUnitPerDay: book.registryUnitPerDay,
          includedStorageGiB: book.includedStorageGiB,
          storageOveragePerGiBMonth: book.storageOveragePerGiBMonth,
          regionOverrides: book.regionOverrides,
          bandwidth: book.bandwidth,
          notes: priceNotes,
          overrides: {
            how: 'Add a `prices` object to a POST /api/estimate or /api/recommendations body; every override is echoed in the answer\'s prices.overrides.',
            schema: priceOverridesSchema,
            example: { registryUnitPerDay: { Premium: 1.5 }, interRegionToOtherContinentPerGB: { 'north-america': 0.04 } },
          },
          ...(live ? { live } : {}),
          warnings,
        });
      },
    },
  },
});
