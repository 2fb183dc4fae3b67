import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../../src/catalog';
import { resolveTopology, resolveWorkloads, IssueCollector } from '../../../src/model/inputs';
import { recommend } from '../../../src/model/recommend';
import {
  HEX_RADIUS,
  STATE_STYLES,
  mapInputFromEstimateRequest,
  mapInputFromRecommendation,
  renderReplicationMap,
  type ReplicationMapInput,
} from '../../../src/model/map';
import type { Topology } from '../../../src/model/types';

const catalog = shippedCatalog();
const contoso: Topology = {
  homeRegion: 'westus',
  sku: 'Premium',
  replicas: ['eastus', 'canadacentral', 'westeurope'].map((region) => ({ region, regionEndpointEnabled: true, zoneRedundancy: false })),
};
const contosoWorkloads = [
  { region: 'westus', pullGBPerMonth: 1000 },
  { region: 'eastus', pullGBPerMonth: 800 },
  { region: 'canadacentral', pullGBPerMonth: 300 },
  { region: 'westeurope', pullGBPerMonth: 600 },
];

function resolved() {
  const out = new IssueCollector();
  const workloads = resolveWorkloads([...contosoWorkloads, { name: 'onprem-dc', latitude: 52.37, longitude: 4.89, pullGBPerMonth: 50 }], {}, catalog, out);
  expect(out.issues).toEqual([]);
  return workloads;
}

/** A tiny SVG reader for assertions: the attributes of every element with a given class. */
function elements(svg: string, cls: string): Record<string, string>[] {
  const re = new RegExp(`<g class="${cls}(?: [^"]*)?"([^>]*)>`, 'g');
  return [...svg.matchAll(re)].map((m) => Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])));
}

