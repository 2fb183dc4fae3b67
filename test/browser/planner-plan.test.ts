/**
 * The planner page on a live registry (ARM sandbox): recommend from the
 * registry id, create a plan, download its az export — in headless Chromium.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startArmSandbox, registryResourceId, type ArmSandbox } from '../../devhost/sandbox';
import { createServices, setServices } from '../../src/composition';
import { readSettings } from '../../src/settings';
import type { LocalHost } from '../../devhost/local-host';
import { artifact, launchChromium, startHost, openPlanner } from './harness';

let sandbox: ArmSandbox;
let host: LocalHost;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startArmSandbox({ port: 0 });
  const env = { ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 'test', PLAN_STORE: 'memory', LOCAL_PRINCIPAL_HEADER: 'true' };
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

describe('planner page: live registry → recommendation → plan', () => {
  it('creates a plan from the recommendation and downloads its az script', async () => {
    const { context, page, errors } = await openPlanner(browser, host, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    expect(await page.isDisabled('#create-plan')).toBe(true);

    await page.fill('#registry-id', registryResourceId('contoso'));
    await page.fill('#avg-pull', '300');
    await page.fill('#workloads-json', JSON.stringify([{ region: 'westus', share: 0.4 }, { region: 'eastus', share: 0.3 }, { region: 'westeurope', share: 0.3 }]));
    await page.click('details.connection summary');
    await page.fill('#principal', 'alice@contoso.com; roles=Planner.Request');
    await page.click('#recommend');
    await page.waitForSelector('#map svg g.region');
    const regions = await page.$$eval('#recommendation-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-region')));
    expect(regions[0]).toBe('westus');
    expect(regions.length).toBeGreaterThan(1); // 30k GB/month to East US and West Europe pay for replicas
    expect(await page.isDisabled('#create-plan')).toBe(false);

    await page.click('#create-plan');
    await page.waitForSelector('[data-plan-id]');
    expect(await page.getAttribute('[data-plan-state]', 'data-plan-state')).toBe('pending');
    const actions = await page.$$eval('#plan-actions li', (lis) => lis.map((li) => li.getAttribute('data-action')));
    expect(actions[0]).toBe('upgrade-sku');
    expect(actions.filter((a) => a?.startsWith('create-replica:')).length).toBe(regions.length - 1);
    await page.screenshot({ path: artifact('planner-plan.png'), fullPage: false });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="az"]')]);
    const path = await download.path();
    const script = readFileSync(path, 'utf8');
    expect(script).toMatch(/az acr update .*--sku Premium/);
    expect(script).toMatch(/az acr replication create/);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
