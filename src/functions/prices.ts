import { httpEndpoint, json, type ParameterDoc } from '../http/endpoint';
import { checkQuery } from '../http/validate';
import { priceNotes } from '../catalog';
import { fetchAcrRetailPrices, type LiveAcrPrices } from '../azure/retail-prices';
import { priceOverridesSchema } from '../schemas/common';
import { pricesResponseSchema } from '../schemas/responses';

/** Whole days since the first day of the snapshot's month (`2026-11` → 2026-11-01). */
export function snapshotAgeDays(asOf: string, now = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(asOf);
  if (!m) return null;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
  return Math.max(0, Math.floor((now.getTime() - start) / 86_400_000));
}

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
        const book = rc.services.prices();
        const warnings: string[] = [];
        let live: (LiveAcrPrices & { differences: string[] }) | undefined;
        if (rc.query.get('refresh') === 'true') {
          try {
            const got = await fetchAcrRetailPrices({ baseUrl: rc.services.settings.prices.retailUrl, timeoutMs: rc.services.settings.prices.timeoutMs, currency: book.currency });
            const differences = Object.entries(got.registryUnitPerDay)
              .filter(([sku, v]) => book.registryUnitPerDay[sku as keyof typeof book.registryUnitPerDay] !== v)
              .map(([sku, v]) => `${sku}: snapshot ${book.registryUnitPerDay[sku as keyof typeof book.registryUnitPerDay]} vs live ${v} ${got.currency}/day`);
            live = { ...got, differences };
          } catch (e) {
            warnings.push(`Live refresh failed, showing the snapshot only: ${(e as Error).message}`);
          }
        }
        const age = snapshotAgeDays(book.asOf);
        if (age !== null && age > 120) warnings.push(`The price snapshot is ${age} days old: refresh it (GET /api/prices?refresh=true) or override prices per request.`);
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