function save(name: string, svg: string): void {
  const dir = join(__dirname, '..', '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), svg);
}

describe('renderReplicationMap', () => {
  it('draws one hexagon per region with coordinates, with state, colour, title and aria-label', async () => {
    const input = mapInputFromEstimateRequest({ topology: contoso, storageGiB: 120, workloads: resolved() }, catalog, shippedPrices());
    const svg = await renderReplicationMap(input, catalog);
    save('map-contoso-estimate.svg', svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1280 720"')).toBe(true);
    expect(svg).toMatch(/role="img" aria-labelledby="acr-map-title acr-map-desc"/);
    expect(svg).toMatch(/<title id="acr-map-title">[^<]+<\/title>/);
    expect(svg).toMatch(/<desc id="acr-map-desc">[^<]*Home region: West US \(westus\)/);

    const hexes = elements(svg, 'region');
    const withCoords = catalog.regions.filter((r) => r.latitude !== null && r.longitude !== null);
    expect(hexes.map((h) => h['data-region']).sort()).toEqual(withCoords.map((r) => r.name).sort());
    const blue = hexes.filter((h) => h['data-color'] === 'blue').map((h) => h['data-region']).sort();
    expect(blue).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
    expect(hexes.find((h) => h['data-region'] === 'westus')?.['data-state']).toBe('home');
    expect(hexes.find((h) => h['data-region'] === 'eastus')?.['data-state']).toBe('replica');
    for (const r of withCoords.filter((x) => !blue.includes(x.name))) {
      const h = hexes.find((x) => x['data-region'] === r.name);
      expect(h?.['data-state'], r.name).toBe(r.restricted ? 'unavailable' : 'available');
      expect(h?.['data-color'], r.name).toBe(r.restricted ? 'gray' : 'green');
    }
    for (const h of hexes) expect(h['aria-label']).toMatch(/^[^:]+ \([a-z0-9]+\): /);
    // every hexagon group has its own <title> and a polygon filled with its state's colour
    const groups = svg.split('<g class="region ').slice(1);
    expect(groups).toHaveLength(withCoords.length);
    for (const g of groups) {
      const state = /data-state="(\w+)"/.exec(g)?.[1] as keyof typeof STATE_STYLES;
      expect(g).toMatch(/^[^>]*>\n<title>[^<]+<\/title>\n<polygon /);
      expect(g).toContain(`fill="${STATE_STYLES[state].fill}"`);
    }
  });

  it('places hexagons without overlap (lattice), even for regions at the same coordinates', async () => {
    const svg = await renderReplicationMap({ current: contoso, currency: 'USD', pricesAsOf: '2026-11' }, catalog);
    const centres = [...svg.matchAll(/<polygon points="([^"]+)"/g)]
      .slice(0, catalog.regions.filter((r) => r.latitude !== null).length)
      .map((m) => {
        const pts = (m[1] ?? '').split(' ').map((p) => p.split(',').map(Number));
        return [pts.reduce((s, p) => s + (p[0] ?? 0), 0) / 6, pts.reduce((s, p) => s + (p[1] ?? 0), 0) / 6] as const;
      });
    for (let i = 0; i < centres.length; i++) {
      for (let j = i + 1; j < centres.length; j++) {
        const a = centres[i]!;
        const b = centres[j]!;
        expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThan(HEX_RADIUS * 1.5);
      }
    }
    // australiacentral and australiacentral2 share coordinates: both drawn, one with a leader line
    expect(svg).toContain('data-region="australiacentral"');
    expect(svg).toContain('data-region="australiacentral2"');
    expect(svg).toMatch(/<g class="leaders" aria-hidden="true">\n<line /);
  });

  it('draws a line from each workload to the location serving it, wider for more volume', async () => {
    const input = mapInputFromEstimateRequest({ topology: { ...contoso, replicas: [] }, storageGiB: 120, workloads: resolved() }, catalog, shippedPrices());
    const svg = await renderReplicationMap(input, catalog);
    const lines = elements(svg, 'workload');
    expect(lines.map((l) => l['data-workload'])).toEqual(['westus', 'eastus', 'canadacentral', 'westeurope', 'onprem-dc']);
    expect(lines.every((l) => l['data-served-by'] === 'westus')).toBe(true);
    expect(lines.find((l) => l['data-workload'] === 'westus')?.['data-kind']).toBe('local');
    expect(lines.find((l) => l['data-workload'] === 'eastus')?.['data-kind']).toBe('remote');
    const widthOf = (id: string): number => Number(new RegExp(`data-workload="${id}"[^]*?stroke-width="([\\d.]+)" stroke-linecap`).exec(svg)?.[1]);
    expect(widthOf('eastus')).toBeGreaterThan(widthOf('westeurope'));
    expect(widthOf('westeurope')).toBeGreaterThan(widthOf('canadacentral'));
    expect(widthOf('canadacentral')).toBeGreaterThan(widthOf('onprem-dc'));
    expect(svg).toMatch(/<title>eastus: 800 GB\/month, served by West US \(westus\), \d+ ms round trip<\/title>/);
  });

  it('has a legend, and the monthly cost with currency and price date', async () => {
    const input = mapInputFromEstimateRequest({ topology: contoso, storageGiB: 120, workloads: resolved() }, catalog, shippedPrices());
    const svg = await renderReplicationMap(input, catalog);
    expect(svg).toContain('<g class="legend"');
    for (const s of Object.values(STATE_STYLES)) expect(svg).toContain(`>${s.label}</text>`);
    expect(svg).toContain('Workload → serving location (width: GB/month)');
    expect(svg).toMatch(/Monthly cost: 2\d\d\.\d\d USD/);
    expect(svg).toContain('list prices as of 2026-11');
    expect(svg).toMatch(/data-currency="USD" data-prices-as-of="2026-11"/);
  });

  it('says unknown, not 0, when the cost is unknown', async () => {
    const input = mapInputFromEstimateRequest({ topology: contoso, storageGiB: null, workloads: resolved() }, catalog, shippedPrices());
    const svg = await renderReplicationMap(input, catalog);
    expect(svg).toMatch(/Monthly cost: ≥ 2\d\d\.\d\d USD \(storage unknown\)/);
  });

  it('marks recommended additions and removals distinctly, with cost before → after', async () => {
    const out = new IssueCollector();
    const workloads = resolveWorkloads(
      [
        { region: 'westus', pullGBPerMonth: 1000 },
        { region: 'eastus', pullGBPerMonth: 800 },
        { region: 'canadacentral', pullGBPerMonth: 300 },
        { region: 'westeurope', pullGBPerMonth: 600 },
        { region: 'japaneast', pullGBPerMonth: 9000 },
      ],
      {},
      catalog,
      out,
    );
    const rec = recommend(
      { current: contoso, storageGiB: 120, workloads, constraints: { mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false }, solver: { timeLimitMs: 5000 } },
      { catalog, prices: shippedPrices(), warnings: [] },
    );
    const input = mapInputFromRecommendation(rec, catalog);
    const svg = await renderReplicationMap(input, catalog);
    save('map-contoso-recommendation.svg', svg);
    const hexes = elements(svg, 'region');
    const state = (r: string): string | undefined => hexes.find((h) => h['data-region'] === r)?.['data-state'];
    for (const r of rec.savings.changes.add) expect(state(r)).toBe('add');
    for (const r of rec.savings.changes.remove) expect(state(r)).toBe('remove');
    for (const r of rec.savings.changes.keep) expect(state(r)).toBe('replica');
    expect(rec.savings.changes.add).toContain('japaneast');
    expect(rec.savings.changes.remove.length).toBeGreaterThan(0);
    const addGroup = svg.split('data-region="japaneast"')[1]?.split('</g>')[0] ?? '';
    expect(addGroup).toContain('stroke-dasharray');
    expect(addGroup).toContain('>+</text>');
    expect(addGroup).toContain(`fill="${STATE_STYLES.add.fill}"`);
    expect(STATE_STYLES.add.fill).not.toBe(STATE_STYLES.available.fill);
    expect(STATE_STYLES.remove.fill).not.toBe(STATE_STYLES.replica.fill);
    expect(svg).toMatch(/Monthly cost: [\d,.]+ USD → [\d,.]+ USD/);
    expect(svg).toMatch(/saves [\d,.]+ USD\/month · list prices as of 2026-11/);
    expect(svg).toMatch(/Recommended: add [^;]*Japan East/);
  });

  it('escapes text and is deterministic', async () => {
    const input: ReplicationMapInput = {
      current: contoso,
      workloads: [{ id: '<script>&"x"', latitude: 10, longitude: 10, servedBy: 'westeurope', pullGBPerMonth: 5 }],
      currency: 'E&R',
      pricesAsOf: '2026-11',
      title: 'A <b>map</b>',
    };
    const a = await renderReplicationMap(input, catalog);
    const b = await renderReplicationMap(input, catalog);
    expect(a).toBe(b);
    expect(a).not.toContain('<script>');
    expect(a).not.toContain('<b>');
    expect(a).toContain('&lt;script&gt;&amp;&quot;x&quot;');
  });
});
