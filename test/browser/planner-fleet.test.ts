/**
 * The planner page's fleet view (#16) in headless Chromium: 2,000 stored drift reports, the
 * table ranked by saving with unknown values shown as unknown, a status filter, the CSV link.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import { InMemoryDriftReportStore } from '../../src/azure/drift';
import type { DriftReport } from '../../src/model/drift/types';
import type { LocalHost } from '../../devhost/local-host';
import { artifact, launchChromium, startHost, openPlanner } from './harness';

let host: LocalHost;
let browser: Browser;
const SUB = '00000000-0000-0000-0000-000000000000';

function report(i: number): DriftReport {
  const saving = (i * 37) % 211;
  const unknown = i % 9 === 0;
  return {
    registryId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/fleet${String(i).padStart(4, '0')}`,
    registryName: `fleet${String(i).padStart(4, '0')}`,
    location: i % 2 ? 'westeurope' : 'eastus',
    runId: '20261129T060000Z-abcdef01',
    checkedAt: new Date(Date.now() - 3_600_000).toISOString(),
    status: saving > 25 ? 'drifted' : 'ok',
    findings: saving > 25 ? [{ kind: 'economic', severity: 'warning', code: 'SAVING_AVAILABLE', message: 'saving' }] : [],
    summary: 's',
    economics: unknown
      ? { status: 'unknown', reason: 'no pull size', savingThreshold: 25, assumptions: [] }
      : { status: 'evaluated', currency: 'USD', currentMonthlyCost: 300, recommendedMonthlyCost: 300 - saving, monthlySaving: saving, optimality: 'proved', savingThreshold: 25, assumptions: [] },
  } as DriftReport;
}

beforeAll(async () => {
  const reports = new InMemoryDriftReportStore();
  for (let i = 1; i <= 2000; i++) await reports.put(report(i));
  setServices(createServices(readSettings({ PLAN_STORE: 'memory', DRIFT_STORE: 'memory', LOCAL_PRINCIPAL_HEADER: 'true' }), { drift: { reports } }));
  host = await startHost();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await host?.close();
  setServices();
});

describe('planner page: fleet', () => {
  it('lists the fleet ranked by saving, filters by status and links the CSV', async () => {
    const { context, page, errors } = await openPlanner(browser, host, { viewport: { width: 1280, height: 1400 } });
    // The identity field sits in the page's collapsed settings: set it as a user who opened them would.
    await page.$eval('#principal', (el) => ((el as unknown as { value: string }).value = 'rita@contoso.com; roles=Planner.Read'));
    await page.click('#fleet-form button[type=submit]');
    await page.waitForSelector('#fleet-table tbody tr');
    const rows = await page.$$eval('#fleet-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(rows).toHaveLength(500);
    expect(rows[0]?.[6]).toBe('210.00 USD');
    expect(rows[0]?.[5]).toContain('proved');
    expect(rows[0]?.[7]).toBe('60 min');
    expect(await page.textContent('#fleet-message')).toMatch(/^2000 of 2000 registries .*known savings \d+\.\d\d USD per month, 222 unknown; the 500 largest shown/);
    await page.locator('#fleet').screenshot({ path: artifact('planner-fleet.png') });
    await page.fill('#fleet-filter-status', 'ok');
    await page.click('#fleet-form button[type=submit]');
    // A locator wait, not waitForFunction with a string: the page's CSP (default-src 'self') forbids eval.
    await page.locator('#fleet-message', { hasText: ' of 2000 registries (0 drifted' }).waitFor();
    const statuses = await page.$$eval('#fleet-table tbody tr', (trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-status')))]);
    expect(statuses).toEqual(['ok']);
    const unknownShown = await page.$$eval('#fleet-table tbody td', (tds) => tds.some((td) => td.textContent === 'unknown'));
    expect(unknownShown).toBe(true);
    expect(await page.getAttribute('#fleet-csv', 'href')).toBe('/api/fleet?status=ok&format=csv');
    // The CSV link downloads with the page's credentials (a plain link would send no principal/function key).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fleet-csv')]);
    expect(download.suggestedFilename()).toBe('fleet.csv');
    const csv = await readFile((await download.path()) as string, 'utf8');
    const csvRows = csv.split('\r\n').slice(1).filter(Boolean);
    expect(csvRows.length).toBe(Number((await page.textContent('#fleet-message'))?.split(' ')[0])); // "<count> of 2000 registries"
    expect(csvRows.length).toBeGreaterThan(0);
    expect(csvRows.every((l) => l.split(',')[5] === 'ok')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
