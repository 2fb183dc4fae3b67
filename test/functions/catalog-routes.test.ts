import { describe, expect, it } from 'vitest';
import { regions } from '../../src/functions/regions';
import { prices } from '../../src/functions/prices';
import { snapshotAgeDays } from '../../src/app/prices';
import { health } from '../../src/functions/health';
import { invoke } from '../helpers/invoke';

describe('GET /api/regions', () => {
  it('lists regions with continent, coordinates, zones and pair', async () => {
    const res = await invoke(regions);
    expect(res.status).toBe(200);
    expect(res.json.count).toBe(59);
    const westus = res.json.regions.find((r: { name: string }) => r.name === 'westus');
    expect(westus).toMatchObject({ displayName: 'West US', continent: 'north-america', pairedRegion: 'eastus', availabilityZones: false, latencyPublished: true });
  });
  it('filters by continent and zones', async () => {
    const res = await invoke(regions, { query: { continent: 'europe', zones: 'true' } });
    expect(res.json.count).toBeGreaterThan(3);
    expect(res.json.regions.every((r: { continent: string; availabilityZones: boolean }) => r.continent === 'europe' && r.availabilityZones)).toBe(true);
  });
});

describe('GET /api/prices', () => {
  it('shows the snapshot with its date and age', async () => {
    const res = await invoke(prices);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ currency: 'USD', asOf: '2026-11', registryUnitPerDay: { Premium: 1.6666 } });
    expect(typeof res.json.ageDays).toBe('number');
    expect(res.json.overrides.how).toMatch(/prices/);
  });
  it('computes snapshot age', () => {
    expect(snapshotAgeDays('2026-11', new Date('2026-11-23T00:00:00Z'))).toBe(22);
    expect(snapshotAgeDays('garbage')).toBeNull();
  });
});

describe('GET /api/health', () => {
  it('answers 200 ok', async () => {
    const res = await invoke(health);
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
    expect(res.json.catalog.regions).toBe(59);
  });
});
