import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchAcrRetailPrices, RetailPricesError, summarise, type RetailPriceItem } from '../../src/azure/retail-prices';

const item = (meterName: string, armRegionName: string, retailPrice: number): RetailPriceItem => ({
  currencyCode: 'USD',
  retailPrice,
  unitOfMeasure: '1/Day',
  armRegionName,
  meterName,
  skuName: meterName.split(' ')[0] ?? '',
  type: 'Consumption',
  effectiveStartDate: '2024-01-01T00:00:00Z',
});

describe('Azure Retail Prices adapter', () => {
  it('summarises the common price per SKU and regions that differ', () => {
    const s = summarise([item('Premium Registry Unit', 'westus', 1.6666), item('Premium Registry Unit', 'eastus', 1.6666), item('Premium Registry Unit', 'brazilsouth', 2.5), item('Task vCPU Duration', 'westus', 9)], 1);
    expect(s.registryUnitPerDay).toEqual({ Premium: 1.6666 });
    expect(s.regionOverrides).toEqual({ brazilsouth: { Premium: 2.5 } });
  });

  it('follows NextPageLink with the filter and api-version, against a local fake of the API', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const page = url.searchParams.get('page');
      const port = (server.address() as AddressInfo).port;
      const body = page
        ? { Items: [item('Standard Registry Unit', 'westus', 0.6666)], NextPageLink: null }
        : { Items: [item('Premium Registry Unit', 'westus', 1.6666)], NextPageLink: `http://127.0.0.1:${port}/api/retail/prices?page=2` };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const got = await fetchAcrRetailPrices({ baseUrl: `http://127.0.0.1:${port}/api/retail/prices`, timeoutMs: 2000 });
      expect(got.pages).toBe(2);
      expect(got.registryUnitPerDay).toEqual({ Premium: 1.6666, Standard: 0.6666 });
      expect(new URL(seen[0] ?? '', 'http://x').searchParams.get('$filter')).toContain("serviceName eq 'Container Registry'");
      expect(seen[0]).toContain('api-version=2023-01-01-preview');
    } finally {
      server.close();
    }
  });

  it('turns an unreachable API into a named error', async () => {
    await expect(fetchAcrRetailPrices({ baseUrl: 'http://127.0.0.1:1/api/retail/prices', timeoutMs: 500 })).rejects.toBeInstanceOf(RetailPricesError);
  });
});
