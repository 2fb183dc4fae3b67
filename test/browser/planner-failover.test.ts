/**
 * The planner page's failover view (#14) in headless Chromium: after a
 * recommendation, pick a location of the plan → its `outage` entry (moves,
 * unserved workloads, failover cost) and the map drawn with ?fail=. Needs the
 * outage section in POST /api/recommendations (`recommended.outage`,
 * `current.outage`, issue #14 contract).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalHost } from '../../devhost/local-host';
import { artifact, launchChromium, openPlanner, startHost } from './harness';

let host: LocalHost;
let browser: Browser;
/** One context for the file (the bundled Chromium runs single-process: closing a context ends the browser); one page per test. */
let context: BrowserContext;
let first: Page | undefined;
let firstErrors: string[] = [];

beforeAll(async () => {
  host = await startHost();
  browser = await launchChromium();
  const opened = await openPlanner(browser, host, { viewport: { width: 1280, height: 1000 } });
  context = opened.context;
  first = opened.page;
  firstErrors = opened.errors;
});
afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.close();
});

/** The planner page, ready, with its uncaught errors collected (the first test takes the page openPlanner opened). */
async function planner(): Promise<{ page: Page; errors: string[] }> {
  if (first) {
    const page = first;
    first = undefined;
    return { page, errors: firstErrors };
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${host.port}/api/planner/`);
  await page.waitForSelector('html[data-ready="true"]');
  return { page, errors };
}

interface Row {
  workload: string | null;
  to: string | null;
  unserved: boolean;
  cells: string[];
}

const rows = (page: Page): Promise<Row[]> =>
  page.$$eval('#failover-table tbody tr', (trs) =>
    trs.map((tr) => ({
      workload: tr.getAttribute('data-workload'),
      to: tr.getAttribute('data-to'),
      unserved: tr.classList.contains('unserved'),
      cells: [...tr.children].map((c) => c.textContent?.trim() ?? ''),
    })),
  );

/** Workload lines of the failover map: id → [failover state, served by]. */
const mapLines = (page: Page): Promise<Record<string, [string, string]>> =>
  page.$$eval('#failover-map svg g.workload', (gs) =>
    Object.fromEntries(gs.map((g) => [g.getAttribute('data-workload') ?? '', [g.getAttribute('data-failover') ?? 'unchanged', g.getAttribute('data-served-by') ?? '']])),
  );

describe('planner page: failover view', () => {
  it('Contoso: the recommended home-only West US leaves every workload unserved when West US fails; the current topology reroutes East US to Canada Central', async () => {
    const { page, errors } = await planner();
    try {
      // Hidden until there is an answer with an outage section.
      expect(await page.isVisible('#failover-box')).toBe(false);
      await page.click('#recommend');
      await page.waitForSelector('#recommendation-table tbody tr', { timeout: 60_000 });
      await page.waitForSelector('#failover-box:not([hidden])', { timeout: 5_000 }); // needs recommended/current.outage in the answer

      // The picker lists the plan's locations: the recommended topology is West US alone.
      const options = await page.$$eval('#failover-location option', (os) => os.map((o) => (o as unknown as { value: string }).value));
      expect(options).toEqual(['', 'westus']);
      expect(await page.getAttribute('#failover-summary [data-survives]', 'data-survives')).toBe('false');
      expect(await page.textContent('#failover-summary')).toContain('4 workloads with no registry at all');

      await page.selectOption('#failover-location', 'westus');
      await page.waitForSelector('#failover-map svg[data-fail="westus"]');
      const home = await rows(page);
      expect(home.map((r) => r.workload)).toEqual(['westus', 'eastus', 'canadacentral', 'westeurope']);
      expect(home.every((r) => r.unserved && r.to === '')).toBe(true);
      for (const r of home) expect(r.cells[4]).toBe('UNSERVED: no registry location left');
      expect(await page.textContent('#failover-cost')).toMatch(/^Monthly cost while West US is down: [\d,]+\.\d\d USD \([+−][\d,]+\.\d\d USD\/month vs\. normal/);
      // Cheaper only because nobody can pull: the page says so.
      expect(await page.textContent('#failover-cost')).toMatch(/\(−[\d,]+\.\d\d USD\/month vs\. normal; the failed location is still billed\) — lower only because 4 unserved workloads pull nothing\.$/);
      // The map for it: West US crossed out, every workload marked unserved.
      expect(await page.getAttribute('#failover-map svg g.region[data-region="westus"]', 'data-failed')).toBe('true');
      const homeLines = await mapLines(page);
      expect(Object.keys(homeLines).sort()).toEqual(['canadacentral', 'eastus', 'westeurope', 'westus']);
      for (const [id, [state, served]] of Object.entries(homeLines)) expect([id, state, served]).toEqual([id, 'unserved', '']);
      // The map's header prices the same failover state as the table (the answer's outage entry).
      const failoverCost = (await page.textContent('#failover-cost [data-cost="failover"]')) ?? '';
      expect(failoverCost).toMatch(/^[\d,]+\.\d\d USD$/);
      expect(await page.textContent('#failover-map svg .cost')).toContain(`→ ${failoverCost} while West US is down`);
      await page.locator('#failover-box').screenshot({ path: artifact('planner-failover-home.png') });

      // The current topology (West US + three replicas): East US fails → its workload goes to Canada Central.
      expect(await page.isVisible('#failover-scenario')).toBe(true);
      await page.selectOption('#failover-scenario', 'current');
      expect(await page.isVisible('#failover-detail')).toBe(false);
      expect(await page.$$eval('#failover-location option', (os) => os.map((o) => (o as unknown as { value: string }).value))).toEqual([
        '',
        'westus',
        'eastus',
        'canadacentral',
        'westeurope',
      ]);
      expect(await page.getAttribute('#failover-summary [data-survives]', 'data-survives')).toBe('true');
      await page.selectOption('#failover-location', 'eastus');
      await page.waitForSelector('#failover-map svg[data-fail="eastus"]');
      const east = await rows(page);
      expect(east.map((r) => [r.workload, r.to, r.unserved])).toEqual([['eastus', 'canadacentral', false]]);
      expect(east[0]?.cells[2]).toMatch(/^\d+$/);
      expect(east[0]?.cells[3]).toMatch(/^\d+$/);
      expect(Number(east[0]?.cells[3])).toBeGreaterThan(Number(east[0]?.cells[2]));
      const eastLines = await mapLines(page);
      expect(eastLines.eastus).toEqual(['moved', 'canadacentral']);
      expect(eastLines.westus).toEqual(['unchanged', 'westus']);
      expect(await page.textContent('#failover-map svg .cost')).toMatch(/while East US is down/);
      await page.locator('#failover-box').screenshot({ path: artifact('planner-failover-eastus.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('a recommended Japan East replica: its failure reroutes the Japan East workload, and the map shows the move', async () => {
    const { page, errors } = await planner();
    try {
      await page.click('#add-workload');
      await page.fill('#workload-table tbody tr:nth-child(5) input[data-field="region"]', 'japaneast');
      await page.fill('#workload-table tbody tr:nth-child(5) input[data-field="pullGBPerMonth"]', '9000');
      await page.click('#recommend');
      await page.waitForSelector('#recommendation-table tbody tr[data-region="japaneast"]', { timeout: 60_000 });
      await page.waitForSelector('#failover-box:not([hidden])', { timeout: 5_000 }); // needs recommended.outage in the answer
      expect(await page.$$eval('#failover-location option', (os) => os.map((o) => (o as unknown as { value: string }).value))).toContain('japaneast');
      await page.selectOption('#failover-location', 'japaneast');
      await page.waitForSelector('#failover-map svg[data-fail="japaneast"]');
      const jp = (await rows(page)).find((r) => r.workload === 'japaneast');
      expect(jp?.unserved).toBe(false);
      expect(jp?.to).toMatch(/^[a-z0-9]+$/);
      expect(jp?.to).not.toBe('japaneast');
      const lines = await mapLines(page);
      expect(lines.japaneast).toEqual(['moved', jp?.to]);
      expect(await page.getAttribute('#failover-map svg g.region[data-region="japaneast"]', 'data-failed')).toBe('true');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('an answer without an outage section (an older API) keeps the failover view hidden', async () => {
    const { page, errors } = await planner();
    try {
      await page.route('**/api/recommendations', async (route) => {
        const response = await route.fetch();
        const json = await response.json();
        for (const side of [json.recommended, json.current]) {
          delete side.outage;
          if (side.estimate) delete side.estimate.outage;
        }
        await route.fulfill({ response, json });
      });
      await page.click('#recommend');
      await page.waitForSelector('#map svg g.region');
      expect(await page.isVisible('#failover-box')).toBe(false);
      expect(await page.isVisible('#recommendation-table')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
