/**
 * Browser-test harness: the local host in-process (the very handlers of the
 * function table, plus the GET / redirect) and headless Chromium driven by
 * playwright-core. Chromium comes from the Debian package (`/usr/bin/chromium`,
 * installed by .ci/run); playwright never downloads a browser. A missing
 * Chromium FAILS the tests with a clear message; it does not skip them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { readSettings } from '../../src/config';
import { httpEndpoints } from '../../src/functions/registry';
import { startLocalHost, type LocalHost } from '../../src/http/local-host';
import { redirectRootToPlanner } from '../../src/http/root-redirect';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the browser tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does this), or set CHROMIUM_PATH.',
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
}

export async function startHost(log: string[] = []): Promise<LocalHost> {
  return startLocalHost({
    endpoints: httpEndpoints(),
    port: 0,
    maxBodyBytes: readSettings().maxBodyBytes,
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
