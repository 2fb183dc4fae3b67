import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../../src/catalog';
import { IssueCollector, resolveWorkloads } from '../../../src/model/inputs';
import { outageOf } from '../../../src/model/outage';
import {
  FAILOVER_STYLE,
  estimateFailoverInput,
  mapInputFromEstimateRequest,
  mapInputFromRecommendation,
  renderReplicationMap,
  resolveFailLocation,
  withFailover,
  type RecommendationLike,
} from '../../../src/model/map';
import type { Topology } from '../../../src/model/types';

const catalog = shippedCatalog();
const prices = shippedPrices();
const replica = (region: string, regionEndpointEnabled = true) => ({ region, regionEndpointEnabled, zoneRedundancy: false });
const contoso: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: ['eastus', 'canadacentral', 'westeurope'].map((r) => replica(r)) };
const homeOnly: Topology = { homeRegion: 'westus', sku: 'Premium', replicas: [] };

function workloads() {
  const out = new IssueCollector();
  const w = resolveWorkloads(
    [
      { region: 'westus', pullGBPerMonth: 1000 },
      { region: 'eastus', pullGBPerMonth: 800 },
      { region: 'canadacentral', pullGBPerMonth: 300 },
      { region: 'westeurope', pullGBPerMonth: 600 },
      { name: 'onprem-dc', latitude: 52.37, longitude: 4.89, pullGBPerMonth: 50 },
    ],
    {},
    catalog,
    out,
  );
  expect(out.issues).toEqual([]);
  return w;
}

/** Attributes of every `<g class="cls ...">` element. */
function groups(svg: string, cls: string): Record<string, string>[] {
  const re = new RegExp(`<g class="${cls}(?: [^"]*)?"([^>]*)>`, 'g');
  return [...svg.matchAll(re)].map((m) => Object.fromEntries([...(m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1] ?? '', a[2] ?? ''])));
}

