/**
 * The planner page's consolidation section (#17) in headless Chromium: select contoso and
 * contosowesteu, compare, see the before/after table and the maps of both states.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startArmSandbox, type ArmSandbox } from '../../devhost/sandbox';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import type { LocalHost } from '../../devhost/local-host';
import { artifact, launchChromium, startHost, openPlanner } from './harness';

let sandbox: ArmSandbox;
let host: LocalHost;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startArmSandbox({ port: 0 });
  const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'consolidation-page-')), 'ca.pem');
  fs.writeFileSync(caFile, sandbox.dataPlane.ca);
  const env = { ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 'test', PLAN_STORE: 'memory', LOCAL_PRINCIPAL_HEADER: 'true', ACR_DATA_ENDPOINT_TEMPLATE: `${sandbox.dataPlane.url}/{registry}`, ACR_DATA_CA_FILE: caFile };
  setServices(createServices(readSettings(env)));
  host = await startHost();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await host?.close();
  setServices();
  await sandbox?.close();
});

describe('planner page: consolidation', () => {
  it('selects two registries and shows the before/after comparison and both maps', async () => {
    const { context, page, errors } = await openPlanner(browser, host, { viewport: { width: 1280, height: 1400 } });
    await page.fill('#workloads-json', JSON.stringify([{ region: 'westus', pullGBPerMonth: 2000 }, { region: 'eastus', pullGBPerMonth: 800 }, { region: 'canadacentral', pullGBPerMonth: 300 }, { region: 'westeurope', pullGBPerMonth: 2500 }]));
    expect(await page.$$eval('#consolidation-registries input:checked', (cs) => cs.length)).toBe(2);
    await page.click('#consolidation-form button[type=submit]');
    await page.waitForSelector('#consolidation-map-after svg');
    await page.waitForSelector('#consolidation-map-before figure:nth-of-type(2) svg');
    const rows = await page.$$eval('#consolidation-table tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(rows[1]?.[1]).toContain('contoso (Standard, westus');
    expect(rows[1]?.[2]).toContain('contoso (Premium, westus + westeurope');
    expect(rows[2]?.[1]).toMatch(/USD\/month/);
    expect(await page.textContent('#consolidation-savings')).toMatch(/^Saving: \d+\.\d\d USD\/month/);
    expect(await page.textContent('#consolidation-moves')).toContain('To import: 1 tag(s)');
    await page.locator('#consolidation').screenshot({ path: artifact('planner-consolidation.png') });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
