/**
 * Browser-test harness: the local host in-process (the very handlers of the
 * function table, plus the GET / redirect). Which headless Chromium the tests
 * drive (CHROMIUM_PATH, a system `chromium`, or the bundled @sparticuz/chromium)
 * is decided in one place, test/helpers/browser.ts. No browser is ever skipped.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from '../../src/settings';
import { httpEndpoints } from '../../src/functions/registry';
import { startLocalHost, type LocalHost } from '../../devhost/local-host';
import { redirectRootToPlanner } from '../../devhost/root-redirect';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export { launchChromium } from '../helpers/browser';

export const ARTIFACTS = join(__dirname, '..', 'artifacts');

export async function startHost(log: string[] = []): Promise<LocalHost> {
  return startLocalHost({
    endpoints: httpEndpoints(),
    port: 0,
    maxBodyBytes: readSettings().http.maxBodyBytes,
    log: (line) => log.push(line),
    extraHandlers: [redirectRootToPlanner],
  });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

export const CONTOSO_ESTIMATE = {
  registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
  replicas: [{ region: 'eastus' }, { region: 'canadacentral' }, { region: 'westeurope' }],
  workloads: [
    { region: 'westus', pullGBPerMonth: 1000 },
    { region: 'eastus', pullGBPerMonth: 800 },
    { region: 'canadacentral', pullGBPerMonth: 300 },
    { region: 'westeurope', pullGBPerMonth: 600 },
  ],
};

/** A new context and page on the planner page of `host`, ready (html[data-ready]); uncaught page errors are collected in `errors`. */
export async function openPlanner(browser: Browser, host: LocalHost, options: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${host.port}/api/planner/`);
  await page.waitForSelector('html[data-ready="true"]');
  return { context, page, errors };
}
