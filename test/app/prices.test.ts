import { describe, expect, it } from 'vitest';
import { priceDifferences, snapshotAgeDays, viewPrices } from '../../src/app/prices';
import type { LiveAcrPrices } from '../../src/app/ports/prices';
import { shippedPrices } from '../../src/catalog';

const live = (premium: number): LiveAcrPrices => ({
  fetchedAt: '2026-11-29T00:00:00.000Z',
  currency: 'USD',
  items: 3,
  pages: 1,
  registryUnitPerDay: { Basic: shippedPrices().registryUnitPerDay.Basic, Premium: premium },
  regionOverrides: {},
  latestEffectiveStartDate: '2026-01-01T00:00:00Z',
});

describe('viewPrices', () => {
  const now = () => new Date('2026-11-23T00:00:00Z');

  it('shows the snapshot with its age and does not call the live source without refresh', async () => {
    let called = 0;
    const v = await viewPrices({ prices: shippedPrices, livePrices: async () => (called++, live(1)), now }, { refresh: false });
    expect(called).toBe(0);
    expect(v.book.asOf).toBe(shippedPrices().asOf);
    expect(v.ageDays).toBe(snapshotAgeDays(shippedPrices().asOf, now()));
    expect(v.live).toBeUndefined();
  });

  it('lists each live difference with its unit', async () => {
    const v = await viewPrices({ prices: shippedPrices, livePrices: async () => live(9.99), now }, { refresh: true });
    expect(v.live?.differences).toEqual([`Premium: snapshot ${shippedPrices().registryUnitPerDay.Premium} vs live 9.99 USD/day`]);
    expect(priceDifferences(shippedPrices(), live(shippedPrices().registryUnitPerDay.Premium))).toEqual([]);
  });

  it('keeps the snapshot and warns when the live source fails', async () => {
    const v = await viewPrices({ prices: shippedPrices, livePrices: async () => Promise.reject(new Error('timeout after 10000 ms')), now }, { refresh: true });
    expect(v.live).toBeUndefined();
    expect(v.warnings.join(' ')).toContain('Live refresh failed, showing the snapshot only: timeout after 10000 ms');
  });

  it('warns when the snapshot is older than 120 days', async () => {
    const v = await viewPrices({ prices: shippedPrices, livePrices: async () => live(1), now: () => new Date('2030-01-01T00:00:00Z') }, { refresh: false });
    expect(v.warnings.some((w) => /days old/.test(w))).toBe(true);
  });
});