/** The failover caption's text, its wrapped lines joined by spaces. */
function captionText(svg: string): string {
  const g = svg.split('<g class="failover-caption"')[1]?.split('</g>')[0] ?? '';
  return [...g.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '').join(' ').replace(/&#39;/g, "'");
}

function save(name: string, svg: string): void {
  const dir = join(__dirname, '..', '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), svg);
}

const estimateInput = (t: Topology) => mapInputFromEstimateRequest({ topology: t, storageGiB: 120, workloads: workloads() }, catalog, prices);

describe('failover view of the replication map', () => {
  it('a failed replica: crossed out and greyed, its workloads rerouted to the next-closest location, the others untouched', async () => {
    const input = estimateInput(contoso);
    const before = Object.fromEntries((input.workloads ?? []).map((w) => [w.id, w.servedBy]));
    expect(before.eastus).toBe('eastus');
    const failed = withFailover(input, 'eastus', catalog, prices);
    const svg = await renderReplicationMap(failed, catalog);
    save('map-failover-eastus.svg', svg);

    const hex = groups(svg, 'region').find((g) => g['data-region'] === 'eastus');
    expect(hex).toMatchObject({ 'data-failed': 'true', 'data-state': 'replica' });
    expect(hex?.['aria-label']).toMatch(/FAILED in this failover view/);
    const eastGroup = svg.split('data-region="eastus"')[1]?.split('</g>')[0] ?? '';
    expect(eastGroup).toContain(`fill="${FAILOVER_STYLE.failedFill}"`);
    expect(eastGroup).toContain('class="failed-cross"');
    expect(groups(svg, 'region').filter((g) => g['data-failed'] === 'true')).toHaveLength(1);

    const lines = Object.fromEntries(groups(svg, 'workload').map((g) => [g['data-workload'], g]));
    // East US's pulls go to the remaining location with the lowest RTT from East US.
    const best = ['westus', 'canadacentral', 'westeurope'].sort((a, b) => (catalog.rtt('eastus', a).ms ?? 1e9) - (catalog.rtt('eastus', b).ms ?? 1e9))[0];
    expect(lines.eastus).toMatchObject({ 'data-failover': 'moved', 'data-moved-from': 'eastus', 'data-served-by': best, 'data-kind': 'remote' });
    for (const id of ['westus', 'canadacentral', 'westeurope', 'onprem-dc']) {
      expect(lines[id]?.['data-failover'], id).toBeUndefined();
      expect(lines[id]?.['data-served-by'], id).toBe(before[id]);
    }
    const eastLine = svg.split('data-workload="eastus"')[1]?.split('</g>')[0] ?? '';
    expect(eastLine).toContain(`stroke="${FAILOVER_STYLE.moved}"`);
    expect(eastLine).not.toContain('class="old-route"'); // it runs in the failed region itself: no old route to draw
    expect(eastLine).toMatch(new RegExp(`<title>eastus: 800 GB/month, rerouted from East US to [^<]+ \\(${best}\\), \\d+ ms round trip \\(was \\d+ ms\\)</title>`));

    // Title, description, caption and legend say what fails and on which assumptions.
    expect(svg).toMatch(/<title id="acr-map-title">Failover view: East US down \(replica of the West US registry\)<\/title>/);
    expect(svg).toMatch(/<desc id="acr-map-desc">[^<]*Failover view: East US \(eastus, a replica\) is down\. Rerouted: eastus to /);
    expect(svg).toContain('data-fail="eastus"');
    const caption = groups(svg, 'failover-caption')[0];
    expect(caption).toMatchObject({ 'data-fail': 'eastus', 'data-role': 'replica', 'data-moved': '1', 'data-unserved': '0' });
    const text = captionText(svg);
    expect(text).toMatch(/^Failover view: East US \(eastus, replica\) is down /);
    expect(text).toContain(`1 workload rerouted: eastus to ${best}.`);
    expect(text).toContain('Every workload is still served.');
    expect(text).toContain('Assumption: Traffic Manager routes each workload to its lowest-latency remaining enabled location');
    expect(text).toContain('still billed (registry units + storage) while it is down.');
    expect(svg).not.toContain('Home outage');
    for (const kind of ['failed', 'workload-moved', 'workload-unserved']) expect(svg).toContain(`data-kind="${kind}"`);
  });

  it('home-only registry whose home fails: every workload unserved and marked, the home-outage assumption stated', async () => {
    const failed = withFailover(estimateInput(homeOnly), 'westus', catalog, prices);
    expect(failed.failover?.unserved).toEqual(['westus', 'eastus', 'canadacentral', 'westeurope', 'onprem-dc']);
    const svg = await renderReplicationMap(failed, catalog);
    save('map-failover-home-only.svg', svg);
    const lines = groups(svg, 'workload');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatchObject({ 'data-failover': 'unserved', 'data-kind': 'unserved', 'data-served-by': '', 'data-moved-from': 'westus' });
    expect(svg.match(/class="unserved-mark"/g)?.length).toBe(5 + 1); // one per workload + the legend's
    expect(svg).toMatch(/<title>westus: 1,000 GB\/month, UNSERVED: no registry location left while West US is down \(was \d+ ms round trip\)<\/title>/);
    const text = captionText(svg);
    expect(text).toContain('5 workloads unserved (no registry location left): westus, eastus, canadacentral, westeurope, onprem-dc.');
    expect(text).toContain('No workload is rerouted.');
    expect(text).toContain('Home outage: pulls and pushes keep working from the replicas, but management operations');
    expect(groups(svg, 'failover-caption')[0]).toMatchObject({ 'data-role': 'home', 'data-moved': '0', 'data-unserved': '5' });
  });

  it('a workload served from another region keeps a dotted old route to the crossed-out location', async () => {
    const failed = withFailover(estimateInput(contoso), 'westeurope', catalog, prices);
    expect(failed.failover?.moves.map((m) => m.workload)).toEqual(['westeurope', 'onprem-dc']);
    const svg = await renderReplicationMap(failed, catalog);
    save('map-failover-westeurope.svg', svg);
    const onprem = svg.split('data-workload="onprem-dc"')[1]?.split('</g>')[0] ?? '';
    expect(onprem).toContain('data-failover="moved"');
    expect(onprem).toMatch(/<path class="old-route" d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+" stroke="#7a8794"/);
    expect(captionText(svg)).toMatch(/2 workloads rerouted: westeurope to \w+, onprem-dc to \w+\./);
  });

  it('moves and failover cost agree with the outage section of the estimate, for every location of Contoso and home-only', () => {
    for (const topology of [contoso, homeOnly, { ...contoso, replicas: [replica('eastus', false), replica('japaneast')] }]) {
      const input = { topology, storageGiB: 120, workloads: workloads() };
      const outage = outageOf(input, catalog, prices);
      for (const entry of outage.locations) {
        const f = estimateFailoverInput(input, entry.location, catalog, prices).failover;
        expect(f?.moves.map((m) => [m.workload, m.from, m.to, m.latencyMsBefore, m.latencyMsAfter]), entry.location).toEqual(
          entry.moves.map((m) => [m.workload, m.from, m.to, m.latencyMsBefore, m.latencyMsAfter]),
        );
        expect(f?.unserved).toEqual(entry.unserved);
        expect(f?.role).toBe(entry.role);
        expect(f?.monthlyCost).toEqual(entry.monthlyCost);
        expect(f?.monthlyCostDelta).toBe(entry.monthlyCostDelta);
      }
    }
  });

  it('the home fails with replicas: its own workloads move to a replica, nothing is unserved', async () => {
    const failed = withFailover(estimateInput(contoso), 'westus', catalog, prices);
    expect(failed.failover?.moves.map((m) => m.workload)).toEqual(['westus']);
    expect(failed.failover?.unserved).toEqual([]);
    expect(failed.failover?.moves[0]?.to).not.toBeNull();
    const svg = await renderReplicationMap(failed, catalog);
    expect(svg).toContain('Home outage');
  });

  it('a recommendation: fails a location of the recommended topology', async () => {
    const rec: RecommendationLike = {
      currency: 'USD',
      prices: { asOf: '2026-11' },
      current: { topology: { homeRegion: 'westus', replicas: [{ region: 'eastus' }] }, monthlyCost: { total: 300 } },
      recommended: {
        topology: { homeRegion: 'westus', replicas: [{ region: 'japaneast' }] },
        monthlyCost: { total: 250 },
        estimate: {
          workloads: [
            { id: 'japaneast', region: 'japaneast', servedBy: 'japaneast', pullGBPerMonth: 9000, latencyMs: 1 },
            { id: 'westus', region: 'westus', servedBy: 'westus', pullGBPerMonth: 100, latencyMs: 1 },
          ],
        },
      },
    };
    const failed = withFailover(mapInputFromRecommendation(rec, catalog), 'japaneast', catalog, prices);
    expect(failed.failover?.moves).toEqual([expect.objectContaining({ workload: 'japaneast', from: 'japaneast', to: 'westus', latencyMsBefore: 1 })]);
    const svg = await renderReplicationMap(failed, catalog);
    expect(svg).toContain('data-topology="current+recommended" data-fail="japaneast"');
    expect(groups(svg, 'region').find((g) => g['data-region'] === 'japaneast')).toMatchObject({ 'data-state': 'add', 'data-failed': 'true' });
  });

  it('refuses a location that is not one of the topology (with the valid choices) and an unknown region (did-you-mean); accepts display names', () => {
    const out = new IssueCollector();
    expect(resolveFailLocation('japaneast', contoso, catalog, out)).toBeUndefined();
    expect(out.issues).toEqual([
      {
        pointer: '/fail',
        code: 'notALocation',
        message: "'japaneast' is not a location of the shown topology; choose one of westus, eastus, canadacentral, westeurope",
        didYouMean: ['westus', 'eastus', 'canadacentral', 'westeurope'],
      },
    ]);
    const out2 = new IssueCollector();
    expect(resolveFailLocation('westuss', contoso, catalog, out2)).toBeUndefined();
    expect(out2.issues[0]).toMatchObject({ pointer: '/fail', code: 'unknownRegion' });
    expect(out2.issues[0]?.didYouMean).toContain('westus');
    const out3 = new IssueCollector();
    expect(resolveFailLocation('East US', contoso, catalog, out3)).toBe('eastus');
    expect(out3.issues).toEqual([]);
    expect(() => withFailover(estimateInput(contoso), 'japaneast', catalog, prices)).toThrow(/not a location/);
  });

  it('stays bounded with 1,000 workloads failing over: the caption names a few and counts the rest', async () => {
    const out = new IssueCollector();
    const many = resolveWorkloads(
      Array.from({ length: 1000 }, (_, i) => ({ name: `site-${i}`, latitude: -40 + (i % 80), longitude: -120 + ((i * 7) % 240), pullGBPerMonth: 1 + (i % 13) })),
      {},
      catalog,
      out,
    );
    expect(out.issues).toEqual([]);
    const input = mapInputFromEstimateRequest({ topology: homeOnly, storageGiB: 10, workloads: many }, catalog, prices);
    const svg = await renderReplicationMap(withFailover(input, 'westus', catalog, prices), catalog);
    const text = captionText(svg);
    expect(text).toContain('1000 workloads unserved (no registry location left): site-0, site-1, site-2,');
    expect(text).toMatch(/site-\d+ and 9\d\d more\./);
    expect(text.length).toBeLessThan(1000);
  });
});
